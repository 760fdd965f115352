// The real AWS emulator for end-to-end tests: moto in server mode, installed by
// scripts/ensure-moto.sh into .cache/moto, started on a free loopback port, reset between
// tests. If it cannot be installed or started, the test fails and says why; never skipped.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Moto {
  endpoint: string;
  /** POST /moto-api/reset: forget every resource */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** credentials the SDK signs with; moto accepts any */
  env: Record<string, string>;
}

function motoServerPath(): string {
  if (process.env.KEYSHIFT_MOTO_SERVER) return process.env.KEYSHIFT_MOTO_SERVER;
  try {
    return execFileSync('bash', [`${root}/scripts/ensure-moto.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? '';
    throw new Error(`cannot install the AWS emulator (moto) for end-to-end tests: ${stderr.trim() || (e as Error).message}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  const server = motoServerPath();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint} within 30 s: ${stderr}`);
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

/**
 * One moto server for a test file: started before its tests, stopped after, reset before
 * each test. With `stubEnv`, its credentials and region are put in process.env for code that
 * uses the SDK's default chain in-process. Returns a getter: the server exists only once
 * beforeAll has run.
 */
export function useMoto(options: { stubEnv?: boolean; resetEach?: boolean } = {}): () => Moto {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
    if (options.stubEnv) for (const [name, value] of Object.entries(moto.env)) vi.stubEnv(name, value);
  });
  afterAll(async () => {
    await moto?.stop();
  });
  if (options.resetEach !== false) {
    beforeEach(async () => {
      await moto?.reset();
    });
  }
  return () => {
    if (!moto) throw new Error('moto is used before beforeAll started it');
    return moto;
  };
}
