// `keyshift scan host` through the real binary on a fixture root filesystem.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureHost } from '../helpers/host-root.js';
import { makeTempDir, removeTempDirs } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { secretPieces } from '../helpers/fake-keys.js';
import { sarifValidator } from '../helpers/sarif-validator.js';

afterAll(removeTempDirs);

describe('keyshift scan host (real binary, fixture root)', () => {
  it('reports every planted key with exit 1, in every format, without leaking a secret, and never reads outside the root', async () => {
    const fx = fixtureHost();
    const r = await runCli(['--json', 'scan', 'host', '--root', fx.root, '--host-name', 'web-1']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { scan: { target: string }; findings: { keyId?: string; location: { type: string; host: string } }[] };
    expect(doc.scan.target).toBe('host');
    const found = new Set(doc.findings.map((f) => f.keyId));
    for (const [name, k] of Object.entries(fx.keys)) {
      if (name === 'outside') expect(found.has(k.id)).toBe(false);
      else expect(found.has(k.id), name).toBe(true);
    }
    expect(new Set(doc.findings.map((f) => f.location.host))).toEqual(new Set(['web-1']));
    const outputs = [r.stdout, r.stderr];
    const sarifFile = join(makeTempDir(), 'host.sarif');
    for (const format of ['table', 'markdown', 'csv', 'sarif']) {
      const args = ['scan', 'host', '--root', fx.root, '--format', format, ...(format === 'sarif' ? ['-o', sarifFile] : [])];
      const out = await runCli(args);
      expect(out.code).toBe(1);
      outputs.push(out.stdout, out.stderr);
    }
    const sarif = readFileSync(sarifFile, 'utf8');
    outputs.push(sarif);
    const validate = sarifValidator();
    expect(validate(JSON.parse(sarif)), JSON.stringify(validate.errors)).toBe(true);
    const all = outputs.join('\n');
    for (const k of Object.values(fx.keys)) for (const piece of secretPieces(k.secret)) expect(all).not.toContain(piece);
  });

  it('a root that does not exist is bad input (3)', async () => {
    const r = await runCli(['scan', 'host', '--root', '/nonexistent/keyshift-root']);
    expect(r.code).toBe(3);
  });
});
