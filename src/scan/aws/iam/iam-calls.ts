// The AWS calls of the IAM half of `scan aws`, for the one table of calls (src/aws/aws-calls.ts)
// that `keyshift permissions` builds its policy from. sts:GetCallerIdentity is already in
// that table. Each entry names the SDK commands that need the action (a paginator sends the
// command it is named after).
import type { AwsCall } from '../../../aws/aws-calls.js';

export const IAM_CALLS: AwsCall[] = [
  { action: 'iam:GetAccountSummary', commands: ['GetAccountSummaryCommand'], use: 'scan', why: "IAM quotas and their use (roles, instance profiles, policies): the planner's headroom" },
  {
    action: 'iam:GetAccountAuthorizationDetails',
    commands: ['GetAccountAuthorizationDetailsCommand'],
    use: 'scan',
    why: 'users, groups, roles and managed policies with their documents, in one paged call',
  },
  { action: 'iam:ListInstanceProfiles', commands: ['ListInstanceProfilesCommand'], use: 'scan', why: 'every instance profile, including those without a role' },
  { action: 'iam:ListAccessKeys', commands: ['ListAccessKeysCommand'], use: 'scan', why: "each user's access keys, their status and age" },
  { action: 'iam:GetAccessKeyLastUsed', commands: ['GetAccessKeyLastUsedCommand'], use: 'scan', why: 'when, where and for which service each key was last used' },
  {
    action: 'iam:GenerateServiceLastAccessedDetails',
    commands: ['GenerateServiceLastAccessedDetailsCommand'],
    use: 'scan',
    why: "starts the per-service last-accessed report of each key holder (evidence CloudTrail may lack)",
  },
  { action: 'iam:GetServiceLastAccessedDetails', commands: ['GetServiceLastAccessedDetailsCommand'], use: 'scan', why: 'reads the per-service last-accessed report' },
  { action: 'iam:GenerateCredentialReport', commands: ['GenerateCredentialReportCommand'], use: 'scan', why: "builds the credential report, the only source of the root user's keys" },
  { action: 'iam:GetCredentialReport', commands: ['GetCredentialReportCommand'], use: 'scan', why: "reads the credential report: the root user's access keys" },
  { action: 's3:ListAllMyBuckets', commands: ['ListBucketsCommand'], use: 'scan', why: 'the buckets whose policies may name a key holder' },
  { action: 's3:GetBucketLocation', commands: ['GetBucketLocationCommand'], use: 'scan', why: "a bucket's region, where the listing does not give it" },
  { action: 's3:GetBucketPolicy', commands: ['GetBucketPolicyCommand'], use: 'scan', why: 'bucket policies that name a key holder' },
  { action: 'kms:ListKeys', commands: ['ListKeysCommand'], use: 'scan', why: 'the KMS keys whose policies may name a key holder' },
  { action: 'kms:GetKeyPolicy', commands: ['GetKeyPolicyCommand'], use: 'scan', why: 'key policies that name a key holder' },
  { action: 'sqs:ListQueues', commands: ['ListQueuesCommand'], use: 'scan', why: 'the SQS queues whose policies may name a key holder' },
  { action: 'sqs:GetQueueAttributes', commands: ['GetQueueAttributesCommand'], use: 'scan', why: 'queue policies that name a key holder' },
  { action: 'sns:ListTopics', commands: ['ListTopicsCommand'], use: 'scan', why: 'the SNS topics whose policies may name a key holder' },
  { action: 'sns:GetTopicAttributes', commands: ['GetTopicAttributesCommand'], use: 'scan', why: 'topic policies that name a key holder' },
  { action: 'secretsmanager:ListSecrets', commands: ['ListSecretsCommand'], use: 'scan', why: 'the secrets whose resource policies may name a key holder' },
  { action: 'secretsmanager:GetResourcePolicy', commands: ['GetResourcePolicyCommand'], use: 'scan', why: 'secret resource policies that name a key holder' },
  { action: 'ecr:DescribeRepositories', commands: ['DescribeRepositoriesCommand'], use: 'scan', why: 'the ECR repositories whose policies may name a key holder' },
  { action: 'ecr:GetRepositoryPolicy', commands: ['GetRepositoryPolicyCommand'], use: 'scan', why: 'repository policies that name a key holder' },
];
