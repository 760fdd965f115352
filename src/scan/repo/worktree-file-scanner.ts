// Reads and scans working-tree files, one at a time: the per-file part of the working-tree
// scan (scan-worktree.ts). Binary files and files above the size limit are skipped and
// counted; unreadable files are reported; content that is not UTF-8 is reported and still
// scanned (as latin1).
//
// Files are read with synchronous calls (open, fstat, read, close): for the many small files
// of a source tree they cost microseconds, while their promise-based versions cost several
// times the scan itself. Content is read into one buffer that is reused from file to file,
// so a scan does not allocate (and the kernel does not fault in) fresh memory for every
// file: the bytes are only looked at until the detector has its string.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { detectCredentials } from '../../detect/index.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import { isUtf8, looksBinary, textOf } from './blob-content.js';
import { mightContainCredential as prefilter } from '../../detect/index.js';
import type { LocatedDetection } from './located-detection.js';
import { emptyStats } from './scan-stats.js';

/** What the scan of some files adds up to: counters, problems and detections, in file order. */
export interface WorktreeScanPart {
  stats: ScanStats;
  problems: ScanProblem[];
  detections: LocatedDetection[];
}

export function emptyPart(): WorktreeScanPart {
  return { stats: emptyStats(), problems: [], detections: [] };
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** The reused buffer starts this big and grows to the largest file read, up to REUSE_LIMIT. */
const INITIAL_BUFFER = 256 * 1024;
/** Larger files (only with a raised --max-file-size) get a buffer of their own, freed after the file. */
const REUSE_LIMIT = 16 * 1024 * 1024;

type FileRead =
  | { kind: 'content'; content: Buffer }
  | { kind: 'too-large' }
  /** replaced by something that is not a regular file since the directory was listed */
  | { kind: 'gone' }
  | { kind: 'unreadable'; message: string };

export class WorktreeFileScanner {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BUFFER);

  constructor(private readonly maxFileSize: number) {}

  /** Scans one file into `part`. A file that vanished or stopped being a regular file since it was listed is not counted. */
  scanFile(absPath: string, relPath: string, part: WorktreeScanPart): void {
    const { stats, problems, detections } = part;
    const read = this.read(absPath);
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
    if (!prefilter(content)) return;
    for (const detection of detectCredentials(textOf(content, utf8))) detections.push({ path: relPath, detection });
  }

  /**
   * Reads a regular file of at most `maxFileSize` bytes, without following a symlink or
   * blocking on a FIFO. The content is valid until the next read.
   */
  private read(absPath: string): FileRead {
    let fd: number;
    try {
      fd = openSync(absPath, OPEN_FLAGS);
    } catch (e) {
      return failedRead(e);
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) return { kind: 'gone' };
      if (info.size > this.maxFileSize) return { kind: 'too-large' };
      const content = this.bufferFor(info.size);
      let filled = 0;
      // The file may shrink while we read it; it cannot make us read more than its size then.
      while (filled < info.size) {
        const bytesRead = readSync(fd, content, filled, info.size - filled, filled);
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

  private bufferFor(size: number): Buffer {
    if (size <= this.buffer.length) return this.buffer;
    if (size > REUSE_LIMIT) return Buffer.allocUnsafeSlow(size);
    this.buffer = Buffer.allocUnsafeSlow(Math.min(REUSE_LIMIT, Math.max(size, this.buffer.length * 2)));
    return this.buffer;
  }
}

function failedRead(e: unknown): FileRead {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ELOOP') return { kind: 'gone' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', message: 'permission denied' };
  return { kind: 'unreadable', message: `cannot read: ${code ?? (e as Error).message}` };
}
