// The payload's skeleton of a host, written out as a root filesystem the host scanner can
// read: the relevant files at their paths with their lines at their line numbers (secrets as
// stand-ins), the users' /etc/passwd, home directories, processes under proc/, and the links
// met on the way, so that the scanner follows them as it would on the host.
//
// The output came from another machine: paths are normalised into the directory, and the
// links are made last and deepest first, so that no write ever goes through one of them.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { badInput } from '../../../errors.js';
import type { PayloadOutput } from './payload-records.js';

// <SOH>12 hex<SOH>: where the payload took a secret out.
const PLACEHOLDER = /\u0001([0-9a-f]{12})\u0001/g;

export async function writeSkeletonRoot(dir: string, output: PayloadOutput, standIn: (fingerprint12: string) => string): Promise<void> {
  const at = (path: string) => join(dir, posix.normalize(`/${path}`));
  const write = async (path: string, content: string | Buffer) => {
    await mkdir(dirname(at(path)), { recursive: true });
    await writeFile(at(path), content, { mode: 0o600 });
  };
  const restore = (text: string) =>
    text.replace(PLACEHOLDER, (_, fp: string) => {
      if (!output.secrets.has(fp)) throw badInput('the host payload\'s output names a secret it did not describe', 'run the payload again');
      return standIn(fp);
    });

  await write('/etc/passwd', passwdText(output));
  for (const path of output.dirs) await mkdir(at(path), { recursive: true });
  for (const file of output.files.values()) {
    const lines: string[] = [];
    for (const [n, text] of file.lines) lines[n - 1] = restore(text);
    await write(file.path, `${Array.from(lines, (l) => l ?? '').join('\n')}\n`);
  }
  // Not a file and not a directory (a device): an empty file stands in; nothing reads it as more.
  for (const path of output.specials) await write(path, '');
  for (const p of output.processList) {
    const proc = `/proc/${p.pid}`;
    await write(`${proc}/status`, `Name:\t${p.name.replace(/\n/g, ' ')}\n${p.uid === null ? '' : `Uid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\n`}`);
    await write(`${proc}/cmdline`, nulSeparated(p.cmdline.map(restore)));
    // An environment that could not be read is one the scanner cannot read either.
    if (p.environ === null) await mkdir(at(`${proc}/environ`), { recursive: true });
    else await write(`${proc}/environ`, nulSeparated(p.environ.map(restore)));
  }
  // Deepest first: a link's parent directories are then never links themselves, so making
  // one never goes through another (a shallower link over a directory made by then is skipped).
  const links = [...output.links].sort(([a], [b]) => depth(b) - depth(a));
  for (const [path, target] of links) {
    await mkdir(dirname(at(path)), { recursive: true });
    await symlink(target, at(path)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e; // a path both linked and written: the written one stands
    });
  }
}

function depth(path: string): number {
  return posix.normalize(`/${path}`).split('/').length;
}

function nulSeparated(parts: readonly string[]): string {
  return parts.map((p) => `${p}\0`).join('');
}

/** The users as passwd(5) lines: only the fields the scanner reads are real. */
function passwdText(output: PayloadOutput): string {
  return output.users
    .filter((u) => !/[:\n]/.test(u.name) && !/[:\n]/.test(u.home))
    .map((u) => `${u.name}:x:${u.uid}:${u.uid}::${u.home}:/bin/sh\n`)
    .join('');
}
