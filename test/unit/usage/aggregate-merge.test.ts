// Aggregates of parts of the evidence merge into the aggregate of the whole: property tests with
// fast-check over generated records (several keys, role chains, principals whose fields vary
// from record to record, refusals, days, sources), split into files dealt out to "workers" the
// way parallel-directory.ts deals them; and the snapshot that carries an aggregate between
// threads, and the minute sets behind the longest gap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageAggregator } from '../../../src/usage/aggregate.js';
import type { CloudTrailEvent } from '../../../src/usage/cloudtrail-event.js';
import { MinuteSet } from '../../../src/usage/minute-set.js';
import { ACCOUNT, ctEvent, type UserIdentity } from '../../helpers/cloudtrail.js';

const LONG_KEYS = ['AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2', 'AKIAAAAAAAAAAAAAAAA3'];
const TEMP_KEYS = ['ASIAAAAAAAAAAAAAAAA1', 'ASIAAAAAAAAAAAAAAAA2', 'ASIAAAAAAAAAAAAAAAA3'];
const KEYS = [...LONG_KEYS, ...TEMP_KEYS];
const START = Date.UTC(2024, 4, 1);

/** What a generated record is made from; ctEvent makes the record. */
interface Spec {
  key: number;
  /** which variant of the principal's fields the record carries (some lack fields, some differ) */
  principal: number;
  kind: 'get' | 'put' | 'decrypt' | 'describe' | 'assume' | 'session';
  child: number;
  minute: number;
  second: number;
  bucket: number;
  path: number;
  ip: number;
  ua: number;
  region: number;
  error: 'none' | 'AccessDenied' | 'NoSuchKey';
}

function identity(key: string, variant: number): UserIdentity {
  const user = `user-${key.slice(-1)}`;
  const full: UserIdentity = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, accessKeyId: key, userName: user };
  switch (variant) {
    case 0:
      return full;
    case 1:
      // fields missing from some records are filled from others: which record counts depends on order
      return { accessKeyId: key, accountId: ACCOUNT };
    case 2:
      return { ...full, arn: `arn:aws:iam::${ACCOUNT}:user/renamed-${user}`, userName: `renamed-${user}` };
    default:
      return { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/${key}`, accessKeyId: key, sessionContext: { sessionIssuer: { userName: 'r' } } };
  }
}

function record(s: Spec): CloudTrailEvent {
  const key = KEYS[s.key]!;
  const who = identity(key, s.principal);
  const time = new Date(START + s.minute * 60_000 + s.second * 1000).toISOString().replace('.000Z', 'Z');
  const common = {
    identity: who,
    time,
    ip: ['203.0.113.10', '198.51.100.7', '10.0.0.5'][s.ip]!,
    userAgent: ['aws-cli/2.15.0 Python/3.11', 'Boto3/1.34.0 Python/3.11 Botocore/1.34.0'][s.ua]!,
    region: ['us-east-1', 'eu-west-1'][s.region]!,
    ...(s.error === 'none' ? {} : { errorCode: s.error }),
    ...(s.ip === 2 ? { vpcEndpointId: 'vpce-0a1b2c3d' } : {}),
  };
  const objectKey = ['a.csv', 'reports/daily/x.csv', 'reports/2024/x.csv'][s.path]!;
  switch (s.kind) {
    case 'get':
    case 'put':
      return ctEvent({ ...common, eventName: s.kind === 'get' ? 'GetObject' : 'PutObject', requestParameters: { bucketName: `bucket-${s.bucket}`, key: objectKey }, dataEvent: true });
    case 'decrypt':
      return ctEvent({ ...common, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', resources: [{ ARN: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k-${s.bucket}` }] });
    case 'describe':
      return ctEvent({ ...common, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' });
    case 'assume':
    case 'session': {
      // the same temporary key may be "issued" by several records: the first in read order counts
      const child = TEMP_KEYS[s.child]!;
      return ctEvent({
        ...common,
        eventSource: 'sts.amazonaws.com',
        eventName: s.kind === 'assume' ? 'AssumeRole' : 'GetSessionToken',
        requestParameters: s.kind === 'assume' ? { roleArn: `arn:aws:iam::${ACCOUNT}:role/role-${s.bucket}` } : {},
        responseElements: { credentials: { accessKeyId: child } },
      });
    }
  }
}

const spec: fc.Arbitrary<Spec> = fc.record({
  key: fc.integer({ min: 0, max: KEYS.length - 1 }),
  principal: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom('get', 'put', 'decrypt', 'describe', 'assume', 'session'),
  child: fc.integer({ min: 0, max: TEMP_KEYS.length - 1 }),
  // four days, so that gaps cross days
  minute: fc.integer({ min: 0, max: 4 * 1440 - 1 }),
  second: fc.integer({ min: 0, max: 59 }),
  bucket: fc.integer({ min: 0, max: 2 }),
  path: fc.integer({ min: 0, max: 2 }),
  ip: fc.integer({ min: 0, max: 2 }),
  ua: fc.integer({ min: 0, max: 1 }),
  region: fc.integer({ min: 0, max: 1 }),
  error: fc.constantFrom('none', 'none', 'none', 'AccessDenied', 'NoSuchKey'),
});

