// The fault proxy against a real moto server and real SDK clients: its injected errors must
// be parsed and classified by the SDK exactly like real AWS errors (throttling, transient,
// client), its rules must produce what real EC2 does after a new instance profile, and moto's
// control endpoints must never be faulted.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  EC2Client,
  ReplaceIamInstanceProfileAssociationCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultKind, type FaultProxy, type FaultProxyOptions } from '../helpers/fault-proxy.js';
import { useMoto } from '../helpers/moto.js';

const moto = useMoto();
let proxy: FaultProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

async function start(options: Omit<FaultProxyOptions, 'target'>): Promise<FaultProxy> {
  proxy = await startFaultProxy({ target: moto().endpoint, ...options });
  return proxy;
}

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const AMI = 'ami-12c6146b';

interface ClientOptions {
  maxAttempts?: number;
  /** standard where a test needs no adaptive limiter: it would only slow the test down */
  retryMode?: 'standard' | 'adaptive';
  retryStrategy?: RecordingRetries;
}

/** SDK client config as keyshift's (adaptive retries, 8 attempts) unless a test says otherwise. */
function config(endpoint: string, options: ClientOptions = {}) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    retryMode: options.retryMode ?? 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  };
}

interface Classified {
  errorType: string;
  name: string | undefined;
  code: string | undefined;
}

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

interface RecordingRetries {
  seen: Classified[];
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: { errorType: string; error?: unknown }): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}

/**
 * A retry strategy that records how the SDK's own retry middleware classified each error
 * (THROTTLING / TRANSIENT / SERVER_ERROR / CLIENT_ERROR) and retries retryable ones at once,
 * up to `maxAttempts`: the classification under test is the SDK's, the waiting is skipped.
 */
function recordingRetries(maxAttempts: number): RecordingRetries {
  const token = (n: number): RetryToken => ({ getRetryCount: () => n, getRetryDelay: () => 0 });
  const seen: Classified[] = [];
  return {
    seen,
    acquireInitialRetryToken: async () => token(0),
    async refreshRetryTokenForRetry(t, info) {
      const e = info.error as { name?: string; code?: string } | undefined;
      seen.push({ errorType: info.errorType, name: e?.name, code: e?.code });
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || t.getRetryCount() + 1 >= maxAttempts) throw new Error('no retry');
      return token(t.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
}

function errorOf(e: unknown): { name?: string; code?: string; message?: string; $metadata?: { attempts?: number; httpStatusCode?: number } } {
  return e as { name?: string; code?: string; message?: string; $metadata?: { attempts?: number; httpStatusCode?: number } };
}

const INJECTED_NAMES = ['Throttling', 'RequestLimitExceeded', 'InternalFailure', 'ServiceUnavailable', 'InternalError', 'Unavailable'];
/** how the Node SDK reports a connection closed before any response */
const isDropped = (e: unknown) => errorOf(e).code === 'ECONNRESET' || /socket hang up/i.test(errorOf(e).message ?? '');

async function instanceWithProfile(endpoint: string, profile: string): Promise<{ instanceId: string; profileArn: string }> {
  const iam = new IAMClient(config(endpoint));
  const ec2 = new EC2Client(config(endpoint));
  await iam.send(new CreateRoleCommand({ RoleName: profile, AssumeRolePolicyDocument: TRUST }));
  const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: profile }));
  const run = await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }));
  return { instanceId: run.Instances![0]!.InstanceId!, profileArn: created.InstanceProfile!.Arn! };
}

