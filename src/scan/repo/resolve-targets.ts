// What each path given to `scan repo` is: a directory or file to walk, inside a git working
// tree or not, or a git directory without a working tree (a bare repository). The root that
// findings are relative to is the repository's top level when history is scanned (so working
// tree and history paths agree), the given path otherwise.
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
  // Without --history git is only asked when the path may be inside a git directory (a bare
  // repository, or .git itself): only then does the answer change what is scanned.
  const location = history || (await mayBeInGitDirectory(directory)) ? await locateGit(directory, given, history, signal) : undefined;

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
 * Whether git, looking for a repository from `directory` upwards, could find a git directory
 * that `directory` is inside (rather than a working tree around it). Git's own discovery:
 * at each level, a `.git` entry means a working tree, stopping the search; a directory with
 * HEAD, objects and refs is a git directory. False only where git would not find one, so
 * that a plain directory, or one inside a working tree, is scanned without starting git.
 * GIT_DIR and GIT_WORK_TREE change discovery: with either set, git is asked.
 */
async function mayBeInGitDirectory(directory: string): Promise<boolean> {
  if (process.env['GIT_DIR'] !== undefined || process.env['GIT_WORK_TREE'] !== undefined) return true;
  for (let dir = directory; ; dir = dirname(dir)) {
    if (await exists(join(dir, '.git'))) return false;
    if ((await exists(join(dir, 'HEAD'))) && (await exists(join(dir, 'objects'))) && (await exists(join(dir, 'refs')))) return true;
    if (dirname(dir) === dir) return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // anything but "not there" (a permission error, say): let git decide
    return !(code === 'ENOENT' || code === 'ENOTDIR');
  }
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
