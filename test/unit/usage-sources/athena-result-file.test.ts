// The Athena result CSV (the path without --athena-run): CSV reading as Athena writes it,
// aggregate rows turned into weighted records, bad rows skipped with reasons, and the records
// understood by the aggregator (actions, resources, role chains).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKeyshiftError } from '../../../src/errors.js';
import { UsageAggregator } from '../../../src/usage/aggregate.js';
import { SkipCounter, type CloudTrailEvent } from '../../../src/usage/cloudtrail-event.js';
import { AGGREGATE_COLUMNS, aggregateRowRecords, EVENT_COUNT, eventCount, type AggregateColumn, type AggregateRow } from '../../../src/usage/sources/aggregate-row.js';
import { athenaResultFileSource } from '../../../src/usage/sources/athena-result-file.js';
import { CsvRows, type CsvRow } from '../../../src/usage/sources/csv-rows.js';
import { ctEvent, iamUser, tempDir } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const ACCOUNT = '123456789012';
const WINDOW = { since: new Date('2024-05-02T00:00:00Z'), until: new Date('2024-05-04T00:00:00Z') };

function parse(chunks: string[]): { row: CsvRow; complete: boolean }[] {
  const rows: { row: CsvRow; complete: boolean }[] = [];
  const csv = new CsvRows((row, complete) => rows.push({ row, complete }));
  for (const c of chunks) csv.push(c);
  csv.end();
  return rows;
}

describe('CsvRows', () => {
  const text = 'a,"b, with comma","c ""quoted""",,""\r\n"multi\nline",x,,"",y\n\nlast,row';
  const expected = [
    { row: ['a', 'b, with comma', 'c "quoted"', null, ''], complete: true },
    { row: ['multi\nline', 'x', null, '', 'y'], complete: true },
    { row: ['last', 'row'], complete: true },
  ];

  it('reads quoted fields, doubled quotes, line breaks inside quotes, CRLF, NULL and empty', () => {
    expect(parse([text])).toEqual(expected);
  });

  it('gives the same rows however the text is cut into chunks', () => {
    expect(parse([...text])).toEqual(expected);
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
  });

  it('marks a row cut inside a quote as incomplete', () => {
    expect(parse(['a,b\n"c,d'])).toEqual([
      { row: ['a', 'b'], complete: true },
      { row: ['c,d'], complete: false },
    ]);
  });
});

const key = fakeKeyId();
const temp = 'ASIA' + fakeKeyId().slice(4);
const roleArn = `arn:aws:iam::${ACCOUNT}:role/batch`;

function row(values: Partial<Record<AggregateColumn, string | null>>): AggregateRow {
  const r = Object.fromEntries(AGGREGATE_COLUMNS.map((c) => [c, null])) as Record<AggregateColumn, string | null>;
  return Object.assign(r, {
    access_key_id: key,
    principal_type: 'IAMUser',
    principal_arn: `arn:aws:iam::${ACCOUNT}:user/reporter`,
    principal_account_id: ACCOUNT,
    user_name: 'reporter',
    aws_region: 'us-east-1',
    source_ip: '203.0.113.10',
    user_agent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0',
    read_only: 'true',
    event_category: 'Management',
    recipient_account_id: ACCOUNT,
    ...values,
  });
}

const rows: AggregateRow[] = [
  row({ event_source: 's3.amazonaws.com', event_name: 'GetObject', read_only: 'true', event_category: 'Data', request_resources: '{"bucketName":"reports","key":"daily/"}', first_seen: '2024-05-02T10:00:00Z', last_seen: '2024-05-03T11:00:00Z', calls: '10' }),
  row({
    event_source: 'sts.amazonaws.com',
    event_name: 'AssumeRole',
    read_only: 'false',
    request_resources: JSON.stringify({ roleArn }),
    resource_arns: roleArn,
    issued_access_key_id: temp,
    first_seen: '2024-05-02T12:00:00Z',
    last_seen: '2024-05-02T12:00:00Z',
    calls: '1',
  }),
  row({ access_key_id: temp, principal_type: 'AssumedRole', principal_arn: `arn:aws:sts::${ACCOUNT}:assumed-role/batch/s`, user_name: 'batch', event_source: 'sqs.amazonaws.com', event_name: 'SendMessage', read_only: 'false', vpc_endpoint_id: 'vpce-0a1b2c3d', source_ip: '10.0.1.5', request_resources: '{"queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}', first_seen: '2024-05-02T12:01:00Z', last_seen: '2024-05-02T12:01:00Z', calls: '3' }),
  row({ event_source: 'ec2.amazonaws.com', event_name: 'DescribeInstances', aws_region: 'mars-1', first_seen: '2024-05-02T12:00:00Z', last_seen: '2024-05-02T13:00:00Z', calls: '5' }),
  row({ event_source: 'ec2.amazonaws.com', event_name: 'DescribeInstances', first_seen: '2024-05-01T12:00:00Z', last_seen: '2024-05-02T13:00:00Z', calls: '4' }),
  row({ event_source: 'ec2.amazonaws.com', event_name: 'DescribeInstances', first_seen: '2024-05-02T12:00:00Z', last_seen: '2024-05-02T13:00:00Z', calls: 'many' }),
  row({ event_source: 'ec2.amazonaws.com', event_name: 'DescribeInstances', first_seen: '2024-05-02T14:00:00Z', last_seen: '2024-05-02T13:00:00Z', calls: '2' }),
];

