// `keyshift scan repo` through the real binary, on real git repositories built in temporary
// directories: findings and exit codes, every output format, suppression, baseline, and the
// leak test (no planted secret, nor any 8-character piece of one, in any output).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { GitRepo, makeTempDir, removeTempDirs } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifValidator } from '../helpers/sarif-validator.js';

afterAll(removeTempDirs);

interface Doc {
  kind: string;
  findings: { fingerprint: string; rule: string; keyId?: string; secretFingerprint?: string; location: { path: string; inWorkingTree: boolean; git?: { commit: string; atHead: boolean } } }[];
  problems: { reason: string }[];
}

function plantedRepo() {
  const repo = GitRepo.init();
  const removed = { id: fakeKeyId(), secret: fakeSecret() };
  const kept = { id: fakeKeyId(), secret: fakeSecret() };
  const named = fakeSecret();
  const first = repo.commit('add env', { '.env': `AWS_ACCESS_KEY_ID=${removed.id}\nAWS_SECRET_ACCESS_KEY=${removed.secret}\n` });
  repo.commit('drop env', { '.env': null, 'config/app.json': `{\n  "accessKeyId": "${kept.id}",\n  "secretAccessKey": "${kept.secret}"\n}\n` });
  writeFileSync(join(repo.dir, 'deploy.sh'), `export AWS_SECRET_ACCESS_KEY="${named}"\n`);
  return { repo, removed, kept, named, secrets: [removed.secret, kept.secret, named], firstCommit: first.id };
}

describe('keyshift scan repo (real binary, real git)', () => {
  it('finds the working tree with exit 1, and history only with --history', async () => {
    const p = plantedRepo();
    const wt = await runCli(['--json', 'scan', 'repo', p.repo.dir]);
    expect(wt.code).toBe(1);
    const doc = JSON.parse(wt.stdout) as Doc;
    expect(doc.kind).toBe('findings');
    expect(doc.findings.map((f) => `${f.rule} ${f.location.path}`).sort()).toEqual([
      'aws-access-key-pair config/app.json',
      'aws-secret-access-key deploy.sh',
    ]);
    expect(doc.findings.some((f) => f.keyId === p.removed.id)).toBe(false);

    const hist = await runCli(['--json', 'scan', 'repo', '--history', p.repo.dir]);
    expect(hist.code).toBe(1);
    const h = JSON.parse(hist.stdout) as Doc;
    const gone = h.findings.find((f) => f.keyId === p.removed.id);
    expect(gone?.location).toMatchObject({ path: '.env', inWorkingTree: false, git: { commit: p.firstCommit, atHead: false } });
    expect(h.findings.find((f) => f.keyId === p.kept.id)?.location).toMatchObject({ inWorkingTree: true, git: { atHead: true } });
  });

  it('exits 0 on a clean tree, and --exit-code changes the findings code', async () => {
    const clean = makeTempDir();
    writeFileSync(join(clean, 'README.md'), 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
    const r = await runCli(['scan', 'repo', clean]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 findings');
    const p = plantedRepo();
    expect((await runCli(['scan', 'repo', '--exit-code', '9', p.repo.dir])).code).toBe(9);
    expect((await runCli(['scan', 'repo', '--exit-code', '0', p.repo.dir])).code).toBe(0);
  });

  it('--history outside a git repository is bad input (3)', async () => {
    const r = await runCli(['scan', 'repo', '--history', makeTempDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not .*git repository/i);
  });

  it('leaks no planted secret, nor any 8-character piece of one, in any format, stream or file', async () => {
    const p = plantedRepo();
    const out = makeTempDir();
    const outputs: string[] = [];
    for (const format of ['table', 'json', 'sarif', 'markdown', 'csv']) {
      const file = join(out, `report.${format}`);
      for (const args of [
        ['scan', 'repo', '--history', '--format', format, p.repo.dir],
        ['--json', 'scan', 'repo', '--history', '--format', format, '--output', file, p.repo.dir],
      ]) {
        const r = await runCli(args);
        expect(r.code).toBe(1);
        outputs.push(r.stdout, r.stderr);
      }
      outputs.push(readFileSync(file, 'utf8'));
    }
    outputs.push((await runCli(['--debug', 'demo', '--repo-only'])).stdout);
    const all = outputs.join('\n');
    expect(all).toContain(p.kept.id); // key IDs are identifiers and appear in full
    for (const secret of p.secrets) for (const piece of secretPieces(secret)) expect(all).not.toContain(piece);
  });

  it('writes SARIF that validates against the official 2.1.0 schema', async () => {
    const p = plantedRepo();
    const file = join(makeTempDir(), 'keys.sarif');
    const r = await runCli(['scan', 'repo', '--history', '--format', 'sarif', '--output', file, p.repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const validate = sarifValidator();
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const uris = sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri).sort();
    expect(uris).toEqual(['.env', 'config/app.json', 'deploy.sh']);
  });

  it('suppresses with keyshift:allow, the ignore file, and a baseline', async () => {
    const p = plantedRepo();
    const first = await runCli(['--json', 'scan', 'repo', p.repo.dir]);
    const baseline = join(makeTempDir(), 'baseline.json');
    writeFileSync(baseline, first.stdout);
    const again = await runCli(['--json', 'scan', 'repo', '--baseline', baseline, p.repo.dir]);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as Doc).findings).toEqual([]);

    const fresh = fakeKeyId();
    writeFileSync(join(p.repo.dir, 'new.txt'), `${fresh}\n`);
    const newer = await runCli(['--json', 'scan', 'repo', '--baseline', baseline, p.repo.dir]);
    expect(newer.code).toBe(1);
    expect((JSON.parse(newer.stdout) as Doc).findings.map((f) => f.keyId)).toEqual([fresh]);

    writeFileSync(join(p.repo.dir, 'new.txt'), `${fresh} # keyshift:allow test fixture\n`);
    const named = (JSON.parse(first.stdout) as Doc).findings.find((f) => f.location.path === 'deploy.sh')!;
    writeFileSync(join(p.repo.dir, '.keyshiftignore'), `# reviewed\n${named.fingerprint}\nconfig/\n`);
    const ignored = await runCli(['--json', 'scan', 'repo', p.repo.dir]);
    expect(ignored.code).toBe(0);
    const stats = (JSON.parse(ignored.stdout) as { stats: { suppressed: { inline: number; ignoreFile: number } } }).stats;
    expect(stats.suppressed.inline).toBe(1);
    expect(stats.suppressed.ignoreFile).toBeGreaterThanOrEqual(1);
  });

  it('each scanned root has its own .keyshiftignore', async () => {
    const a = plantedRepo();
    const b = plantedRepo();
    writeFileSync(join(a.repo.dir, '.keyshiftignore'), 'deploy.sh\n');
    const r = await runCli(['--json', 'scan', 'repo', a.repo.dir, b.repo.dir]);
    const doc = JSON.parse(r.stdout) as { findings: { location: { path: string; root: string } }[] };
    const shPaths = doc.findings.filter((f) => f.location.path === 'deploy.sh').map((f) => f.location.root);
    expect(shPaths).toEqual([b.repo.dir]);
  });

  it('a missing explicit ignore file is bad input (3)', async () => {
    const r = await runCli(['scan', 'repo', '--ignore-file', '/nonexistent/.keyshiftignore', makeTempDir()]);
    expect(r.code).toBe(3);
  });
});
