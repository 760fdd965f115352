// The plan's roles as a CloudFormation template (YAML), for teams that apply IAM through
// stacks: per workload an AWS::IAM::Role (carrying over existing policies through
// ManagedPolicyArns), an AWS::IAM::ManagedPolicy per planned policy attached through its
// Roles, and an AWS::IAM::InstanceProfile; Outputs give their ARNs.
//
// Launch templates: a stack can only version a template it owns, and modelling the new
// version as a new AWS::EC2::LaunchTemplate would need the whole source version (AMI,
// network, user data…), which the plan does not carry. So the template lists the versions in
// Metadata and says so in its Description; `keyshift apply` creates them from the source
// version once the stack is complete.
//
// Only the roles carry keyshift's tags: AWS::IAM::ManagedPolicy and AWS::IAM::InstanceProfile
// have no Tags property (the Terraform export tags all three). They carry keyshift's path.
//
// Policy documents are written as data, never through Fn::Sub, so IAM policy variables such
// as ${aws:username} reach IAM as they are.
import { stringify } from 'yaml';
import type { ExportMeta, ExportableRole } from './exportable.js';
import { cloudFormationIds, type CloudFormationIds } from './cloudformation-ids.js';
import { orderRoles, type OrderedRole } from './ordered-roles.js';

type Template = Record<string, unknown>;

export function exportCloudFormation(roles: ExportableRole[], meta: ExportMeta): string {
  const ordered = orderRoles(roles);
  const ids = cloudFormationIds(ordered);
  const versions = ordered.flatMap((role) => role.launchTemplates.map((t) => ({ workloadId: role.workloadId, ...t })));
  const template: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description(meta, ordered.length, versions.length),
    Metadata: {
      keyshift: {
        planId: meta.planId,
        account: meta.account,
        launchTemplateVersions: versions.map((v) => ({
          workloadId: v.workloadId,
          region: v.region,
          launchTemplateId: v.launchTemplateId,
          sourceVersion: v.sourceVersion,
          instanceProfileName: v.instanceProfileName,
          httpTokens: v.httpTokens,
          httpPutResponseHopLimit: v.hopLimit,
          keylessUserData: v.userDataBase64 !== undefined,
        })),
      },
    },
    Rules: {
      KeyshiftPlanAccount: {
        Assertions: [
          {
            Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, meta.account] },
            AssertDescription: `This keyshift export (plan ${meta.planId}) is for AWS account ${meta.account}.`,
          },
        ],
      },
    },
    Resources: Object.fromEntries(ordered.flatMap((role) => resourcesOf(role, ids))),
    Outputs: Object.fromEntries(ordered.flatMap((role) => outputsOf(role, ids))),
  };
  // YAML 1.1 quoting, as CloudFormation's parser reads "2012-10-17" or "on" unquoted as a
  // date or a boolean; no anchors, which not every consumer of templates follows
  return stringify(template, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

function description(meta: ExportMeta, workloads: number, versions: number): string {
  const what = `keyshift plan ${meta.planId} for AWS account ${meta.account}: IAM roles, customer managed policies and instance profiles for ${workloads} workload${workloads === 1 ? '' : 's'}.`;
  if (versions === 0) return what;
  const listed = versions === 1 ? 'The new launch template version listed' : `The ${versions} new launch template versions listed`;
  return `${what} ${listed} in Metadata (keyshift.launchTemplateVersions) ${versions === 1 ? 'is' : 'are'} not part of this stack: keyshift apply creates ${versions === 1 ? 'it from its source version' : 'them from their source versions'} once the stack is complete.`;
}

function resourcesOf(role: OrderedRole, ids: CloudFormationIds): [string, Template][] {
  const roleId = ids.role(role.workloadId);
  const roleProperties: Template = {
    RoleName: role.roleName,
    Path: role.rolePath,
    AssumeRolePolicyDocument: role.trustPolicy,
  };
  if (role.existingPolicyArns.length > 0) roleProperties.ManagedPolicyArns = role.existingPolicyArns;
  if (role.permissionsBoundaryArn !== undefined) roleProperties.PermissionsBoundary = role.permissionsBoundaryArn;
  roleProperties.Tags = Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value }));
  return [
    [roleId, { Type: 'AWS::IAM::Role', Properties: roleProperties }],
    ...role.managedPolicies.map((policy): [string, Template] => [
      ids.policy(role.workloadId, policy.name),
      {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { ManagedPolicyName: policy.name, Path: role.rolePath, PolicyDocument: policy.document, Roles: [{ Ref: roleId }] },
      },
    ]),
    [
      ids.instanceProfile(role.workloadId),
      { Type: 'AWS::IAM::InstanceProfile', Properties: { InstanceProfileName: role.instanceProfileName, Path: role.rolePath, Roles: [{ Ref: roleId }] } },
    ],
  ];
}

function outputsOf(role: OrderedRole, ids: CloudFormationIds): [string, Template][] {
  const roleId = ids.role(role.workloadId);
  const profileId = ids.instanceProfile(role.workloadId);
  return [
    [`${roleId}Arn`, { Description: `Role of workload ${role.workloadId}`, Value: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
    ...role.managedPolicies.map((policy): [string, Template] => {
      const policyId = ids.policy(role.workloadId, policy.name);
      // Ref of a managed policy is its ARN
      return [`${policyId}Arn`, { Description: `Policy ${policy.name} of workload ${role.workloadId}`, Value: { Ref: policyId } }];
    }),
    [`${profileId}Arn`, { Description: `Instance profile of workload ${role.workloadId}`, Value: { 'Fn::GetAtt': [profileId, 'Arn'] } }],
  ];
}