describe('aggregate rows', () => {
  it('stand for their calls as one record, or a first and a last record', () => {
    const many = aggregateRowRecords(rows[0]!);
    expect('records' in many && many.records.map((r) => [r.eventTime, eventCount(r)])).toEqual([
      ['2024-05-02T10:00:00Z', 9],
      ['2024-05-03T11:00:00Z', 1],
    ]);
    const once = aggregateRowRecords(rows[2]!);
    expect('records' in once && once.records.map((r) => [r.eventTime, eventCount(r)])).toEqual([['2024-05-02T12:01:00Z', 3]]);
    expect(aggregateRowRecords(rows[5]!)).toEqual({ skip: 'missing-fields' });
    expect(aggregateRowRecords(rows[6]!)).toEqual({ skip: 'invalid-time' });
  });

  it('carry the call as CloudTrail would record it', () => {
    const result = aggregateRowRecords(rows[1]!);
    if (!('records' in result)) throw new Error('skipped');
    const [record] = result.records;
    expect(record).toEqual({
      eventTime: '2024-05-02T12:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/reporter`, accountId: ACCOUNT, accessKeyId: key, userName: 'reporter' },
      requestParameters: { roleArn },
      responseElements: { credentials: { accessKeyId: temp } },
      resources: [{ ARN: roleArn }],
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0',
      recipientAccountId: ACCOUNT,
      readOnly: false,
      eventCategory: 'Management',
      managementEvent: true,
      [EVENT_COUNT]: 1,
    });
  });

  it('a real CloudTrail record counts once, whatever fields it has', () => {
    const real = { ...ctEvent({ identity: iamUser(key), eventName: 'GetObject' }), count: 1000 } as CloudTrailEvent;
    expect(eventCount(real)).toBe(1);
  });
});

/** A CSV as Athena writes it: every value quoted, NULL as an empty unquoted field. */
function athenaCsv(columns: readonly string[], data: AggregateRow[]): string {
  const field = (v: string | null) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);
  return [columns.map((c) => `"${c}"`).join(','), ...data.map((r) => columns.map((c) => field(r[c as AggregateColumn])).join(','))].join('\n') + '\n';
}

describe('athenaResultFileSource', () => {
  async function readCsv(text: string) {
    const dir = await tempDir();
    const path = join(dir, 'result.csv');
    await writeFile(path, text);
    const events: CloudTrailEvent[] = [];
    const skips = new SkipCounter();
    const result = await athenaResultFileSource(path, WINDOW).read((e) => events.push(e), skips);
    return { result, events, skips: skips.toRecord() };
  }

  it('reads the rows whatever the column order, and skips bad rows for all their calls', async () => {
    const columns = [...AGGREGATE_COLUMNS].reverse();
    const { result, events, skips } = await readCsv(athenaCsv(columns, rows) + '"truncated","row"\n');
    expect(events.map((e) => `${e.eventName} ${e.eventTime} x${eventCount(e)}`)).toEqual([
      'GetObject 2024-05-02T10:00:00Z x9',
      'GetObject 2024-05-03T11:00:00Z x1',
      'AssumeRole 2024-05-02T12:00:00Z x1',
      'SendMessage 2024-05-02T12:01:00Z x3',
    ]);
    expect(result).toEqual({ files: 1, events: 14 });
    expect(skips).toEqual({ 'invalid-region': 5, 'outside-window': 4, 'missing-fields': 2, 'invalid-time': 1 });
  });

  it('gives the aggregator the actions, resources and role chains of the calls', async () => {
    const { events } = await readCsv(athenaCsv(AGGREGATE_COLUMNS, rows));
    const aggregator = new UsageAggregator({ keys: new Set([key]) });
    for (const e of events) aggregator.add(e);
    const [usage] = aggregator.finish().keys;
    expect(usage?.accessKeyId).toBe(key);
    expect(usage?.firstSeen).toBe('2024-05-02T10:00:00Z');
    expect(usage?.lastSeen).toBe('2024-05-03T11:00:00Z');
    expect(usage?.actions.map((a) => `${a.action} ${a.resource}`)).toEqual(['s3:GetObject arn:aws:s3:::reports/daily/*', `sts:AssumeRole ${roleArn}`]);
    expect(usage?.sessions).toEqual([
      expect.objectContaining({ accessKeyId: temp, via: 'AssumeRole', roleArn, actions: [expect.objectContaining({ action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` })] }),
    ]);
  });

  it('a file that is not the query\'s result, an empty file or a missing file is bad input', async () => {
    for (const text of ['"eventname","count"\n"GetObject","3"\n', '']) {
      const e = await readCsv(text).catch((err: unknown) => err);
      expect(isKeyshiftError(e) && e.kind).toBe('bad-input');
    }
    const missing = await readCsv('"a"\n').catch((err: unknown) => err);
    expect((missing as Error).message).toContain('lacks the columns access_key_id');
    const e = await athenaResultFileSource('/nonexistent/result.csv', WINDOW).read(() => {}, new SkipCounter()).catch((err: unknown) => err);
    expect(isKeyshiftError(e) && e.kind).toBe('bad-input');
  });
});
