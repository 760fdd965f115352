// The Terraform export, read back with a real HCL parser (hcl-reader.ts): the resources and
// their attributes, and every policy document exactly as jsonencode would encode it, IAM
// policy variables, quotes and backslashes included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import type { ExportableRole } from '../../../src/plan/export/exportable.js';
import { hclString } from '../../../src/plan/export/hcl.js';
import { exportTerraform } from '../../../src/plan/export/terraform.js';
import { ACCOUNT, FIXTURE_ROLES, META, PLAN_ID, reportsRole, webRole } from './fixture-roles.js';
import { jsonencodeArgument, parseHcl, parseHclExpression, resourceBody, resourceLabels } from './hcl-reader.js';

const hcl = exportTerraform(FIXTURE_ROLES, META);
const doc = parseHcl(hcl);

describe('exportTerraform', () => {
  it('has the resources of both workloads, under sanitized, readable labels', () => {
    expect(resourceLabels(doc, 'aws_iam_role')).toEqual(['asg-web', 'i-0123456789abcdef0_reports']);
    expect(resourceLabels(doc, 'aws_iam_policy')).toEqual(['asg-web_s3', 'asg-web_sqs', 'i-0123456789abcdef0_reports_dynamodb']);
    expect(resourceLabels(doc, 'aws_iam_role_policy_attachment')).toEqual([
      'asg-web_s3',
      'asg-web_sqs',
      'i-0123456789abcdef0_reports_AmazonSSMManagedInstanceCore',
      'i-0123456789abcdef0_reports_CloudWatchAgentServerPolicy',
      'i-0123456789abcdef0_reports_dynamodb',
    ]);
    expect(resourceLabels(doc, 'aws_iam_instance_profile')).toEqual(['asg-web', 'i-0123456789abcdef0_reports']);
    expect(resourceLabels(doc, 'terraform_data')).toEqual(['asg-web_lt-0a1b2c3d4e5f60718']);
    expect(Object.keys(doc).sort()).toEqual(['data', 'resource']);
  });

  it('writes each role with its path, tags, boundary and the trust policy as given', () => {
    const web = resourceBody(doc, 'aws_iam_role', 'asg-web');
    expect(web).toMatchObject({ name: 'keyshift-asg-web', path: '/keyshift/', tags: webRole.tags });
    expect(web).not.toHaveProperty('permissions_boundary');
    expect(jsonencodeArgument(web.assume_role_policy)).toStrictEqual(webRole.trustPolicy);

    const reports = resourceBody(doc, 'aws_iam_role', 'i-0123456789abcdef0_reports');
    expect(reports).toMatchObject({ name: 'keyshift-reports', path: '/keyshift/', permissions_boundary: reportsRole.permissionsBoundaryArn, tags: reportsRole.tags });
    expect(jsonencodeArgument(reports.assume_role_policy)).toStrictEqual(reportsRole.trustPolicy);
  });

  it('round-trips every policy document exactly, policy variables, quotes and backslashes included', () => {
    const labels: Record<string, string> = {
      'keyshift-asg-web-s3': 'asg-web_s3',
      'keyshift-asg-web-sqs': 'asg-web_sqs',
      'keyshift-reports-dynamodb': 'i-0123456789abcdef0_reports_dynamodb',
    };
    for (const role of FIXTURE_ROLES) {
      for (const policy of role.managedPolicies) {
        const body = resourceBody(doc, 'aws_iam_policy', labels[policy.name]!);
        expect(body).toMatchObject({ name: policy.name, path: '/keyshift/', tags: role.tags });
        expect(jsonencodeArgument(body.policy)).toStrictEqual(policy.document);
      }
    }
    // the policy variable is escaped in the file, so it reaches IAM as ${aws:username}
    expect(hcl).toContain('"arn:aws:s3:::web-assets/home/$${aws:username}/*"');
    expect(hcl).toContain('%%{not-a-directive} $$${x}');
  });

  it('round-trips every JSON shape: numbers, booleans, null, empty and nested arrays and objects', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [],
      Numbers: [0, -1, 2.5, 1e21, 123456789012],
      Flags: { yes: true, no: false, none: null },
      Empty: { list: [], map: {}, text: '' },
      Nested: [[['deep']], [{ a: [{}] }]],
      'odd key with "quotes" and ${var}': 'value',
    };
    const role: ExportableRole = { ...reportsRole, managedPolicies: [{ name: 'shapes', document }] };
    const body = resourceBody(parseHcl(exportTerraform([role], META)), 'aws_iam_policy', 'i-0123456789abcdef0_reports_shapes');
    expect(jsonencodeArgument(body.policy)).toStrictEqual(document);
  });

  it('attaches planned policies by reference and carried-over policies by ARN', () => {
    expect(resourceBody(doc, 'aws_iam_role_policy_attachment', 'asg-web_s3')).toEqual({
      role: '${aws_iam_role.asg-web.name}',
      policy_arn: '${aws_iam_policy.asg-web_s3.arn}',
    });
    expect(resourceBody(doc, 'aws_iam_role_policy_attachment', 'i-0123456789abcdef0_reports_AmazonSSMManagedInstanceCore')).toEqual({
      role: '${aws_iam_role.i-0123456789abcdef0_reports.name}',
      policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
  });

  it('creates one instance profile per role, on keyshift path, tagged', () => {
    expect(resourceBody(doc, 'aws_iam_instance_profile', 'asg-web')).toEqual({
      name: 'keyshift-asg-web',
      path: '/keyshift/',
      role: '${aws_iam_role.asg-web.name}',
      tags: webRole.tags,
    });
  });

  it('makes the launch template version from the source version through the EC2 API, after the profile exists', () => {
    const version = resourceBody(doc, 'terraform_data', 'asg-web_lt-0a1b2c3d4e5f60718');
    const triggers = version.triggers_replace as Record<string, unknown>;
    expect(triggers).toMatchObject({
      region: 'us-east-1',
      launch_template_id: 'lt-0a1b2c3d4e5f60718',
      source_version: '3',
      version_description: `keyshift ${PLAN_ID}: instance profile and IMDSv2 required`,
    });
    expect(jsonencodeArgument(triggers.launch_template_data)).toStrictEqual({
      IamInstanceProfile: { Name: '${aws_iam_instance_profile.asg-web.name}' },
      MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
    const provisioners = version.provisioner as Record<string, Record<string, unknown>[]>;
    const localExec = provisioners['local-exec']![0]!;
    expect(localExec.interpreter).toEqual(['/bin/sh', '-c']);
    expect(localExec.command).toBe(
      'aws ec2 create-launch-template-version --region "$KEYSHIFT_REGION" --launch-template-id "$KEYSHIFT_LAUNCH_TEMPLATE_ID"' +
        ' --source-version "$KEYSHIFT_SOURCE_VERSION" --version-description "$KEYSHIFT_VERSION_DESCRIPTION"' +
        ' --launch-template-data "$KEYSHIFT_LAUNCH_TEMPLATE_DATA"',
    );
    // every value reaches the shell through the environment, none through the command line
    expect(localExec.environment).toEqual({
      KEYSHIFT_REGION: '${self.triggers_replace.region}',
      KEYSHIFT_LAUNCH_TEMPLATE_ID: '${self.triggers_replace.launch_template_id}',
      KEYSHIFT_SOURCE_VERSION: '${self.triggers_replace.source_version}',
      KEYSHIFT_VERSION_DESCRIPTION: '${self.triggers_replace.version_description}',
      KEYSHIFT_LAUNCH_TEMPLATE_DATA: '${self.triggers_replace.launch_template_data}',
    });
    expect(hcl).not.toMatch(/\bimport\s*\{/);
  });

  it('writes keyless user data into the new version and names a profile it does not create', () => {
    const role: ExportableRole = {
      ...webRole,
      launchTemplates: [{ ...webRole.launchTemplates![0]!, instanceProfileName: 'existing-profile', userDataBase64: 'IyEvYmluL3NoCmVjaG8gaGk=' }],
    };
    const version = resourceBody(parseHcl(exportTerraform([role], META)), 'terraform_data', 'asg-web_lt-0a1b2c3d4e5f60718');
    expect(jsonencodeArgument((version.triggers_replace as Record<string, unknown>).launch_template_data)).toMatchObject({
      IamInstanceProfile: { Name: 'existing-profile' },
      UserData: 'IyEvYmluL3NoCmVjaG8gaGk=',
    });
  });

  it('stops `terraform plan` in any other account', () => {
    const data = doc.data as Record<string, Record<string, Record<string, unknown>[]>>;
    const guard = data.aws_caller_identity![`keyshift_${PLAN_ID}`]![0]!;
    const postcondition = (guard.lifecycle as Record<string, Record<string, unknown>[]>[])[0]!.postcondition![0]!;
    expect(postcondition.condition).toBe(`\${self.account_id == "${ACCOUNT}"}`);
    expect(postcondition.error_message).toContain(ACCOUNT);
  });

  it('says where it comes from and how launch templates are handled, only when there are any', () => {
    expect(hcl.startsWith(`# Generated by keyshift from plan ${PLAN_ID} for AWS account ${ACCOUNT}: 2 workloads.`)).toBe(true);
    expect(hcl).toContain('# Launch templates are not managed here');
    expect(exportTerraform([reportsRole], META)).not.toContain('Launch templates');
  });

  it('is deterministic and independent of the order the planner lists things in', () => {
    const shuffled: ExportableRole[] = [
      { ...reportsRole, existingPolicyArns: [...reportsRole.existingPolicyArns].reverse() },
      { ...webRole, managedPolicies: [...webRole.managedPolicies].reverse() },
    ];
    expect(exportTerraform(FIXTURE_ROLES, META)).toBe(hcl);
    expect(exportTerraform(shuffled, META)).toBe(hcl);
  });

  it('gives colliding workload names distinct, stable labels', () => {
    const a: ExportableRole = { ...reportsRole, workloadId: 'app/api', roleName: 'r-a', instanceProfileName: 'p-a', managedPolicies: [] };
    const b: ExportableRole = { ...reportsRole, workloadId: 'app.api', roleName: 'r-b', instanceProfileName: 'p-b', managedPolicies: [] };
    const labels = resourceLabels(parseHcl(exportTerraform([a, b], META)), 'aws_iam_role');
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label).toMatch(/^app_api_[0-9a-f]{8}$/);
    expect(resourceLabels(parseHcl(exportTerraform([b, a], META)), 'aws_iam_role')).toEqual(labels);
  });

  it('refuses strings Terraform would change (not in Unicode normal form C), saying what to do', () => {
    const decomposed = 'arn:aws:s3:::photos/cafe\u0301/*';
    const role: ExportableRole = {
      ...reportsRole,
      managedPolicies: [{ name: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: decomposed }] } }],
    };
    expect(() => exportTerraform([role], META)).toThrow(KeyshiftError);
    expect(() => exportTerraform([role], META)).toThrow(/normal form C/);
  });

  it('refuses a plan that names one workload twice', () => {
    expect(() => exportTerraform([webRole, webRole], META)).toThrow(/appears twice/);
  });
});

describe('hclString', () => {
  it('is read back by HCL as the same text for any string Terraform can hold', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => s.normalize('NFC') === s);
    const tricky = fc.array(fc.constantFrom('${', '%{', '$${', '%%{', '$', '%', '{', '}', '\\', '"', '\n', '\r\n', '\t', '\u0000', '\u2028', 'é', '😀'), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(text, tricky), (s) => {
        expect(parseHclExpression(hclString(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('would be caught by the parser if a policy variable were left unescaped', () => {
    expect(() => parseHclExpression('"home/${aws:username}/*"')).toThrow(/not valid HCL/);
  });
});
