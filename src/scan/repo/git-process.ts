// Running git. Every git call of the repository scanner goes through here, so each one gets
// the same environment, is killed when the scan is aborted or fails, and fails with git's
// own message: a failing git process becomes a KeyshiftError, never a hang.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { InterruptedError, KeyshiftError, throwIfAborted } from '../../errors.js';

/** Variables that would point git at another repository than the one we were given. */
const RELOCATING_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/** Flags before the subcommand: no pager, and history as recorded (replace refs are scanned as refs, not applied). */
const GLOBAL_ARGS = ['--no-pager', '--no-replace-objects', '-c', 'core.quotePath=false', '-c', 'color.ui=never'];

/** Killed children get this long to exit on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** Enough of stderr to quote git's message; the rest is dropped so a chatty git cannot fill memory. */
const STDERR_LIMIT = 4096;

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of RELOCATING_ENV) delete env[name];
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  return env;
}

export interface GitOptions {
  /** the directory git runs in: a working tree, a directory in it, or a git directory */
  cwd: string;
  signal?: AbortSignal | undefined;
  /** exit codes of the last command that are answers, not failures (e.g. 1 of `merge-base --is-ancestor`) */
  answerCodes?: readonly number[];
}

/** The subcommand of a git command line, past any leading `-c name=value` settings. */
function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}

/** One running git process, with the head of its stderr and a promise of its exit. */
class GitChild {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  code: number | null = null;
  signalName: NodeJS.Signals | null = null;
  spawnError: Error | undefined;
  private stderr = '';
  private killed = false;

  constructor(
    readonly args: string[],
    cwd: string,
    stdin: 'ignore' | Readable,
  ) {
    this.process = spawn('git', [...GLOBAL_ARGS, ...args], { cwd, env: gitEnv(), stdio: [stdin, 'pipe', 'pipe'] });
    this.process.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (this.stderr.length < STDERR_LIMIT) this.stderr += text.slice(0, STDERR_LIMIT - this.stderr.length);
    });
    this.exited = new Promise((resolve) => {
      this.process.on('error', (e) => {
        this.spawnError = e;
        resolve();
      });
      this.process.on('close', (code, signal) => {
        this.code = code;
        this.signalName = signal;
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.code === null && this.signalName === null && this.spawnError === undefined;
  }

  kill(): void {
    if (this.killed || !this.running) return;
    this.killed = true;
    this.process.kill('SIGTERM');
    const force = setTimeout(() => {
      if (this.running) this.process.kill('SIGKILL');
    }, KILL_GRACE_MS);
    force.unref();
    void this.exited.then(() => clearTimeout(force));
  }

  /** The error this child ended with, if it did not succeed. */
  failure(answerCodes: readonly number[] = []): KeyshiftError | undefined {
    const command = `git ${subcommandOf(this.args)}`.trim();
    if (this.spawnError) {
      const missing = (this.spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      return new KeyshiftError('bad-input', missing ? 'git is not installed (or not on PATH)' : `cannot run ${command}: ${this.spawnError.message}`, {
        hint: missing ? 'install git to scan repository history' : undefined,
        cause: this.spawnError,
      });
    }
    if (this.code === 0 || (this.code !== null && answerCodes.includes(this.code))) return undefined;
    const firstLine = this.stderr.split('\n').find((l) => l.trim() !== '')?.trim();
    const how = this.code === null ? `was killed by ${this.signalName ?? 'a signal'}` : `exited with code ${this.code}`;
    return new KeyshiftError('bad-input', firstLine ? `${command} failed: ${firstLine}` : `${command} ${how}`, {
      hint: 'check that the repository is intact (git fsck) and readable',
    });
  }

  /** Killed by SIGPIPE: its reader went away first, so the reader's failure is the real one. */
  get diedOfBrokenPipe(): boolean {
    return this.signalName === 'SIGPIPE';
  }
}

/**
 * Runs a pipeline of git commands, each reading the previous one's stdout directly (the data
 * does not pass through Node), and hands the last one's stdout to `onData` chunk by chunk.
 * `onData` runs synchronously, so a slow consumer slows git down instead of filling memory.
 * Resolves when every process has exited successfully; on abort, on a consumer error or on a
 * failing process, kills them all and waits for them to exit before rejecting. Resolves to
 * the last command's exit code (0, or one of `answerCodes`).
 */
export async function streamGitPipeline(commands: string[][], options: GitOptions, onData: (chunk: Buffer) => void): Promise<number> {
  throwIfAborted(options.signal);
  const children: GitChild[] = [];
  for (const args of commands) {
    const previous = children.at(-1);
    const stdin = previous?.process.stdout ?? 'ignore';
    children.push(new GitChild(args, options.cwd, stdin));
    // The child has its own copy of the pipe now; closing ours lets the writer get EPIPE
    // when the reader dies instead of blocking on a pipe nobody drains.
    previous?.process.stdout?.destroy();
  }
  const last = children.at(-1);
  if (!last) return 0;

  let consumerError: unknown;
  let interrupted = false;
  const killAll = () => children.forEach((c) => c.kill());
  const onAbort = () => {
    interrupted = true;
    killAll();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const drained = new Promise<void>((resolve) => {
    const stdout = last.process.stdout;
    if (!stdout) return resolve();
    stdout.on('data', (chunk: Buffer) => {
      if (consumerError !== undefined || interrupted) return;
      try {
        onData(chunk);
      } catch (e) {
        consumerError = e;
        killAll();
      }
    });
    stdout.on('close', resolve);
    stdout.on('error', resolve);
  });

  try {
    await Promise.all([drained, ...children.map((c) => c.exited)]);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (interrupted) throw new InterruptedError();
  if (consumerError !== undefined) throw consumerError;
  const failureOf = (c: GitChild) => c.failure(c === last ? options.answerCodes : []);
  const failures = children.filter((c) => failureOf(c) !== undefined);
  const cause = failures.find((c) => !c.diedOfBrokenPipe) ?? failures[0];
  if (cause) throw failureOf(cause);
  return last.code ?? 0;
}

/** Streams one git command's stdout to `onData`; see streamGitPipeline. */
export function streamGit(args: string[], options: GitOptions, onData: (chunk: Buffer) => void): Promise<number> {
  return streamGitPipeline([args], options, onData);
}

/** Runs a git command with a small output and returns its stdout; fails like streamGit. */
export async function runGit(args: string[], options: GitOptions): Promise<string> {
  const chunks: Buffer[] = [];
  await streamGit(args, options, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs a git command whose exit code is its answer: 0 yes, 1 no (`merge-base --is-ancestor`,
 * `reflog exists`, `rev-parse --verify --quiet`). Any other outcome is a failure.
 */
export async function testGit(args: string[], options: GitOptions): Promise<boolean> {
  return (await streamGit(args, { ...options, answerCodes: [1] }, () => {})) === 0;
}
