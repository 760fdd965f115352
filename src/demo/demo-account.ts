// The emulated account of `keyshift demo` (and of the end-to-end pipeline test): two
// applications on two instances, each signing with an IAM user's long-lived key. One instance
// has no profile; the other already has one for its SSM agent, which must not be taken away.
import { AssociateIamInstanceProfileCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';

export const DEMO_REGION = 'us-east-1';

export interface DemoApp {
  name: string;
  userName: string;
  accessKeyId: string;
  instanceId: string;
  /** the profile the instance has before keyshift (its SSM agent's), or null */
  existingProfile: string | null;
  /** what the application calls, as CloudTrail records it */
  calls: { eventSource: string; eventName: string; requestParameters: Record<string, unknown>; dataEvent?: boolean }[];
}

export interface DemoAccount {
  endpoint: string;
  apps: DemoApp[];
}

/** moto accepts any credentials; these never reach a real account */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const credentials = EMULATOR_CREDENTIALS;

export async function seedDemoAccount(endpoint: string): Promise<DemoAccount> {
  const iam = new IAMClient({ region: DEMO_REGION, endpoint, credentials });
  const ec2 = new EC2Client({ region: DEMO_REGION, endpoint, credentials });
  try {
    await seedSsmAgentProfile(iam);

    const reports = await app(iam, ec2, {
      name: 'reports',
      userName: 'reports-app',
      policy: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::demo-reports/*' },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::demo-reports' },
        { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
      ],
      calls: [
        { eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'demo-reports', key: 'daily/2026/summary.csv' }, dataEvent: true },
        { eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/report-jobs' } },
      ],
      profile: null,
    });
    const billing = await app(iam, ec2, {
      name: 'billing',
      userName: 'billing-sync',
      policy: [
        { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      ],
      calls: [
        { eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', requestParameters: { tableName: 'invoices' }, dataEvent: true },
        { eventSource: 'sns.amazonaws.com', eventName: 'Publish', requestParameters: { topicArn: 'arn:aws:sns:us-east-1:123456789012:billing-events' } },
      ],
      profile: 'ssm-agent',
    });
    return { endpoint, apps: [reports, billing] };
  } finally {
    iam.destroy();
    ec2.destroy();
  }
}

/** The SSM agent's role and instance profile `ssm-agent`, as instances carry it before keyshift. */
export async function seedSsmAgentProfile(iam: IAMClient): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'ssm-agent', AssumeRolePolicyDocument: trust }));
  const ssmPolicy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'ssm-agent-core',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*', 'ec2messages:*'], Resource: '*' }] }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'ssm-agent', PolicyArn: ssmPolicy.Policy!.Arn! }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ssm-agent' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ssm-agent', RoleName: 'ssm-agent' }));
}

async function app(
  iam: IAMClient,
  ec2: EC2Client,
  spec: { name: string; userName: string; policy: unknown[]; calls: DemoApp['calls']; profile: string | null },
): Promise<DemoApp> {
  await iam.send(new CreateUserCommand({ UserName: spec.userName }));
  await iam.send(new PutUserPolicyCommand({ UserName: spec.userName, PolicyName: `${spec.name}-access`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: spec.policy }) }));
  // moto makes the key; its secret is dropped here and never used: the hosts get a synthetic one
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: spec.userName }));
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: spec.name }, { Key: 'app', Value: spec.name }] }],
    }),
  );
  const instanceId = run.Instances![0]!.InstanceId!;
  if (spec.profile) await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: spec.profile } }));
  return { name: spec.name, userName: spec.userName, accessKeyId: key.AccessKey!.AccessKeyId!, instanceId, existingProfile: spec.profile, calls: spec.calls };
}
