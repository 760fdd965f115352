// The S3 source against the moto emulator: log files put where CloudTrail delivers them (the
// account layout and the organization layout), days inside and outside the window, a corrupt
// file, digests and another service's logs beside them. The listings sent are recorded with a
// middleware on the real client, to show that only the window's day folders are listed.
// moto grants every call, so refusals and S3's wrong-region redirect are injected the same way.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError, type KeyshiftError } from '../../src/errors.js';
import { SkipCounter, type CloudTrailEvent, type TimeWindow } from '../../src/usage/cloudtrail-event.js';
import { parseS3Url, s3Source, type S3SourceOptions } from '../../src/usage/sources/s3-source.js';
import { ctEvent, iamUser, trailFileName } from '../helpers/cloudtrail.js';
import { fakeKeyId } from '../helpers/fake-keys.js';
import { useMoto, type Moto } from '../helpers/moto.js';

const BUCKET = 'org-trail-logs';
const ACCOUNT = '123456789012';
const MEMBER = '210987654321';
const ORG = 'o-abcdefghij';
const WINDOW: TimeWindow = { since: new Date('2024-05-02T00:00:00Z'), until: new Date('2024-05-04T00:00:00Z') };
const NOW = Date.parse('2024-06-01T00:00:00Z');

// AwsContext takes its region from `env`; the SDK's default chain reads credentials from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
beforeEach(() => {
  moto = motoServer();
});

function seedClient(): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

interface Middlewared {
  middlewareStack: { add(mw: unknown, options: { step: 'initialize'; name: string }): void };
}

function intercept(client: unknown, name: string, fn: (command: string | undefined, input: Record<string, unknown>, next: () => Promise<unknown>) => Promise<unknown>): void {
  (client as Middlewared).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) =>
      fn(context.commandName, (args as { input: Record<string, unknown> }).input, () => next(args)),
    { step: 'initialize', name },
  );
}

/** Records the Prefix of every ListObjectsV2 the client sends. */
function recordListings(client: unknown): string[] {
  const prefixes: string[] = [];
  intercept(client, 'recordListings', (command, input, next) => {
    if (command === 'ListObjectsV2Command') prefixes.push(String(input.Prefix ?? ''));
    return next();
  });
  return prefixes;
}

function refuse(client: unknown, command: string): void {
  intercept(client, `refuse${command}`, (name, _input, next) => {
    if (name !== command) return next();
    throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
  });
}

const key = fakeKeyId();
const user = iamUser(key, 'log-shipper');
const at = (time: string, region = 'us-east-1', account = ACCOUNT) => ctEvent({ identity: iamUser(key, 'log-shipper', account), eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time, region });

interface Put {
  region?: string;
  account?: string;
  org?: boolean;
  delivered: string;
  body: Buffer;
}

function trailKey(p: Put): string {
  const d = new Date(p.delivered);
  const account = p.account ?? ACCOUNT;
  const region = p.region ?? 'us-east-1';
  const day = d.toISOString().slice(0, 10).replaceAll('-', '/');
  return `AWSLogs/${p.org ? `${ORG}/` : ''}${account}/CloudTrail/${region}/${day}/${trailFileName(account, region, d)}`;
}

const records = (events: CloudTrailEvent[]) => gzipSync(JSON.stringify({ Records: events }));

async function seed(prefix = ''): Promise<void> {
  const s3 = seedClient();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const puts: Put[] = [];
  for (const day of ['2024-04-30', '2024-05-01', '2024-05-02', '2024-05-03', '2024-05-05', '2024-05-20']) {
    puts.push({ delivered: `${day}T12:05:00Z`, body: records([at(`${day}T10:00:00Z`), at(`${day}T12:00:00Z`)]) });
  }
  // delivered just after midnight, holding the last minutes of the day before
  puts.push({ delivered: '2024-05-04T00:05:00Z', body: records([at('2024-05-03T23:58:00Z'), at('2024-05-04T00:02:00Z')]) });
  puts.push({ region: 'eu-west-1', delivered: '2024-05-03T08:05:00Z', body: records([at('2024-05-03T08:00:00Z', 'eu-west-1')]) });
  puts.push({ region: 'eu-west-1', delivered: '2024-05-06T08:05:00Z', body: records([at('2024-05-06T08:00:00Z', 'eu-west-1')]) });
  puts.push({ org: true, account: MEMBER, delivered: '2024-05-02T09:05:00Z', body: records([at('2024-05-02T09:00:00Z', 'us-east-1', MEMBER)]) });
  puts.push({ org: true, account: MEMBER, delivered: '2024-04-01T09:05:00Z', body: records([at('2024-04-01T09:00:00Z', 'us-east-1', MEMBER)]) });
  // a truncated gzip inside the window
  puts.push({ delivered: '2024-05-03T15:05:00Z', body: records([at('2024-05-03T15:00:00Z')]).subarray(0, 40) });
  for (const p of puts) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}${trailKey(p)}`, Body: p.body }));
  // never read: digests, another service's logs, a manifest
  const extra = [
    `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2024/05/02/${ACCOUNT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20240502T120500Z.json.gz`,
    `AWSLogs/${ACCOUNT}/Config/us-east-1/2024/5/2/ConfigSnapshot/${ACCOUNT}_Config_us-east-1_ConfigSnapshot_20240502T120500Z_x.json.gz`,
    `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2024/05/02/manifest.txt`,
  ];
  for (const k of extra) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}${k}`, Body: gzipSync('{"not":"cloudtrail"}') }));
  s3.destroy();
}

