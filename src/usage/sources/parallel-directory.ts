// Reading a local folder of log files with several worker threads (directory-worker.ts): the
// main thread walks the folders, in the same order as a single-threaded read, and deals the
// files out in small batches to whichever worker has the fewest waiting; each worker reads its
// files whole (gunzip, JSON.parse) into its own aggregator, and the aggregates are merged at
// the end. Each file carries its place in the read order, so the merged aggregate is the one a
// single thread reading every file in order would have built (see aggregate.ts), and the usage
// document is byte for byte the same whatever the number of workers.
//
// Memory: each worker holds the records of the file it is reading and an aggregate of what it
// has read, whose size is set by the distinct keys, actions, resources, sources and days, not
// by the number of records; the main thread holds the paths of the batches in flight.
import { Worker } from 'node:worker_threads';
import { throwIfAborted } from '../../errors.js';
import type { AggregatorSnapshot } from '../aggregate-snapshot.js';
import type { UsageAggregator } from '../aggregate.js';
import { SkipCounter, type LocalLogFiles, type SkipReason, type TimeWindow } from '../cloudtrail-event.js';

/** What a worker is started with. */
export interface DirectoryWorkerData {
  window: TimeWindow;
  /** only these long-term keys (and the temporary keys they obtain); all when null */
  keys: string[] | null;
  wholeFileMaxBytes: number;
}

export type ToDirectoryWorker =
  | { type: 'files'; paths: string[]; orders: number[] }
  /** no more files: send the aggregate */
  | { type: 'finish' };

export type FromDirectoryWorker =
  | { type: 'read'; files: number; events: number }
  | { type: 'result'; snapshot: AggregatorSnapshot; skips: [SkipReason, number][]; events: number };

export interface ParallelReadOptions {
  /** worker threads, 2 or more */
  workers: number;
  /** where the workers' aggregates are merged; its options (the key filter) are theirs too */
  into: UsageAggregator;
  keys: ReadonlySet<string> | null;
  /** the order of the first file (see UsageAggregator.order); the next files count up from it */
  firstOrder: number;
  /** where skipped input is counted, once every worker is done (nothing is counted when reading fails) */
  skips: SkipCounter;
  signal?: AbortSignal | undefined;
  /** called with the number of records read so far, as batches finish */
  onProgress?: (events: number) => void;
}

export interface ParallelReadResult {
  files: number;
  events: number;
}

/** Files per message: small enough to share the last files out evenly, big enough that messages cost nothing. */
const BATCH_FILES = 16;
/** Batches sent to a worker before it reports one read, so it never waits for the next. */
const BATCHES_AHEAD = 2;
/**
 * A worker's young generation, in MB: V8's default lets each worker keep tens of MB of parsed
 * records that are already garbage; this much costs no time (measured on the benchmark's
 * corpora) and keeps the peak memory of N workers well down.
 */
const WORKER_YOUNG_GENERATION_MB = 16;
// The old generation is left at V8's default: a worker that reaches a cap while JSON.parse
// builds a big document does not stop alone, V8 aborts the whole process (seen with Node 22).

/**
 * Whether worker threads can run here: they load the compiled directory-worker.js, which does
 * not exist when keyshift runs from its TypeScript sources (its own unit tests).
 */
export function workersAvailable(): boolean {
  return import.meta.url.endsWith('.js');
}

interface WorkerSlot {
  worker: Worker;
  index: number;
  waiting: number;
  events: number;
  result: Promise<Extract<FromDirectoryWorker, { type: 'result' }>>;
}

/**
 * Reads every file the source lists with `options.workers` threads, merging what they saw into
 * `options.into` and counting their skips once all are done (when reading fails, neither has
 * been touched).
 */
export async function readInWorkers(files: LocalLogFiles, options: ParallelReadOptions): Promise<ParallelReadResult> {
  if (!Number.isInteger(options.workers) || options.workers < 2) throw new RangeError(`readInWorkers needs 2 or more workers (got ${options.workers})`);
  const data: DirectoryWorkerData = { window: files.window, keys: options.keys === null ? null : [...options.keys], wholeFileMaxBytes: files.wholeFileMaxBytes };
  const url = new URL('./directory-worker.js', import.meta.url);
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const slots: WorkerSlot[] = Array.from({ length: options.workers }, (_, index) => {
    const worker = new Worker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const slot: WorkerSlot = { worker, index, waiting: 0, events: 0, result: null as never };
    slot.result = new Promise((resolve, reject) => {
      worker.on('message', (message: FromDirectoryWorker) => {
        if (message.type === 'read') {
          slot.waiting--;
          slot.events = message.events;
          options.onProgress?.(slots.reduce((n, s) => n + s.events, 0));
          wakeUp();
        } else {
          resolve(message);
        }
      });
      worker.once('error', (e) => {
        failure ??= e;
        reject(e);
        wakeUp();
      });
      worker.once('exit', (code) => {
        const e = new Error(`a usage worker thread stopped (exit code ${code}) before it was done`);
        failure ??= e;
        reject(e);
        wakeUp();
      });
    });
    // a failed worker is reported through `failure`; this keeps the rejection from going unhandled meanwhile
    slot.result.catch(() => {});
    return slot;
  });

  // the walk's own skips (folders that cannot be listed) wait with the workers' until all is read
  const skips = new SkipCounter();
  try {
    let order = options.firstOrder;
    let count = 0;
    let batch: { paths: string[]; orders: number[] } = { paths: [], orders: [] };
    const send = async () => {
      for (;;) {
        if (failure !== null) throw failure;
        throwIfAborted(options.signal);
        const slot = slots.reduce((a, b) => (b.waiting < a.waiting ? b : a));
        if (slot.waiting < BATCHES_AHEAD) {
          slot.waiting++;
          slot.worker.postMessage({ type: 'files', ...batch } satisfies ToDirectoryWorker);
          batch = { paths: [], orders: [] };
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    for (const path of files.paths(skips, options.signal)) {
      batch.paths.push(path);
      batch.orders.push(order++);
      count++;
      if (batch.paths.length === BATCH_FILES) await send();
    }
    if (batch.paths.length > 0) await send();
    for (const slot of slots) slot.worker.postMessage({ type: 'finish' } satisfies ToDirectoryWorker);

    // every result first (a failure leaves `into` untouched), then merged in worker order
    const results = [];
    for (const slot of slots) results.push(await slot.result);
    throwIfAborted(options.signal);
    let events = 0;
    for (const result of results) {
      options.into.mergeSnapshot(result.snapshot);
      for (const [reason, n] of result.skips) skips.add(reason, n);
      events += result.events;
    }
    for (const [reason, n] of skips.counts) options.skips.add(reason, n);
    return { files: count, events };
  } finally {
    for (const slot of slots) {
      slot.worker.removeAllListeners('exit');
      void slot.worker.terminate();
    }
  }
}
