// The local directory source on real files in temporary folders: the S3 delivery layout and the
// organization layout with gzip files, plain JSON, arrays, JSON Lines, pruning by the window
// before files are opened, and bad input counted while the rest is still read.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeyshiftError } from '../../../src/errors.js';
import { SkipCounter, type CloudTrailEvent, type TimeWindow } from '../../../src/usage/cloudtrail-event.js';
import { localDirectorySource } from '../../../src/usage/sources/local-directory.js';
import { parseLogStream, RecordSink } from '../../../src/usage/sources/parse-log-file.js';
import { ctEvent, iamUser, tempDir, trailFileName, writeTrailFile } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const OPEN: TimeWindow = { since: null, until: null };
const key = fakeKeyId();
const user = iamUser(key);
const at = (time: string, eventName = 'ListBuckets', extra: Partial<Parameters<typeof ctEvent>[0]> = {}) => ctEvent({ identity: user, eventName, time, ...extra });

/** Every test runs twice: files read whole (CloudTrail-sized), and streamed (large exports). */
const modes = [
  ['read whole', undefined],
  ['streamed', 0],
] as const;
let wholeFileMaxBytes: number | undefined;

async function readAll(path: string, window: TimeWindow = OPEN) {
  const events: CloudTrailEvent[] = [];
  const skips = new SkipCounter();
  const result = await localDirectorySource(path, window, { wholeFileMaxBytes }).read((e) => events.push(e), skips);
  return { ...result, events, skips: skips.toRecord() };
}

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each(modes)('files %s', (_mode, maxBytes) => {
  beforeAll(() => {
    wholeFileMaxBytes = maxBytes;
  });

  describe('layouts', () => {
    it('reads the S3 delivery layout across regions and days', async () => {
      const root = await dir();
      await writeTrailFile(root, { region: 'us-east-1', delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:01:00Z'), at('2024-05-01T00:02:00Z')] });
      await writeTrailFile(root, { region: 'eu-west-1', delivered: new Date('2024-05-02T13:10:00Z'), records: [at('2024-05-02T13:04:00Z', 'ListBuckets', { region: 'eu-west-1' })] });
      // digests are not events, and neither are other services' logs beside CloudTrail
      await mkdir(join(root, 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/05/01'), { recursive: true });
      await writeFile(join(root, 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/05/01/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T010000Z.json.gz'), gzipSync('{"digestStartTime":"x"}'));
      const r = await readAll(root);
      expect(r.skips).toEqual({});
      expect(r.files).toBe(2);
      // files in name order: eu-west-1 before us-east-1
      expect(r.events.map((e) => e.eventTime)).toEqual(['2024-05-02T13:04:00Z', '2024-05-01T00:01:00Z', '2024-05-01T00:02:00Z']);
    });

    it('reads the organization layout, AWSLogs/<org-id>/<account>/CloudTrail/…', async () => {
      const root = await dir();
      await writeTrailFile(root, { orgId: 'o-a1b2c3d4e5', account: '111122223333', delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:01:00Z')] });
      await writeTrailFile(root, { orgId: 'o-a1b2c3d4e5', account: '444455556666', delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:03:00Z')] });
      const r = await readAll(root);
      expect(r).toMatchObject({ files: 2, skips: {} });
      expect(r.events.map((e) => e.eventTime)).toEqual(['2024-05-01T00:01:00Z', '2024-05-01T00:03:00Z']);
    });

    it('reads plain .json files: a Records document, an array, JSON Lines, a lookup-events answer', async () => {
      const root = await dir();
      await writeFile(join(root, 'records.json'), JSON.stringify({ Records: [at('2024-05-01T01:00:00Z')] }, null, 2));
      await writeFile(join(root, 'array.json'), JSON.stringify([at('2024-05-01T02:00:00Z'), at('2024-05-01T02:01:00Z')]));
      await writeFile(join(root, 'lines.jsonl'), [at('2024-05-01T03:00:00Z'), at('2024-05-01T03:01:00Z')].map((e) => JSON.stringify(e)).join('\n') + '\n');
      await writeFile(join(root, 'lines-in.json'), [at('2024-05-01T04:00:00Z')].map((e) => JSON.stringify(e)).join('\r\n'));
      await writeFile(join(root, 'lookup.json'), JSON.stringify({ Events: [{ EventId: 'x', EventName: 'ListBuckets', CloudTrailEvent: JSON.stringify(at('2024-05-01T05:00:00Z')) }] }));
      await writeFile(join(root, 'notes.txt'), 'not a log file, not read');
      const r = await readAll(root);
      expect(r.skips).toEqual({});
      expect(r.files).toBe(5);
      expect(r.events.map((e) => e.eventTime).sort()).toEqual([
        '2024-05-01T01:00:00Z',
        '2024-05-01T02:00:00Z',
        '2024-05-01T02:01:00Z',
        '2024-05-01T03:00:00Z',
        '2024-05-01T03:01:00Z',
        '2024-05-01T04:00:00Z',
        '2024-05-01T05:00:00Z',
      ]);
    });

    it('follows symbolic links once, and never round a loop', async () => {
      const root = await dir();
      const elsewhere = await dir();
      await writeFile(join(root, 'here.json'), JSON.stringify([at('2024-05-01T00:01:00Z')]));
      await writeFile(join(elsewhere, 'there.json'), JSON.stringify([at('2024-05-01T00:02:00Z')]));
      await symlink(elsewhere, join(root, 'linked'));
      await symlink(elsewhere, join(root, 'linked-again'));
      await symlink(root, join(root, 'loop'));
      await symlink(join(root, 'missing'), join(root, 'dangling.json'));
      const r = await readAll(root);
      expect(r).toMatchObject({ files: 2, skips: {} });
      expect(r.events.map((e) => e.eventTime).sort()).toEqual(['2024-05-01T00:01:00Z', '2024-05-01T00:02:00Z']);
    });

    it('reads one file given directly', async () => {
      const root = await dir();
      const path = await writeTrailFile(root, { delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:01:00Z')] });
      expect(await readAll(path)).toMatchObject({ files: 1, events: [expect.objectContaining({ eventTime: '2024-05-01T00:01:00Z' })] });
    });

    it('says a path that does not exist is bad input', async () => {
      const error = await readAll('/nonexistent/keyshift/trail').catch((e: unknown) => e);
      expect(isKeyshiftError(error) && error.kind).toBe('bad-input');
      expect(String((error as Error).message)).toContain('/nonexistent/keyshift/trail');
    });
  });

  describe('the window', () => {
    const window: TimeWindow = { since: new Date('2024-05-10T00:00:00Z'), until: new Date('2024-05-20T00:00:00Z') };
    let root: string;

    beforeAll(async () => {
      root = await dir();
      // inside
      await writeTrailFile(root, { delivered: new Date('2024-05-12T08:05:00Z'), records: [at('2024-05-12T08:00:00Z')] });
      // delivered on the first day, holding one record from just before the window: read, the record filtered
      await writeTrailFile(root, { delivered: new Date('2024-05-10T00:03:00Z'), records: [at('2024-05-09T23:58:00Z'), at('2024-05-10T00:01:00Z')] });
      // delivered late, the day after the window ends, with a record from inside it: read
      await writeTrailFile(root, { delivered: new Date('2024-05-20T00:10:00Z'), records: [at('2024-05-19T23:59:00Z')] });
      // folders that cannot hold anything inside the window hold corrupt files: opening one would count it
      for (const [y, m, d] of [
        ['2023', '12', '31'],
        ['2024', '04', '30'],
        ['2024', '05', '09'],
        ['2024', '05', '22'],
        ['2025', '01', '01'],
      ] as const) {
        const folder = join(root, 'AWSLogs/123456789012/CloudTrail/us-east-1', y, m, d);
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, trailFileName('123456789012', 'us-east-1', new Date(`${y}-${m}-${d}T12:00:00Z`))), 'corrupt');
      }
      // a file named as delivered before the window, in a folder inside it (a flattened copy)
      const flat = join(root, 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/12');
      await writeFile(join(flat, trailFileName('123456789012', 'us-east-1', new Date('2024-05-09T23:00:00Z'))), 'corrupt');
    });

    it('prunes years, months, days and files outside it before opening them', async () => {
      const r = await readAll(root, window);
      expect(r.files).toBe(3);
      expect(r.skips).toEqual({ 'outside-window': 1 });
      expect(r.events.map((e) => e.eventTime).sort()).toEqual(['2024-05-10T00:01:00Z', '2024-05-12T08:00:00Z', '2024-05-19T23:59:00Z']);
    });

    it('prunes when pointed at a folder inside the layout', async () => {
      const region = join(root, 'AWSLogs/123456789012/CloudTrail/us-east-1');
      expect(await readAll(region, window)).toMatchObject({ files: 3, skips: { 'outside-window': 1 } });
      expect(await readAll(join(region, '2024/05/22'), window)).toMatchObject({ files: 0, events: [] });
      expect(await readAll(join(region, '2024/05/12'), window)).toMatchObject({ files: 1, skips: {} });
    });
  });

  describe('bad input', () => {
    it('counts corrupt gzip, JSON that is not CloudTrail, bad records, and reads the rest', async () => {
      const root = await dir();
      const good = await writeTrailFile(root, { delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:01:00Z')] });
      const full = gzipSync(JSON.stringify({ Records: [at('2024-05-01T00:02:00Z')] }));
      await writeFile(good.replace(/_[A-Za-z0-9]+\.json\.gz$/, '_TRUNCATED000000.json.gz'), full.subarray(0, full.length - 12));
      await writeFile(join(root, 'garbage.json.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      await writeFile(join(root, 'not-gzip.json.gz'), JSON.stringify({ Records: [at('2024-05-01T00:03:00Z')] }));
      await writeFile(join(root, 'config.json'), JSON.stringify({ compilerOptions: { strict: true } }));
      await writeFile(join(root, 'broken.json'), '{"Records": [');
      await writeFile(join(root, 'number.json'), '42');
      await writeFile(join(root, 'records-not-array.json'), '{"Records": {"a": 1}}');
      await writeFile(join(root, 'empty.json'), '');
      const noTime = at('2024-05-01T00:04:00Z') as unknown as Record<string, unknown>;
      delete noTime.eventTime;
      const noIdentity = at('2024-05-01T00:04:00Z') as unknown as Record<string, unknown>;
      delete noIdentity.userIdentity;
      await writeFile(
        join(root, 'records.json'),
        JSON.stringify({
          Records: [
            at('2024-05-01T00:05:00Z'),
            noTime,
            noIdentity,
            at('2024-05-01T00:06:00Z', 'ListBuckets', { ip: '300.1.2.3' }),
            at('2024-05-01T00:06:00Z', 'ListBuckets', { ip: 'example.com' }),
            at('2024-05-01T00:06:00Z', 'ListBuckets', { region: 'mars-north-1' }),
            at('2024-05-01T00:06:00Z', 'ListBuckets', { region: 'US-EAST-1' }),
            at('2024-13-01T00:06:00Z'),
            at('yesterday'),
            'a string',
            { hello: 'world' },
            at('2024-05-01T00:07:00Z', 'ListBuckets', { ip: '2001:db8::1' }),
            at('2024-05-01T00:08:00Z', 'ListBuckets', { ip: 'AWS Internal' }),
            at('2024-05-01T00:09:00Z', 'ListBuckets', { ip: 'lambda.amazonaws.com' }),
          ],
        }),
      );
      const r = await readAll(root);
      expect(r.skips).toEqual({
        'corrupt-gzip': 2,
        'invalid-ip': 2,
        'invalid-json': 1,
        'invalid-region': 2,
        'invalid-time': 2,
        'missing-fields': 2,
        'not-cloudtrail': 5,
      });
      expect(r.events.map((e) => e.eventTime).sort()).toEqual([
        '2024-05-01T00:01:00Z',
        '2024-05-01T00:03:00Z',
        '2024-05-01T00:05:00Z',
        '2024-05-01T00:07:00Z',
        '2024-05-01T00:08:00Z',
        '2024-05-01T00:09:00Z',
      ]);
    });

    it('keeps the good lines of JSON Lines and counts the bad ones', async () => {
      const root = await dir();
      const lines = [JSON.stringify(at('2024-05-01T00:01:00Z')), '{"eventTime": "2024-05-01T00:02', JSON.stringify(at('2024-05-01T00:03:00Z')), 'not json', ''];
      await writeFile(join(root, 'export.jsonl.gz'), gzipSync(lines.join('\n')));
      const r = await readAll(root);
      expect(r.skips).toEqual({ 'invalid-json': 2 });
      expect(r.events.map((e) => e.eventTime)).toEqual(['2024-05-01T00:01:00Z', '2024-05-01T00:03:00Z']);
    });

    it('does not crash on unexpected unicode, and keeps what is readable', async () => {
      const root = await dir();
      const records = [
        at('2024-05-01T00:01:00Z', 'GetObject', { userAgent: 'curl/8 🚀 \u202eevil \ud800 @@BAD@@', requestParameters: { bucketName: 'b', key: 'фото/\u0000/\ud83d.jpg' } }),
        at('2024-05-01T00:02:00Z', 'Get\u0000Object'),
        at('2024-05-01T00:03:00Z', 'ListBuckets', { region: 'us-east-1\u200b' }),
        at('２０２４-05-01T00:04:00Z'),
        at('2024-05-01T00:05:00Z', 'ListBuckets', { ip: '１.２.３.４' }),
      ];
      // a byte order mark, and bytes that are not UTF-8 inside a string (they decode to U+FFFD)
      const text = Buffer.from(JSON.stringify({ Records: records }));
      const marker = text.indexOf('@@BAD@@');
      text.set([0xff, 0xfe, 0xc3, 0x28, 0x20, 0x20, 0x20], marker);
      const broken = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]);
      await writeFile(join(root, 'unicode.json'), broken);
      const r = await readAll(root);
      expect(r.skips).toEqual({ 'not-cloudtrail': 1, 'invalid-region': 1, 'invalid-time': 1, 'invalid-ip': 1 });
      expect(r.events).toHaveLength(1);
      expect(r.events[0]!.userAgent).toContain('🚀');
    });
  });
});

describe('parseLogStream', () => {
  async function parseChunks(chunks: Buffer[]) {
    const events: CloudTrailEvent[] = [];
    const skips = new SkipCounter();
    const sink = new RecordSink(OPEN, skips, (e) => events.push(e));
    await parseLogStream(
      (async function* () {
        for (const c of chunks) yield c;
      })(),
      sink,
    );
    return { events, skips: skips.toRecord() };
  }

  function split(bytes: Buffer, size: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
    return out;
  }

  it('reads JSON Lines and documents split at any byte, multi-byte characters included', async () => {
    const records = [at('2024-05-01T00:01:00Z', 'ListBuckets', { userAgent: 'ünïcødé 🚀' }), at('2024-05-01T00:02:00Z')];
    const jsonl = Buffer.from(records.map((e) => JSON.stringify(e)).join('\n'));
    const doc = Buffer.from(JSON.stringify({ Records: records }));
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      for (const bytes of [jsonl, doc, gzipSync(jsonl), gzipSync(doc)]) {
        const r = await parseChunks(split(bytes, size));
        expect(r.skips).toEqual({});
        expect(r.events.map((e) => e.userAgent)).toEqual(records.map((e) => e.userAgent));
      }
    }
  });

  it('reads pretty-printed documents', async () => {
    const r = await parseChunks([Buffer.from(JSON.stringify({ Records: [at('2024-05-01T00:01:00Z')] }, null, 4))]);
    expect(r).toMatchObject({ skips: {}, events: [expect.objectContaining({ eventTime: '2024-05-01T00:01:00Z' })] });
  });

  it('stops at an abort between files', async () => {
    const root = await dir();
    await writeTrailFile(root, { delivered: new Date('2024-05-01T00:05:00Z'), records: [at('2024-05-01T00:01:00Z')] });
    const controller = new AbortController();
    controller.abort();
    const error = await localDirectorySource(root, OPEN)
      .read(() => {}, new SkipCounter(), controller.signal)
      .catch((e: unknown) => e);
    expect(isKeyshiftError(error) && error.kind).toBe('interrupted');
  });
});
