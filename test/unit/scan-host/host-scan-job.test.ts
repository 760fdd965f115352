// The scan host job: the findings document it writes, that no secret (nor any 8-character
// piece of one) leaves in it or in the progress events, and suppression by baseline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingHost } from '../../../src/io/host.js';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { runHostScanJob } from '../../../src/scan/host/host-scan-job.js';
import { secretPieces } from '../../helpers/fake-keys.js';
import { makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';
import { fixtureHost, type FixtureHost } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const NOW = new Date('2025-03-01T12:00:00Z');
let fixture: FixtureHost;
let doc: FindingsDocument;
let host: RecordingHost;

beforeAll(async () => {
  fixture = fixtureHost();
  host = new RecordingHost();
  doc = await runHostScanJob({ root: fixture.root, hostName: 'i-0123456789abcdef0', includeProcesses: true, host, now: NOW });
});

describe('runHostScanJob', () => {
  it('writes a valid findings document for target host', () => {
    expect(FindingsDocument.parse(doc)).toEqual(doc);
    expect(doc).toMatchObject({
      kind: 'findings',
      version: 1,
      account: null,
      asOf: '2025-03-01T12:00:00.000Z',
      scan: { target: 'host', roots: [fixture.root], history: false, maxFileSize: 1024 * 1024 },
    });
    expect(doc.findings).toHaveLength(31);
    expect(doc.findings.every((f) => f.location.type !== 'repository' && 'host' in f.location && f.location.host === 'i-0123456789abcdef0')).toBe(true);
    // the process whose environment could not be read counts as unreadable
    expect(doc.stats.skipped.unreadable).toBe(1);
    expect(host.events.filter((e) => e.type === 'finding')).toHaveLength(doc.findings.length);
  });

  it('lets no secret, nor any 8-character piece of one, into the document or the events', () => {
    const outputs = [JSON.stringify(doc), JSON.stringify(host.events)];
    for (const { secret } of Object.values(fixture.keys)) {
      for (const piece of secretPieces(secret)) for (const output of outputs) expect(output).not.toContain(piece);
    }
  });

  it('accepts the findings of a baseline and reports only new ones', async () => {
    const dir = makeTempDir();
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(doc));
    const again = await runHostScanJob({ root: fixture.root, hostName: 'i-0123456789abcdef0', includeProcesses: true, baseline, host: new RecordingHost(), now: NOW });
    expect(again.findings).toEqual([]);
    expect(again.stats.suppressed.baseline).toBe(doc.findings.length);
  });

  it('refuses a root that is not a directory, as bad input', async () => {
    await expect(
      runHostScanJob({ root: join(fixture.root, 'etc/passwd'), hostName: 'h', includeProcesses: false, host: new RecordingHost(), now: NOW }),
    ).rejects.toMatchObject({ kind: 'bad-input' });
    await expect(
      runHostScanJob({ root: join(fixture.root, 'no-such-dir'), hostName: 'h', includeProcesses: false, host: new RecordingHost(), now: NOW }),
    ).rejects.toMatchObject({ kind: 'bad-input' });
  });

  it('stops when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runHostScanJob({ root: fixture.root, hostName: 'h', includeProcesses: true, host: new RecordingHost(), now: NOW, signal: controller.signal }),
    ).rejects.toMatchObject({ kind: 'interrupted' });
  });
});
