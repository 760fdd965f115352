// The IAM half of `scan aws` against the moto AWS emulator: an account seeded through the SDK
// with users, groups, policies, keys, roles, instance profiles and resource policies; the
// scan must find exactly what was planted. Where moto differs from AWS the test says so:
// - moto dates keys "now", so the 90-day rules are tested by passing a clock 200 days ahead;
// - moto has no GenerateServiceLastAccessedDetails (it answers HTTP 500), so that part is
//   UNAVAILABLE and incomplete here; scan-aws-iam-last-accessed.test.ts covers the success
//   path with recorded responses;
// - moto's credential report has no <root_account> row, so root keys are unknown (null);
// - moto cannot deny one call, so AccessDenied is injected by an SDK middleware on the real
//   client for one command, everything else still going to moto.
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  IAMServiceException,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { InterruptedError, KeyshiftError } from '../../src/errors.js';
import { RecordingHost } from '../../src/io/host.js';
import {
  AccessKey,
  AssumableRole,
  IamGroup,
  IamRole,
  IamUser,
  InstanceProfile,
  InventoryDocument,
  InventoryFinding,
  ManagedPolicy,
  ResourceGrant,
  ServiceLastAccessed,
  type IncompletePart,
} from '../../src/model/inventory.js';
import { scanIam, type IamScan } from '../../src/scan/aws/iam/scan-iam.js';
import { IncompleteParts } from '../../src/scan/aws/partial-access.js';
import { startMoto, type Moto } from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DAY_MS = 86_400_000;

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  // the SDK's default credential chain reads the process environment
  for (const [k, v] of Object.entries(moto.env)) vi.stubEnv(k, v);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function clientConfig(region = REGION) {
  return { region, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

const arn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

interface Planted {
  alice: { userId: string; keyId: string };
  bob: { userId: string; keyId: string; inactiveKeyId: string };
  carol: { userId: string };
  kmsKeyArn: string;
  startedAt: Date;
  /** when seeding ended: every key was created and used before it */
  seededAt: Date;
}

/** The planted account. alice and bob hold keys; carol holds none, so grants naming her do not count. */
async function seed(): Promise<Planted> {
  const startedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const iam = new IAMClient(clientConfig());
  const alice = (await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/', Tags: [{ Key: 'owner', Value: 'data' }] }))).User!;
  const bob = (await iam.send(new CreateUserCommand({ UserName: 'bob' }))).User!;
  const carol = (await iam.send(new CreateUserCommand({ UserName: 'carol' }))).User!;
  await iam.send(new CreateGroupCommand({ GroupName: 'deployers' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'deployers', UserName: 'alice' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'deployers', UserName: 'carol' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'deployers', PolicyName: 'deploy', PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn('role', 'deploy') }) }));
  const reports = await iam.send(new CreatePolicyCommand({ PolicyName: 'AssumeReports', PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:Assume*', Resource: arn('role', 'report-*') }) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: reports.Policy!.Arn! }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'read-data', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/*' }) }));

  const trust = (principal: unknown) => policy({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
  await iam.send(new CreateRoleCommand({ RoleName: 'alice-direct', AssumeRolePolicyDocument: trust({ AWS: alice.Arn }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: trust({ AWS: [`arn:aws:iam::${ACCOUNT}:root`, alice.Arn] }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'report-daily', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'bob-batch', AssumeRolePolicyDocument: trust({ AWS: bob.UserId }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'web-server', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-profile' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'web-server' }));
  // a profile without a role: GetAccountAuthorizationDetails cannot show it
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'spare-profile' }));

  const aliceKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
  const bobKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
  const bobOldKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: bobOldKey.AccessKeyId!, Status: 'Inactive' }));
  // alice's key is used once (moto records the last use of a key that signs a request)
  const asAlice = new STSClient({ ...clientConfig(), credentials: { accessKeyId: aliceKey.AccessKeyId!, secretAccessKey: aliceKey.SecretAccessKey! } });
  await asAlice.send(new GetCallerIdentityCommand({}));

  const s3 = new S3Client(clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: 'data-bucket' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'data-bucket',
      Policy: policy(
        { Sid: 'AliceReads', Effect: 'Allow', Principal: { AWS: alice.Arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/*' },
        { Sid: 'CarolReads', Effect: 'Allow', Principal: { AWS: carol.Arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/*' },
        { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/public/*' },
      ),
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
  // a bucket outside the scanned regions: its policy names alice but is not read
  const s3eu = new S3Client(clientConfig('eu-west-1'));
  await s3eu.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3eu.send(new PutBucketPolicyCommand({ Bucket: 'eu-bucket', Policy: policy({ Effect: 'Allow', Principal: { AWS: alice.Arn }, Action: 's3:*', Resource: 'arn:aws:s3:::eu-bucket/*' }) }));

  const sqs = new SQSClient(clientConfig());
  await sqs.send(
    new CreateQueueCommand({
      QueueName: 'jobs',
      Attributes: { Policy: policy({ Sid: 'BobSends', Effect: 'Allow', Principal: { AWS: [bob.Arn] }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs` }) },
    }),
  );
  await sqs.send(new CreateQueueCommand({ QueueName: 'no-policy' }));
  const kms = new KMSClient(clientConfig());
  await kms.send(new CreateKeyCommand({ Description: 'default policy' }));
  const aliceKmsKey = await kms.send(
    new CreateKeyCommand({
      Policy: policy(
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'AliceDecrypts', Effect: 'Allow', Principal: { AWS: alice.Arn }, Action: 'kms:Decrypt', Resource: '*' },
      ),
    }),
  );
  // the default SNS topic policy grants "*" under a condition: no user is named
  await new SNSClient(clientConfig()).send(new CreateTopicCommand({ Name: 'events' }));
  await new SecretsManagerClient(clientConfig()).send(new CreateSecretCommand({ Name: 'db-password', SecretString: 'not-a-real-secret' }));
  await new ECRClient(clientConfig()).send(new CreateRepositoryCommand({ repositoryName: 'app' }));
  return {
    kmsKeyArn: aliceKmsKey.KeyMetadata!.Arn!,
    alice: { userId: alice.UserId!, keyId: aliceKey.AccessKeyId! },
    bob: { userId: bob.UserId!, keyId: bobKey.AccessKeyId!, inactiveKeyId: bobOldKey.AccessKeyId! },
    carol: { userId: carol.UserId! },
    startedAt,
    seededAt: new Date(),
  };
}

interface Run {
  scan: IamScan;
  incomplete: IncompletePart[];
  host: RecordingHost;
  aws: AwsContext;
}

async function runScan(now: Date, prepare?: (aws: AwsContext) => void): Promise<Run> {
  const host = new RecordingHost();
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: REGION }, moto.env);
  try {
    prepare?.(aws);
    const incomplete = new IncompleteParts(host);
    const scan = await scanIam({ aws, host, incomplete, regions: [REGION], now });
    return { scan, incomplete: incomplete.parts, host, aws };
  } finally {
    aws.destroy();
  }
}

/** Every part of the result must be valid in the inventory document's schema. */
function expectValid(scan: IamScan): void {
  InventoryDocument.shape.quotas.parse(scan.quotas);
  IamUser.array().parse(scan.iam.users);
  IamGroup.array().parse(scan.iam.groups);
  IamRole.array().parse(scan.iam.roles);
  ManagedPolicy.array().parse(scan.iam.managedPolicies);
  InstanceProfile.array().parse(scan.iam.instanceProfiles);
  AccessKey.array().parse(scan.iam.accessKeys);
  ServiceLastAccessed.array().parse(scan.iam.serviceLastAccessed);
  ResourceGrant.array().parse(scan.resourceGrants);
  AssumableRole.array().parse(scan.assumableRoles);
  InventoryFinding.array().parse(scan.findings);
}

/** Adds a middleware to one client that refuses one command the way AWS does, before it is sent. */
function denyCommand(client: IAMClient | SQSClient, commandName: string, error: Error): void {
  const deny =
    <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    async (args: A): Promise<R> => {
      if (context.commandName === commandName) throw error;
      return next(args);
    };
  const options = { step: 'initialize' as const, name: `deny${commandName}` };
  if (client instanceof IAMClient) client.middlewareStack.add(deny, options);
  else client.middlewareStack.add(deny, options);
}

describe('scanIam against moto', () => {
  it('finds exactly the planted users, keys, grants and assumable roles', async () => {
    const planted = await seed();
    const now = new Date(planted.seededAt.getTime() + DAY_MS / 2);
    const { scan, incomplete, host, aws } = await runScan(now);
    expectValid(scan);

    expect(scan.account).toBe(ACCOUNT);
    expect(scan.caller.arn).toMatch(/^arn:aws:sts::123456789012:/);
    expect(scan.quotas).toMatchObject({ roles: { used: 5 }, instanceProfiles: { used: 2 }, policies: { used: 1 } });
    expect(scan.quotas.roles!.max).toBeGreaterThan(0);
    expect(scan.quotas.attachedPoliciesPerRole).toBeGreaterThan(0);

    const [alice, bob, carol] = scan.iam.users;
    expect(scan.iam.users.map((u) => u.userName)).toEqual(['alice', 'bob', 'carol']);
    expect(alice).toMatchObject({
      userName: 'alice',
      userId: planted.alice.userId,
      arn: arn('user', 'team/alice'),
      path: '/team/',
      groups: ['deployers'],
      attachedPolicies: [{ policyName: 'AssumeReports', policyArn: arn('policy', 'AssumeReports') }],
      inlinePolicies: [{ policyName: 'read-data', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/*' }] } }],
      tags: { owner: 'data' },
    });
    expect(bob).toMatchObject({ groups: [], attachedPolicies: [], inlinePolicies: [] });
    expect(carol?.groups).toEqual(['deployers']);
    expect(scan.iam.groups).toEqual([
      {
        groupName: 'deployers',
        groupId: expect.any(String),
        arn: arn('group', 'deployers'),
        attachedPolicies: [],
        inlinePolicies: [{ policyName: 'deploy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn('role', 'deploy') }] } }],
      },
    ]);
    expect(scan.iam.roles.map((r) => r.roleName)).toEqual(['alice-direct', 'bob-batch', 'deploy', 'report-daily', 'web-server']);
    expect(scan.iam.roles.find((r) => r.roleName === 'web-server')).toMatchObject({
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      instanceProfiles: ['web-profile'],
    });
    expect(scan.iam.managedPolicies).toEqual([
      {
        policyName: 'AssumeReports',
        arn: arn('policy', 'AssumeReports'),
        path: '/',
        defaultVersionId: 'v1',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:Assume*', Resource: arn('role', 'report-*') }] },
        attachmentCount: 1,
        awsManaged: false,
      },
    ]);
    expect(scan.iam.instanceProfiles.map((p) => [p.name, p.roles, p.instances])).toEqual([
      ['spare-profile', [], []],
      ['web-profile', ['web-server'], []],
    ]);

    // keys: alice's used once through STS, bob's never; bob's second key is inactive
    const keyIds = [planted.bob.keyId, planted.bob.inactiveKeyId].sort();
    expect(scan.iam.accessKeys.map((k) => [k.userName, k.accessKeyId, k.status])).toEqual([
      ['alice', planted.alice.keyId, 'Active'],
      ...keyIds.map((id) => ['bob', id, id === planted.bob.keyId ? 'Active' : 'Inactive']),
    ]);
    const aliceKey = scan.iam.accessKeys[0]!;
    expect(aliceKey.ageDays).toBe(0);
    expect(aliceKey.lastUsed).toMatchObject({ serviceName: 'sts', region: REGION });
    expect(Date.parse(aliceKey.lastUsed!.date!)).toBeGreaterThanOrEqual(planted.startedAt.getTime());
    for (const k of scan.iam.accessKeys.slice(1)) expect(k.lastUsed).toEqual({ date: null, serviceName: null, region: null });
    // hours old: no 90-day rule applies, and moto's report has no root row
    expect(scan.findings).toEqual([]);
    expect(scan.iam.rootKeys).toEqual({ keys: null });
    expect(host.events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'credential-report-without-root' }));

    expect(scan.resourceGrants).toEqual([
      {
        resourceArn: planted.kmsKeyArn,
        resourceType: 'kms-key',
        region: REGION,
        userName: 'alice',
        statements: [{ Sid: 'AliceDecrypts', Effect: 'Allow', Principal: { AWS: arn('user', 'team/alice') }, Action: 'kms:Decrypt', Resource: '*' }],
      },
      {
        resourceArn: arn('role', 'alice-direct'),
        resourceType: 'role-trust',
        region: null,
        userName: 'alice',
        statements: [{ Effect: 'Allow', Principal: { AWS: arn('user', 'team/alice') }, Action: 'sts:AssumeRole' }],
      },
      {
        resourceArn: arn('role', 'bob-batch'),
        resourceType: 'role-trust',
        region: null,
        userName: 'bob',
        statements: [{ Effect: 'Allow', Principal: { AWS: planted.bob.userId }, Action: 'sts:AssumeRole' }],
      },
      {
        resourceArn: arn('role', 'deploy'),
        resourceType: 'role-trust',
        region: null,
        userName: 'alice',
        statements: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`, arn('user', 'team/alice')] }, Action: 'sts:AssumeRole' }],
      },
      {
        resourceArn: 'arn:aws:s3:::data-bucket',
        resourceType: 's3-bucket',
        region: REGION,
        userName: 'alice',
        statements: [{ Sid: 'AliceReads', Effect: 'Allow', Principal: { AWS: arn('user', 'team/alice') }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data-bucket/*' }],
      },
      {
        resourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`,
        resourceType: 'sqs-queue',
        region: REGION,
        userName: 'bob',
        statements: [{ Sid: 'BobSends', Effect: 'Allow', Principal: { AWS: [arn('user', 'bob')] }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs` }],
      },
    ]);
    expect(scan.assumableRoles).toEqual([
      { userName: 'alice', roleArn: arn('role', 'alice-direct'), via: 'trust-policy' },
      { userName: 'alice', roleArn: arn('role', 'deploy'), via: 'both' },
      { userName: 'alice', roleArn: arn('role', 'report-daily'), via: 'identity-policy' },
      { userName: 'bob', roleArn: arn('role', 'bob-batch'), via: 'trust-policy' },
    ]);

    // moto has no service last accessed API: it answers HTTP 500, so the part is incomplete
    // ('error') and, after the first user, not asked again for the others
    expect(scan.iam.serviceLastAccessed).toEqual([
      { userName: 'alice', status: 'UNAVAILABLE', services: [] },
      { userName: 'bob', status: 'UNAVAILABLE', services: [] },
    ]);
    expect(incomplete).toEqual([
      expect.objectContaining({ action: 'iam:GenerateServiceLastAccessedDetails', region: null, part: 'service last accessed data of user alice', reason: 'error' }),
      expect.objectContaining({ action: 'iam:GenerateServiceLastAccessedDetails', reason: 'error', part: expect.stringContaining('1 more user(s) (bob)') }),
    ]);

    // calls per user and key: one ListAccessKeys per user, one GetAccessKeyLastUsed per key
    expect(aws.calls.get('IAMClient ListAccessKeysCommand')).toBe(3);
    expect(aws.calls.get('IAMClient GetAccessKeyLastUsedCommand')).toBe(3);
    expect(aws.calls.get('IAMClient GenerateServiceLastAccessedDetailsCommand')).toBe(1);
    expect(aws.calls.get('IAMClient GetAccountAuthorizationDetailsCommand')).toBe(1);
    expect(host.events.some((e) => e.type === 'progress' && e.phase === 'iam')).toBe(true);
  });

  it('applies the 90-day rules with a clock 200 days ahead (moto dates keys "now")', async () => {
    const planted = await seed();
    const now = new Date(planted.seededAt.getTime() + 200 * DAY_MS);
    const { scan } = await runScan(now);
    expect(scan.iam.accessKeys.map((k) => k.ageDays)).toEqual([200, 200, 200]);
    const key = (user: string, id: string) => ({ type: 'access-key', userName: user, accessKeyId: id });
    // the inactive key gets no finding; alice's key was used 200 days ago, bob's never
    expect(scan.findings.map((f) => [f.rule, f.severity, f.subject])).toEqual([
      ['key-older-than-90-days', 'medium', key('alice', planted.alice.keyId)],
      ['key-unused-90-days', 'medium', key('alice', planted.alice.keyId)],
      ['key-older-than-90-days', 'medium', key('bob', planted.bob.keyId)],
      ['key-unused-90-days', 'medium', key('bob', planted.bob.keyId)],
    ]);
    expect(scan.findings[1]!.message).toMatch(/last used 200 days ago/);
    expect(scan.findings[3]!.message).toMatch(/never used/);
  });

  it('marks a part incomplete when one call is denied, naming the permission, and keeps the rest', async () => {
    await seed();
    const denied = new SQSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform: sqs:listqueues' });
    const { scan, incomplete, host } = await runScan(new Date(), (aws) => denyCommand(aws.client(SQSClient, REGION), 'ListQueuesCommand', denied));
    const part = incomplete.find((p) => p.action === 'sqs:ListQueues');
    expect(part).toEqual({
      action: 'sqs:ListQueues',
      region: REGION,
      part: `SQS queue policies in ${REGION}`,
      reason: 'access-denied',
      message: `sqs:ListQueues was denied: SQS queue policies in ${REGION} is not in the inventory (grant sqs:ListQueues)`,
    });
    expect(host.events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'incomplete:access-denied' }));
    expect(scan.resourceGrants.map((g) => g.resourceType)).toEqual(['kms-key', 'role-trust', 'role-trust', 'role-trust', 's3-bucket']);
    expect(scan.iam.users).toHaveLength(3);
    expect(scan.assumableRoles).toHaveLength(4);
  });

  it('gives null quotas when GetAccountSummary is denied', async () => {
    await seed();
    const denied = new IAMServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform: iam:GetAccountSummary' });
    const { scan, incomplete } = await runScan(new Date(), (aws) => denyCommand(aws.client(IAMClient), 'GetAccountSummaryCommand', denied));
    expect(scan.quotas).toEqual({ roles: null, instanceProfiles: null, policies: null, attachedPoliciesPerRole: null });
    expect(incomplete).toContainEqual(expect.objectContaining({ action: 'iam:GetAccountSummary', reason: 'access-denied', region: null }));
    expect(scan.iam.accessKeys).toHaveLength(3);
  });

  it('refuses the whole job without credentials (aws-refused, exit 4)', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/keyshift/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/keyshift/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const error = await runScan(new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect(error).toMatchObject({ kind: 'aws-refused', message: 'no AWS credentials found' });
  });

  it('stops at once when the signal has fired', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: REGION }, moto.env);
    const host = new RecordingHost();
    const signal = AbortSignal.abort();
    await expect(scanIam({ aws, host, incomplete: new IncompleteParts(host, signal), regions: [REGION], now: new Date(), signal })).rejects.toBeInstanceOf(InterruptedError);
    aws.destroy();
  });
});
