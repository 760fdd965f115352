// The --athena-run path end to end against the moto emulator. moto's Athena runs no SQL: it
// answers GetQueryResults with result sets queued beforehand through its API
// (POST /moto-api/static/athena/query-results: {account_id, region, results: [{rows,
// column_info}]}, rows as Athena's {Data: [{VarCharValue}]}, the header row first as a SELECT
// returns it). So the test queues the aggregate rows the generated query would return and
// checks what the source makes of them; the SQL's text is tested in
// test/unit/usage-sources/athena-query.test.ts. Failures, paging and interruption, which moto
// does not produce, are injected with middleware on the real client.
import { AthenaClient } from '@aws-sdk/client-athena';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError, throwIfAborted } from '../../src/errors.js';
import { SkipCounter, type CloudTrailEvent } from '../../src/usage/cloudtrail-event.js';
import { AGGREGATE_COLUMNS, eventCount, type AggregateColumn } from '../../src/usage/sources/aggregate-row.js';
import { athenaUsageQuery } from '../../src/usage/sources/athena-query.js';
import { athenaSource, type AthenaRunOptions } from '../../src/usage/sources/athena-source.js';
import type { Clock } from '../../src/usage/sources/clock.js';
import { fakeKeyId } from '../helpers/fake-keys.js';
import { startMoto, type Moto } from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const WINDOW = { since: new Date('2024-05-02T00:00:00Z'), until: new Date('2024-05-04T00:00:00Z') };

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
  for (const [name, value] of Object.entries(moto.env)) vi.stubEnv(name, value);
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'athena-results' }));
  s3.destroy();
});

type Values = Partial<Record<AggregateColumn, string | null>>;

/** Queues one result set in moto: a header row, then the rows (null values left out, as Athena does). */
async function queueResult(data: Values[], columns: readonly string[] = AGGREGATE_COLUMNS): Promise<void> {
  const cell = (v: string | null | undefined) => (v === null || v === undefined ? {} : { VarCharValue: v });
  const body = {
    account_id: ACCOUNT,
    region: 'us-east-1',
    results: [
      {
        rows: [{ Data: columns.map((c) => cell(c)) }, ...data.map((r) => ({ Data: columns.map((c) => cell(r[c as AggregateColumn])) }))],
        column_info: columns.map((c) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Name: c, Label: c, Type: c === 'calls' ? 'bigint' : 'varchar', Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true })),
      },
    ],
  };
  const res = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
}

const key = fakeKeyId();
const temp = 'ASIA' + fakeKeyId().slice(4);
const roleArn = `arn:aws:iam::${ACCOUNT}:role/batch`;
const common: Values = { access_key_id: key, principal_type: 'IAMUser', principal_arn: `arn:aws:iam::${ACCOUNT}:user/reporter`, principal_account_id: ACCOUNT, user_name: 'reporter', aws_region: 'us-east-1', source_ip: '203.0.113.10', user_agent: 'Boto3/1.34.0 md/Botocore#1.34.0 Python/3.12.1', read_only: 'true', event_category: 'Management', recipient_account_id: ACCOUNT };
const ROWS: Values[] = [
  { ...common, event_source: 's3.amazonaws.com', event_name: 'PutObject', read_only: 'false', event_category: 'Data', request_resources: '{"bucketName":"reports","key":"out/daily/"}', first_seen: '2024-05-02T01:00:00Z', last_seen: '2024-05-03T23:00:00Z', calls: '48' },
  { ...common, event_source: 'sts.amazonaws.com', event_name: 'AssumeRole', read_only: 'false', request_resources: JSON.stringify({ roleArn }), resource_arns: roleArn, issued_access_key_id: temp, first_seen: '2024-05-02T06:00:00Z', last_seen: '2024-05-02T06:00:00Z', calls: '1' },
  { ...common, access_key_id: temp, principal_type: 'AssumedRole', principal_arn: `arn:aws:sts::${ACCOUNT}:assumed-role/batch/s`, user_name: 'batch', event_source: 'dynamodb.amazonaws.com', event_name: 'DescribeTable', request_resources: '{"tableName":"jobs"}', first_seen: '2024-05-02T06:01:00Z', last_seen: '2024-05-02T06:05:00Z', calls: '7' },
  { ...common, event_source: 'ec2.amazonaws.com', event_name: 'DescribeInstances', source_ip: 'not-an-ip', first_seen: '2024-05-02T07:00:00Z', last_seen: '2024-05-02T08:00:00Z', calls: '12' },
];

