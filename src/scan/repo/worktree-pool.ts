// Worker threads for the working-tree scan of a large tree. Reading, the prefilter and the
// detector are CPU work, done one file at a time; with more than one core, worker threads
// scan batches of files while the scan's own thread walks the tree and scans the batches no
// worker has room for. Workers only get batches once they are ready, so a slow start never
// delays the scan, and a batch never waits behind more than a few others in a worker's queue.
// A worker that fails hands its unfinished batches back, to be scanned on the scan's thread:
// every file is scanned exactly once, whatever happens to the workers.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorktreeScanPart } from './worktree-file-scanner.js';

/** Batches a worker holds at once (being scanned or queued): enough that it never waits for the scan's thread. */
const WORKER_DEPTH = 3;
/** More workers than this only add start-up cost: reading the files becomes the limit. */
const MAX_WORKERS = 3;

export interface WorktreeWorkerData {
  maxFileSize: number;
}

/** A batch: absolute and relative paths, alternating. */
export interface BatchMessage {
  seq: number;
  paths: string[];
}

export interface WorkerReady {
  type: 'ready';
}

export interface ResultMessage {
  type: 'result';
  seq: number;
  part: WorktreeScanPart;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  failed: boolean;
  inFlight: Map<number, string[]>;
}

const WORKER_URL = new URL('./worktree-worker.js', import.meta.url);

/** How many workers to start: none on one core, or when the worker module is not built (running from sources). */
export function workerCount(): number {
  const count = Math.min(MAX_WORKERS, availableParallelism() - 1);
  if (count <= 0) return 0;
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL)) ? count : 0;
}

export class WorktreePool {
  private readonly workers: PoolWorker[] = [];
  /** batches given back by failed workers, for the scan's thread */
  private readonly orphans: Array<{ seq: number; paths: string[] }> = [];
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    count: number,
    maxFileSize: number,
    private readonly onResult: (seq: number, part: WorktreeScanPart) => void,
  ) {
    const workerData: WorktreeWorkerData = { maxFileSize };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_URL, { workerData, stdout: false, stderr: false });
      const entry: PoolWorker = { worker, ready: false, failed: false, inFlight: new Map() };
      worker.on('message', (message: WorkerReady | ResultMessage) => {
        if (message.type === 'ready') entry.ready = true;
        else if (entry.inFlight.delete(message.seq)) this.onResult(message.seq, message.part);
        this.notify();
      });
      const fail = () => {
        if (entry.failed) return;
        entry.failed = true;
        for (const [seq, paths] of entry.inFlight) this.orphans.push({ seq, paths });
        entry.inFlight.clear();
        this.notify();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.workers.push(entry);
    }
  }

  /** Hands a batch to a ready worker with room for it; false when none has, and the caller scans it. */
  offer(seq: number, paths: string[]): boolean {
    let best: PoolWorker | undefined;
    for (const entry of this.workers) {
      if (!entry.ready || entry.failed || entry.inFlight.size >= WORKER_DEPTH) continue;
      if (!best || entry.inFlight.size < best.inFlight.size) best = entry;
    }
    if (!best) return false;
    best.inFlight.set(seq, paths);
    best.worker.postMessage({ seq, paths } satisfies BatchMessage);
    return true;
  }

  /** Batches that failed workers gave back; the caller scans them. */
  takeOrphans(): Array<{ seq: number; paths: string[] }> {
    return this.orphans.splice(0);
  }

  get busy(): boolean {
    return this.workers.some((w) => w.inFlight.size > 0);
  }

  /** Resolves at the next result, ready worker or failure, or when the signal fires. */
  changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  /** Stops every worker; results still on their way are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.workers) {
      entry.failed = true;
      entry.worker.removeAllListeners('message');
      void entry.worker.terminate().catch(() => {});
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
