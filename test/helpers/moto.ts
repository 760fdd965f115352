// The real AWS emulator for end-to-end tests: moto in server mode, installed by
// scripts/ensure-moto.sh into .cache/moto, started on a free loopback port, reset between
// tests. If it cannot be installed or started, the test fails and says why; never skipped.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMotoServer } from '../../src/demo/moto-server.js';
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

/** The same launcher `keyshift demo` uses (src/demo/moto-server.ts). */
export async function startMoto(): Promise<Moto> {
  return startMotoServer(motoServerPath());
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
