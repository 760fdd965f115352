// Paths within the scanned root, followed as a chroot would: absolute link targets and `..`
// past the top land inside the root, never on the scanning machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanProblem } from '../../../src/model/findings-document.js';
import { emptyHostStats } from '../../../src/scan/host/host-scan-stats.js';
import { fileMode, RootFs } from '../../../src/scan/host/root-fs.js';
import { makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';
import { HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

async function open(root: string, maxFileSize = 1024) {
  const stats = emptyHostStats();
  const problems: ScanProblem[] = [];
  return { fs: await RootFs.open(root, maxFileSize, stats, problems), stats, problems };
}

describe('RootFs', () => {
  it('follows absolute and relative links within the root, and clamps .. at its top', async () => {
    const outside = makeTempDir('keyshift-outside-');
    writeFileSync(join(outside, 'shadow'), 'outside');
    const { root } = new HostRoot()
      .file('/etc/shadow', 'inside')
      .file(join(outside, 'shadow'), 'mirrored inside')
      .symlink('/a/absolute', '/etc/shadow')
      .symlink('/a/relative', '../etc/shadow')
      .symlink('/a/climbing', '../../../../../../etc/shadow')
      .symlink('/a/out', join(outside, 'shadow'))
      .symlink('/a/dangling', '/tmp/nowhere-at-all')
      .symlink('/a/dir', '/etc');
    const { fs } = await open(root);
    for (const link of ['/a/absolute', '/a/relative', '/a/climbing', '/a/dir/shadow', '/a/../a/./absolute']) {
      expect((await fs.readText(link))?.text, link).toBe('inside');
    }
    expect((await fs.readText('/a/out'))?.text).toBe('mirrored inside');
    expect(await fs.readText('/a/dangling')).toBeUndefined();
    expect(await fs.resolve('/a/climbing')).toEqual({ kind: 'found', realPath: join(fs.realRoot, 'etc/shadow'), hostPath: '/etc/shadow' });
  });

  it('reports a link loop, counts binary and oversized files, and reports non-UTF-8 ones', async () => {
    const { root } = new HostRoot()
      .symlink('/loop/a', '/loop/b')
      .symlink('/loop/b', '/loop/a')
      .file('/bin.dat', Buffer.from([1, 0, 2]))
      .file('/big', 'x'.repeat(2000))
      .file('/latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9]))
      .file('/bom', '\uFEFFA=1\n', { mode: 0o4755 });
    const { fs, stats, problems } = await open(root);
    for (const path of ['/loop/a', '/bin.dat', '/big', '/latin1']) expect(await fs.readText(path)).toBeUndefined();
    const bom = await fs.readText('/bom');
    expect(bom).toMatchObject({ path: '/bom', resolvedPath: '/bom', text: 'A=1\n', mode: '04755' });
    expect(problems).toEqual([
      { path: '/loop/a', reason: 'symlink-loop', message: 'too many levels of symbolic links; not followed' },
      { path: '/latin1', reason: 'not-utf8', message: 'not valid UTF-8; not scanned' },
    ]);
    expect(stats).toMatchObject({ files: 4, skipped: { binary: 1, tooLarge: 1 } });
  });

  it('lists directories in name order, and nothing for a missing one', async () => {
    const { root } = new HostRoot().file('/d/b', '').file('/d/a', '').dir('/d/c').symlink('/d/l', '/d/a');
    const { fs } = await open(root);
    expect(await fs.list('/d')).toEqual([
      { name: 'a', kind: 'file' },
      { name: 'b', kind: 'file' },
      { name: 'c', kind: 'directory' },
      { name: 'l', kind: 'symlink' },
    ]);
    expect(await fs.list('/missing')).toEqual([]);
  });

  it('writes modes as octal with a leading zero', () => {
    expect([fileMode(0o100600), fileMode(0o100644), fileMode(0o104755), fileMode(0o40000)]).toEqual(['0600', '0644', '04755', '0000']);
  });
});
