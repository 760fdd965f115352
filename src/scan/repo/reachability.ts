// Which refs a commit is reachable from: every branch, tag, remote-tracking ref, note and
// the stash (`git for-each-ref --contains`, once per distinct commit), plus what
// for-each-ref cannot see: a detached HEAD, and stash entries older than the newest (they
// live only in the stash's reflog, as refs/stash@{n}).
import type { GitOptions } from './git-process.js';
import { runGit, testGit } from './git-process.js';
import type { HeadState } from './head-state.js';

/** Commit lookups run at once: each is a walk of part of the history. */
const LOOKUP_CONCURRENCY = 4;

/** The stash entries older than the newest one (which refs/stash itself points at), newest first. */
export async function olderStashEntries(git: GitOptions): Promise<string[]> {
  if (!(await testGit(['reflog', 'exists', 'refs/stash'], git))) return [];
  const entries = (await runGit(['log', '--walk-reflogs', '--no-show-signature', '--format=%H', 'refs/stash', '--'], git)).split('\n').filter(Boolean);
  return entries.slice(1);
}

export async function refsContaining(
  commits: readonly string[],
  head: HeadState,
  olderStashes: readonly string[],
  git: GitOptions,
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  // The first failure stops the other lookups (and kills their git processes).
  const stop = new AbortController();
  const signals = [stop.signal, ...(git.signal ? [git.signal] : [])];
  git = { ...git, signal: AbortSignal.any(signals) };
  const lookUp = async (commit: string) => {
    const refs = (await runGit(['for-each-ref', '--contains', commit, '--format=%(refname)'], git)).split('\n').filter(Boolean);
    if (head.detached && head.commit !== undefined && (await isAncestor(commit, head.commit, git))) refs.push('HEAD');
    for (const [i, entry] of olderStashes.entries()) {
      if (await isAncestor(commit, entry, git)) refs.push(`refs/stash@{${i + 1}}`);
    }
    result.set(commit, refs.sort());
  };
  const queue = [...new Set(commits)];
  let firstError: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, async () => {
    try {
      for (let commit = queue.shift(); commit !== undefined; commit = queue.shift()) await lookUp(commit);
    } catch (error) {
      firstError ??= { error };
      stop.abort();
    }
  });
  await Promise.all(workers);
  if (firstError) throw firstError.error;
  return result;
}

function isAncestor(commit: string, descendant: string, git: GitOptions): Promise<boolean> {
  return testGit(['merge-base', '--is-ancestor', commit, descendant], git);
}
