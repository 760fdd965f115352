// The whole `usage` job: read the evidence from every source, aggregate per key, attribute
// sources to instances with the inventory, assess what the evidence cannot see, and build
// the usage document. Part of the input that could not be read is counted, not hidden.
import { badInput, throwIfAborted } from '../errors.js';
import type { IoHost } from '../io/host.js';
import { InventoryDocument, INVENTORY_VERSION } from '../model/inventory.js';
import { readDocument } from '../model/read-document.js';
import { USAGE_VERSION, type UsageDocument } from '../model/usage.js';
import { VERSION } from '../version.js';
import { UsageAggregator } from './aggregate.js';
import { attributeSources } from './attribution/attribute-sources.js';
import { SkipCounter, type EventSource, type TimeWindow } from './cloudtrail-event.js';
import { assessCoverage } from './coverage/assess-coverage.js';
import type { TrailSelectors } from './evidence-stats.js';
import { readInWorkers, workersAvailable } from './sources/parallel-directory.js';

export interface UsageJob {
  sources: EventSource[];
  window: TimeWindow;
  /** only these long-term keys (and the temporary keys they obtained) */
  keys?: string[] | undefined;
  inventoryPath?: string | undefined;
  /** the trails' selectors, when the evidence came from AWS and they could be read */
  trails?: TrailSelectors[] | undefined;
  host: IoHost;
  signal?: AbortSignal;
  now: Date;
  /**
   * Worker threads for sources of local files (1 or less: read them in this thread, as other
   * sources are). The document is the same whatever the number.
   */
  workers?: number | undefined;
}

/** The order of a source's first record (see UsageAggregator.order): room for 2^32 files per source. */
const ORDER_PER_SOURCE = 2 ** 32;
const PROGRESS_EVERY = 50_000;

export interface UsageResult {
  usage: UsageDocument;
  /** records or files that could not be read (the document says which reasons) */
  faults: number;
}

export async function runUsageJob(job: UsageJob): Promise<UsageResult> {
  if (job.sources.length === 0) throw badInput('no evidence to read', 'pass --from with a folder of CloudTrail logs, an s3:// URL or lookup-events');
  const inventory = job.inventoryPath
    ? await readDocument(job.inventoryPath, { kind: 'inventory', version: INVENTORY_VERSION, schema: InventoryDocument })
    : undefined;
  const keyFilter = job.keys && job.keys.length > 0 ? new Set(job.keys) : null;
  const aggregator = new UsageAggregator({ keys: keyFilter });
  const skips = new SkipCounter();
  const read: UsageDocument['sources'] = [];
  const workers = Math.floor(job.workers ?? 1);
  for (const [index, source] of job.sources.entries()) {
    throwIfAborted(job.signal);
    job.host.notify({ type: 'phase', phase: 'read', message: `reading CloudTrail events from ${source.description.location}` });
    const firstOrder = index * ORDER_PER_SOURCE;
    let counted: { files: number; events: number };
    if (source.localFiles !== undefined && workers > 1 && workersAvailable()) {
      let reported = 0;
      counted = await readInWorkers(source.localFiles, {
        workers,
        into: aggregator,
        keys: keyFilter,
        firstOrder,
        skips,
        signal: job.signal,
        onProgress: (done) => {
          if (done - reported < PROGRESS_EVERY) return;
          reported = done;
          job.host.notify({ type: 'progress', phase: 'events', done, unit: 'events' });
        },
      });
    } else {
      aggregator.order = firstOrder;
      let delivered = 0;
      const { files } = await source.read(
        (event, timeMs) => {
          aggregator.add(event, timeMs);
          if (++delivered % PROGRESS_EVERY === 0) job.host.notify({ type: 'progress', phase: 'events', done: delivered, unit: 'events' });
        },
        skips,
        job.signal,
      );
      counted = { files, events: delivered };
    }
    const { files, events } = counted;
    job.host.notify({ type: 'progress', phase: 'events', done: events, unit: 'events' });
    read.push({ ...source.description, files, events });
  }
  for (const [reason, count] of skips.counts) {
    if (reason !== 'outside-window') job.host.notify({ type: 'warning', code: `skipped:${reason}`, message: `skipped ${count} unreadable record(s) or file(s): ${reason}` });
  }
  const aggregate = aggregator.finish();
  const keys = attributeSources(aggregate.keys, inventory);
  const coverage = assessCoverage({ keys, stats: aggregate.stats, inventory, trails: job.trails, window: job.window });
  const usage: UsageDocument = {
    kind: 'usage',
    version: USAGE_VERSION,
    account: inventory?.account ?? null,
    asOf: job.now.toISOString(),
    generator: { name: 'keyshift', version: VERSION },
    window: { since: job.window.since?.toISOString() ?? null, until: job.window.until?.toISOString() ?? null },
    sources: read,
    skipped: skips.toRecord(),
    inventoryAsOf: inventory?.asOf ?? null,
    keys,
    coverage,
  };
  return { usage, faults: skips.faults };
}
