// The CloudFormation export: validated by cfn-lint (AWS's linter, from PyPI) and read back
// with `yaml` to check the resources, and that every policy document arrives exactly as
// planned, IAM policy variables untouched and never inside Fn::Sub.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportCloudFormation } from '../../../src/plan/export/cloudformation.js';
import type { ExportableRole } from '../../../src/plan/export/exportable.js';
import { cfnLint } from './cfn-lint.js';
import { ACCOUNT, FIXTURE_ROLES, META, PLAN_ID, reportsRole, webRole } from './fixture-roles.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  AWSTemplateFormatVersion: string;
  Description: string;
  Metadata: { keyshift: { planId: string; account: string; launchTemplateVersions: Record<string, unknown>[] } };
  Rules: Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
}

const yaml = exportCloudFormation(FIXTURE_ROLES, META);
// read as YAML 1.1 too, as CloudFormation does: "2012-10-17" must stay a string
const template = parse(yaml, { version: '1.1' }) as Template;

function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
  return [];
}

describe('exportCloudFormation', () => {
  it('passes cfn-lint without a single finding', () => {
    const lint = cfnLint(yaml);
    expect(lint.status, `cfn-lint found problems:\n${lint.output}`).toBe(0);
  }, 180_000);

  it('is checked by a cfn-lint that does reject a broken template', () => {
    const broken = yaml.replace('      ManagedPolicyName: keyshift-asg-web-s3\n', '      ManagedPolicyName: keyshift-asg-web-s3\n      Tags: []\n');
    expect(broken).not.toBe(yaml);
    const lint = cfnLint(broken);
    expect(lint.status).not.toBe(0);
    expect(lint.output).toContain('E3002');
  }, 180_000);

  it('has a role, its managed policies and an instance profile per workload', () => {
    expect(Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type]))).toEqual({
      AsgWebRole: 'AWS::IAM::Role',
      AsgWebS3Policy: 'AWS::IAM::ManagedPolicy',
      AsgWebSqsPolicy: 'AWS::IAM::ManagedPolicy',
      AsgWebInstanceProfile: 'AWS::IAM::InstanceProfile',
      I0123456789abcdef0ReportsRole: 'AWS::IAM::Role',
      I0123456789abcdef0ReportsDynamodbPolicy: 'AWS::IAM::ManagedPolicy',
      I0123456789abcdef0ReportsInstanceProfile: 'AWS::IAM::InstanceProfile',
    });
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
  });

  it('writes each role with its path, trust policy, tags, boundary and carried-over policies', () => {
    const web = template.Resources.AsgWebRole!.Properties;
    expect(web).toStrictEqual({
      RoleName: 'keyshift-asg-web',
      Path: '/keyshift/',
      AssumeRolePolicyDocument: webRole.trustPolicy,
      Tags: Object.entries(webRole.tags).sort().map(([Key, Value]) => ({ Key, Value })),
    });
    const reports = template.Resources.I0123456789abcdef0ReportsRole!.Properties;
    expect(reports.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']);
    expect(reports.PermissionsBoundary).toBe(reportsRole.permissionsBoundaryArn);
    expect(reports.AssumeRolePolicyDocument).toStrictEqual(reportsRole.trustPolicy);
  });

  it('round-trips every policy document exactly and attaches it to its role', () => {
    const ids: Record<string, [string, string]> = {
      'keyshift-asg-web-s3': ['AsgWebS3Policy', 'AsgWebRole'],
      'keyshift-asg-web-sqs': ['AsgWebSqsPolicy', 'AsgWebRole'],
      'keyshift-reports-dynamodb': ['I0123456789abcdef0ReportsDynamodbPolicy', 'I0123456789abcdef0ReportsRole'],
    };
    for (const role of FIXTURE_ROLES) {
      for (const policy of role.managedPolicies) {
        const [policyId, roleId] = ids[policy.name]!;
        expect(template.Resources[policyId]!.Properties).toStrictEqual({
          ManagedPolicyName: policy.name,
          Path: '/keyshift/',
          PolicyDocument: policy.document,
          Roles: [{ Ref: roleId }],
        });
      }
    }
    expect(parse(yaml)).toStrictEqual(template);
  });

  it('leaves IAM policy variables as they are, never inside Fn::Sub', () => {
    expect(keysDeep(template)).not.toContain('Fn::Sub');
    expect(yaml).toContain('arn:aws:s3:::web-assets/home/${aws:username}/*');
  });

  it('creates the instance profiles with their role, and gives every ARN as an output', () => {
    expect(template.Resources.AsgWebInstanceProfile!.Properties).toStrictEqual({
      InstanceProfileName: 'keyshift-asg-web',
      Path: '/keyshift/',
      Roles: [{ Ref: 'AsgWebRole' }],
    });
    expect(Object.keys(template.Outputs)).toEqual([
      'AsgWebRoleArn',
      'AsgWebS3PolicyArn',
      'AsgWebSqsPolicyArn',
      'AsgWebInstanceProfileArn',
      'I0123456789abcdef0ReportsRoleArn',
      'I0123456789abcdef0ReportsDynamodbPolicyArn',
      'I0123456789abcdef0ReportsInstanceProfileArn',
    ]);
    expect(template.Outputs.AsgWebRoleArn!.Value).toEqual({ 'Fn::GetAtt': ['AsgWebRole', 'Arn'] });
    expect(template.Outputs.AsgWebS3PolicyArn!.Value).toEqual({ Ref: 'AsgWebS3Policy' });
    expect(template.Outputs.AsgWebInstanceProfileArn!.Value).toEqual({ 'Fn::GetAtt': ['AsgWebInstanceProfile', 'Arn'] });
  });

  it('refuses to create the stack in another account', () => {
    expect(template.Rules.KeyshiftPlanAccount!.Assertions).toEqual([
      { Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, ACCOUNT] }, AssertDescription: expect.stringContaining(ACCOUNT) },
    ]);
  });

  it('leaves launch template versions to keyshift apply, listing them in Metadata and saying so', () => {
    expect(keysDeep(template.Resources)).not.toContain('AWS::EC2::LaunchTemplate');
    expect(template.Metadata.keyshift).toEqual({
      planId: PLAN_ID,
      account: ACCOUNT,
      launchTemplateVersions: [
        {
          workloadId: 'asg-web',
          region: 'us-east-1',
          launchTemplateId: 'lt-0a1b2c3d4e5f60718',
          sourceVersion: 3,
          instanceProfileName: 'keyshift-asg-web',
          httpTokens: 'required',
          httpPutResponseHopLimit: 2,
          keylessUserData: false,
        },
      ],
    });
    expect(template.Description).toContain('launch template version listed in Metadata (keyshift.launchTemplateVersions) is not part of this stack: keyshift apply creates it');
    expect(parse(exportCloudFormation([reportsRole], META)).Description).not.toContain('launch template');
  });

  it('is deterministic and independent of the order the planner lists things in', () => {
    const shuffled: ExportableRole[] = [{ ...reportsRole }, { ...webRole, managedPolicies: [...webRole.managedPolicies].reverse() }];
    expect(exportCloudFormation(FIXTURE_ROLES, META)).toBe(yaml);
    expect(exportCloudFormation(shuffled, META)).toBe(yaml);
  });

  it('gives colliding names distinct, stable logical IDs', () => {
    const a: ExportableRole = { ...reportsRole, workloadId: 'app/api', roleName: 'r-a', instanceProfileName: 'p-a', managedPolicies: [] };
    const b: ExportableRole = { ...reportsRole, workloadId: 'app.api', roleName: 'r-b', instanceProfileName: 'p-b', managedPolicies: [] };
    const ids = Object.keys((parse(exportCloudFormation([a, b], META)) as Template).Resources);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(/^AppApi(Role|InstanceProfile)[0-9a-f]{8}$/);
  });
});
