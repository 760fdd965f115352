// The AWS calls of apply, rollback and finalize, for the one table of AWS calls (and so for
// `keyshift permissions apply`). Reads the scan already needs are listed there once.
import type { AwsCall } from '../aws/aws-calls.js';
import { HOST_EXECUTOR_SSM_CALLS } from './host/ssm-executor-calls.js';

const a = (action: string, why: string, command = `${action.split(':')[1]}Command`): AwsCall => ({ action, commands: [command], use: 'apply', why });

export const APPLY_CALLS: AwsCall[] = [
  // attach
  a('iam:CreateRole', 'apply: the workload role, trusted by ec2.amazonaws.com, tagged with the plan ID'),
  a('iam:CreatePolicy', "apply: the role's least-privilege managed policies"),
  a('iam:AttachRolePolicy', 'apply: attaches them (and carried-over policies) to the role'),
  a('iam:CreateInstanceProfile', "apply: the role's instance profile"),
  a('iam:AddRoleToInstanceProfile', 'apply: puts the role in it'),
  a('iam:GetInstanceProfile', 'apply: whether the profile exists as planned (resume, drift)'),
  a('iam:UpdateAssumeRolePolicy', 'apply: adds the role next to the user in trust policies that name the user'),
  a('s3:PutBucketPolicy', 'apply: adds the role next to the user in bucket policies'),
  a('sqs:GetQueueUrl', 'apply: the queue whose policy names the user'),
  a('sqs:SetQueueAttributes', 'apply: adds the role next to the user in queue policies'),
  a('sns:SetTopicAttributes', 'apply: adds the role next to the user in topic policies'),
  a('kms:PutKeyPolicy', 'apply: adds the role next to the user in key policies'),
  a('secretsmanager:PutResourcePolicy', 'apply: adds the role next to the user in secret policies'),
  a('ecr:SetRepositoryPolicy', 'apply: adds the role next to the user in repository policies'),
  a('iam:SimulatePrincipalPolicy', "apply: cross-checks pre-flight with IAM's policy simulator"),
  a('iam:ListRolePolicies', "apply: pre-flight reads an extended role's inline policies"),
  a('iam:GetRolePolicy', 'apply: and their documents'),
  a('iam:ListAttachedRolePolicies', "apply: a role's attached policies (pre-flight, drift, rollback)"),
  a('iam:GetRole', 'apply: whether a role exists as planned (resume, drift), and trust policies to extend'),
  a('iam:GetPolicy', 'apply: whether a policy exists as planned; carried-over policies for pre-flight'),
  a('iam:GetPolicyVersion', "apply: a policy's document"),
  a('ec2:AssociateIamInstanceProfile', 'apply: gives an instance without a profile the new one'),
  a('ec2:ReplaceIamInstanceProfileAssociation', "apply: swaps an instance's profile for one carrying its policies (and rollback swaps it back)"),
  a('ec2:CreateLaunchTemplateVersion', 'apply: a launch template version with the profile, IMDSv2 and user data without keys'),
  a('ec2:ModifyLaunchTemplate', "apply: makes it the default when the group launches $Default (rollback restores it)"),
  a('autoscaling:UpdateAutoScalingGroup', 'apply: points the group at the new version (rollback points it back)'),
  // verify
  a('ec2:ModifyInstanceMetadataOptions', 'apply: requires IMDSv2 after the soak (rollback restores the options)'),
  // deactivate
  a('iam:UpdateAccessKey', 'apply: deactivates a key once every workload using it is verified (rollback reactivates it)'),
  // rollback: only what carries the plan's tag is deleted
  a('iam:DetachRolePolicy', 'rollback: detaches the policies apply attached'),
  a('iam:RemoveRoleFromInstanceProfile', 'rollback: takes the role out of the profile'),
  a('iam:DeleteInstanceProfile', "rollback: deletes a profile tagged with the plan's ID"),
  a('iam:DeletePolicy', "rollback: deletes a policy tagged with the plan's ID"),
  a('iam:DeletePolicyVersion', 'rollback: its versions first'),
  a('iam:ListPolicyVersions', 'rollback: which versions a policy has'),
  a('iam:ListEntitiesForPolicy', 'rollback: what a policy is still attached to'),
  a('iam:ListInstanceProfilesForRole', 'rollback: which profiles hold a role'),
  a('iam:DeleteRole', "rollback: deletes a role tagged with the plan's ID"),
  a('ec2:DisassociateIamInstanceProfile', 'rollback: removes a profile apply associated'),
  a('ec2:DeleteLaunchTemplateVersions', "rollback: deletes the version apply created (marked with the plan's ID)"),
  // finalize
  a('iam:DeleteAccessKey', 'finalize: deletes a key that stayed inactive and unused for the soak, in a later run'),
  ...HOST_EXECUTOR_SSM_CALLS,
];
