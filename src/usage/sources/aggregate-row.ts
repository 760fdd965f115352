// The per-key aggregate that the Athena query returns (one row per access key, principal, call,
// region, source, user agent, error and named resources, with first and last seen and a
// count), and how a row becomes CloudTrail records for the aggregator. Shared by the Athena
// run (GetQueryResults) and a result CSV the user downloaded.
//
// A row stands for `calls` records that differ only in time. It is fed as one record at
// first_seen and, when the calls span time, one at last_seen, so first and last seen, regions,
// sources and actions come out exactly; the record's weight rides on it under EVENT_COUNT
// (a symbol: no JSON input can set it): the first carries calls - 1, the last 1.
//
// What the aggregator must do with it (see eventCount): add eventCount(event) calls where it
// adds 1 today. Until it does, an Athena source's call counts read 1 or 2 per row. The
// longest quiet period is measured from these two times only, so it can come out longer than
// the truth, which errs towards a longer quiet period before deactivation, never shorter.
import type { CloudTrailEvent, EventSink, SkipCounter, SkipReason, TimeWindow } from '../cloudtrail-event.js';
import { eventTimeMs } from '../event-time.js';
import { RecordSink } from './parse-log-file.js';

/** The result columns, in the query's order; a result file must have every one (any order). */
export const AGGREGATE_COLUMNS = [
  'access_key_id',
  'principal_type',
  'principal_arn',
  'principal_account_id',
  'user_name',
  'event_source',
  'event_name',
  'aws_region',
  'source_ip',
  'vpc_endpoint_id',
  'user_agent',
  'error_code',
  'read_only',
  'event_category',
  'recipient_account_id',
  'resource_arns',
  'request_resources',
  'issued_access_key_id',
  'first_seen',
  'last_seen',
  'calls',
] as const;

export type AggregateColumn = (typeof AGGREGATE_COLUMNS)[number];
/** One result row; null (or '') where the value is NULL. */
export type AggregateRow = Readonly<Record<AggregateColumn, string | null>>;

/** How many calls a record stands for (set only on records made from aggregate rows). */
export const EVENT_COUNT: unique symbol = Symbol('keyshift.eventCount');

export type CountedEvent = CloudTrailEvent & { [EVENT_COUNT]?: number };

/** The number of calls a record stands for: 1 for every real CloudTrail record. */
export function eventCount(event: CloudTrailEvent): number {
  const n = (event as CountedEvent)[EVENT_COUNT];
  return n === undefined ? 1 : n;
}

const COUNT = /^[1-9]\d{0,14}$/;

function value(row: AggregateRow, column: AggregateColumn): string | null {
  const v = row[column];
  return v === null || v === undefined || v === '' ? null : v;
}

function requestResources(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.keys(parsed).length > 0 ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The record a row describes, at `time`, standing for `count` calls. */
function recordOf(row: AggregateRow, time: string, count: number): CountedEvent {
  const identity: CloudTrailEvent['userIdentity'] = {};
  const type = value(row, 'principal_type');
  const arn = value(row, 'principal_arn');
  const accountId = value(row, 'principal_account_id');
  const accessKeyId = value(row, 'access_key_id');
  const userName = value(row, 'user_name');
  if (type !== null) identity.type = type;
  if (arn !== null) identity.arn = arn;
  if (accountId !== null) identity.accountId = accountId;
  if (accessKeyId !== null) identity.accessKeyId = accessKeyId;
  if (userName !== null) identity.userName = userName;

  const event: CountedEvent = {
    eventTime: time,
    eventSource: value(row, 'event_source') ?? '',
    eventName: value(row, 'event_name') ?? '',
    awsRegion: value(row, 'aws_region') ?? '',
    userIdentity: identity,
    requestParameters: requestResources(value(row, 'request_resources')),
    responseElements: null,
    [EVENT_COUNT]: count,
  };
  const set = <K extends keyof CloudTrailEvent>(key: K, v: CloudTrailEvent[K] | null) => {
    if (v !== null) event[key] = v;
  };
  set('sourceIPAddress', value(row, 'source_ip'));
  set('userAgent', value(row, 'user_agent'));
  set('errorCode', value(row, 'error_code'));
  set('vpcEndpointId', value(row, 'vpc_endpoint_id'));
  set('recipientAccountId', value(row, 'recipient_account_id'));
  const readOnly = value(row, 'read_only');
  if (readOnly === 'true' || readOnly === 'false') event.readOnly = readOnly === 'true';
  const category = value(row, 'event_category');
  if (category !== null) {
    event.eventCategory = category;
    event.managementEvent = category === 'Management';
  }
  const arns = (value(row, 'resource_arns') ?? '').split(' ').filter((a) => a.startsWith('arn:'));
  if (arns.length > 0) event.resources = arns.map((ARN) => ({ ARN }));
  const issued = value(row, 'issued_access_key_id');
  // role chains: the temporary key an STS call handed out, where the aggregator looks for it
  if (issued !== null) event.responseElements = { credentials: { accessKeyId: issued } };
  return event;
}

/** The records a row stands for, or why it cannot be used. */
export function aggregateRowRecords(row: AggregateRow): { records: CountedEvent[] } | { skip: SkipReason } {
  const calls = value(row, 'calls');
  const first = value(row, 'first_seen');
  const last = value(row, 'last_seen');
  if (calls === null || !COUNT.test(calls) || first === null || last === null) return { skip: 'missing-fields' };
  const n = Number(calls);
  const firstMs = eventTimeMs(first);
  const lastMs = eventTimeMs(last);
  if (Number.isNaN(firstMs) || Number.isNaN(lastMs) || lastMs < firstMs) return { skip: 'invalid-time' };
  if (n === 1 || firstMs === lastMs) return { records: [recordOf(row, first, n)] };
  return { records: [recordOf(row, first, n - 1), recordOf(row, last, 1)] };
}

/**
 * Receives aggregate rows, checks the records they stand for like any log record (fields,
 * time, region, source address, window) and delivers the good ones. A bad row is skipped for
 * all the calls it stands for.
 */
export class AggregateRowSink {
  /** calls delivered (the sum of the rows' counts) */
  calls = 0;
  private readonly records: RecordSink;

  constructor(
    window: TimeWindow,
    readonly skips: SkipCounter,
    onEvent: EventSink,
  ) {
    this.records = new RecordSink(window, skips, onEvent);
  }

  accept(row: AggregateRow): void {
    const result = aggregateRowRecords(row);
    if ('skip' in result) {
      this.skips.add(result.skip);
      return;
    }
    for (const record of result.records) {
      const reason = this.records.check(record);
      if (reason !== null) {
        this.skips.add(reason, result.records.reduce((n, r) => n + eventCount(r), 0));
        return;
      }
    }
    for (const record of result.records) {
      this.records.accept(record);
      this.calls += eventCount(record);
    }
  }
}

/** How to make rows from values in the order a header names them (a CSV header, Athena's column names), or the columns it lacks. */
export function rowFromColumns(names: readonly string[]): ((values: readonly (string | null | undefined)[]) => AggregateRow) | { missing: AggregateColumn[] } {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    const name = n.trim().toLowerCase();
    if (!index.has(name)) index.set(name, i);
  });
  const missing = AGGREGATE_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) return { missing };
  const positions = AGGREGATE_COLUMNS.map((c) => index.get(c)!);
  return (values) => {
    const row = {} as Record<AggregateColumn, string | null>;
    AGGREGATE_COLUMNS.forEach((c, i) => (row[c] = values[positions[i]!] ?? null));
    return row;
  };
}
