// What the scanning user may not read: a file becomes a problem, a process is counted, and
// the scan goes on. Root reads any file whatever its mode, so as root the scan runs with the
// effective user switched to nobody, and the kernel refuses with a real EACCES.
import { chmodSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingHost } from '../../../src/io/host.js';
import { scanHost } from '../../../src/scan/host/scan-host.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { removeTempDirs } from '../../helpers/git-repo.js';
import { HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const NOBODY = 65534;

async function asUnprivileged<T>(work: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return work();
  const { seteuid, setegid } = process;
  if (!seteuid || !setegid) throw new Error('cannot drop privileges on this platform');
  setegid(NOBODY);
  seteuid(NOBODY);
  try {
    return await work();
  } finally {
    seteuid(0);
    setegid(0);
  }
}

describe('scanHost as an unprivileged user', () => {
  it('reports an unreadable file, counts a closed process, and finds the rest', async () => {
    const [open, locked, inProcess] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    const secret = fakeSecret();
    const host = new HostRoot()
      .passwd([{ name: 'root', uid: 0, home: '/root' }, { name: 'alice', uid: 1000, home: '/home/alice' }, { name: 'bob', uid: 1001, home: '/home/bob' }])
      .file('/home/alice/.aws/credentials', `[default]\naws_access_key_id = ${locked}\naws_secret_access_key = ${secret}\n`, { mode: 0o000 })
      .file('/home/bob/.aws/credentials', `[default]\naws_access_key_id = ${open}\n`, { mode: 0o644 })
      .process(7, { name: 'agent', uid: 0, environ: [`AWS_ACCESS_KEY_ID=${inProcess}`], cmdline: ['agent'] });
    chmodSync(`${host.root}/proc/7/environ`, 0o000);
    chmodSync(host.root, 0o755); // a temporary directory is the creator's alone
    const result = await asUnprivileged(() => scanHost({ root: host.root, hostName: 'h', includeProcesses: true, host: new RecordingHost() }));
    expect(result.findings.map((f) => f.keyId)).toEqual([open]);
    expect(result.problems).toEqual([{ path: '/home/alice/.aws/credentials', reason: 'unreadable', message: 'cannot read: permission denied' }]);
    expect(result.stats.skipped.unreadable).toBe(1);
    expect(result.stats.processes).toEqual({ seen: 1, scanned: 0, denied: 1, gone: 0 });
    expect(JSON.stringify(result)).not.toContain(locked);
  });
});