async function read(url: string, window: TimeWindow = WINDOW, options: S3SourceOptions = {}, prepare?: (aws: AwsContext) => void) {
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
  const listings = recordListings(aws.client(S3Client, 'us-east-1'));
  prepare?.(aws);
  const events: CloudTrailEvent[] = [];
  const skips = new SkipCounter();
  try {
    const result = await s3Source(aws, url, window, { now: () => NOW, ...options }).read((e) => events.push(e), skips);
    return { result, events, skips: skips.toRecord(), listings, calls: Object.fromEntries(aws.calls) };
  } finally {
    aws.destroy();
  }
}

async function failure(p: Promise<unknown>): Promise<KeyshiftError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isKeyshiftError(e)) throw new Error(`expected a KeyshiftError, got ${String(e)}`);
  return e;
}

describe('s3Source (moto)', () => {
  it('reads the account and organization layouts, listing only the day folders inside the window', async () => {
    await seed();
    const { result, events, skips, listings, calls } = await read(`s3://${BUCKET}`);

    expect(events.map((e) => `${e.recipientAccountId} ${e.awsRegion} ${e.eventTime}`).sort()).toEqual([
      `${ACCOUNT} eu-west-1 2024-05-03T08:00:00Z`,
      `${ACCOUNT} us-east-1 2024-05-02T10:00:00Z`,
      `${ACCOUNT} us-east-1 2024-05-02T12:00:00Z`,
      `${ACCOUNT} us-east-1 2024-05-03T10:00:00Z`,
      `${ACCOUNT} us-east-1 2024-05-03T12:00:00Z`,
      `${ACCOUNT} us-east-1 2024-05-03T23:58:00Z`,
      `${MEMBER} us-east-1 2024-05-02T09:00:00Z`,
    ]);
    expect(events.every((e) => e.userIdentity.accessKeyId === user.accessKeyId)).toBe(true);
    // the file delivered on 05-04 also holds a record after the window's end
    expect(skips).toEqual({ 'corrupt-gzip': 1, 'outside-window': 1 });
    expect(result).toEqual({ files: 6, events: 7 });

    const days = (base: string) => ['2024/05/02/', '2024/05/03/', '2024/05/04/'].map((d) => `${base}${d}`);
    expect(listings.toSorted()).toEqual(
      [
        '',
        'AWSLogs/',
        `AWSLogs/${ACCOUNT}/CloudTrail/`,
        ...days(`AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`),
        ...days(`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`),
        `AWSLogs/${ORG}/`,
        `AWSLogs/${ORG}/${MEMBER}/CloudTrail/`,
        ...days(`AWSLogs/${ORG}/${MEMBER}/CloudTrail/us-east-1/`),
      ].toSorted(),
    );
    expect(calls['S3Client ListObjectsV2Command']).toBe(14);
    expect(calls['S3Client GetObjectCommand']).toBe(6);
  });

  it('starts from a prefix inside the layout: a trail\'s key prefix, a region, a day', async () => {
    await seed('trails/');
    const fromRegion = await read(`s3://${BUCKET}/trails/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1`);
    expect(fromRegion.listings.toSorted()).toEqual(['2024/05/02/', '2024/05/03/', '2024/05/04/'].map((d) => `trails/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${d}`));
    expect(fromRegion.events).toHaveLength(5);

    const fromPrefix = await read(`s3://${BUCKET}/trails/`);
    expect(fromPrefix.events).toHaveLength(7);
    expect(fromPrefix.listings.every((p) => p.startsWith('trails/'))).toBe(true);

    const dayFolder = `trails/${trailKey({ delivered: '2024-05-02T12:05:00Z', body: Buffer.alloc(0) })}`.replace(/[^/]+$/, '');
    const day = await read(`s3://${BUCKET}/${dayFolder}`);
    expect(day.listings).toEqual([dayFolder]);
    expect(day.events.map((e) => e.eventTime)).toEqual(['2024-05-02T10:00:00Z', '2024-05-02T12:00:00Z']);
  });

  it('walks years, months and days when the window has no start, and never lists after its end', async () => {
    await seed();
    const { events, listings } = await read(`s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`, { since: null, until: new Date('2024-05-02T00:00:00Z') });
    expect(events.map((e) => e.eventTime).toSorted()).toEqual(['2024-04-30T10:00:00Z', '2024-04-30T12:00:00Z', '2024-05-01T10:00:00Z', '2024-05-01T12:00:00Z']);
    const base = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`;
    // 05/02 may hold records of 05/01 delivered late; 05/03 and later cannot
    expect(listings.toSorted()).toEqual([base, `${base}2024/`, `${base}2024/04/`, `${base}2024/04/30/`, `${base}2024/05/`, `${base}2024/05/01/`, `${base}2024/05/02/`]);
  });

  it('reads at most `concurrency` objects at a time', async () => {
    await seed();
    let inFlight = 0;
    let peak = 0;
    const { events } = await read(`s3://${BUCKET}`, WINDOW, { concurrency: 2 }, (aws) =>
      intercept(aws.client(S3Client, 'us-east-1'), 'peak', async (command, _input, next) => {
        if (command !== 'GetObjectCommand') return next();
        peak = Math.max(peak, ++inFlight);
        try {
          return await next();
        } finally {
          inFlight--;
        }
      }),
    );
    expect(events).toHaveLength(7);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('follows S3 to the bucket\'s own region when the first request went to the wrong one', async () => {
    await seed();
    let redirected = 0;
    const { events, calls } = await read(`s3://${BUCKET}`, WINDOW, {}, (aws) => {
      intercept(aws.client(S3Client, 'us-east-1'), 'wrongRegion', async () => {
        redirected++;
        throw Object.assign(new Error('The bucket you are attempting to access must be addressed using the specified endpoint.'), {
          name: 'PermanentRedirect',
          $fault: 'client',
          $metadata: { httpStatusCode: 301 },
          $response: { statusCode: 301, headers: { 'x-amz-bucket-region': 'eu-west-1' } },
        });
      });
    });
    expect(redirected).toBe(1);
    expect(events).toHaveLength(7);
    expect(calls['S3Client ListObjectsV2Command']).toBe(15);
  });

  it('a missing bucket is bad input; a refused listing or object read names the permission', async () => {
    const missing = await failure(read(`s3://no-such-bucket-here`));
    expect(missing.kind).toBe('bad-input');
    expect(missing.message).toContain('no-such-bucket-here does not exist');

    await seed();
    const list = await failure(read(`s3://${BUCKET}`, WINDOW, {}, (aws) => refuse(aws.client(S3Client, 'us-east-1'), 'ListObjectsV2Command')));
    expect(list.kind).toBe('aws-refused');
    expect(list.message).toContain('s3:ListBucket');
    expect(list.hint).toContain(`arn:aws:s3:::${BUCKET}`);

    const get = await failure(read(`s3://${BUCKET}`, WINDOW, {}, (aws) => refuse(aws.client(S3Client, 'us-east-1'), 'GetObjectCommand')));
    expect(get.kind).toBe('aws-refused');
    expect(get.message).toContain('s3:GetObject');
    expect(get.hint).toContain('kms:Decrypt');
  });

  it('parses s3:// locations and refuses anything else', () => {
    expect(parseS3Url('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Url('s3://bucket/AWSLogs')).toEqual({ bucket: 'bucket', prefix: 'AWSLogs/' });
    expect(parseS3Url('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b/' });
    expect(parseS3Url('s3://bucket/a/x.json.gz')).toEqual({ bucket: 'bucket', prefix: 'a/x.json.gz' });
    for (const bad of ['s3://', 'https://bucket/x', 's3://UPPER/x', 's3://a', 'bucket/prefix']) expect(() => parseS3Url(bad)).toThrow(/not an S3 location/);
  });
});
