// The scanned root filesystem, seen as the host sees it: every path is absolute *within* the
// root (/etc/environment means <root>/etc/environment), and symlinks are followed the way a
// chroot would, so an absolute target or a `..` past the top lands inside the root again.
// A mounted image's link to /etc/shadow therefore reads the image's /etc/shadow, never the
// scanning machine's. Reads count into the scan's stats; what cannot be read becomes a
// ScanProblem and the scan goes on.
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanProblem } from '../../model/findings-document.js';
import type { HostScanStats } from './host-scan-stats.js';

/** A text file read from the root. */
export interface HostFile {
  /** the path as asked for, absolute within the root */
  path: string;
  /** the path after following symlinks, absolute within the root: the file's identity */
  resolvedPath: string;
  text: string;
  /** the owner's name from the root's /etc/passwd, or the numeric ID */
  owner: string;
  /** octal permission bits, e.g. "0600" */
  mode: string;
}

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  kind: EntryKind;
}

export type Resolution =
  | { kind: 'found'; realPath: string; hostPath: string }
  | { kind: 'missing' }
  | { kind: 'loop' }
  | { kind: 'unreadable'; code: string };

/** Raw bytes of a file under proc/, or why not. */
export type RawRead = { bytes: Buffer } | { error: string };

// Linux's own limit on links followed while resolving one path.
const MAX_LINKS = 40;
// A NUL byte in the first 8 KiB marks a binary file, as in scan repo.
const BINARY_SNIFF_BYTES = 8192;

interface NodeInfo {
  /** the link's target, for a symlink */
  link: string | undefined;
  directory: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class RootFs {
  /** user names by ID, for owners; set once the root's /etc/passwd is read */
  ownerNames = new Map<number, string>();
  private readonly nodes = new Map<string, NodeInfo | string>();

  private constructor(
    /** the root's real path on the scanning machine */
    readonly realRoot: string,
    private readonly maxFileSize: number,
    private readonly stats: HostScanStats,
    private readonly problems: ScanProblem[],
  ) {}

  static async open(root: string, maxFileSize: number, stats: HostScanStats, problems: ScanProblem[]): Promise<RootFs> {
    return new RootFs(await realpath(root), maxFileSize, stats, problems);
  }

  /** Follows a path within the root, symlinks included, as a process chrooted there would. */
  async resolve(hostPath: string): Promise<Resolution> {
    const done: string[] = [];
    const todo = components(hostPath).reverse();
    let links = 0;
    while (todo.length > 0) {
      const name = todo.pop()!;
      if (name === '..') {
        done.pop(); // `..` at the top stays at the top, as in a chroot
        continue;
      }
      const node = await this.node(join(this.realRoot, ...done, name));
      if (node === 'ENOENT' || node === 'ENOTDIR') return { kind: 'missing' };
      if (typeof node === 'string') return { kind: 'unreadable', code: node };
      if (node.link !== undefined) {
        if (++links > MAX_LINKS) return { kind: 'loop' };
        if (node.link.startsWith('/')) done.length = 0;
        todo.push(...components(node.link).reverse());
        continue;
      }
      if (!node.directory && todo.length > 0) return { kind: 'missing' };
      done.push(name);
    }
    return { kind: 'found', realPath: join(this.realRoot, ...done), hostPath: `/${done.join('/')}` };
  }

  /**
   * A text file, or undefined when it is not there, not a regular file, or cannot be used:
   * unreadable and non-UTF-8 files become problems; binary and oversized ones are counted.
   */
  async readText(hostPath: string): Promise<HostFile | undefined> {
    const path = normalise(hostPath);
    const resolved = await this.resolveOrReport(path);
    if (!resolved) return undefined;
    let info: Stats;
    try {
      info = await stat(resolved.realPath);
    } catch (e) {
      this.unreadable(path, e);
      return undefined;
    }
    if (!info.isFile()) return undefined; // FIFOs and devices would block or never end
    this.stats.files++;
    if (info.size > this.maxFileSize) {
      this.stats.skipped.tooLarge++;
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(resolved.realPath);
    } catch (e) {
      this.unreadable(path, e);
      return undefined;
    }
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      this.stats.skipped.binary++;
      return undefined;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      this.problems.push({ path, reason: 'not-utf8', message: 'not valid UTF-8; not scanned' });
      return undefined;
    }
    this.stats.bytes += bytes.length;
    return {
      path,
      resolvedPath: resolved.hostPath,
      text: text.startsWith('\uFEFF') ? text.slice(1) : text,
      owner: this.ownerNames.get(info.uid) ?? String(info.uid),
      mode: fileMode(info.mode),
    };
  }

  /** The entries of a directory in name order; none when it is missing or unreadable (a problem). */
  async list(hostPath: string): Promise<DirEntry[]> {
    const path = normalise(hostPath);
    const resolved = await this.resolveOrReport(path);
    if (!resolved) return [];
    let entries: Dirent[];
    try {
      entries = await readdir(resolved.realPath, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTDIR' && code !== 'ENOENT') this.unreadable(path, e);
      return [];
    }
    return entries
      .map((e) => ({ name: e.name, kind: entryKind(e) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Raw bytes, for the files under proc/ whose failures are counted rather than reported. */
  async readRaw(hostPath: string): Promise<RawRead> {
    const resolved = await this.resolve(hostPath);
    if (resolved.kind === 'missing') return { error: 'ENOENT' };
    if (resolved.kind !== 'found') return { error: resolved.kind === 'loop' ? 'ELOOP' : resolved.code };
    try {
      return { bytes: await readFile(resolved.realPath) };
    } catch (e) {
      return { error: (e as NodeJS.ErrnoException).code ?? 'EIO' };
    }
  }

  private async resolveOrReport(path: string): Promise<{ realPath: string; hostPath: string } | undefined> {
    const resolved = await this.resolve(path);
    switch (resolved.kind) {
      case 'found':
        return resolved;
      case 'missing':
        return undefined;
      case 'loop':
        this.problems.push({ path, reason: 'symlink-loop', message: 'too many levels of symbolic links; not followed' });
        return undefined;
      case 'unreadable':
        this.stats.skipped.unreadable++;
        this.problems.push({ path, reason: 'unreadable', message: `cannot reach the path: ${reasonOf(resolved.code)}` });
        return undefined;
    }
  }

  private unreadable(path: string, e: unknown): void {
    this.stats.skipped.unreadable++;
    this.problems.push({ path, reason: 'unreadable', message: `cannot read: ${reasonOf((e as NodeJS.ErrnoException).code ?? 'EIO')}` });
  }

  /** lstat and readlink of one real path, remembered: many paths share their directories. */
  private async node(realPath: string): Promise<NodeInfo | string> {
    const known = this.nodes.get(realPath);
    if (known !== undefined) return known;
    let info: NodeInfo | string;
    try {
      const st = await lstat(realPath);
      info = { link: st.isSymbolicLink() ? await readlink(realPath) : undefined, directory: st.isDirectory() };
    } catch (e) {
      info = (e as NodeJS.ErrnoException).code ?? 'EIO';
    }
    this.nodes.set(realPath, info);
    return info;
  }
}

/** An error code as the problem says it: permission refusals in words, others by their code. */
function reasonOf(code: string): string {
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
}

/** The non-empty, non-`.` components of a path. */
function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** An absolute path within the root, without `.`, empty components or a trailing slash. */
export function normalise(hostPath: string): string {
  return `/${components(hostPath).join('/')}`;
}

/** The permission bits as octal with a leading 0: "0600", or "04755" with set-ID bits. */
export function fileMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function entryKind(entry: Dirent): EntryKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}
