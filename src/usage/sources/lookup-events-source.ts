// The CloudTrail LookupEvents API as a source: no bucket to read, but management events only
// (no data events), one region per call, the last 90 days only, and two requests per second
// per account and region. Each region gets its own rate limiter and regions are read side by
// side; within a region every key of --keys is one filtered lookup (the API takes a single
// lookup attribute), paged 50 events at a time. Each result carries the full record as a JSON
// string (CloudTrailEvent), checked by the same RecordSink as log files.
import type { LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused } from '../../aws/aws-error.js';
import { isKeyshiftError, throwIfAborted } from '../../errors.js';
import type { EventSink, EventSource, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
import { checkedAccessKeyIds } from './access-key-ids.js';
import { realClock, type Clock } from './clock.js';
import { forEachConcurrent } from './concurrent.js';
import { RecordSink } from './parse-log-file.js';
import { RateLimiter } from './rate-limiter.js';

/** How far back LookupEvents answers. */
export const LOOKUP_EVENTS_MAX_AGE_DAYS = 90;
/** CloudTrail's documented limit, per account and region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;
const PAGE_SIZE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LookupEventsOptions {
  /** regions to look up, one call per region */
  regions: readonly string[];
  /** only these keys (one lookup per key and region); every event when empty or omitted */
  keys?: readonly string[] | null;
  clock?: Clock;
  requestsPerSecond?: number;
}

export interface LookupRange {
  start: Date;
  end: Date;
  /** the window reached further back than LookupEvents can: its start was moved (the CLI says so) */
  clipped: boolean;
}

/** The part of the window LookupEvents can answer (the last 90 days, up to now); null when none. */
export function lookupEventsRange(window: TimeWindow, now: number): LookupRange | null {
  const oldest = now - LOOKUP_EVENTS_MAX_AGE_DAYS * DAY_MS;
  const since = window.since?.getTime() ?? -Infinity;
  const start = Math.max(since, oldest);
  const end = Math.min(window.until?.getTime() ?? Infinity, now);
  if (start >= end) return null;
  return { start: new Date(start), end: new Date(end), clipped: since < oldest };
}

const PARSE_FAILED = Symbol('parse failed');

function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return PARSE_FAILED;
  }
}

async function readRegion(
  aws: AwsContext,
  region: string,
  range: LookupRange,
  keys: readonly (string | null)[],
  limiter: RateLimiter,
  sink: RecordSink,
  signal: AbortSignal | undefined,
): Promise<void> {
  // the SDK's module is loaded here, so other sources start without it
  const { CloudTrailClient, LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  const client = aws.client(CloudTrailClient, region);
  for (const key of keys) {
    let token: string | undefined;
    do {
      await limiter.acquire(signal);
      const input: LookupEventsCommandInput = { StartTime: range.start, EndTime: range.end, MaxResults: PAGE_SIZE, NextToken: token };
      if (key !== null) input.LookupAttributes = [{ AttributeKey: 'AccessKeyId', AttributeValue: key }];
      let page;
      try {
        page = await client.send(new LookupEventsCommand(input), signal ? { abortSignal: signal } : {});
      } catch (e) {
        throwIfAborted(signal);
        if (isKeyshiftError(e)) throw e;
        throw asAwsRefused(e, 'cloudtrail:LookupEvents');
      }
      for (const event of page.Events ?? []) {
        if (typeof event.CloudTrailEvent !== 'string') {
          sink.skips.add('not-cloudtrail');
          continue;
        }
        const record = parseRecord(event.CloudTrailEvent);
        if (record === PARSE_FAILED) sink.skips.add('invalid-json');
        else sink.accept(record);
      }
      token = page.NextToken;
    } while (token !== undefined && token !== '');
  }
}

async function readLookupEvents(aws: AwsContext, window: TimeWindow, options: LookupEventsOptions, onEvent: EventSink, skips: SkipCounter, signal?: AbortSignal) {
  const clock = options.clock ?? realClock;
  const sink = new RecordSink(window, skips, onEvent);
  const range = lookupEventsRange(window, clock.now());
  const keys: (string | null)[] = options.keys && options.keys.length > 0 ? checkedAccessKeyIds(options.keys) : [null];
  if (range !== null) {
    const regions = [...new Set(options.regions)];
    // the limit is per region: regions run side by side, each with its own limiter
    await forEachConcurrent(
      regions,
      Math.max(1, regions.length),
      (region) => readRegion(aws, region, range, keys, new RateLimiter(options.requestsPerSecond ?? LOOKUP_EVENTS_PER_SECOND, clock), sink, signal),
      signal,
    );
  }
  return { files: 0, events: sink.events };
}

/** Management events from CloudTrail's LookupEvents API, in the given regions. */
export function lookupEventsSource(aws: AwsContext, window: TimeWindow, options: LookupEventsOptions): EventSource {
  if (options.keys) checkedAccessKeyIds(options.keys);
  return {
    description: { type: 'lookup-events', location: `cloudtrail:LookupEvents ${[...new Set(options.regions)].join(',')}` },
    read: (onEvent, skips, signal) => readLookupEvents(aws, window, options, onEvent, skips, signal),
  };
}
