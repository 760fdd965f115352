// The LookupEvents source. moto has no CloudTrail LookupEvents, so these tests answer the real
// SDK client (the one AwsContext hands the source) with recorded responses, injected by a
// middleware before anything is sent: pages shaped like the API's answer (each event's record
// as a JSON string in CloudTrailEvent, a NextToken between pages). The rate limit runs on a
// fake clock, so the test shows the spacing without waiting for it.
import { describe, expect, it } from 'vitest';
import { AwsContext } from '../../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../../src/errors.js';
import { SkipCounter, type CloudTrailEvent, type TimeWindow } from '../../../src/usage/cloudtrail-event.js';
import type { Clock } from '../../../src/usage/sources/clock.js';
import { lookupEventsRange, lookupEventsSource, type LookupEventsOptions } from '../../../src/usage/sources/lookup-events-source.js';
import { RateLimiter } from '../../../src/usage/sources/rate-limiter.js';
import { ctEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';
import { answerLookupEvents } from '../../helpers/recorded-lookup-events.js';

const NOW = Date.parse('2024-06-01T00:00:00Z');
const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };

/**
 * Virtual time: sleeps wait on timers, and drive() moves time to the earliest timer whenever
 * everything else has settled, so concurrent sleepers wake in order without real waiting.
 */
class FakeClock implements Clock {
  sleeps = 0;
  private timers: { at: number; wake: () => void }[] = [];
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps++;
    return new Promise((wake) => this.timers.push({ at: this.t + ms, wake }));
  }
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => (settled = true));
    watched.catch(() => {});
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return watched;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (next === undefined) continue;
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
  }
}

interface Sent {
  region: string;
  at: number;
  input: { StartTime?: Date; EndTime?: Date; MaxResults?: number; NextToken?: string; LookupAttributes?: { AttributeKey: string; AttributeValue: string }[] };
}

/** One recorded LookupEvents result, as the API returns it. */
function apiEvent(record: CloudTrailEvent | string | undefined) {
  const r = typeof record === 'object' ? record : null;
  return {
    EventId: r ? `evt-${r.eventTime}` : 'evt-x',
    EventName: r?.eventName ?? 'Unknown',
    ReadOnly: 'true',
    AccessKeyId: r?.userIdentity.accessKeyId,
    EventTime: r ? new Date(r.eventTime) : new Date(NOW),
    EventSource: r?.eventSource ?? 'unknown.amazonaws.com',
    Username: r?.userIdentity.userName,
    Resources: [],
    ...(record === undefined ? {} : { CloudTrailEvent: typeof record === 'string' ? record : JSON.stringify(record) }),
  };
}

type Pages = (input: Sent['input'], region: string) => { Events: ReturnType<typeof apiEvent>[]; NextToken?: string };


async function run(window: TimeWindow, options: LookupEventsOptions, pages: Pages, prepare?: (aws: AwsContext) => void) {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock(NOW);
  const aws = new AwsContext({ region: 'us-east-1' }, ENV);
  const sent: Sent[] = [];
  for (const region of options.regions) answerLookupEvents(aws, region, pages, sent, clock);
  prepare?.(aws);
  const events: CloudTrailEvent[] = [];
  const skips = new SkipCounter();
  try {
    const result = await clock.drive(lookupEventsSource(aws, window, { ...options, clock }).read((e) => events.push(e), skips));
    return { result, events, skips: skips.toRecord(), sent, clock };
  } finally {
    aws.destroy();
  }
}

