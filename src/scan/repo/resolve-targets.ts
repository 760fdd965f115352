// What each path given to `scan repo` is: a directory or file to walk, inside a git working
// tree or not, or a git directory without a working tree (a bare repository). The root that
// findings are relative to is the repository's top level when history is scanned (so working
// tree and history paths agree), the given path otherwise.
import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { badInput, KeyshiftError } from '../../errors.js';
import { runGit } from './git-process.js';
import { relativePath } from './walk-worktree.js';

export interface RepoTarget {
  /** the path as given */
  given: string;
  /** the absolute root findings are reported against */
  root: string;
  /** the real path of `root`, for relative paths */
  realRoot: string;
  /** the real path to walk; undefined when there is no working tree (a bare repository) */
  worktreeStart: string | undefined;
  /** set when history is scanned */
  history?: {
    /** where git runs: the top level, or the git directory of a bare repository */
    cwd: string;
    gitDir: string;
    /** the part of the repository the path covers, relative to the top level ('' for all) */
    within: string;
  };
}

interface GitLocation {
  gitDir: string;
  /** undefined inside a git directory (bare repository, or inside .git) */
  topLevel: string | undefined;
}

export async function resolveTarget(given: string, history: boolean, signal?: AbortSignal): Promise<RepoTarget> {
  const absolute = resolve(given);
  let isDirectory: boolean;
  let real: string;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
    real = await realpath(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw badInput(`${given} does not exist`, 'check the path to scan');
    throw badInput(`cannot read ${given}: ${code ?? (e as Error).message}`, 'check the path and its permissions', e);
  }
  const directory = isDirectory ? real : dirname(real);
  const location = await locateGit(directory, given, history, signal);

  if (location && location.topLevel === undefined) {
    if (!history) {
      throw badInput(`${given} is a git directory without a working tree (a bare repository)`, 'pass --history to scan its history');
    }
    return { given, root: location.gitDir, realRoot: location.gitDir, worktreeStart: undefined, history: { cwd: location.gitDir, gitDir: location.gitDir, within: '' } };
  }
  if (!history) {
    const root = isDirectory ? absolute : dirname(absolute);
    return { given, root, realRoot: directory, worktreeStart: real };
  }
  if (!location?.topLevel) throw notARepository(given);
  const topLevel = location.topLevel;
  return {
    given,
    root: topLevel,
    realRoot: topLevel,
    worktreeStart: real,
    history: { cwd: topLevel, gitDir: location.gitDir, within: relativePath(topLevel, real) },
  };
}

function notARepository(given: string): KeyshiftError {
  return badInput(`${given} is not in a git repository, so it has no history to scan`, 'drop --history to scan its files only');
}

/**
 * The repository a directory is in, if any. Without --history a failure only means "not a
 * repository" (even git missing is fine: the files are still scanned); with --history it
 * is the error, in git's words.
 */
async function locateGit(directory: string, given: string, history: boolean, signal?: AbortSignal): Promise<GitLocation | undefined> {
  const git = { cwd: directory, signal };
  let lines: string[];
  try {
    lines = (await runGit(['rev-parse', '--absolute-git-dir', '--is-inside-work-tree'], git)).split('\n');
  } catch (e) {
    if (!(e instanceof KeyshiftError) || e.kind === 'interrupted') throw e;
    if (!history) return undefined;
    if (/not a git repository/i.test(e.message)) throw notARepository(given);
    throw badInput(`cannot scan the history of ${given}: ${e.message}`, e.hint, e);
  }
  const [gitDir = '', insideWorkTree] = lines;
  if (insideWorkTree !== 'true') return { gitDir: await realpath(gitDir), topLevel: undefined };
  const topLevel = (await runGit(['rev-parse', '--show-toplevel'], git)).trim();
  return { gitDir, topLevel: await realpath(topLevel) };
}