/** Records grouped into "files", and each file dealt to one of `workers` parts. */
const evidence = fc.record({
  files: fc.array(fc.array(spec, { minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 10 }),
  workers: fc.integer({ min: 2, max: 4 }),
  deal: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
  mergeOrder: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  // --keys may name temporary keys too: those are then kept in full
  keys: fc.option(fc.subarray(KEYS, { minLength: 1 }), { nil: null }),
});

function options(keys: string[] | null) {
  return { keys: keys === null ? null : new Set(keys) };
}

/** One aggregator reading every file in order: the reference. */
function whole(files: CloudTrailEvent[][], keys: string[] | null) {
  const agg = new UsageAggregator(options(keys));
  for (const file of files) for (const r of file) agg.add(r);
  return agg.finish();
}

describe('merging aggregates of parts', () => {
  it('gives what one aggregator reading every file in order gives, however the files are dealt out and merged', () => {
    fc.assert(
      fc.property(evidence, ({ files: specs, workers, deal, mergeOrder, keys }) => {
        const files = specs.map((f) => f.map(record));
        const parts = Array.from({ length: workers }, () => new UsageAggregator(options(keys)));
        // a part reads its files in read order, each under the file's place in that order
        files.forEach((file, i) => {
          const part = parts[deal[i]! % workers]!;
          part.order = i;
          for (const r of file) part.add(r);
        });
        // merged in any order, directly or through a snapshot as worker threads send them
        const merged = new UsageAggregator(options(keys));
        const order = parts.map((_, i) => i).sort((a, b) => (mergeOrder[a]! % 7) - (mergeOrder[b]! % 7) || a - b);
        for (const i of order) {
          if (i % 2 === 0) merged.merge(parts[i]!);
          else merged.mergeSnapshot(structuredClone(parts[i]!.snapshot()));
        }
        expect(merged.finish()).toEqual(whole(files, keys));
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot carries everything: an aggregator rebuilt from one finishes the same', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 40 }), (specs) => {
        const records = specs.map(record);
        const agg = new UsageAggregator();
        for (const r of records) agg.add(r);
        const copy = new UsageAggregator();
        copy.mergeSnapshot(structuredClone(agg.snapshot()));
        expect(copy.finish()).toEqual(agg.finish());
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the principal fields of the earliest file, whichever part read it', () => {
    const key = LONG_KEYS[0]!;
    const early = ctEvent({ identity: identity(key, 1), eventName: 'ListBuckets', time: '2024-05-01T00:00:00Z' });
    const first = ctEvent({ identity: identity(key, 2), eventName: 'ListBuckets', time: '2024-05-01T00:01:00Z' });
    const later = ctEvent({ identity: identity(key, 0), eventName: 'ListBuckets', time: '2024-05-01T00:02:00Z' });
    const a = new UsageAggregator();
    a.order = 5;
    a.add(later);
    const b = new UsageAggregator();
    b.order = 1;
    b.add(early);
    b.add(first);
    a.merge(b);
    // file 1 came first: its records name the renamed user, and the type came from file 1 too
    expect(a.finish().keys[0]!.principal).toEqual({ type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/renamed-user-1`, userName: 'renamed-user-1', accountId: ACCOUNT });
  });

  it('refuses a damaged snapshot instead of merging part of it', () => {
    const agg = new UsageAggregator();
    agg.add(record({ key: 0, principal: 0, kind: 'get', child: 0, minute: 1, second: 0, bucket: 0, path: 0, ip: 0, ua: 0, region: 0, error: 'none' }));
    const s = agg.snapshot();
    expect(() => new UsageAggregator().mergeSnapshot({ strings: s.strings, numbers: s.numbers.subarray(0, s.numbers.length - 3) })).toThrow(RangeError);
    expect(() => new UsageAggregator().mergeSnapshot({ strings: s.strings, numbers: Float64Array.from([...s.numbers, 0]) })).toThrow(RangeError);
  });
});

/** The longest gap by brute force: sorted distinct minutes. */
function bruteGap(minutes: number[]): number | null {
  const sorted = [...new Set(minutes)].sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  let longest = 0;
  for (let i = 1; i < sorted.length; i++) longest = Math.max(longest, sorted[i]! - sorted[i - 1]!);
  return longest * 60;
}

// minutes bunched into a few days, so days switch from a list to a bitmap
const minutes = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 * 1440 }), fc.integer({ min: 1440, max: 1440 + 60 })), { maxLength: 200 });

describe('minute sets', () => {
  it('find the longest gap between marked minutes, whatever the order and however many per day', () => {
    fc.assert(
      fc.property(minutes, (ms) => {
        const set = new MinuteSet();
        for (const m of ms) set.add(START + m * 60_000 + 59_000);
        expect(set.longestGapSeconds()).toBe(bruteGap(ms));
      }),
      { numRuns: 300 },
    );
  });

  it('merge, and travel in snapshots, without losing a minute', () => {
    fc.assert(
      fc.property(minutes, minutes, (a, b) => {
        const left = new MinuteSet();
        const right = new MinuteSet();
        for (const m of a) left.add(START + m * 60_000);
        for (const m of b) right.add(START + m * 60_000);
        left.merge(right);
        expect(left.longestGapSeconds()).toBe(bruteGap([...a, ...b]));
        const agg = new UsageAggregator();
        for (const m of [...a, ...b]) agg.add(ctEvent({ identity: identity(LONG_KEYS[0]!, 0), eventName: 'ListBuckets', time: new Date(START + m * 60_000).toISOString() }));
        const copy = new UsageAggregator();
        copy.mergeSnapshot(agg.snapshot());
        expect(copy.finish().keys[0]?.longestGapSeconds ?? null).toBe(agg.finish().keys[0]?.longestGapSeconds ?? null);
      }),
      { numRuns: 200 },
    );
  });
});
