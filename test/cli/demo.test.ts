// `keyshift demo`, the README's first command, with the real binary: the repository scan and
// the whole migration on the emulated account (moto), checked by the demo itself and here; and
// without Python, a message that says what it needs.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('keyshift demo', () => {
  it('runs the whole pipeline on the emulated account and says what is emulated', async () => {
    const r = await runCli(['--json', 'demo'], { timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { applyRuns: { outcome: string }[]; checks: { name: string; ok: boolean }[]; workloads: { status: string }[] };
    expect(result.workloads.map((w) => w.status)).toEqual(['ready', 'ready']);
    expect(result.applyRuns.map((x) => x.outcome)).toEqual(['waiting', 'waiting', 'done']);
    expect(result.checks.length).toBeGreaterThanOrEqual(9);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks.map((c) => c.name)).toContain('rollback: every host file back byte for byte');
    expect(r.stderr).toContain('emulated');
    expect(r.stderr).toMatch(/moto on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain('local executor instead of SSM');
  }, 200_000);

  it('says it needs python3 when moto is not installed and there is no Python', async () => {
    // a PATH with git (the repository part) and the few tools the install script uses, and no python3
    const bin = mkdtempSync(join(tmpdir(), 'keyshift-nopython-'));
    for (const tool of ['bash', 'dirname', 'tr', 'git']) symlinkSync(tool === 'bash' ? '/bin/bash' : `/usr/bin/${tool}`, join(bin, tool));
    const r = await runCli(['demo'], { env: { PATH: bin, KEYSHIFT_MOTO_VERSION: '0.0.0-not-installed' }, timeoutMs: 60_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('needs python3');
    expect(r.stderr).toContain('--repo-only');
  });
});