describe('fault proxy: random faults', () => {
  it('with adaptive retries (8 attempts) 50 calls all succeed through 20% throttles, 5xx and drops', async () => {
    // seed 48 faults 11 of the 61 requests these 50 sequential calls make (3 throttles, 3 5xx,
    // 5 drops); few throttles, since each costs the SDK up to 1 s of backoff plus the adaptive
    // limiter's slowdown
    const p = await start({ rate: 0.2, seed: 48 });
    const iam = new IAMClient(config(p.endpoint));
    const ec2 = new EC2Client(config(p.endpoint));
    let retries = 0;
    for (let i = 0; i < 50; i++) {
      const role = `role-${Math.floor(i / 3)}`;
      const call = [
        () => iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: TRUST })),
        () => iam.send(new GetRoleCommand({ RoleName: role })),
        () => ec2.send(new DescribeInstancesCommand({})),
      ][i % 3]!;
      const out = await call();
      retries += out.$metadata.attempts! - 1;
    }
    const { stats } = p;
    // deterministic: the same seed and sequence of calls fault the same requests every run
    expect(stats.faults).toEqual({ throttle: 3, '5xx': 3, drop: 5, 'lost-response': 0 });
    const injected = stats.faults.throttle + stats.faults['5xx'] + stats.faults.drop;
    // every injected fault cost the SDK exactly one retry, and nothing else failed
    expect(retries).toBe(injected);
    expect(stats.requests).toBe(50 + injected);
    expect(stats.forwarded).toBe(50);
    expect(injected / stats.requests).toBeGreaterThan(0.1);
    expect(injected / stats.requests).toBeLessThan(0.3);
    const perOperation = Object.values(stats.byOperation).reduce((n, op) => n + op.throttle + op['5xx'] + op.drop, 0);
    expect(perOperation).toBe(injected);
    expect(Object.keys(stats.byOperation).sort()).toEqual(['ec2:DescribeInstances', 'iam:CreateRole', 'iam:GetRole']);
    for (const e of stats.events.filter((ev) => ev.kind === 'throttle')) {
      expect(e.code).toBe(e.operation.startsWith('ec2:') ? 'RequestLimitExceeded' : 'Throttling');
    }

    // a dropped CreateRole never reached moto, so each role exists exactly once
    const roles = await new IAMClient(config(moto().endpoint)).send(new ListRolesCommand({ MaxItems: 1000 }));
    expect(roles.Roles?.filter((r) => r.RoleName?.startsWith('role-')).length).toBe(17);
  });

  it('with one attempt the injected errors reach the caller under their AWS names', async () => {
    await new IAMClient(config(moto().endpoint)).send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    const p = await start({ rate: 0.2, seed: 11 });
    const iam = new IAMClient(config(p.endpoint, { maxAttempts: 1, retryMode: 'standard' }));
    const ec2 = new EC2Client(config(p.endpoint, { maxAttempts: 1, retryMode: 'standard' }));
    const failures: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      await iam.send(new GetRoleCommand({ RoleName: 'app' })).catch((e: unknown) => failures.push(e));
      await ec2.send(new DescribeInstancesCommand({})).catch((e: unknown) => failures.push(e));
    }
    const injected = p.stats.faults.throttle + p.stats.faults['5xx'] + p.stats.faults.drop;
    expect(failures.length).toBe(injected);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      if (isDropped(f)) continue;
      expect(INJECTED_NAMES).toContain(errorOf(f).name);
      expect(errorOf(f).$metadata?.attempts).toBe(1);
    }
    const names = failures.map((f) => (isDropped(f) ? 'dropped' : errorOf(f).name));
    expect(names.filter((n) => n === 'dropped').length).toBe(p.stats.faults.drop);
    expect(names.filter((n) => n === 'Throttling' || n === 'RequestLimitExceeded').length).toBe(p.stats.faults.throttle);
  });

  it('classifies per protocol as the SDK expects: throttling, transient, and drops', async () => {
    const cases: { faults: FaultKind[]; expected: string }[] = [
      { faults: ['throttle'], expected: 'THROTTLING' },
      { faults: ['5xx'], expected: 'TRANSIENT' },
      { faults: ['drop'], expected: 'TRANSIENT' },
    ];
    for (const { faults, expected } of cases) {
      const p = await start({ rate: 1, seed: 3, faults });
      const retries = recordingRetries(2);
      const clients = {
        iam: () => new IAMClient(config(p.endpoint, { retryStrategy: retries })).send(new GetRoleCommand({ RoleName: 'x' })),
        sts: () => new STSClient(config(p.endpoint, { retryStrategy: retries })).send(new GetCallerIdentityCommand({})),
        autoscaling: () => new AutoScalingClient(config(p.endpoint, { retryStrategy: retries })).send(new DescribeAutoScalingGroupsCommand({})),
        ec2: () => new EC2Client(config(p.endpoint, { retryStrategy: retries })).send(new DescribeInstancesCommand({})),
        ssm: () => new SSMClient(config(p.endpoint, { retryStrategy: retries })).send(new DescribeParametersCommand({})),
        cloudtrail: () => new CloudTrailClient(config(p.endpoint, { retryStrategy: retries })).send(new LookupEventsCommand({})),
      };
      for (const [service, call] of Object.entries(clients)) {
        const before = retries.seen.length;
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${service} ${faults[0]}`).toBeDefined();
        // two attempts, each faulted, each classified by the SDK as retryable
        expect(retries.seen.slice(before).map((s) => s.errorType)).toEqual([expected, expected]);
        expect(errorOf(err).$metadata?.attempts).toBe(2);
        if (faults[0] === 'throttle') {
          const name = { iam: 'Throttling', sts: 'Throttling', autoscaling: 'Throttling', ec2: 'RequestLimitExceeded', ssm: 'ThrottlingException', cloudtrail: 'ThrottlingException' }[service];
          expect(errorOf(err).name, service).toBe(name);
        } else if (faults[0] === '5xx') {
          expect(errorOf(err).$metadata?.httpStatusCode).toBeGreaterThanOrEqual(500);
        } else {
          expect(isDropped(err), `${service}: ${String(err)}`).toBe(true);
        }
      }
      expect(Object.keys(p.stats.byOperation).sort()).toEqual([
        'autoscaling:DescribeAutoScalingGroups',
        'cloudtrail:LookupEvents',
        'ec2:DescribeInstances',
        'iam:GetRole',
        'ssm:DescribeParameters',
        'sts:GetCallerIdentity',
      ]);
      expect(p.stats.forwarded).toBe(0);
      await p.stop();
      proxy = undefined;
    }
  });

  it('is reproducible: the same seed and calls fault the same requests', async () => {
    const run = async () => {
      const p = await start({ rate: 0.3, seed: 42 });
      const ec2 = new EC2Client(config(p.endpoint, { maxAttempts: 1, retryMode: 'standard' }));
      for (let i = 0; i < 25; i++) await ec2.send(new DescribeInstancesCommand({})).catch(() => undefined);
      const events = p.stats.events.map((e) => `${e.seq} ${e.kind} ${e.code ?? ''}`);
      await p.stop();
      proxy = undefined;
      return events;
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });

  it('lost-response: moto handles the call but the caller sees the connection close', async () => {
    const p = await start({ rate: 1, faults: ['lost-response'] });
    const iam = new IAMClient(config(p.endpoint, { maxAttempts: 1, retryMode: 'standard' }));
    const err = await iam.send(new CreateRoleCommand({ RoleName: 'made-anyway', AssumeRolePolicyDocument: TRUST })).catch((e: unknown) => e);
    expect(isDropped(err)).toBe(true);
    const role = await new IAMClient(config(moto().endpoint)).send(new GetRoleCommand({ RoleName: 'made-anyway' }));
    expect(role.Role?.RoleName).toBe('made-anyway');
    expect(p.stats.faults['lost-response']).toBe(1);
    expect(p.stats.forwarded).toBe(1);
  });

  it('never faults moto control endpoints', async () => {
    const p = await start({ rate: 1, faults: ['throttle', '5xx', 'drop'] });
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${p.endpoint}/moto-api/reset`, { method: 'POST' });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${p.endpoint}/moto-api/data.json`)).ok).toBe(true);
    expect(p.stats.control).toBe(11);
    expect(p.stats.requests).toBe(0);
    // while every AWS call is faulted
    const err = await new STSClient(config(p.endpoint, { maxAttempts: 1, retryMode: 'standard' })).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(p.stats.requests).toBe(1);
  });
});

describe('fault proxy: rules for what moto cannot simulate', () => {
  it('(a) IAM propagation: the first associations with a new profile fail with InvalidParameterValue, then succeed', async () => {
    const p = await start({ rate: 0, rules: { iamPropagation: { failFirst: 2 } } });
    const { instanceId, profileArn } = await instanceWithProfile(p.endpoint, 'web');
    const retries = recordingRetries(8);
    const ec2 = new EC2Client(config(p.endpoint, { retryStrategy: retries }));
    const associate = () => ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: profileArn } }));

    for (let attempt = 1; attempt <= 2; attempt++) {
      const err = errorOf(await associate().catch((e: unknown) => e));
      expect(err.name).toBe('InvalidParameterValue');
      expect(err.message).toBe(`Value (${profileArn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`);
      expect(err.$metadata?.httpStatusCode).toBe(400);
      // a client error: the SDK does not retry it, the executor has to
      expect(err.$metadata?.attempts).toBe(1);
    }
    expect(retries.seen.map((s) => s.errorType)).toEqual(['CLIENT_ERROR', 'CLIENT_ERROR']);
    // moto never saw the rejected attempts
    const direct = new EC2Client(config(moto().endpoint));
    expect((await direct.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations).toEqual([]);

    const ok = await associate();
    expect(ok.IamInstanceProfileAssociation?.InstanceId).toBe(instanceId);
    expect(p.stats.rules.iamPropagation).toBe(2);
    expect(p.stats.byOperation['ec2:AssociateIamInstanceProfile']).toMatchObject({ requests: 3, forwarded: 1, iamPropagation: 2 });
  });

  it('(a) IAM propagation by time: a profile is invalid for T ms after CreateInstanceProfile', async () => {
    const p = await start({ rate: 0, rules: { iamPropagation: { forMs: 400 } } });
    const { instanceId, profileArn } = await instanceWithProfile(p.endpoint, 'first');
    const ec2 = new EC2Client(config(p.endpoint));
    await new Promise((r) => setTimeout(r, 400));
    const assoc = await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: profileArn } }));

    const iam = new IAMClient(config(p.endpoint));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'second' }));
    const replace = () =>
      ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: assoc.IamInstanceProfileAssociation!.AssociationId!, IamInstanceProfile: { Name: 'second' } }));
    const err = errorOf(await replace().catch((e: unknown) => e));
    expect(err.name).toBe('InvalidParameterValue');
    expect(err.message).toBe('Value (second) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name');
    await new Promise((r) => setTimeout(r, 400));
    const replaced = await replace();
    expect(replaced.IamInstanceProfileAssociation?.IamInstanceProfile?.Arn).toMatch(/instance-profile\/second$/);
    expect(p.stats.rules.iamPropagation).toBe(1);
  });

  it('(b) a new association reads associating for the first N describes, then associated', async () => {
    const p = await start({ rate: 0, rules: { associationPending: { describes: 2 } } });
    const { instanceId, profileArn } = await instanceWithProfile(p.endpoint, 'api');
    const ec2 = new EC2Client(config(p.endpoint));
    const assoc = await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: profileArn } }));
    expect(assoc.IamInstanceProfileAssociation?.State).toBe('associating');
    const states: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }));
      states.push(out.IamInstanceProfileAssociations?.[0]?.State ?? 'none');
    }
    expect(states).toEqual(['associating', 'associating', 'associated', 'associated']);
    // moto itself says associated: the proxy made the difference
    const direct = await new EC2Client(config(moto().endpoint)).send(new DescribeIamInstanceProfileAssociationsCommand({}));
    expect(direct.IamInstanceProfileAssociations?.[0]?.State).toBe('associated');
    expect(p.stats.byOperation['ec2:DescribeIamInstanceProfileAssociations']?.associationPending).toBe(2);
  });
});
