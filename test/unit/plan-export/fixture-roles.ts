// Two planned workloads for the export tests (unit and moto end-to-end): an Auto Scaling
// group with a launch template and a policy full of things HCL must escape (IAM policy
// variables, quotes, backslashes, `%{`), and a single instance whose current role's
// policies are carried over, with a permissions boundary.
import type { ExportableRole } from '../../../src/plan/export/exportable.js';

export const PLAN_ID = 'plan-0123456789abcdef';
export const ACCOUNT = '123456789012';
export const META = { planId: PLAN_ID, account: ACCOUNT };

const trustEc2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const tagsFor = (workload: string, key: string): Record<string, string> => ({
  'keyshift:workload': workload,
  'keyshift:plan': PLAN_ID,
  'keyshift:replaces-key': key,
});

export const webRole: ExportableRole = {
  workloadId: 'asg-web',
  roleName: 'keyshift-asg-web',
  rolePath: '/keyshift/',
  tags: tagsFor('asg-web', 'AKIAEXAMPLEWEB000001'),
  trustPolicy: trustEc2,
  managedPolicies: [
    {
      name: 'keyshift-asg-web-s3',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ObservedS3Reads',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['arn:aws:s3:::web-assets', 'arn:aws:s3:::web-assets/home/${aws:username}/*'],
            Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'a "quoted" \\ back\\slash %{not-a-directive} $${x}'] } },
          },
        ],
      },
    },
    {
      name: 'keyshift-asg-web-sqs',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ObservedQueue', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: 'arn:aws:sqs:us-east-1:123456789012:web-jobs' },
          { Sid: 'NoScoping', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' }, Bool: { 'aws:SecureTransport': true } } },
        ],
      },
    },
  ],
  existingPolicyArns: [],
  instanceProfileName: 'keyshift-asg-web',
  launchTemplates: [
    { launchTemplateId: 'lt-0a1b2c3d4e5f60718', region: 'us-east-1', sourceVersion: 3, instanceProfileName: 'keyshift-asg-web', httpTokens: 'required', hopLimit: 2 },
  ],
};

export const reportsRole: ExportableRole = {
  workloadId: 'i-0123456789abcdef0 (reports)',
  roleName: 'keyshift-reports',
  rolePath: '/keyshift/',
  permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/keyshift-boundary',
  tags: tagsFor('i-0123456789abcdef0', 'AKIAEXAMPLEREP000002'),
  trustPolicy: trustEc2,
  managedPolicies: [
    {
      name: 'keyshift-reports-dynamodb',
      document: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'Observed', Effect: 'Allow', Action: 'dynamodb:Query', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/reports/index/*' }],
      },
    },
  ],
  existingPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy'],
  instanceProfileName: 'keyshift-reports',
};

export const FIXTURE_ROLES: ExportableRole[] = [webRole, reportsRole];
