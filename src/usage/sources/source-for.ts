// Which event source a --from value names:
//   DIR or FILE            CloudTrail log files on disk (S3 layout, JSON, JSON Lines)
//   s3://bucket/prefix     the trail's bucket, only the date folders inside the window
//   lookup-events          CloudTrail LookupEvents (management events, last 90 days)
//   athena                 run the generated query on Athena (with --athena-run)
//   athena-result:FILE     the CSV result of that query, run by hand
import type { AwsContext } from '../../aws/aws-context.js';
import { usageError } from '../../errors.js';
import type { EventSource, TimeWindow } from '../cloudtrail-event.js';
import type { AthenaPartitioning } from './athena-query.js';
import { athenaResultFileSource } from './athena-result-file.js';
import { athenaSource } from './athena-source.js';
import { localDirectorySource } from './local-directory.js';
import { lookupEventsSource } from './lookup-events-source.js';
import { s3Source } from './s3-source.js';

export interface AthenaSettings {
  database?: string | undefined;
  table?: string | undefined;
  partitioning?: AthenaPartitioning | undefined;
  workGroup?: string | undefined;
  outputLocation?: string | undefined;
  run: boolean;
}

export interface SourceContext {
  window: TimeWindow;
  /** the AWS connection, made only when a source needs AWS */
  aws: () => AwsContext;
  regions: string[];
  keys: string[] | undefined;
  athena: AthenaSettings;
}

/** Whether the evidence comes from the account itself, so the trails' selectors can be read. */
export function isAwsSource(spec: string): boolean {
  return spec.startsWith('s3://') || spec === 'lookup-events' || spec === 'athena';
}

export function sourceFor(spec: string, ctx: SourceContext): EventSource {
  if (spec.startsWith('s3://')) return s3Source(ctx.aws(), spec, ctx.window);
  if (spec === 'lookup-events') {
    if (ctx.regions.length === 0) throw usageError('--from lookup-events needs --region (LookupEvents answers one region per call)');
    return lookupEventsSource(ctx.aws(), ctx.window, { regions: ctx.regions, keys: ctx.keys ?? null });
  }
  if (spec === 'athena') {
    const { database, table } = ctx.athena;
    if (!database || !table) throw usageError('--from athena needs --athena-database and --athena-table');
    if (!ctx.athena.run) throw usageError('--from athena runs a query on Athena only with --athena-run', 'or print it with --athena-query, run it yourself, and pass --from athena-result:FILE.csv');
    return athenaSource(ctx.aws(), ctx.window, {
      database,
      table,
      ...(ctx.athena.partitioning && { partitioning: ctx.athena.partitioning }),
      ...(ctx.athena.workGroup && { workGroup: ctx.athena.workGroup }),
      ...(ctx.athena.outputLocation && { outputLocation: ctx.athena.outputLocation }),
      keys: ctx.keys ?? null,
    });
  }
  if (spec.startsWith('athena-result:')) return athenaResultFileSource(spec.slice('athena-result:'.length), ctx.window);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) throw usageError(`--from ${spec}: not a source keyshift reads`, 'use a folder, s3://bucket/prefix, lookup-events, athena or athena-result:FILE.csv');
  return localDirectorySource(spec, ctx.window);
}
