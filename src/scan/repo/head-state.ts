// What HEAD is: the commit it resolves to (none in an empty repository or on an unborn
// branch), whether it is detached, and which blob it holds at a given path.
import type { GitOptions } from './git-process.js';
import { runGit, streamGit } from './git-process.js';
import { NulFieldSplitter } from './nul-fields.js';

export interface HeadState {
  /** undefined when HEAD does not resolve to a commit */
  commit: string | undefined;
  /** HEAD points at a commit, not at a branch */
  detached: boolean;
}

export async function readHead(git: GitOptions): Promise<HeadState> {
  const commit = (await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { ...git, answerCodes: [1] })).trim();
  if (commit === '') return { commit: undefined, detached: false };
  const branch = (await runGit(['symbolic-ref', '--quiet', 'HEAD'], { ...git, answerCodes: [1] })).trim();
  return { commit, detached: branch === '' };
}

/** The blobs HEAD's tree holds at `paths` (paths relative to the top level). */
export async function blobsAtHead(head: HeadState, paths: ReadonlySet<string>, git: GitOptions): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  if (head.commit === undefined || paths.size === 0) return blobs;
  // <mode> SP <type> SP <object> TAB <path> NUL
  const splitter = new NulFieldSplitter((field) => {
    const tab = field.indexOf(0x09);
    if (tab < 0) return;
    const path = field.toString('utf8', tab + 1);
    if (!paths.has(path)) return;
    const [, type, object] = field.toString('latin1', 0, tab).split(' ');
    if (type === 'blob' && object !== undefined) blobs.set(path, object);
  });
  await streamGit(['ls-tree', '-r', '-z', '--full-tree', head.commit], git, (chunk) => splitter.push(chunk));
  splitter.end();
  return blobs;
}