const keyA = fakeKeyId();
const keyB = fakeKeyId();
const call = (key: string, time: string, region = 'us-east-1') => ctEvent({ identity: iamUser(key, `user-${key.slice(-4)}`), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', time, region });

describe('lookupEventsSource (recorded responses: moto has no LookupEvents)', () => {
  it('looks up each key in each region, follows NextToken, and parses each CloudTrailEvent string', async () => {
    const pages: Pages = (input, region) => {
      const key = input.LookupAttributes?.[0]?.AttributeValue;
      if (region === 'eu-west-1') return { Events: key === keyA ? [apiEvent(call(keyA, '2024-05-20T08:00:00Z', region))] : [] };
      if (key === keyA && input.NextToken === undefined) return { Events: [apiEvent(call(keyA, '2024-05-21T10:00:00Z')), apiEvent(call(keyA, '2024-05-21T09:00:00Z'))], NextToken: 'page-2' };
      if (key === keyA && input.NextToken === 'page-2') return { Events: [apiEvent(call(keyA, '2024-05-20T10:00:00Z')), apiEvent('{"eventVersion": "1.08", trunc'), apiEvent(undefined)] };
      return { Events: [apiEvent(call(keyB, '2024-05-22T10:00:00Z'))] };
    };
    const window = { since: new Date('2024-05-01T00:00:00Z'), until: null };
    const { result, events, skips, sent } = await run(window, { regions: ['us-east-1', 'eu-west-1'], keys: [keyB, keyA, keyA] }, pages);

    expect(events.map((e) => `${e.userIdentity.accessKeyId} ${e.awsRegion} ${e.eventTime}`).sort()).toEqual(
      [`${keyA} eu-west-1 2024-05-20T08:00:00Z`, `${keyA} us-east-1 2024-05-20T10:00:00Z`, `${keyA} us-east-1 2024-05-21T09:00:00Z`, `${keyA} us-east-1 2024-05-21T10:00:00Z`, `${keyB} us-east-1 2024-05-22T10:00:00Z`].sort(),
    );
    expect(skips).toEqual({ 'invalid-json': 1, 'not-cloudtrail': 1 });
    expect(result).toEqual({ files: 0, events: 5 });

    // one attribute per call (the API takes one), keys deduplicated, 50 a page, the window up to now
    expect(sent).toHaveLength(5);
    for (const s of sent) {
      expect(s.input.MaxResults).toBe(50);
      expect(s.input.StartTime).toEqual(window.since);
      expect(s.input.EndTime).toEqual(new Date(NOW));
      expect(s.input.LookupAttributes).toHaveLength(1);
      expect(s.input.LookupAttributes![0]!.AttributeKey).toBe('AccessKeyId');
    }
    expect(sent.filter((s) => s.region === 'us-east-1').map((s) => `${s.input.LookupAttributes![0]!.AttributeValue === keyA ? 'A' : 'B'}${s.input.NextToken ?? ''}`).sort()).toEqual(['A', 'Apage-2', 'B'].sort());
  });

  it('without --keys makes one unfiltered lookup per region', async () => {
    const { sent, events } = await run({ since: new Date('2024-05-30T00:00:00Z'), until: null }, { regions: ['us-east-1'] }, () => ({ Events: [apiEvent(call(keyA, '2024-05-30T10:00:00Z'))] }));
    expect(sent.map((s) => s.input.LookupAttributes)).toEqual([undefined]);
    expect(events).toHaveLength(1);
  });

  it('sends at most two requests per second to a region, regions side by side', async () => {
    const clock = new FakeClock(NOW);
    const pages: Pages = (input) => {
      const n = Number(input.NextToken ?? '0');
      return { Events: [], ...(n < 5 ? { NextToken: String(n + 1) } : {}) };
    };
    const { sent } = await run({ since: new Date('2024-05-01T00:00:00Z'), until: null }, { regions: ['us-east-1', 'eu-west-1', 'ap-south-1'], keys: [keyA, keyB], clock }, pages);
    expect(sent).toHaveLength(36);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) {
      const times = sent.filter((s) => s.region === region).map((s) => s.at);
      expect(times).toHaveLength(12);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    }
    // the regions did not wait for each other: 12 requests a region take 5.5 s, not 17.5 s
    expect(clock.t - NOW).toBe(5500);
    expect(clock.sleeps).toBe(33);
  });

  it('the rate limiter spaces callers that arrive together', async () => {
    const clock = new FakeClock(1000);
    const limiter = new RateLimiter(2, clock);
    const times: number[] = [];
    await clock.drive(
      Promise.all(
        Array.from({ length: 4 }, async () => {
          await limiter.acquire();
          times.push(clock.now());
        }),
      ),
    );
    expect(times.sort((a, b) => a - b)).toEqual([1000, 1500, 2000, 2500]);
    expect(() => new RateLimiter(0, clock)).toThrow(RangeError);
  });

  it('answers only the last 90 days, and says when the window reached further back', () => {
    expect(lookupEventsRange({ since: new Date('2024-01-01T00:00:00Z'), until: null }, NOW)).toEqual({ start: new Date(NOW - 90 * 86_400_000), end: new Date(NOW), clipped: true });
    expect(lookupEventsRange({ since: null, until: new Date('2024-05-01T00:00:00Z') }, NOW)).toEqual({ start: new Date(NOW - 90 * 86_400_000), end: new Date('2024-05-01T00:00:00Z'), clipped: true });
    expect(lookupEventsRange({ since: new Date('2024-05-01T00:00:00Z'), until: new Date('2024-05-02T00:00:00Z') }, NOW)?.clipped).toBe(false);
    expect(lookupEventsRange({ since: new Date('2023-01-01T00:00:00Z'), until: new Date('2023-02-01T00:00:00Z') }, NOW)).toBeNull();
  });

  it('sends nothing when the window is older than 90 days', async () => {
    const { sent } = await run({ since: new Date('2023-01-01T00:00:00Z'), until: new Date('2023-02-01T00:00:00Z') }, { regions: ['us-east-1'] }, () => ({ Events: [] }));
    expect(sent).toEqual([]);
  });

  it('a refusal names cloudtrail:LookupEvents', async () => {
    const e = await run({ since: null, until: null }, { regions: ['us-east-1'] }, () => {
      throw Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    }).catch((err: unknown) => err);
    expect(isKeyshiftError(e) && e.kind).toBe('aws-refused');
    expect((e as Error).message).toContain('cloudtrail:LookupEvents');
  });

  it('refuses key IDs that are not key IDs before sending anything', () => {
    const aws = new AwsContext({ region: 'us-east-1' }, ENV);
    for (const bad of ["AKIA' OR '1'='1", 'akia1234567890abcd', 'AKIA123', `AKIA${'A'.repeat(130)}`]) {
      expect(() => lookupEventsSource(aws, { since: null, until: null }, { regions: ['us-east-1'], keys: [bad] })).toThrow(/not an access key ID/);
    }
    aws.destroy();
  });
});