/** A clock whose sleeps return at once (moto's queries finish at once anyway), and end early when the signal fires, as real ones do. */
function instantClock(onSleep?: () => void): Clock {
  return {
    now: () => Date.parse('2024-06-01T00:00:00Z'),
    sleep: async (_ms, signal) => {
      onSleep?.();
      throwIfAborted(signal);
    },
  };
}

interface Middlewared {
  middlewareStack: { add(mw: unknown, options: { step: 'initialize'; name: string }): void };
}

function intercept(aws: AwsContext, name: string, fn: (command: string | undefined, input: Record<string, unknown>, next: () => Promise<{ output: Record<string, unknown> }>) => Promise<unknown>): void {
  (aws.client(AthenaClient, 'us-east-1') as unknown as Middlewared).middlewareStack.add(
    (next: (args: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) =>
      fn(context.commandName, args.input, () => next(args)),
    { step: 'initialize', name },
  );
}

const OPTIONS: AthenaRunOptions = { database: 'security_logs', table: 'cloudtrail_logs', partitioning: 'timestamp', workGroup: 'primary', outputLocation: 's3://athena-results/keyshift/', keys: [key] };

async function run(options: Partial<AthenaRunOptions> = {}, prepare?: (aws: AwsContext) => void, signal?: AbortSignal) {
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
  prepare?.(aws);
  const events: CloudTrailEvent[] = [];
  const skips = new SkipCounter();
  try {
    const result = await athenaSource(aws, WINDOW, { clock: instantClock(), ...OPTIONS, ...options }).read((e) => events.push(e), skips, signal);
    return { result, events, skips: skips.toRecord(), calls: Object.fromEntries(aws.calls) };
  } finally {
    aws.destroy();
  }
}

describe('athenaSource --athena-run (moto, injected results)', () => {
  it('starts the generated query, waits for it, and turns each aggregate row into its records', async () => {
    await queueResult(ROWS);
    const started: Record<string, unknown>[] = [];
    const { result, events, skips, calls } = await run({}, (aws) =>
      intercept(aws, 'captureStart', (command, input, next) => {
        if (command === 'StartQueryExecutionCommand') started.push(input);
        return next();
      }),
    );

    expect(started).toEqual([
      {
        QueryString: athenaUsageQuery({ ...OPTIONS, window: WINDOW }),
        QueryExecutionContext: { Database: 'security_logs', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'primary',
        ResultConfiguration: { OutputLocation: 's3://athena-results/keyshift/' },
      },
    ]);
    expect(events.map((e) => `${e.userIdentity.accessKeyId === key ? 'key' : 'temp'} ${e.eventSource} ${e.eventName} ${e.eventTime} x${eventCount(e)}`)).toEqual([
      'key s3.amazonaws.com PutObject 2024-05-02T01:00:00Z x47',
      'key s3.amazonaws.com PutObject 2024-05-03T23:00:00Z x1',
      'key sts.amazonaws.com AssumeRole 2024-05-02T06:00:00Z x1',
      'temp dynamodb.amazonaws.com DescribeTable 2024-05-02T06:01:00Z x6',
      'temp dynamodb.amazonaws.com DescribeTable 2024-05-02T06:05:00Z x1',
    ]);
    expect(events[0]).toMatchObject({ readOnly: false, managementEvent: false, eventCategory: 'Data', requestParameters: { bucketName: 'reports', key: 'out/daily/' }, sourceIPAddress: '203.0.113.10' });
    expect(events[2]).toMatchObject({ responseElements: { credentials: { accessKeyId: temp } }, resources: [{ ARN: roleArn }], requestParameters: { roleArn } });
    expect(skips).toEqual({ 'invalid-ip': 12 });
    expect(result).toEqual({ files: 0, events: 56 });
    expect(calls['AthenaClient StartQueryExecutionCommand']).toBe(1);
    expect(calls['AthenaClient GetQueryResultsCommand']).toBe(1);
    expect(calls['AthenaClient GetQueryExecutionCommand']).toBeGreaterThanOrEqual(1);
  });

  it('follows NextToken through the result pages; the header comes only on the first', async () => {
    await queueResult(ROWS.slice(0, 3));
    let page = 0;
    const { events } = await run({}, (aws) =>
      intercept(aws, 'twoPages', async (command, input, next) => {
        if (command !== 'GetQueryResultsCommand') return next();
        page++;
        const out = await next();
        const resultSet = out.output.ResultSet as { Rows: unknown[] };
        // moto answers in one page: split it as Athena would, header on the first page only
        if (input.NextToken === undefined) return { ...out, output: { ...out.output, ResultSet: { ...resultSet, Rows: resultSet.Rows.slice(0, 2) }, NextToken: 'page-2' } };
        return { ...out, output: { ...out.output, ResultSet: { ...resultSet, Rows: resultSet.Rows.slice(2) }, NextToken: undefined } };
      }),
    );
    expect(page).toBe(2);
    expect(events.map((e) => e.eventName)).toEqual(['PutObject', 'PutObject', 'AssumeRole', 'DescribeTable', 'DescribeTable']);
  });

  it('a failed query is bad input that says why', async () => {
    const e = await run({}, (aws) =>
      intercept(aws, 'failed', async (command, _input, next) => {
        if (command !== 'GetQueryExecutionCommand') return next();
        const out = await next();
        const execution = out.output.QueryExecution as Record<string, unknown>;
        return { ...out, output: { ...out.output, QueryExecution: { ...execution, Status: { State: 'FAILED', StateChangeReason: "TABLE_NOT_FOUND: Table 'security_logs.cloudtrail_logs' does not exist" } } } };
      }),
    ).catch((err: unknown) => err);
    expect(isKeyshiftError(e) && e.kind).toBe('bad-input');
    expect((e as Error).message).toContain('TABLE_NOT_FOUND');
  });

  it('interrupted while the query runs, it stops the query', async () => {
    const controller = new AbortController();
    let polls = 0;
    let stopped = 0;
    const e = await run({ clock: instantClock(() => controller.abort()) }, (aws) =>
      intercept(aws, 'running', async (command, _input, next) => {
        if (command === 'StopQueryExecutionCommand') stopped++;
        if (command !== 'GetQueryExecutionCommand') return next();
        polls++;
        const out = await next();
        const execution = out.output.QueryExecution as Record<string, unknown>;
        return { ...out, output: { ...out.output, QueryExecution: { ...execution, Status: { State: 'RUNNING' } } } };
      }),
      controller.signal,
    ).catch((err: unknown) => err);
    expect(isKeyshiftError(e) && e.kind).toBe('interrupted');
    expect(polls).toBe(1);
    expect(stopped).toBe(1);
  });

  it('a result without the aggregate\'s columns is bad input; a refused start names the permission', async () => {
    await queueResult([{ ...ROWS[0] }], ['event_name', 'calls']);
    const wrong = await run().catch((err: unknown) => err);
    expect(isKeyshiftError(wrong) && wrong.kind).toBe('bad-input');
    expect((wrong as Error).message).toContain('lacks the columns access_key_id');

    const refused = await run({}, (aws) =>
      intercept(aws, 'refuse', async (command, _input, next) => {
        if (command !== 'StartQueryExecutionCommand') return next();
        throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      }),
    ).catch((err: unknown) => err);
    expect(isKeyshiftError(refused) && refused.kind).toBe('aws-refused');
    expect((refused as Error).message).toContain('athena:StartQueryExecution');
  });

  it('checks names and keys before any call', () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    expect(() => athenaSource(aws, WINDOW, { ...OPTIONS, table: 'logs; DROP' })).toThrow(/not a valid Athena table name/);
    expect(() => athenaSource(aws, WINDOW, { ...OPTIONS, keys: ["AKIA' OR 1=1 --"] })).toThrow(/not an access key ID/);
    expect(aws.totalCalls()).toBe(0);
    aws.destroy();
  });
});
