// Scans the files of a working tree. Binary files and files above the size limit are skipped
// and counted; unreadable files are reported and the scan goes on; content that is not UTF-8
// is reported and still scanned (as latin1). Each file is read and scanned by
// worktree-file-scanner.ts, with synchronous calls: for the many small files of a source
// tree they cost microseconds, while their promise-based versions cost several times the scan
// itself. The event loop still gets a turn every few hundred files (and directories, in the
// walk), so an abort is noticed.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { throwIfAborted } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import type { LocatedDetection } from './located-detection.js';
import { ProgressThrottle } from './progress-throttle.js';
import { walkWorktree } from './walk-worktree.js';
import { emptyPart, WorktreeFileScanner } from './worktree-file-scanner.js';

/** Files between two turns of the event loop. */
const FILES_PER_TURN = 256;

export interface WorktreeScanOptions {
  /** real path of the directory or file to scan */
  start: string;
  /** real path of the root that reported paths are relative to */
  root: string;
  maxFileSize: number;
  host: IoHost;
  signal?: AbortSignal | undefined;
  ignorePath?: ((relPath: string) => boolean) | undefined;
}

export interface WorktreeScan {
  detections: LocatedDetection[];
  stats: ScanStats;
  problems: ScanProblem[];
}

export async function scanWorktree(options: WorktreeScanOptions): Promise<WorktreeScan> {
  const { host, signal } = options;
  const scanner = new WorktreeFileScanner(options.maxFileSize);
  const scan = emptyPart();
  const { stats, problems } = scan;
  const progress = new ProgressThrottle(host, 'worktree', 'files');

  let sinceTurn = 0;
  for await (const entry of walkWorktree(options)) {
    switch (entry.kind) {
      case 'symlink':
        stats.skipped.symlinks++;
        if (entry.problem) problems.push(entry.problem);
        break;
      case 'unreadable':
        stats.skipped.unreadable++;
        problems.push(entry.problem);
        break;
      case 'file':
        // The host may abort from a progress event, synchronously: check before every file.
        throwIfAborted(signal);
        scanner.scanFile(entry.absPath, entry.relPath, scan);
        progress.tick(stats.files, stats.bytes);
        if (++sinceTurn === FILES_PER_TURN) {
          sinceTurn = 0;
          await nextTurn();
          throwIfAborted(signal);
        }
        break;
    }
  }
  throwIfAborted(signal);
  progress.finish(stats.files, stats.bytes);
  return scan;
}
