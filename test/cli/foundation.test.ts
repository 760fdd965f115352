// The real binary: version, help, usage errors, bad input, error formatting, Ctrl-C.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.js';
import { VERSION } from '../../src/version.js';

describe('keyshift CLI foundation', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('--help lists the commands, global options and exit codes; every command has examples', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['scan', 'demo', '--json', '--no-color', '--debug', '--quiet', 'Exit codes', 'Examples:']) expect(r.stdout).toContain(s);
    for (const cmd of [['scan', 'repo'], ['demo']]) {
      const h = await runCli([...cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain('Examples:');
      expect(h.stdout).toContain(`$ keyshift ${cmd.join(' ')}`);
    }
  });

  it('an unknown option or command is a usage error (2) with a one-line message', async () => {
    const a = await runCli(['scan', 'repo', '--frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown option '--frobnicate'/);
    const b = await runCli(['scna']);
    expect(b.code).toBe(2);
    const c = await runCli(['scan', 'repo', '--format', 'pdf', '.']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('pdf');
    const d = await runCli(['scan', 'repo', '--max-file-size', 'lots', '.']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('is not a size');
  });

  it('a path that does not exist is bad input (3): one line, a hint, no stack unless --debug', async () => {
    const r = await runCli(['scan', 'repo', '/nonexistent/keyshift-path']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('/nonexistent/keyshift-path');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['--debug', 'scan', 'repo', '/nonexistent/keyshift-path']);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('--json adds a machine-readable error event on stderr and keeps stdout empty', async () => {
    const r = await runCli(['--json', 'scan', 'repo', '/nonexistent/keyshift-path']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'error', kind: 'bad-input', exitCode: 3 });
  });

  it('a baseline of the wrong kind or a newer version fails with 3 and says which', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-cli-'));
    const base = { kind: 'plan', version: 1 };
    await writeFile(join(dir, 'plan.json'), JSON.stringify(base));
    const r = await runCli(['scan', 'repo', '--baseline', join(dir, 'plan.json'), dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is a plan document, not a findings document');
    await writeFile(join(dir, 'future.json'), JSON.stringify({ kind: 'findings', version: 99 }));
    const f = await runCli(['scan', 'repo', '--baseline', join(dir, 'future.json'), dir]);
    expect(f.code).toBe(3);
    expect(f.stderr).toContain('version 99');
  });

  it('Ctrl-C stops a running scan with exit 130', async () => {
    // /usr is large on any Linux machine: the scan is still running when its first progress
    // line appears, and that is when the test presses Ctrl-C
    const r = await runCli(['scan', 'repo', '--max-file-size', '64MiB', '/usr', '/usr'], {
      onSpawn: (child) => child.stderr?.once('data', () => child.kill('SIGINT')),
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
  });
});

describe('a reader that stops reading', () => {
  it('ends quietly when stdout is closed before it writes (keyshift --help | true)', async () => {
    const { spawnSync } = await import('node:child_process');
    // `true` exits at once, so the pipe is closed by the time keyshift (100+ ms to start) writes
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" apply --help | true; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).toContain('status=0');
  });
});
