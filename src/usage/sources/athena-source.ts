// `--athena-run`: runs the aggregate query (athena-query.ts) in Athena and reads its result.
// StartQueryExecution, then GetQueryExecution until the query is done (a wait that starts at a
// second and grows to ten: big trails take minutes), then GetQueryResults page by page; each
// row becomes the records it stands for (aggregate-row.ts). Interrupted while the query runs,
// the query is stopped, so nothing keeps scanning (and billing) behind the user's back.
import type { AthenaClient, StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused } from '../../aws/aws-error.js';
import { badInput, InterruptedError, isKeyshiftError, KeyshiftError, throwIfAborted } from '../../errors.js';
import type { EventSink, EventSource, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
import { AggregateRowSink, rowFromColumns, type AggregateRow } from './aggregate-row.js';
import { athenaUsageQuery, athenaWindow, type AthenaTable } from './athena-query.js';
import { realClock, type Clock } from './clock.js';

export interface AthenaRunOptions extends AthenaTable {
  /** the data catalog (AwsDataCatalog when omitted) */
  catalog?: string;
  workGroup?: string;
  /** s3://… for the result, when the workgroup does not set one */
  outputLocation?: string;
  /** Athena's region (the connection's when omitted) */
  region?: string;
  keys?: readonly string[] | null;
  clock?: Clock;
}

const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;
const RESULT_PAGE_SIZE = 1000;

function errorName(e: unknown): string {
  return (e as { name?: unknown } | null)?.name?.toString() ?? '';
}

function refused(e: unknown, action: string, signal: AbortSignal | undefined): KeyshiftError {
  throwIfAborted(signal);
  if (isKeyshiftError(e)) return e;
  // a missing output location, an unknown workgroup: the options are wrong, not the permissions
  if (errorName(e) === 'InvalidRequestException') {
    return badInput(`Athena refused the query: ${(e as Error).message}`, 'check --athena-workgroup and --athena-output (an s3:// location for the result), and the database and table names', e);
  }
  return asAwsRefused(e, action);
}

/** The SDK's Athena module, loaded when a query runs, so other sources start without it. */
type AthenaSdk = typeof import('@aws-sdk/client-athena');

class AthenaRun {
  private readonly client: AthenaClient;
  private readonly clock: Clock;

  constructor(
    private readonly sdk: AthenaSdk,
    aws: AwsContext,
    private readonly options: AthenaRunOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.client = aws.client(sdk.AthenaClient, options.region);
    this.clock = options.clock ?? realClock;
  }

  /** Sends one call; an error becomes a KeyshiftError naming `action`. */
  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw refused(e, action, this.signal);
    }
  }

  async start(query: string): Promise<string> {
    const { database, catalog, workGroup, outputLocation } = this.options;
    const input: StartQueryExecutionCommandInput = { QueryString: query, QueryExecutionContext: { Database: database, Catalog: catalog ?? 'AwsDataCatalog' } };
    if (workGroup !== undefined) input.WorkGroup = workGroup;
    if (outputLocation !== undefined) input.ResultConfiguration = { OutputLocation: outputLocation };
    const out = await this.call('athena:StartQueryExecution', () => this.client.send(new this.sdk.StartQueryExecutionCommand(input), this.sendOptions()));
    if (out.QueryExecutionId === undefined) throw new KeyshiftError('internal', 'Athena started a query without an ID');
    return out.QueryExecutionId;
  }

  private sendOptions(): { abortSignal?: AbortSignal } {
    return this.signal ? { abortSignal: this.signal } : {};
  }

  /** Waits until the query succeeds; a failed or cancelled query is an error that says why. */
  async wait(id: string): Promise<void> {
    let pause = FIRST_POLL_MS;
    for (;;) {
      const out = await this.call('athena:GetQueryExecution', () => this.client.send(new this.sdk.GetQueryExecutionCommand({ QueryExecutionId: id }), this.sendOptions()));
      const status = out.QueryExecution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return;
        case 'FAILED':
          throw badInput(
            `the Athena query failed: ${status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'no reason given'}`,
            'check that --athena-database and --athena-table name a CloudTrail table as AWS documents it, and --athena-partitioning',
          );
        case 'CANCELLED':
          throw badInput('the Athena query was cancelled before it finished', 'run keyshift usage again');
      }
      await this.clock.sleep(pause, this.signal);
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
  }

  /** Stops a query that is still running; best effort (the query may have ended meanwhile). */
  async stop(id: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // the interruption is what the user sees; a failed stop leaves the query to Athena's timeout
    }
  }

  /** Every result row, header excluded. */
  async *rows(id: string): AsyncGenerator<AggregateRow> {
    let token: string | undefined;
    let toRow: ((values: readonly (string | null | undefined)[]) => AggregateRow) | null = null;
    let first = true;
    do {
      throwIfAborted(this.signal);
      const input = { QueryExecutionId: id, MaxResults: RESULT_PAGE_SIZE, NextToken: token };
      const out = await this.call('athena:GetQueryResults', () => this.client.send(new this.sdk.GetQueryResultsCommand(input), this.sendOptions()));
      const rows = (out.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue));
      if (first) {
        first = false;
        const names = (out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
        // a SELECT's first row is its header; it names the columns when the metadata does not
        const header = rows.shift() ?? [];
        const mapping = rowFromColumns(names.length > 0 ? names : header.map((h) => h ?? ''));
        if ('missing' in mapping) throw badInput(`the Athena result lacks the columns ${mapping.missing.join(', ')}`, 'the query keyshift generates returns them; was the query changed?');
        toRow = mapping;
      }
      for (const values of rows) yield toRow!(values);
      token = out.NextToken;
    } while (token !== undefined && token !== '');
  }
}

async function runAthena(aws: AwsContext, window: TimeWindow, options: AthenaRunOptions, onEvent: EventSink, skips: SkipCounter, signal?: AbortSignal) {
  const query = athenaUsageQuery({ ...options, window });
  const run = new AthenaRun(await import('@aws-sdk/client-athena'), aws, options, signal);
  throwIfAborted(signal);
  const id = await run.start(query);
  try {
    await run.wait(id);
  } catch (e) {
    if (e instanceof InterruptedError || signal?.aborted) await run.stop(id);
    throw e;
  }
  const sink = new AggregateRowSink(athenaWindow(window), skips, onEvent);
  for await (const row of run.rows(id)) sink.accept(row);
  return { files: 0, events: sink.calls };
}

/** The per-key aggregate, computed by Athena over the CloudTrail table (--athena-run). */
export function athenaSource(aws: AwsContext, window: TimeWindow, options: AthenaRunOptions): EventSource {
  // checks the names, keys and window now, before any call
  athenaUsageQuery({ ...options, window });
  return {
    description: { type: 'athena', location: `athena:${options.catalog ?? 'AwsDataCatalog'}.${options.database}.${options.table}` },
    read: (onEvent, skips, signal) => runAthena(aws, window, options, onEvent, skips, signal),
  };
}
