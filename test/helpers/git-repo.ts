// Real git repositories in temporary directories, built with the git binary. Author,
// committer and dates are fixed (each commit one hour after the previous one), and the
// user's and system's git config are shut out, so the same steps give the same commit IDs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const AUTHOR = { name: 'Ada Tester', email: 'ada@example.test' };
/** The first commit's date (2023-11-14T22:13:20Z); every commit is one hour later than the last. */
export const FIRST_COMMIT_EPOCH = 1_700_000_000;
const HOUR = 3600;

const tempDirs: string[] = [];

/** A temporary directory (a real path), removed by removeTempDirs(). */
export function makeTempDir(prefix = 'keyshift-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The author date git records for an epoch, as `git log --format=%aI` prints it. */
export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function gitEnv(epoch = FIRST_COMMIT_EPOCH): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    GIT_AUTHOR_DATE: `${epoch} +0000`,
    GIT_COMMITTER_DATE: `${epoch} +0000`,
  };
}

export class GitRepo {
  /** the epoch of the next commit */
  private clock = FIRST_COMMIT_EPOCH;

  private constructor(
    /** the working tree, or the git directory of a bare repository */
    readonly dir: string,
  ) {}

  /** A new repository whose default branch is `main`. */
  static init(options: { bare?: boolean } = {}): GitRepo {
    const dir = makeTempDir('keyshift-repo-');
    const repo = new GitRepo(dir);
    repo.git('init', '--quiet', '--initial-branch=main', ...(options.bare ? ['--bare'] : []));
    return repo;
  }

  /** A bare clone of this repository (branches and tags; no stash, as `git clone` does). */
  cloneBare(): GitRepo {
    const dir = join(makeTempDir('keyshift-bare-'), 'repo.git');
    execFileSync('git', ['clone', '--quiet', '--bare', '--no-local', this.dir, dir], { env: gitEnv(), stdio: 'pipe' });
    return new GitRepo(dir);
  }

  /** Runs git in the repository with the fixed identity and the next commit's date; returns stdout trimmed. */
  git(...args: string[]): string {
    return this.gitWithInput(undefined, ...args);
  }

  gitWithInput(input: string | Buffer | undefined, ...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: gitEnv(this.clock), input, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 << 20 }).trim();
  }

  write(path: string, content: string | Buffer): string {
    const absolute = join(this.dir, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    return absolute;
  }

  remove(path: string): void {
    rmSync(join(this.dir, path), { recursive: true, force: true });
  }

  /**
   * Writes (or, for null, deletes) the files, stages everything and commits. Returns the
   * commit ID and the epoch of its author date.
   */
  commit(message: string, files: Record<string, string | Buffer | null> = {}): { id: string; epoch: number } {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) this.remove(path);
      else this.write(path, content);
    }
    this.git('add', '--all');
    const epoch = this.clock;
    this.git('commit', '--quiet', '--allow-empty', '--no-verify', '-m', message);
    this.clock += HOUR;
    return { id: this.git('rev-parse', 'HEAD'), epoch };
  }

  /** Feeds a `git fast-import` stream (for histories of many commits) and returns its marks. */
  fastImport(stream: string): Map<string, string> {
    const marksFile = join(makeTempDir('keyshift-marks-'), 'marks');
    this.gitWithInput(stream, 'fast-import', '--quiet', `--export-marks=${marksFile}`);
    const marks = new Map<string, string>();
    for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
      const [mark, id] = line.split(' ');
      if (mark && id) marks.set(mark, id);
    }
    return marks;
  }

  /** Advances the clock for commits made with fast-import or by hand; returns the epoch to use. */
  tick(): number {
    const epoch = this.clock;
    this.clock += HOUR;
    return epoch;
  }
}

/** A `data` command of a fast-import stream (length in bytes, then the content). */
export function fastImportData(content: string): string {
  return `data ${Buffer.byteLength(content)}\n${content}\n`;
}

/** The author and committer lines of a fast-import commit at `epoch`. */
export function fastImportIdentity(epoch: number): string {
  const who = `${AUTHOR.name} <${AUTHOR.email}> ${epoch} +0000`;
  return `author ${who}\ncommitter ${who}\n`;
}
