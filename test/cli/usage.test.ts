// `keyshift usage` through the real binary: a trail folder in the S3 delivery layout, an
// inventory, and the usage document with actions, attribution, gaps and skipped input.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UsageDocument } from '../../src/model/usage.js';
import { ctEvent, iamUser, tempDir, writeTrailFile } from '../helpers/cloudtrail.js';
import { accessKey, instance, inventoryFixture } from '../helpers/inventory-fixture.js';
import { fakeKeyId } from '../helpers/fake-keys.js';
import { runCli } from '../helpers/run-cli.js';

async function trail() {
  const root = await tempDir();
  const key = fakeKeyId();
  const who = iamUser(key, 'reports');
  const records = [
    ctEvent({ identity: who, eventName: 'GetObject', time: '2026-11-01T10:00:00Z', ip: '198.51.100.7', requestParameters: { bucketName: 'reports', key: 'daily/2026-11-01/a.csv' }, dataEvent: true }),
    ctEvent({ identity: who, eventName: 'ListObjectsV2', time: '2026-11-02T10:00:00Z', ip: '198.51.100.7', requestParameters: { bucketName: 'reports' } }),
    ctEvent({ identity: who, eventName: 'PutObject', time: '2026-11-03T10:00:00Z', ip: '203.0.113.99', requestParameters: { bucketName: 'reports', key: 'x' }, errorCode: 'AccessDenied' }),
  ];
  await writeTrailFile(root, { delivered: new Date('2026-11-03T10:05:00Z'), records });
  const inventory = inventoryFixture({
    asOf: '2026-11-20T00:00:00.000Z',
    instances: [instance('i-0reports', { publicIps: ['198.51.100.7'], launchTime: '2026-01-01T00:00:00.000Z' })],
    accessKeys: [accessKey(key, 'reports', { date: '2026-11-03T10:00:00.000Z', serviceName: 's3', region: 'us-east-1' })],
  });
  const inventoryPath = join(await tempDir(), 'inventory.json');
  await writeFile(inventoryPath, JSON.stringify(inventory));
  return { root, key, inventoryPath };
}

describe('keyshift usage (real binary)', () => {
  it('learns actions, keeps denied calls apart, attributes sources and flags the uncovered one', async () => {
    const t = await trail();
    const r = await runCli(['--json', 'usage', '--from', t.root, '--inventory', t.inventoryPath]);
    const doc = UsageDocument.parse(JSON.parse(r.stdout));
    expect(doc.skipped, r.stderr).toEqual({});
    expect(r.code).toBe(0);
    const k = doc.keys.find((x) => x.accessKeyId === t.key)!;
    expect(k.actions.map((a) => a.action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(k.denied.map((d) => `${d.action} ${d.errorCode}`)).toEqual(['s3:PutObject AccessDenied']);
    const bySource = Object.fromEntries(k.sources.map((s) => [s.source, s.attribution]));
    expect(bySource['198.51.100.7']).toMatchObject({ kind: 'instance', instanceId: 'i-0reports' });
    expect(bySource['203.0.113.99']).toMatchObject({ kind: 'uncovered' });
    expect(k.uncovered).toBe(true);
    expect(doc.account).toBe('123456789012');
  });

  it('summarises for people, and counts a corrupt file with exit 6 while writing the rest', async () => {
    const t = await trail();
    const day = join(t.root, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '04');
    await mkdir(day, { recursive: true });
    // a truncated delivery: the gzip stream stops half-way
    await writeFile(join(day, '123456789012_CloudTrail_us-east-1_20261104T1000Z_truncated.json.gz'), gzipSync(JSON.stringify({ Records: [] }).repeat(50)).subarray(0, 24));
    const r = await runCli(['usage', '--from', t.root, '--inventory', t.inventoryPath]);
    expect(r.code).toBe(6);
    expect(r.stdout).toContain(t.key);
    expect(r.stdout).toContain('s3:GetObject');
    expect(r.stdout).toContain('uncovered');
    expect(r.stdout).toMatch(/skipped: 1 corrupt-gzip/);
  });

  it('a missing --from folder is bad input (3); no --from is a usage error (2); an inventory of the wrong kind is 3', async () => {
    expect((await runCli(['usage', '--from', '/nonexistent/trail'])).code).toBe(3);
    expect((await runCli(['usage'])).code).toBe(2);
    const t = await trail();
    const wrong = join(await tempDir(), 'plan.json');
    await writeFile(wrong, JSON.stringify({ kind: 'plan', version: 1 }));
    const r = await runCli(['usage', '--from', t.root, '--inventory', wrong]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not a inventory document');
  });
});
