// The emulated AWS account of `keyshift demo` and of the end-to-end tests: moto in server mode,
// installed once into the project's .cache by scripts/ensure-moto.sh (a pinned moto[server] in
// its own virtual environment), started on a free loopback port and stopped afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KeyshiftError } from '../errors.js';

export interface MotoServer {
  endpoint: string;
  /** credentials the SDK signs with; moto accepts any */
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** scripts/ensure-moto.sh, from the source tree or from dist/ */
function ensureScript(): string {
  for (const rel of ['../../scripts/ensure-moto.sh', '../../../scripts/ensure-moto.sh']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new KeyshiftError('aws-refused', 'the emulated account needs scripts/ensure-moto.sh, which is not in this installation', { hint: 'run keyshift demo from a checkout of the repository' });
}

/** Installs moto on first use (needs python3 with venv and pip) and returns the moto_server path. */
export function installMoto(env: Record<string, string | undefined>): Promise<string> {
  if (env.KEYSHIFT_MOTO_SERVER) return Promise.resolve(env.KEYSHIFT_MOTO_SERVER);
  return new Promise((resolve, reject) => {
    execFile('bash', [ensureScript()], { encoding: 'utf8', env: { ...process.env, ...env } as NodeJS.ProcessEnv }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.trim().split('\n').filter(Boolean).at(-1) ?? err.message;
        reject(new KeyshiftError('aws-refused', `the emulated AWS account (moto) could not be installed: ${why.replace(/^keyshift: /, '')}`, { hint: 'the demo needs python3 with venv and pip, and access to PyPI on first use' }));
      } else resolve(stdout.trim());
    });
  });
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

export async function startMotoServer(serverPath: string, extraEnv: Record<string, string> = {}): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(serverPath, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...extraEnv } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new KeyshiftError('aws-refused', `moto_server exited (${child.exitCode}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new KeyshiftError('aws-refused', `moto_server did not start on ${endpoint} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    endpoint,
    env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
