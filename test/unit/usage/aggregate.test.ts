// Per-key aggregation: counts and first/last seen, denied calls kept apart, sources, user agents,
// regions, the longest gap, role chains in either order, filters, determinism, evidence stats.
import { describe, expect, it } from 'vitest';
import { KeyUsage } from '../../../src/model/usage.js';
import { UsageAggregator } from '../../../src/usage/aggregate.js';
import type { CloudTrailEvent } from '../../../src/usage/cloudtrail-event.js';
import { MinuteSet } from '../../../src/usage/minute-set.js';
import { EVENT_COUNT, type CountedEvent } from '../../../src/usage/sources/aggregate-row.js';
import { ACCOUNT, assumedRole, assumeRoleEvent, ctEvent, getSessionTokenEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

function aggregate(events: CloudTrailEvent[], options?: ConstructorParameters<typeof UsageAggregator>[0]) {
  const agg = new UsageAggregator(options);
  for (const e of events) agg.add(e);
  return agg.finish();
}

describe('one key', () => {
  const key = fakeKeyId();
  const user = iamUser(key, 'report-bot');
  const get = (time: string, k: string, ip = '203.0.113.10') => ctEvent({ identity: user, eventName: 'GetObject', time, ip, requestParameters: { bucketName: 'reports', key: `daily/${k}` }, dataEvent: true });
  const events = [
    get('2024-05-03T10:00:00Z', 'a.csv'),
    get('2024-05-01T10:00:00Z', 'b.csv', '198.51.100.7'),
    get('2024-05-02T10:00:30Z', 'c.csv'),
    ctEvent({ identity: user, eventName: 'PutObject', time: '2024-05-02T11:00:00Z', requestParameters: { bucketName: 'reports', key: 'out/x' }, errorCode: 'AccessDenied', readOnly: false }),
    ctEvent({ identity: user, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', time: '2024-05-02T12:00:00Z', region: 'eu-west-1', errorCode: 'Client.UnauthorizedOperation' }),
    ctEvent({ identity: user, eventName: 'GetObject', time: '2024-05-02T12:30:00Z', requestParameters: { bucketName: 'reports', key: 'daily/missing.csv' }, errorCode: 'NoSuchKey' }),
    ctEvent({ identity: user, eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', time: '2024-05-02T12:31:00Z', userAgent: 'Boto3/1.9.0 Python/3.6 Linux/4.14 Botocore/1.12.0' }),
    ctEvent({ identity: user, eventSource: 'dynamodb.amazonaws.com', eventName: 'GetItem', time: '2024-05-02T13:00:00Z', requestParameters: { tableName: 'jobs' }, vpcEndpointId: 'vpce-0a1b2c3d', ip: '10.0.1.25' }),
  ];
  const { keys } = aggregate(events);
  const usage = keys[0]!;

  it('is a valid KeyUsage with the principal, totals and first/last seen', () => {
    expect(keys).toHaveLength(1);
    expect(KeyUsage.parse(usage)).toEqual(usage);
    expect(usage.accessKeyId).toBe(key);
    expect(usage.principal).toEqual({ type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/report-bot`, userName: 'report-bot', accountId: ACCOUNT });
    expect(usage.totalCalls).toBe(8);
    expect(usage.firstSeen).toBe('2024-05-01T10:00:00Z');
    expect(usage.lastSeen).toBe('2024-05-03T10:00:00Z');
  });

  it('counts each (action, resource) with its first and last call; other errors still show the need', () => {
    expect(usage.actions).toEqual([
      { action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs`, calls: 1, firstSeen: '2024-05-02T13:00:00Z', lastSeen: '2024-05-02T13:00:00Z' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::reports/daily/*', calls: 4, firstSeen: '2024-05-01T10:00:00Z', lastSeen: '2024-05-03T10:00:00Z' },
    ]);
  });

  it('keeps AccessDenied and UnauthorizedOperation apart, with their codes', () => {
    expect(usage.denied).toEqual([
      { action: 'ec2:DescribeInstances', resource: '*', calls: 1, firstSeen: '2024-05-02T12:00:00Z', lastSeen: '2024-05-02T12:00:00Z', errorCode: 'Client.UnauthorizedOperation' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::reports/out/*', calls: 1, firstSeen: '2024-05-02T11:00:00Z', lastSeen: '2024-05-02T11:00:00Z', errorCode: 'AccessDenied' },
    ]);
  });

  it('lists sources with VPC endpoints, most used first, unattributed until attribution runs', () => {
    expect(usage.sources.map((s) => [s.source, s.vpcEndpointId, s.calls])).toEqual([
      ['203.0.113.10', null, 6],
      ['10.0.1.25', 'vpce-0a1b2c3d', 1],
      ['198.51.100.7', null, 1],
    ]);
    expect(usage.sources[0]!.attribution).toEqual({ kind: 'uncovered', confidence: 'none', reason: 'no inventory given' });
    expect(usage.uncovered).toBe(true);
  });

  it('lists user agents with their tools and regions by calls', () => {
    expect(usage.userAgents.map((u) => [u.tool?.name, u.imdsv2Capable, u.calls])).toEqual([
      ['aws-cli', true, 7],
      ['boto3', false, 1],
    ]);
    expect(usage.regions).toEqual([
      { region: 'us-east-1', calls: 7 },
      { region: 'eu-west-1', calls: 1 },
    ]);
  });

  it('finds the longest gap between consecutive calls, whatever their order', () => {
    // calls at 05-01 10:00, 05-02 10:00:30 (10:00), 11:00, 12:00, 12:30, 12:31, 13:00, 05-03 10:00
    expect(usage.longestGapSeconds).toBe(24 * 3600);
  });
});

describe('the longest gap', () => {
  it('is measured per minute, across days, and null for a single call', () => {
    const set = new MinuteSet();
    expect(set.longestGapSeconds()).toBeNull();
    set.add(Date.UTC(2024, 0, 31, 23, 59, 59));
    expect(set.longestGapSeconds()).toBeNull();
    set.add(Date.UTC(2024, 0, 31, 23, 59, 1));
    expect(set.longestGapSeconds()).toBeNull();
    set.add(Date.UTC(2024, 1, 7, 23, 59));
    set.add(Date.UTC(2024, 1, 1, 0, 0));
    expect(set.longestGapSeconds()).toBe((6 * 24 * 60 + 23 * 60 + 59) * 60);
  });

  it('is 0 for two calls in the same minute, and a weekly job shows its week', () => {
    const key = fakeKeyId();
    const same = aggregate([ctEvent({ identity: iamUser(key), eventName: 'ListBuckets', time: '2024-05-01T00:00:01Z' }), ctEvent({ identity: iamUser(key), eventName: 'ListBuckets', time: '2024-05-01T00:00:59Z' })]);
    expect(same.keys[0]!.longestGapSeconds).toBe(0);
    const weekly = aggregate(['2024-05-06', '2024-04-29', '2024-05-13'].map((d) => ctEvent({ identity: iamUser(key), eventName: 'ListBuckets', time: `${d}T03:00:00Z` })));
    expect(weekly.keys[0]!.longestGapSeconds).toBe(7 * 24 * 3600);
  });
});

describe('role chains', () => {
  const parent = fakeKeyId();
  const child = fakeKeyId('ASIA');
  const grandchild = fakeKeyId('ASIA');
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/batch-writer`;
  const auditArn = `arn:aws:iam::${ACCOUNT}:role/audit-reader`;
  const parentUser = iamUser(parent, 'ci');
  const childIdentity = assumedRole(child, 'batch-writer', 'batch');
  const assume = assumeRoleEvent(parentUser, child, roleArn, '2024-05-01T09:00:00Z');
  const childWork = [
    ctEvent({ identity: childIdentity, eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', time: '2024-05-01T09:01:00Z', requestParameters: { tableName: 'results' }, readOnly: false }),
    ctEvent({ identity: childIdentity, eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', time: '2024-05-01T09:02:00Z', requestParameters: { tableName: 'results' }, errorCode: 'AccessDeniedException' }),
  ];
  const chained = assumeRoleEvent(childIdentity, grandchild, auditArn, '2024-05-01T09:03:00Z');
  const grandchildWork = ctEvent({ identity: assumedRole(grandchild, 'audit-reader'), eventSource: 'cloudtrail.amazonaws.com', eventName: 'LookupEvents', time: '2024-05-01T09:04:00Z' });

  function expectLinked(events: CloudTrailEvent[]) {
    const { keys, unlinkedTemporaryKeys } = aggregate(events);
    expect(unlinkedTemporaryKeys).toBe(0);
    expect(keys.map((k) => k.accessKeyId)).toEqual([parent]);
    const usage = keys[0]!;
    expect(KeyUsage.parse(usage)).toEqual(usage);
    expect(usage.actions).toEqual([{ action: 'sts:AssumeRole', resource: roleArn, calls: 1, firstSeen: '2024-05-01T09:00:00Z', lastSeen: '2024-05-01T09:00:00Z' }]);
    expect(usage.sessions.map((s) => s.accessKeyId)).toEqual([child, grandchild].sort());
    const session = usage.sessions.find((s) => s.accessKeyId === child)!;
    expect(session.via).toBe('AssumeRole');
    expect(session.roleArn).toBe(roleArn);
    expect(session.actions.map((a) => [a.action, a.resource])).toEqual([
      ['dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/results`],
      ['sts:AssumeRole', auditArn],
    ]);
    expect(session.denied.map((d) => [d.action, d.errorCode])).toEqual([['dynamodb:DeleteTable', 'AccessDeniedException']]);
    const chainedSession = usage.sessions.find((s) => s.accessKeyId === grandchild)!;
    expect(chainedSession.roleArn).toBe(auditArn);
    expect(chainedSession.actions.map((a) => a.action)).toEqual(['cloudtrail:LookupEvents']);
    return usage;
  }

  it('links temporary keys whose work comes after the AssumeRole record', () => {
    expectLinked([assume, ...childWork, chained, grandchildWork]);
  });

  it('links temporary keys whose work comes before it (files arrive in any order)', () => {
    expectLinked([grandchildWork, ...childWork, chained, assume]);
  });

  it('gives the same document whatever the order of the events', () => {
    const forward = aggregate([assume, ...childWork, chained, grandchildWork]);
    const backward = aggregate([grandchildWork, chained, ...childWork.reverse(), assume]);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('links GetSessionToken keys, with no role', () => {
    const session = fakeKeyId('ASIA');
    const { keys } = aggregate([
      ctEvent({ identity: { ...iamUser(session, 'ci'), type: 'IAMUser' }, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeRegions', time: '2024-05-01T10:00:00Z' }),
      getSessionTokenEvent(parentUser, session, '2024-05-01T09:59:00Z'),
    ]);
    expect(keys).toHaveLength(1);
    // GetSessionToken needs no permission, but it is a call of the key
    expect(keys[0]!.actions).toEqual([]);
    expect(keys[0]!.totalCalls).toBe(1);
    expect(keys[0]!.sessions).toEqual([{ accessKeyId: session, via: 'GetSessionToken', roleArn: null, actions: [expect.objectContaining({ action: 'ec2:DescribeRegions' })], denied: [] }]);
  });

  it('does not report temporary keys no long-term key obtained, and counts them', () => {
    const instanceRole = fakeKeyId('ASIA');
    const { keys, unlinkedTemporaryKeys } = aggregate([ctEvent({ identity: assumedRole(instanceRole, 'web-instance', 'i-0abc'), eventName: 'GetObject', requestParameters: { bucketName: 'b', key: 'k' } })]);
    expect(keys).toEqual([]);
    expect(unlinkedTemporaryKeys).toBe(1);
  });

  it('does not link a failed AssumeRole', () => {
    const failed = { ...assume, errorCode: 'AccessDenied', responseElements: null };
    const { keys, unlinkedTemporaryKeys } = aggregate([failed, ...childWork]);
    expect(keys[0]!.sessions).toEqual([]);
    expect(keys[0]!.denied.map((d) => d.action)).toEqual(['sts:AssumeRole']);
    expect(unlinkedTemporaryKeys).toBe(1);
  });
});

describe('filters and evidence', () => {
  it('keeps only the selected keys and the temporary keys they obtained', () => {
    const [wanted, other] = [fakeKeyId(), fakeKeyId()];
    const child = fakeKeyId('ASIA');
    const { keys } = aggregate(
      [
        ctEvent({ identity: iamUser(other, 'other'), eventName: 'ListBuckets' }),
        ctEvent({ identity: assumedRole(child, 'r'), eventName: 'ListBuckets' }),
        assumeRoleEvent(iamUser(wanted, 'wanted'), child, `arn:aws:iam::${ACCOUNT}:role/r`, '2024-05-01T11:00:00Z'),
      ],
      { keys: new Set([wanted]) },
    );
    expect(keys.map((k) => k.accessKeyId)).toEqual([wanted]);
    expect(keys[0]!.sessions.map((s) => s.accessKeyId)).toEqual([child]);
  });

  it('sums up the evidence as a whole, keyless records included', () => {
    const key = fakeKeyId();
    const { stats } = aggregate([
      ctEvent({ identity: iamUser(key), eventName: 'GetObject', dataEvent: true, time: '2024-05-02T00:00:00Z', region: 'eu-west-1' }),
      ctEvent({ identity: iamUser(key), eventSource: 'monitoring.amazonaws.com', eventName: 'PutMetricData', readOnly: false, time: '2024-05-01T00:00:00Z' }),
      ctEvent({ identity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', time: '2024-05-03T00:00:00Z' }),
    ]);
    expect(stats).toEqual({
      events: 3,
      firstEvent: '2024-05-01T00:00:00Z',
      lastEvent: '2024-05-03T00:00:00Z',
      regions: ['eu-west-1', 'us-east-1'],
      services: ['cloudwatch', 'kms', 's3'],
      managementEvents: 2,
      dataEvents: 1,
      readOnlyEvents: 2,
      writeEvents: 1,
    });
  });

  it('counts a record that stands for many calls (an Athena aggregate row) as that many', () => {
    const key = fakeKeyId();
    const first: CountedEvent = { ...ctEvent({ identity: iamUser(key), eventName: 'GetObject', time: '2024-05-01T00:00:00Z', requestParameters: { bucketName: 'b', key: 'k' } }), [EVENT_COUNT]: 41 };
    const last: CountedEvent = { ...ctEvent({ identity: iamUser(key), eventName: 'GetObject', time: '2024-05-03T00:00:00Z', requestParameters: { bucketName: 'b', key: 'k' } }), [EVENT_COUNT]: 1 };
    const { keys, stats } = aggregate([first, last]);
    const usage = keys[0]!;
    expect(usage.totalCalls).toBe(42);
    expect(usage.actions).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/*', calls: 42, firstSeen: '2024-05-01T00:00:00Z', lastSeen: '2024-05-03T00:00:00Z' }]);
    expect([usage.sources[0]!.calls, usage.userAgents[0]!.calls, usage.regions[0]!.calls]).toEqual([42, 42, 42]);
    expect(stats.events).toBe(42);
  });

  it('orders keys by ID', () => {
    const ids = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    const { keys } = aggregate(ids.map((k) => ctEvent({ identity: iamUser(k), eventName: 'ListBuckets' })));
    expect(keys.map((k) => k.accessKeyId)).toEqual([...ids].sort());
  });
});
