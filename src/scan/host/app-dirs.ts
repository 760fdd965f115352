// Application directories, where docker-compose files and .env files live: /srv, /opt,
// /var/www, /app and the users' homes by default, each walked a few levels down. A `*`
// stands for any one directory name (/home/*). Dependency and cache trees are skipped: they
// are large and hold other people's files, which `scan repo` is the tool for.
import { throwIfAborted } from '../../errors.js';
import type { RootFs } from './root-fs.js';

export const DEFAULT_APP_DIRS: readonly string[] = ['/srv', '/opt', '/var/www', '/app', '/home/*', '/root'];

/** How many directory levels below an application directory are walked. */
export const APP_DIR_DEPTH = 4;

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'vendor', '__pycache__', '.cache', '.npm', '.venv', 'venv', 'site-packages', '.aws']);

/** The directories the patterns name, absolute within the root, in order, each once. */
export async function expandAppDirs(fs: RootFs, patterns: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of patterns) {
    let matches = ['/'];
    for (const component of pattern.split('/').filter((c) => c !== '' && c !== '.')) {
      const next: string[] = [];
      for (const dir of matches) {
        const base = dir === '/' ? '' : dir;
        if (!component.includes('*')) {
          next.push(`${base}/${component}`);
          continue;
        }
        const glob = new RegExp(`^${component.split('*').map(escapeRegExp).join('[^/]*')}$`);
        for (const entry of await fs.list(dir)) {
          if (entry.kind === 'directory' && !entry.name.startsWith('.') && glob.test(entry.name)) next.push(`${base}/${entry.name}`);
        }
      }
      matches = next;
    }
    for (const dir of matches) if (!found.includes(dir)) found.push(dir);
  }
  return found;
}

/** Every file (or link to one) under the directories, to the walk depth, each directory once. */
export async function* walkAppDirs(fs: RootFs, dirs: readonly string[], signal: AbortSignal | undefined): AsyncGenerator<string> {
  const visited = new Set<string>();
  for (const top of dirs) {
    const pending: { dir: string; depth: number }[] = [{ dir: top, depth: 0 }];
    while (pending.length > 0) {
      throwIfAborted(signal);
      const { dir, depth } = pending.shift()!;
      const resolved = await fs.resolve(dir);
      if (resolved.kind !== 'found' || visited.has(resolved.hostPath)) continue;
      visited.add(resolved.hostPath);
      for (const entry of await fs.list(dir)) {
        const path = `${dir === '/' ? '' : dir}/${entry.name}`;
        // Linked directories are not followed: they loop, or lead where the walk goes anyway.
        if (entry.kind === 'directory') {
          if (depth < APP_DIR_DEPTH && !SKIPPED_DIRECTORIES.has(entry.name)) pending.push({ dir: path, depth: depth + 1 });
        } else if (entry.kind === 'file' || entry.kind === 'symlink') {
          yield path;
        }
      }
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
