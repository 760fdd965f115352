// Scans the files of a working tree. Binary files and files above the size limit are skipped
// and counted; unreadable files are reported and the scan goes on; content that is not UTF-8
// is reported and still scanned (as latin1). Files are read with synchronous calls: for the
// many small files of a source tree, the four system calls of a read cost microseconds, while
// their promise-based versions cost several times the scan itself. The event loop still gets
// a turn at every directory and every few hundred files, so an abort is noticed.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { detectCredentials, mightContainCredential } from '../../detect/index.js';
import { throwIfAborted } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import { isUtf8, looksBinary, textOf } from './blob-content.js';
import type { LocatedDetection } from './located-detection.js';
import { ProgressThrottle } from './progress-throttle.js';
import { emptyStats } from './scan-stats.js';
import { walkWorktree } from './walk-worktree.js';

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

type FileRead =
  | { kind: 'content'; content: Buffer }
  | { kind: 'too-large' }
  /** replaced by something that is not a regular file since the directory was listed */
  | { kind: 'gone' }
  | { kind: 'unreadable'; message: string };

export async function scanWorktree(options: WorktreeScanOptions): Promise<WorktreeScan> {
  const { host, signal, maxFileSize } = options;
  const stats = emptyStats();
  const problems: ScanProblem[] = [];
  const detections: LocatedDetection[] = [];
  const progress = new ProgressThrottle(host, 'worktree', 'files');

  const scanFile = (absPath: string, relPath: string) => {
    const read = readFile(absPath, maxFileSize);
    if (read.kind === 'gone') return;
    stats.files++;
    switch (read.kind) {
      case 'too-large':
        stats.skipped.tooLarge++;
        return;
      case 'unreadable':
        stats.skipped.unreadable++;
        problems.push({ path: relPath, reason: 'unreadable', message: read.message });
        return;
    }
    const { content } = read;
    if (looksBinary(content)) {
      stats.skipped.binary++;
      return;
    }
    stats.bytes += content.length;
    const utf8 = isUtf8(content);
    if (!utf8) problems.push({ path: relPath, reason: 'not-utf8', message: 'content is not valid UTF-8; scanned as latin1' });
    if (!mightContainCredential(content)) return;
    for (const detection of detectCredentials(textOf(content, utf8))) detections.push({ path: relPath, detection });
  };

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
        scanFile(entry.absPath, entry.relPath);
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
  return { detections, stats, problems };
}

/** Reads a regular file of at most `maxFileSize` bytes, without following a symlink or blocking on a FIFO. */
function readFile(absPath: string, maxFileSize: number): FileRead {
  let fd: number;
  try {
    fd = openSync(absPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return failedRead(e);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { kind: 'gone' };
    if (info.size > maxFileSize) return { kind: 'too-large' };
    const content = Buffer.allocUnsafe(info.size);
    let filled = 0;
    // The file may shrink while we read it; it cannot make us read more than its size then.
    while (filled < content.length) {
      const bytesRead = readSync(fd, content, filled, content.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { kind: 'content', content: content.subarray(0, filled) };
  } catch (e) {
    return failedRead(e);
  } finally {
    closeSync(fd);
  }
}

function failedRead(e: unknown): FileRead {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ELOOP') return { kind: 'gone' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', message: 'permission denied' };
  return { kind: 'unreadable', message: `cannot read: ${code ?? (e as Error).message}` };
}
