// The working-tree scan on real directories: what is scanned, what is skipped and counted,
// and what is reported as a problem while the scan goes on.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError, KeyshiftError } from '../../../src/errors.js';
import { RecordingHost, type IoHost } from '../../../src/io/host.js';
import { Finding } from '../../../src/model/finding.js';
import { scanRepo, type ScanRepoOptions } from '../../../src/scan/repo/scan-repo.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { GitRepo, makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';

afterAll(removeTempDirs);

const NOW = new Date('2025-01-01T00:00:00Z');

function scan(paths: string[], options: Partial<ScanRepoOptions> = {}) {
  return scanRepo({ paths, history: false, maxFileSize: 1024 * 1024, host: new RecordingHost(), now: NOW, ...options });
}

/** A directory with the given files (content strings or buffers). */
function tree(files: Record<string, string | Buffer>): string {
  const dir = makeTempDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('scanRepo: working tree', () => {
  it('finds keys in every file under the path, relative to the root, in a stable order', async () => {
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    const dir = tree({ 'z.env': `KEY=${a}\n`, 'deep/er/config.ini': `\n\n  aws_access_key_id = ${b}\n`, 'a.txt': `x ${c}` });
    const result = await scan([dir]);
    expect(result.roots).toEqual([dir]);
    expect(result.findings.map((f) => [f.location.type === 'repository' && f.location.path, f.keyId])).toEqual([
      ['a.txt', c],
      ['deep/er/config.ini', b],
      ['z.env', a],
    ]);
    const config = result.findings[1]!;
    expect(config.location).toEqual({ type: 'repository', root: dir, path: 'deep/er/config.ini', line: 3, column: 23, inWorkingTree: true });
    expect(config.account).toEqual({ id: '123456789012', source: 'decoded' });
    for (const f of result.findings) expect(() => Finding.parse(f)).not.toThrow();
    expect(result.stats).toMatchObject({ files: 3, blobs: 0 });
    expect(result.problems).toEqual([]);
  });

  it('reports one finding per credential and path, and a pair with the secret only as a fingerprint', async () => {
    const id = fakeKeyId();
    const secret = fakeSecret();
    const dir = tree({ 'creds': `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n\n# again\naws_access_key_id = ${id}\n` });
    const { findings } = await scan([dir]);
    expect(findings.filter((f) => f.rule === 'aws-access-key-pair')).toHaveLength(1);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    expect(JSON.stringify(findings)).not.toContain(secret.slice(0, 8));
  });

  it('leaves out .git, and scans a single file given as the path', async () => {
    const repo = GitRepo.init();
    const inside = fakeKeyId();
    repo.write('.git/description', `${fakeKeyId()}\n`);
    const file = repo.write('app/settings.py', `KEY = "${inside}"\n`);
    const all = await scan([repo.dir]);
    expect(all.findings.map((f) => f.keyId)).toEqual([inside]);
    const single = await scan([file]);
    expect(single.roots).toEqual([join(repo.dir, 'app')]);
    expect(single.findings.map((f) => f.location.type === 'repository' && f.location.path)).toEqual(['settings.py']);
  });

  it('skips and counts binary files (a NUL in the first 8 KiB)', async () => {
    const id = fakeKeyId();
    const dir = tree({
      'image.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(` ${id} `)]),
      'late-nul.txt': Buffer.concat([Buffer.from(`${'x'.repeat(9000)}\n${id}\n`), Buffer.from([0])]),
    });
    const result = await scan([dir]);
    expect(result.stats.skipped.binary).toBe(1);
    expect(result.findings.map((f) => f.location.type === 'repository' && f.location.path)).toEqual(['late-nul.txt']);
  });

  it('skips and counts files above the size limit, which is configurable', async () => {
    const id = fakeKeyId();
    const dir = tree({ 'big.log': `${'log line\n'.repeat(200)}${id}\n`, 'small.env': `K=${fakeKeyId()}\n` });
    const limited = await scan([dir], { maxFileSize: 1000 });
    expect(limited.stats.skipped.tooLarge).toBe(1);
    expect(limited.findings.map((f) => f.keyId)).not.toContain(id);
    const roomy = await scan([dir], { maxFileSize: 4096 });
    expect(roomy.stats.skipped.tooLarge).toBe(0);
    expect(roomy.findings.map((f) => f.keyId)).toContain(id);
  });

  it('does not follow symlinks: loops and links out of the root are reported, and the scan ends', async () => {
    const outside = tree({ 'leaked.env': `KEY=${fakeKeyId()}\n` });
    const inTree = fakeKeyId();
    const dir = tree({ 'real/app.env': `KEY=${inTree}\n` });
    symlinkSync('.', join(dir, 'real/self')); // a directory that contains itself
    symlinkSync('b', join(dir, 'a')); // a -> b -> a
    symlinkSync('a', join(dir, 'b'));
    symlinkSync(join(outside, 'leaked.env'), join(dir, 'outside.env'));
    symlinkSync(outside, join(dir, 'outside-dir'));
    symlinkSync('real/app.env', join(dir, 'alias.env')); // inside: scanned at its own path only
    symlinkSync('missing', join(dir, 'dangling'));

    const result = await scan([dir]);
    expect(result.findings.map((f) => f.location.type === 'repository' && f.location.path)).toEqual(['real/app.env']);
    expect(result.stats.skipped.symlinks).toBe(7);
    expect(result.problems.map((p) => [p.path, p.reason])).toEqual([
      ['a', 'symlink-loop'],
      ['b', 'symlink-loop'],
      ['outside-dir', 'symlink-outside-root'],
      ['outside.env', 'symlink-outside-root'],
      ['real/self', 'symlink-loop'],
    ]);
  });

  it('skips FIFOs instead of blocking on them', async () => {
    const dir = tree({ 'a.env': `KEY=${fakeKeyId()}\n` });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const result = await scan([dir]);
    expect(result.findings).toHaveLength(1);
  });

  it('reports an unreadable file and goes on', async () => {
    const readable = fakeKeyId();
    const dir = tree({ 'locked.env': `KEY=${fakeKeyId()}\n`, 'open.env': `KEY=${readable}\n` });
    chmodSync(join(dir, 'locked.env'), 0o000);
    // Root reads any file whatever its mode (CAP_DAC_OVERRIDE), so as root the scan runs
    // with the effective user switched to `nobody`: the kernel then refuses the open with a
    // real EACCES, exactly as for an ordinary user. The tree is made traversable for nobody.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'open.env'), 0o644);
    }
    const result = await asUnprivileged(asRoot, () => scan([dir]));
    expect(result.findings.map((f) => f.keyId)).toEqual([readable]);
    expect(result.problems).toEqual([{ path: 'locked.env', reason: 'unreadable', message: 'permission denied' }]);
    expect(result.stats.skipped.unreadable).toBe(1);
  });

  it('reports content that is not UTF-8 and still scans it', async () => {
    const id = fakeKeyId();
    const dir = tree({ 'latin1.properties': Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(` key=${id}\n`)]) });
    const result = await scan([dir]);
    expect(result.problems.map((p) => [p.path, p.reason])).toEqual([['latin1.properties', 'not-utf8']]);
    expect(result.findings).toMatchObject([{ keyId: id, location: { line: 1, column: 10 } }]);
  });

  it('drops keyshift:allow lines and counts them', async () => {
    const dir = tree({ 'test.env': `KEY=${fakeKeyId()} # keyshift:allow\nOTHER=${fakeKeyId()}\n` });
    const result = await scan([dir]);
    expect(result.findings).toHaveLength(1);
    expect(result.stats.suppressed.inline).toBe(1);
  });

  it('skips ignored files and whole ignored directories without reading them', async () => {
    const dir = tree({ 'vendor/lib/a.js': `"${fakeKeyId()}"`, 'src/b.js': `"${fakeKeyId()}"`, 'src/b.test.js': `"${fakeKeyId()}"` });
    const asked: string[] = [];
    const result = await scan([dir], {
      ignorePath: (rel) => {
        asked.push(rel);
        return rel === 'vendor/' || rel.endsWith('.test.js');
      },
    });
    expect(result.findings.map((f) => f.location.type === 'repository' && f.location.path)).toEqual(['src/b.js']);
    expect(asked).not.toContain('vendor/lib/');
    expect(result.stats.files).toBe(1);
  });

  it('reports progress as files and bytes', async () => {
    const dir = tree({ 'a.txt': 'hello\n', 'b.txt': 'world\n' });
    const host = new RecordingHost();
    await scan([dir], { host });
    expect(host.events.at(-1)).toEqual({ type: 'progress', phase: 'worktree', done: 2, unit: 'files', bytes: 12 });
  });

  it('throttles progress: a few events for many files, not one per file', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`d${i % 10}/f${i}.txt`] = `line ${i}\n`;
    const host = new RecordingHost();
    await scan([tree(files)], { host });
    const progress = host.events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThan(10);
    expect(progress.at(-1)).toMatchObject({ done: 1500, unit: 'files' });
  });

  it('stops between files when aborted', async () => {
    const controller = new AbortController();
    const dir = tree({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    // the host aborts from inside the scan, as a Ctrl-C handler in the CLI would
    const host: IoHost = {
      notify: (event) => {
        if (event.type === 'phase') controller.abort();
      },
      confirm: async (q) => q.default,
    };
    const error = await scan([dir], { host, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('refuses a path that does not exist (bad input)', async () => {
    const missing = join(makeTempDir(), 'nope');
    const error = await scan([missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect(error).toMatchObject({ kind: 'bad-input', message: `${missing} does not exist` });
  });
});

/** Runs `work` with the effective user and group switched to nobody when `drop` is set. */
async function asUnprivileged<T>(drop: boolean, work: () => Promise<T>): Promise<T> {
  if (!drop) return work();
  const { seteuid, setegid } = process;
  if (!seteuid || !setegid) throw new Error('cannot drop privileges on this platform');
  const NOBODY = 65534;
  setegid(NOBODY);
  seteuid(NOBODY);
  try {
    return await work();
  } finally {
    seteuid(0);
    setegid(0);
  }
}
