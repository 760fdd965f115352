// Walks a working tree: every regular file under a start directory, `.git` excluded.
// Symlinks are never followed: a target inside the root is scanned at its own path anyway
// (following it would report the same key twice, and could loop), and a target outside the
// root is not ours to scan. Symlinks that point outside the root or back at one of their own
// ancestors (or into a chain of links that never ends) are reported, so the operator knows.
// Directories are listed with a synchronous call: the promise-based one leaves the scan's
// thread idle for a round trip through libuv's thread pool at every directory (a tenth of the
// scan of bench/corpus); the event loop still gets a turn every few hundred directories.
import { readdirSync, type Dirent } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { throwIfAborted } from '../../errors.js';
import type { ScanProblem } from '../../model/findings-document.js';

export type WorktreeEntry =
  | { kind: 'file'; absPath: string; relPath: string }
  /** a symlink, not followed; `problem` when it points outside the root or loops */
  | { kind: 'symlink'; relPath: string; problem: ScanProblem | undefined }
  /** a directory that could not be listed */
  | { kind: 'unreadable'; relPath: string; problem: ScanProblem };

export interface WalkOptions {
  /** where to start: a directory or a file, as a real path (no symlinks in it) */
  start: string;
  /** the real path of the root that reported paths are relative to; contains start */
  root: string;
  /** true skips a file; directories are asked with a trailing '/' and skipped whole */
  ignorePath?: ((relPath: string) => boolean) | undefined;
  signal?: AbortSignal | undefined;
}

const GIT_DIR_NAME = '.git';
/** Directories listed between two turns of the event loop. */
const DIRECTORIES_PER_TURN = 256;

/** The path relative to the root, with forward slashes on every platform. */
export function relativePath(root: string, absPath: string): string {
  const rel = relative(root, absPath);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Whether `path` is `ancestor` or lies under it. */
export function isWithin(ancestor: string, path: string): boolean {
  const rel = relative(ancestor, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export async function* walkWorktree(options: WalkOptions): AsyncGenerator<WorktreeEntry> {
  const { root, ignorePath, signal } = options;
  const startRel = relativePath(root, options.start);
  // A start that is a file is walked as a directory of one.
  const pending: string[] = [options.start];
  let first = true;
  let listed = 0;
  while (pending.length > 0) {
    if (++listed % DIRECTORIES_PER_TURN === 0) await nextTurn();
    throwIfAborted(signal);
    const dir = pending.pop()!;
    const dirRel = relativePath(root, dir);
    let entries: Dirent[];
    try {
      entries = listDirectory(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (first && code === 'ENOTDIR') {
        yield { kind: 'file', absPath: dir, relPath: startRel };
        return;
      }
      yield {
        kind: 'unreadable',
        relPath: dirRel,
        problem: { path: dirRel === '' ? '.' : dirRel, reason: 'unreadable', message: `cannot list directory: ${code ?? (e as Error).message}` },
      };
      continue;
    } finally {
      first = false;
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.name === GIT_DIR_NAME) continue;
      const absPath = join(dir, entry.name);
      const relPath = dirRel === '' ? entry.name : `${dirRel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ignorePath?.(`${relPath}/`)) subdirs.push(absPath);
      } else if (entry.isFile()) {
        if (!ignorePath?.(relPath)) yield { kind: 'file', absPath, relPath };
      } else if (entry.isSymbolicLink()) {
        if (!ignorePath?.(relPath)) yield { kind: 'symlink', relPath, problem: await symlinkProblem(absPath, relPath, root) };
      }
      // FIFOs, sockets and devices are not files: opening a FIFO would block the scan.
    }
    // Depth first, in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
  }
}

function listDirectory(dir: string): Dirent[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function symlinkProblem(absPath: string, relPath: string, root: string): Promise<ScanProblem | undefined> {
  let target: string;
  try {
    target = await realpath(absPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      return { path: relPath, reason: 'symlink-loop', message: 'symlink resolves to itself through a chain of links; not followed' };
    }
    return undefined; // dangling: nothing to scan
  }
  if (!isWithin(root, target)) {
    return { path: relPath, reason: 'symlink-outside-root', message: `symlink points outside the scanned root (${target}); not followed` };
  }
  if (isWithin(target, dirname(absPath))) {
    return { path: relPath, reason: 'symlink-loop', message: 'symlink points at a directory that contains it; not followed' };
  }
  return undefined;
}
