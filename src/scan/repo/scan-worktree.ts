// Scans the files of a working tree. Binary files and files above the size limit are skipped
// and counted; unreadable files are reported and the scan goes on; content that is not UTF-8
// is reported and still scanned (as latin1) — see worktree-file-scanner.ts, which reads and
// scans each file. The walk hands files over in batches; once a tree turns out to be large,
// worker threads scan batches too (worktree-pool.ts), and the parts are put back together in
// walk order, so the result is the same whoever scanned which file. The event loop gets a
// turn after every batch the scan's own thread scans, so an abort is noticed and the workers
// are kept fed.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { throwIfAborted } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import type { LocatedDetection } from './located-detection.js';
import { ProgressThrottle } from './progress-throttle.js';
import { addStats, emptyStats } from './scan-stats.js';
import { walkWorktree } from './walk-worktree.js';
import { emptyPart, WorktreeFileScanner, type WorktreeScanPart } from './worktree-file-scanner.js';
import { workerCount, WorktreePool } from './worktree-pool.js';

/** Files per batch: small enough to share the work evenly, large enough that handing one over costs little. */
const BATCH_FILES = 32;
/** Batches the scan's own thread scans between two turns of the event loop when it works alone. */
const BATCHES_PER_TURN = 8;
/** Worker threads start once the walk has found this many files: below that, starting one costs more than it saves. */
const POOL_MIN_FILES = 256;

export interface WorktreeScanOptions {
  /** real path of the directory or file to scan */
  start: string;
  /** real path of the root that reported paths are relative to */
  root: string;
  maxFileSize: number;
  host: IoHost;
  signal?: AbortSignal | undefined;
  ignorePath?: ((relPath: string) => boolean) | undefined;
  /** worker threads to use for a large tree; default one per core beyond the first (none when not built) */
  workers?: number | undefined;
}

export interface WorktreeScan {
  detections: LocatedDetection[];
  stats: ScanStats;
  problems: ScanProblem[];
}

export async function scanWorktree(options: WorktreeScanOptions): Promise<WorktreeScan> {
  const { host, signal, maxFileSize } = options;
  const progress = new ProgressThrottle(host, 'worktree', 'files');
  const scanner = new WorktreeFileScanner(maxFileSize);
  const workers = options.workers ?? workerCount();

  /** symlinks and directories that could not be listed */
  const walked = emptyPart();
  /** the parts of the batches, by batch number (walk order) */
  const parts: WorktreeScanPart[] = [];
  /** files and bytes of finished batches, for progress */
  const done = emptyStats();
  let pool: WorktreePool | undefined;
  let filesSeen = 0;
  let batchesSinceTurn = 0;

  const finished = (seq: number, part: WorktreeScanPart) => {
    parts[seq] = part;
    addStats(done, part.stats);
    progress.tick(done.files, done.bytes);
  };

  /** Scans a batch on this thread; the host may abort from a progress event, so the signal is checked before every file. */
  const scanHere = (seq: number, paths: readonly string[]) => {
    const part = emptyPart();
    for (let i = 0; i < paths.length; i += 2) {
      throwIfAborted(signal);
      scanner.scanFile(paths[i]!, paths[i + 1]!, part);
      progress.tick(done.files + part.stats.files, done.bytes + part.stats.bytes);
    }
    finished(seq, part);
  };

  const scanOrphans = () => {
    for (const orphan of pool?.takeOrphans() ?? []) scanHere(orphan.seq, orphan.paths);
  };

  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const seq = parts.length;
    parts.push(emptyPart()); // its place in walk order, filled in when scanned
    const paths = batch;
    batch = [];
    if (pool?.offer(seq, paths)) return;
    scanHere(seq, paths);
    scanOrphans();
    if (pool || ++batchesSinceTurn === BATCHES_PER_TURN) {
      batchesSinceTurn = 0;
      await nextTurn();
      throwIfAborted(signal);
    }
  };

  try {
    for await (const entry of walkWorktree(options)) {
      switch (entry.kind) {
        case 'symlink':
          walked.stats.skipped.symlinks++;
          if (entry.problem) walked.problems.push(entry.problem);
          break;
        case 'unreadable':
          walked.stats.skipped.unreadable++;
          walked.problems.push(entry.problem);
          break;
        case 'file':
          throwIfAborted(signal);
          batch.push(entry.absPath, entry.relPath);
          if (++filesSeen === POOL_MIN_FILES && workers > 0) pool = new WorktreePool(workers, maxFileSize, finished);
          if (batch.length === 2 * BATCH_FILES) await flush();
          break;
      }
    }
    await flush();
    // What the workers still hold; batches of a worker that fails come back here.
    while (pool) {
      scanOrphans();
      if (!pool.busy) break;
      await pool.changed(signal);
      throwIfAborted(signal);
    }
  } finally {
    pool?.close();
  }
  throwIfAborted(signal);

  const stats = emptyStats();
  const problems: ScanProblem[] = [];
  const detections: LocatedDetection[] = [];
  for (const part of [walked, ...parts]) {
    addStats(stats, part.stats);
    problems.push(...part.problems);
    detections.push(...part.detections);
  }
  progress.finish(stats.files, stats.bytes);
  return { detections, stats, problems };
}
