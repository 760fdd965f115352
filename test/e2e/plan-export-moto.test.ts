// The exports against the moto AWS emulator, so the syntax of what they carry is real: the
// CloudFormation template is applied resource by resource through the IAM API (CreateRole
// with the trust policy, CreatePolicy, AttachRolePolicy, CreateInstanceProfile,
// AddRoleToInstanceProfile), everything is read back and must equal the plan; the launch
// template data of the Terraform export goes through CreateLaunchTemplateVersion.
// Where moto differs from AWS the test says so:
// - moto loads AWS managed policies only when its server starts with an environment variable;
// - moto ignores CreateLaunchTemplateVersion's SourceVersion (it copies nothing), so only the
//   fields the export sets are checked, not the copy of the source version's settings.
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, type RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportCloudFormation } from '../../src/plan/export/cloudformation.js';
import { exportTerraform } from '../../src/plan/export/terraform.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { ACCOUNT, FIXTURE_ROLES, META, reportsRole, webRole } from '../unit/plan-export/fixture-roles.js';
import { jsonencodeArgument, parseHcl, resourceBody } from '../unit/plan-export/hcl-reader.js';

const REGION = 'us-east-1';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

let moto: Moto;
beforeAll(async () => {
  // moto leaves out AWS managed policies unless its server starts with this set (its config
  // API cannot change it); the reports role carries two of them over
  const before = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  try {
    moto = await startMoto();
  } finally {
    if (before === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
    else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = before;
  }
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

function clientConfig() {
  return { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/** IAM returns documents URL-encoded (RFC 3986); moto returns some as they were sent. */
function documentOf(text: string | undefined): unknown {
  if (text === undefined) throw new Error('no policy document returned');
  return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));
}

/** What `aws cloudformation deploy` would do with the template, call by call. */
async function applyTemplate(iam: IAMClient, resources: Record<string, Resource>): Promise<void> {
  const of = (type: string) => Object.values(resources).filter((r) => r.Type === type).map((r) => r.Properties);
  const roleNameOf = (ref: unknown): string => {
    const id = (ref as { Ref: string }).Ref;
    return resources[id]!.Properties.RoleName as string;
  };
  for (const p of of('AWS::IAM::Role')) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: p.RoleName as string,
        Path: p.Path as string,
        AssumeRolePolicyDocument: JSON.stringify(p.AssumeRolePolicyDocument),
        PermissionsBoundary: p.PermissionsBoundary as string | undefined,
        Tags: p.Tags as { Key: string; Value: string }[],
      }),
    );
    for (const arn of (p.ManagedPolicyArns ?? []) as string[]) await iam.send(new AttachRolePolicyCommand({ RoleName: p.RoleName as string, PolicyArn: arn }));
  }
  for (const p of of('AWS::IAM::ManagedPolicy')) {
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: p.ManagedPolicyName as string, Path: p.Path as string, PolicyDocument: JSON.stringify(p.PolicyDocument) }));
    for (const role of p.Roles as unknown[]) await iam.send(new AttachRolePolicyCommand({ RoleName: roleNameOf(role), PolicyArn: created.Policy!.Arn! }));
  }
  for (const p of of('AWS::IAM::InstanceProfile')) {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName as string, Path: p.Path as string }));
    for (const role of p.Roles as unknown[]) await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName as string, RoleName: roleNameOf(role) }));
  }
}

describe('plan exports in the moto AWS emulator', () => {
  it('creates every role, policy and instance profile of the CloudFormation export, and IAM gives back exactly the plan', async () => {
    const iam = new IAMClient(clientConfig());
    // the boundary the reports role names must exist, as it would in the account
    await iam.send(new CreatePolicyCommand({ PolicyName: 'keyshift-boundary', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    const template = parse(exportCloudFormation(FIXTURE_ROLES, META)) as { Resources: Record<string, Resource> };
    await applyTemplate(iam, template.Resources);

    for (const planned of FIXTURE_ROLES) {
      const role = (await iam.send(new GetRoleCommand({ RoleName: planned.roleName }))).Role!;
      expect(role.Path).toBe(planned.rolePath);
      expect(documentOf(role.AssumeRolePolicyDocument)).toStrictEqual(planned.trustPolicy);
      expect(role.PermissionsBoundary?.PermissionsBoundaryArn).toBe(planned.permissionsBoundaryArn);
      expect(Object.fromEntries((role.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(planned.tags);

      const policyArns = planned.managedPolicies.map((p) => `arn:aws:iam::${ACCOUNT}:policy${planned.rolePath}${p.name}`);
      for (const [i, p] of planned.managedPolicies.entries()) {
        const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: policyArns[i] }))).Policy!;
        expect(policy.Path).toBe(planned.rolePath);
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArns[i], VersionId: policy.DefaultVersionId }));
        expect(documentOf(version.PolicyVersion!.Document)).toStrictEqual(p.document);
      }
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: planned.roleName }));
      expect(attached.AttachedPolicies!.map((a) => a.PolicyArn).sort()).toEqual([...policyArns, ...planned.existingPolicyArns].sort());

      const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: planned.instanceProfileName }))).InstanceProfile!;
      expect(profile.Path).toBe(planned.rolePath);
      expect(profile.Roles!.map((r) => r.RoleName)).toEqual([planned.roleName]);
    }
    // the policy variable reached IAM untouched
    const s3 = await iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/keyshift/keyshift-asg-web-s3` }));
    const s3Document = await iam.send(new GetPolicyVersionCommand({ PolicyArn: s3.Policy!.Arn, VersionId: s3.Policy!.DefaultVersionId }));
    expect(JSON.stringify(documentOf(s3Document.PolicyVersion!.Document))).toContain('home/${aws:username}/*');
    expect(reportsRole.existingPolicyArns.length).toBeGreaterThan(0);
  });

  it('gives EC2 launch template data it accepts: the Terraform export creates a version with the profile and IMDSv2 required', async () => {
    const hcl = parseHcl(exportTerraform(FIXTURE_ROLES, META));
    const profileName = resourceBody(hcl, 'aws_iam_instance_profile', 'asg-web').name as string;
    const triggers = resourceBody(hcl, 'terraform_data', 'asg-web_lt-0a1b2c3d4e5f60718').triggers_replace as Record<string, string>;
    // Terraform fills in the reference; here it is the profile's name from the same file
    const data = JSON.parse(JSON.stringify(jsonencodeArgument(triggers.launch_template_data)).replace('${aws_iam_instance_profile.asg-web.name}', profileName)) as RequestLaunchTemplateData;

    const ec2 = new EC2Client(clientConfig());
    // a template whose version 3 (the plan's source version) is the one in use
    const created = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: 'ami-11111111', InstanceType: 't3.micro' } }));
    const templateId = created.LaunchTemplate!.LaunchTemplateId!;
    for (const image of ['ami-22222222', 'ami-33333333']) {
      await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: templateId, LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro' } }));
    }
    const made = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        SourceVersion: triggers.source_version,
        VersionDescription: triggers.version_description,
        LaunchTemplateData: data,
      }),
    );
    const versionNumber = made.LaunchTemplateVersion!.VersionNumber!;
    expect(versionNumber).toBe(4);
    const described = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [String(versionNumber)] }));
    const version = described.LaunchTemplateVersions![0]!;
    expect(version.VersionDescription).toBe(triggers.version_description);
    expect(version.LaunchTemplateData!.IamInstanceProfile).toEqual({ Name: webRole.instanceProfileName });
    expect(version.LaunchTemplateData!.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' });
  });
});
