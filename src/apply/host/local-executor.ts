// The executor for root filesystems on this machine: the demo's hosts and the tests' fixture
// roots. It runs the same payload SSM carries, with --root, so what a fixture shows is what a
// host does; on a root other than / the payload records restarts instead of doing them.
// The instance metadata it asks is the one `imdsEndpointFor` names (the demo's emulator);
// without one it asks none, so a fixture never reads the metadata of the machine it is on.
import { spawn } from 'node:child_process';
import { InterruptedError, throwIfAborted } from '../../errors.js';
import type { CutoverOpResult, HostExecutor, HostTarget } from '../host-executor.js';
import { parseCutoverOutput } from './cutover-output.js';
import { cutoverPayload } from './cutover-payload.js';
import { opLine, type HostOp } from './cutover-ops.js';
import { cutoverCommands } from './describe-executor.js';
import { contractResults } from './run-host-ops.js';

export interface LocalHostExecutorOptions {
  /** the directory that is this host's root filesystem */
  rootFor(target: HostTarget): string;
  /** the instance metadata endpoint for this host (http://127.0.0.1:PORT/i-...); none when undefined */
  imdsEndpointFor?(target: HostTarget): string | undefined;
}

// Enough for every op of a step; a payload that takes longer is stuck.
const TIMEOUT_MS = 120_000;

export class LocalHostExecutor implements HostExecutor {
  readonly kind = 'local' as const;

  constructor(private readonly options: LocalHostExecutorOptions) {}

  async run(target: HostTarget, ops: readonly HostOp[], signal: AbortSignal): Promise<CutoverOpResult[]> {
    throwIfAborted(signal);
    if (ops.length === 0) return [];
    const input = ops.map((op) => `${opLine(op)}\n`).join('');
    const env = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      KEYSHIFT_IMDS_ENDPOINT: this.options.imdsEndpointFor?.(target) ?? 'none',
    };
    const ran = await runPayload(['--root', this.options.rootFor(target)], input, env, signal);
    return contractResults(parseCutoverOutput(ran.stdout, ops, { detail: ran.detail }));
  }

  describe(target: HostTarget, ops: readonly HostOp[]): string[] {
    return cutoverCommands(target, ops);
  }
}

async function runPayload(args: string[], input: string, env: Record<string, string>, signal: AbortSignal): Promise<{ stdout: string; detail: string | undefined }> {
  const child = spawn('sh', [cutoverPayload().path, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  child.stdin.on('error', () => {}); // a payload that exits early closes its stdin
  child.stdin.end(input);
  const kill = () => child.kill('SIGTERM');
  signal.addEventListener('abort', kill, { once: true });
  const timer = setTimeout(kill, TIMEOUT_MS);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    if (signal.aborted) throw new InterruptedError();
    // the payload's own complaints are about its arguments and the root, never a file's content
    const complaint = stderr.trim().split('\n').at(-1)?.slice(0, 200);
    return { stdout, detail: code === 0 ? undefined : `the payload exited ${code ?? 'on a signal'}${complaint ? `: ${complaint}` : ''}` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', kill);
  }
}
