// Aborting a history scan kills its git processes before the scan settles, and a failing git
// process fails the scan with git's own message instead of hanging.
import { existsSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError, KeyshiftError } from '../../../src/errors.js';
import { RecordingHost, type IoEvent, type IoHost } from '../../../src/io/host.js';
import { scanRepo } from '../../../src/scan/repo/scan-repo.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';
import { GitRepo, fastImportData, fastImportIdentity, removeTempDirs } from '../../helpers/git-repo.js';

afterAll(removeTempDirs);

const NOW = new Date('2025-01-01T00:00:00Z');

/** Processes (other than this one) whose working directory is `dir`: the scan's git children. */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`) === dir) pids.push(Number(name));
    } catch {
      // gone already, or not ours to inspect
    }
  }
  return pids;
}

/** A repository with enough text blobs (about 24 MB) that reading them takes a while. */
function largeRepo(): GitRepo {
  const repo = GitRepo.init();
  const line = 'const secretName = "not a key"; // filler text that passes the prefilter\n';
  let stream = '';
  for (let n = 0; n < 1500; n++) {
    const body = `// file ${n}\n${line.repeat(220)}`;
    stream += `commit refs/heads/main\n${fastImportIdentity(repo.tick())}${fastImportData(`c${n}`)}M 100644 inline src/f${n % 50}.js\n${fastImportData(body)}`;
  }
  repo.fastImport(stream);
  return repo;
}

describe('scanRepo: abort and failures', () => {
  it('kills the git processes when aborted mid-history and leaves none behind', async () => {
    const repo = largeRepo();
    const controller = new AbortController();
    let seenRunning: number[] = [];
    const host: IoHost = {
      notify(event: IoEvent) {
        if (event.type !== 'phase' || event.phase !== 'history' || seenRunning.length > 0) return;
        // Abort as soon as the rev-list | cat-file pipeline is visibly running.
        const poll = setInterval(() => {
          seenRunning = processesIn(repo.dir);
          if (seenRunning.length === 0) return;
          clearInterval(poll);
          controller.abort();
        }, 2);
      },
      confirm: async (q) => q.default,
    };
    const error = await scanRepo({ paths: [repo.dir], history: true, maxFileSize: 1 << 20, host, signal: controller.signal, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect(seenRunning.length).toBeGreaterThan(0);
    expect(processesIn(repo.dir)).toEqual([]);
    for (const pid of seenRunning) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('does not start at all when already aborted', async () => {
    const repo = GitRepo.init();
    repo.commit('one', { 'a.txt': 'a\n' });
    const error = await scanRepo({ paths: [repo.dir], history: true, maxFileSize: 1 << 20, host: new RecordingHost(), signal: AbortSignal.abort(), now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('fails with git\'s message when the repository is missing an object', async () => {
    const repo = GitRepo.init();
    const commit = repo.commit('key', { 'app.env': `KEY=${fakeKeyId()}\n` });
    const blob = repo.git('rev-parse', `${commit.id}:app.env`);
    rmSync(join(repo.dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const error = await scanRepo({ paths: [repo.dir], history: true, maxFileSize: 1 << 20, host: new RecordingHost(), now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect((error as KeyshiftError).message).toBe(`git rev-list failed: fatal: missing blob object '${blob}'`);
    expect(processesIn(repo.dir)).toEqual([]);
  });
});
