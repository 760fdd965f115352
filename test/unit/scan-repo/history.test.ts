// The history scan on real repositories: each credential at each path reported once, with
// the commit that first introduced it, the refs that reach that commit, and whether HEAD
// still holds it; merged with the working tree when both are scanned.
import { afterAll, describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { RecordingHost } from '../../../src/io/host.js';
import { Finding } from '../../../src/model/finding.js';
import type { RepositoryLocation } from '../../../src/model/location.js';
import { scanRepo, type ScanRepoOptions } from '../../../src/scan/repo/scan-repo.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { AUTHOR, GitRepo, fastImportData, fastImportIdentity, isoDate, makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';

afterAll(removeTempDirs);

const NOW = new Date('2025-01-01T00:00:00Z');

async function scanHistory(paths: string[], options: Partial<ScanRepoOptions> = {}) {
  const result = await scanRepo({ paths, history: true, maxFileSize: 1024 * 1024, host: new RecordingHost(), now: NOW, ...options });
  for (const f of result.findings) Finding.parse(f);
  return result;
}

const locationOf = (f: Finding) => f.location as RepositoryLocation;
const withKey = (findings: Finding[], keyId: string) => findings.filter((f) => f.keyId === keyId);

describe('scanRepo: history', () => {
  it('finds a key added in one commit and removed in a later one, with that commit and its author date', async () => {
    const repo = GitRepo.init();
    const id = fakeKeyId();
    const secret = fakeSecret();
    repo.commit('initial', { 'README.md': '# app\n' });
    const added = repo.commit('add config', { 'config/app.env': `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` });
    repo.commit('unrelated', { 'README.md': '# app\n\nmore\n' });
    repo.commit('remove the key', { 'config/app.env': 'REGION=eu-west-1\n' });

    const result = await scanHistory([repo.dir]);
    expect(result.roots).toEqual([repo.dir]);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({ rule: 'aws-access-key-pair', keyId: id, severity: 'critical' });
    expect(finding!.location).toEqual({
      type: 'repository',
      root: repo.dir,
      path: 'config/app.env',
      line: 2,
      column: 19,
      inWorkingTree: false,
      git: {
        blob: repo.git('rev-parse', `${added.id}:config/app.env`),
        commit: added.id,
        authorDate: isoDate(added.epoch),
        author: AUTHOR.name,
        refs: ['refs/heads/main'],
        atHead: false,
      },
    });
    expect(JSON.stringify(result)).not.toContain(secret.slice(10, 18));
    expect(result.stats.blobs).toBe(4);
  });

  it('reports a blob shared by 100 commits on two branches once, with the first commit and both branches', async () => {
    const repo = GitRepo.init();
    const id = fakeKeyId();
    const keyFile = `aws_access_key_id = ${id}\n`;
    let stream = `blob\nmark :1\n${fastImportData(keyFile)}`;
    const commitMark = (n: number) => `:${100 + n}`;
    const epochs: number[] = [];
    for (let n = 1; n <= 100; n++) {
      epochs[n] = repo.tick();
      stream += `commit refs/heads/main\nmark ${commitMark(n)}\n${fastImportIdentity(epochs[n]!)}${fastImportData(`commit ${n}`)}`;
      if (n === 1) stream += `M 100644 :1 keys/aws.ini\n`;
      stream += `M 100644 inline counter.txt\n${fastImportData(`${n}\n`)}`;
    }
    // feature forks at 50, deletes the file and later adds the very same blob back
    stream += `commit refs/heads/feature\nmark :300\n${fastImportIdentity(repo.tick())}${fastImportData('drop key')}from ${commitMark(50)}\nD keys/aws.ini\n`;
    stream += `commit refs/heads/feature\nmark :301\n${fastImportIdentity(repo.tick())}${fastImportData('restore key')}M 100644 :1 keys/aws.ini\n`;
    const marks = repo.fastImport(stream);
    repo.git('checkout', '--quiet', 'main');

    const result = await scanHistory([repo.dir]);
    expect(result.findings).toHaveLength(1);
    const { git, inWorkingTree, path } = locationOf(result.findings[0]!);
    expect({ path, inWorkingTree }).toEqual({ path: 'keys/aws.ini', inWorkingTree: true });
    expect(git).toMatchObject({
      commit: marks.get(commitMark(1)),
      authorDate: isoDate(epochs[1]!),
      refs: ['refs/heads/feature', 'refs/heads/main'],
      atHead: true,
    });
    expect(result.stats.blobs).toBe(101); // the key file and 100 counters, each read once
  });

  it('breaks ties between unrelated commits by date: the older one introduced the key', async () => {
    const repo = GitRepo.init();
    const keyFile = `aws_access_key_id = ${fakeKeyId()}\n`;
    const older = repo.tick();
    const newer = repo.tick();
    // main gets the key at the newer date, then an orphan branch at the older date
    const marks = repo.fastImport(
      `blob\nmark :1\n${fastImportData(keyFile)}` +
        `commit refs/heads/main\nmark :2\n${fastImportIdentity(newer)}${fastImportData('newer')}M 100644 :1 k.ini\n` +
        `commit refs/heads/orphan\nmark :3\n${fastImportIdentity(older)}${fastImportData('older')}M 100644 :1 k.ini\n`,
    );
    const result = await scanHistory([repo.dir]);
    expect(result.findings).toHaveLength(1);
    expect(locationOf(result.findings[0]!).git).toMatchObject({ commit: marks.get(':3'), authorDate: isoDate(older), refs: ['refs/heads/orphan'] });
  });

  it('reports one blob at two paths as two findings', async () => {
    const repo = GitRepo.init();
    const content = `aws_access_key_id = ${fakeKeyId()}\n`;
    const commit = repo.commit('two copies', { 'a/credentials': content, 'b/credentials': content });
    const result = await scanHistory([repo.dir]);
    expect(result.findings.map((f) => locationOf(f).path)).toEqual(['a/credentials', 'b/credentials']);
    expect(new Set(result.findings.map((f) => f.fingerprint)).size).toBe(2);
    expect(new Set(result.findings.map((f) => locationOf(f).git?.blob)).size).toBe(1);
    for (const f of result.findings) expect(locationOf(f).git).toMatchObject({ commit: commit.id, atHead: true });
    expect(result.stats.blobs).toBe(1);
  });

  it('finds a key in a commit reachable only from a tag', async () => {
    const repo = GitRepo.init();
    repo.commit('base', { 'README.md': 'hi\n' });
    repo.git('checkout', '--quiet', '-b', 'release-prep');
    const id = fakeKeyId();
    const tagged = repo.commit('release with key', { 'deploy.sh': `export AWS_ACCESS_KEY_ID=${id}\n` });
    repo.git('tag', '-a', '-m', 'v1', 'v1.0.0');
    repo.git('checkout', '--quiet', 'main');
    repo.git('branch', '--quiet', '-D', 'release-prep');

    const result = await scanHistory([repo.dir]);
    expect(withKey(result.findings, id)).toHaveLength(1);
    expect(locationOf(result.findings[0]!).git).toMatchObject({ commit: tagged.id, refs: ['refs/tags/v1.0.0'], atHead: false });
    expect(locationOf(result.findings[0]!).inWorkingTree).toBe(false);
  });

  it('finds keys in stashes, the latest and older ones', async () => {
    const repo = GitRepo.init();
    repo.commit('base', { 'app.env': 'REGION=eu-west-1\n' });
    const older = fakeKeyId();
    const latest = fakeKeyId();
    repo.write('app.env', `REGION=eu-west-1\nKEY=${older}\n`);
    repo.git('stash', 'push', '--quiet');
    repo.tick();
    repo.write('app.env', `REGION=eu-west-1\nKEY=${latest}\n`);
    repo.git('stash', 'push', '--quiet');

    const result = await scanHistory([repo.dir]);
    const [olderFinding] = withKey(result.findings, older);
    const [latestFinding] = withKey(result.findings, latest);
    expect(locationOf(latestFinding!)).toMatchObject({ path: 'app.env', inWorkingTree: false, git: { refs: ['refs/stash'], atHead: false } });
    expect(locationOf(olderFinding!)).toMatchObject({ path: 'app.env', git: { refs: ['refs/stash@{1}'] } });
  });

  it('scans a bare repository (history only) and refuses it without --history', async () => {
    const repo = GitRepo.init();
    const id = fakeKeyId();
    const commit = repo.commit('key', { 'ci/env': `AWS_ACCESS_KEY_ID=${id}\n` });
    const bare = repo.cloneBare();

    const result = await scanHistory([bare.dir]);
    expect(result.roots).toEqual([bare.dir]);
    expect(result.stats.files).toBe(0);
    expect(result.findings).toHaveLength(1);
    expect(locationOf(result.findings[0]!)).toMatchObject({
      root: bare.dir,
      path: 'ci/env',
      inWorkingTree: false,
      git: { commit: commit.id, refs: ['refs/heads/main'], atHead: true },
    });
    const error = await scanRepo({ paths: [bare.dir], history: false, maxFileSize: 1 << 20, host: new RecordingHost(), now: NOW }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad-input' });
  });

  it('works with a detached HEAD, merging the working tree line with the history provenance', async () => {
    const repo = GitRepo.init();
    const base = repo.commit('base', { 'README.md': 'hi\n' });
    repo.commit('more on main', { 'README.md': 'hi there\n' });
    repo.git('checkout', '--quiet', '--detach', base.id);
    const id = fakeKeyId();
    const detached = repo.commit('key on a detached HEAD', { 'tools/upload.py': `KEY = "${id}"\n` });
    // uncommitted edit: the key moves down two lines, and a new key appears
    const fresh = fakeKeyId();
    repo.write('tools/upload.py', `# uploader\n\nKEY = "${id}"\nNEXT = "${fresh}"\n`);

    const result = await scanHistory([repo.dir]);
    expect(result.findings.map((f) => f.keyId)).toEqual([id, fresh]);
    const [committed, uncommitted] = result.findings.map(locationOf);
    expect(committed).toMatchObject({ line: 3, column: 8, inWorkingTree: true, git: { commit: detached.id, refs: ['HEAD'], atHead: true } });
    expect(uncommitted).toMatchObject({ line: 4, inWorkingTree: true });
    expect(uncommitted!.git).toBeUndefined();
  });

  it('reports only the part of the repository under a given subdirectory', async () => {
    const repo = GitRepo.init();
    const inside = fakeKeyId();
    repo.commit('keys', { 'svc/a.env': `K=${inside}\n`, 'other/b.env': `K=${fakeKeyId()}\n` });
    const result = await scanHistory([`${repo.dir}/svc`]);
    expect(result.roots).toEqual([repo.dir]);
    expect(result.findings.map((f) => [f.keyId, locationOf(f).path])).toEqual([[inside, 'svc/a.env']]);
  });

  it('counts history blobs above the size limit as skipped', async () => {
    const repo = GitRepo.init();
    const id = fakeKeyId();
    repo.commit('big', { 'big.txt': `${'x'.repeat(5000)}\n${id}\n` });
    repo.commit('gone', { 'big.txt': null });
    const small = await scanHistory([repo.dir], { maxFileSize: 1000 });
    expect(small.findings).toEqual([]);
    expect(small.stats.skipped.tooLarge).toBe(1);
    expect((await scanHistory([repo.dir], { maxFileSize: 10_000 })).findings).toHaveLength(1);
  });

  it('scans an empty repository, and says a key is not at HEAD when HEAD does not resolve', async () => {
    const empty = GitRepo.init();
    expect((await scanHistory([empty.dir])).findings).toEqual([]);

    const repo = GitRepo.init();
    const id = fakeKeyId();
    repo.commit('key', { 'k.env': `K=${id}\n` });
    repo.git('checkout', '--quiet', '--orphan', 'unborn');
    repo.git('rm', '--quiet', '-r', '--cached', '.');
    repo.remove('k.env');
    const result = await scanHistory([repo.dir]);
    expect(result.findings.map((f) => [f.keyId, locationOf(f).git?.atHead, locationOf(f).git?.refs])).toEqual([[id, false, ['refs/heads/main']]]);
  });

  it('drops credentials whose every sighting is marked keyshift:allow, and counts them once', async () => {
    const repo = GitRepo.init();
    repo.commit('allowed', { 'fixtures/a.env': `KEY=${fakeKeyId()} # keyshift:allow\n` });
    const result = await scanHistory([repo.dir]);
    expect(result.findings).toEqual([]);
    expect(result.stats.suppressed.inline).toBe(1);
  });

  it('refuses --history on a path outside any git repository, naming the path', async () => {
    const dir = makeTempDir();
    const error = await scanHistory([dir]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect(error).toMatchObject({ kind: 'bad-input' });
    expect((error as Error).message).toContain(dir);
  });
});
