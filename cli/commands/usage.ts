// `keyshift usage`: options -> the usage job -> summary or JSON -> exit code.
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import { athenaUsageQuery, type AthenaPartitioning } from '../../src/usage/sources/athena-query.js';
import { isAwsSource, sourceFor } from '../../src/usage/sources/source-for.js';
import { readTrailSelectors } from '../../src/usage/sources/trail-selectors.js';
import type { TrailSelectors } from '../../src/usage/evidence-stats.js';
import { runUsageJob } from '../../src/usage/usage-job.js';
import { usageJsonChunks } from '../../src/usage/usage-json-chunks.js';
import { usageError } from '../../src/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult, writeResultChunks } from '../output.js';
import { renderUsageSummary } from '../views/usage-summary.js';
import { defaultWorkers } from '../parse/workers.js';
import type { INVENTORY_FORMATS } from './choices.js';

export interface UsageOptions {
  from?: string[];
  since?: Date;
  until?: Date;
  keys?: string[];
  inventory?: string;
  format: (typeof INVENTORY_FORMATS)[number];
  output?: string;
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  athenaDatabase?: string;
  athenaTable?: string;
  athenaPartitioning?: AthenaPartitioning;
  athenaWorkgroup?: string;
  athenaOutput?: string;
  athenaRun?: boolean;
  athenaQuery?: boolean;
  /** threads reading local folders; default defaultWorkers() */
  workers?: number;
}

export async function runUsage(ctx: CliContext, opts: UsageOptions): Promise<number> {
  const window = { since: opts.since ?? null, until: opts.until ?? null };
  if (opts.athenaQuery) {
    if (!opts.athenaDatabase || !opts.athenaTable) throw usageError('--athena-query needs --athena-database and --athena-table');
    const sql = athenaUsageQuery({ database: opts.athenaDatabase, table: opts.athenaTable, partitioning: opts.athenaPartitioning ?? 'none', window, keys: opts.keys ?? null });
    await writeResult(`${sql}\n`, opts.output, ctx.streams);
    return ExitCode.ok;
  }
  const from = opts.from ?? [];
  if (from.length === 0) throw usageError('usage needs --from (a folder of CloudTrail logs, s3://bucket/prefix, lookup-events, athena or athena-result:FILE.csv)');
  let aws: AwsContext | undefined;
  const connect = () => (aws ??= new AwsContext({ profile: opts.profile, region: opts.region?.[0], endpointUrl: opts.endpointUrl }, ctx.env, ctx.signal));
  try {
    const sources = from.map((spec) =>
      sourceFor(spec, {
        window,
        aws: connect,
        regions: opts.region ?? [],
        keys: opts.keys,
        athena: {
          database: opts.athenaDatabase,
          table: opts.athenaTable,
          partitioning: opts.athenaPartitioning,
          workGroup: opts.athenaWorkgroup,
          outputLocation: opts.athenaOutput,
          run: opts.athenaRun === true,
        },
      }),
    );
    const trails = from.some(isAwsSource) ? await trailsOrInferred(ctx, connect(), opts.region ?? []) : undefined;
    const workers = opts.workers ?? defaultWorkers();
    const { usage, faults } = await runUsageJob({ sources, window, keys: opts.keys, inventoryPath: opts.inventory, trails, host: ctx.host, signal: ctx.signal, now: ctx.now(), workers });
    ctx.host.close();
    // the document is written key by key, never as one string
    if (opts.output) {
      await writeResultChunks(usageJsonChunks(usage), opts.output, ctx.streams);
      if (!ctx.mode.json) await writeResult(renderUsageSummary(usage), undefined, ctx.streams);
    } else if (ctx.mode.json || opts.format === 'json') {
      await writeResultChunks(usageJsonChunks(usage), undefined, ctx.streams);
    } else {
      await writeResult(renderUsageSummary(usage), undefined, ctx.streams);
    }
    return faults > 0 ? ExitCode.incomplete : ExitCode.ok;
  } finally {
    aws?.destroy();
  }
}

/** The trails' selectors when they can be read; otherwise coverage is inferred from the data (and says so). */
async function trailsOrInferred(ctx: CliContext, aws: AwsContext, regions: string[]): Promise<TrailSelectors[] | undefined> {
  try {
    return await readTrailSelectors(aws, regions.length > 0 ? regions : [aws.region], ctx.signal);
  } catch (e) {
    if (!isKeyshiftError(e) || e.kind !== 'aws-refused') throw e;
    ctx.host.notify({ type: 'warning', code: 'trail-selectors', message: `${e.message}: coverage is inferred from the events instead` });
    return undefined;
  }
}
