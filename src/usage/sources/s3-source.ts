// CloudTrail log files in an S3 bucket (`s3://bucket/prefix`), read where CloudTrail delivers
// them, without copying the bucket first:
//   [prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
//   [prefix/]AWSLogs/<org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
// Accounts and regions are discovered with delimited listings (ListObjectsV2, Delimiter '/');
// the day folders inside the window are then computed, not listed, and each is listed once, so
// a bucket holding years of logs costs one listing per region and day of the window. Other
// services' logs beside CloudTrail's (Config, ELB, …) and digests are never listed.
//
// Objects are streamed and decompressed as they arrive (never buffered whole) and parsed by
// parse-log-file, a bounded number at a time, with the same skip reasons as a local folder.
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused, isAccessDenied } from '../../aws/aws-error.js';
import { awsRefused, badInput, isKeyshiftError, throwIfAborted, usageError } from '../../errors.js';
import type { EventSink, EventSource, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
import { forEachConcurrent } from './concurrent.js';
import { dateFolderSpan, deliveryOutsideWindow, isDigestFileName, isNonEventFolder, isRegionName, LATE_DELIVERY_MS, logFileOutsideWindow, windowBounds, type WindowBounds } from './log-layout.js';
import { parseLogStream, RecordSink } from './parse-log-file.js';

export interface S3Location {
  bucket: string;
  /** '' or a folder ending in '/', or one object's key */
  prefix: string;
}

export interface S3SourceOptions {
  /** the bucket's region; found from S3's redirect when omitted */
  region?: string;
  /** objects read at the same time (default 16) */
  concurrency?: number;
  /** "now", for a window without an end: no day folder after today is listed */
  now?: () => number;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LOG_FILE_EXTENSION = /\.(?:json|jsonl|ndjson)(?:\.gz)?$/i;
const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** date folders spanning more days than this are listed one level down instead of computed day by day */
const MAX_COMPUTED_DAYS = 100;
const DEFAULT_CONCURRENCY = 16;
/** listings in flight; each feeds its share of the object readers */
const MAX_LISTINGS = 4;

/** Reads `s3://bucket[/prefix]`; anything else is a usage error. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  const bucket = m?.[1];
  if (m === null || bucket === undefined || !BUCKET_NAME.test(bucket)) {
    throw usageError(`not an S3 location: ${url}`, 'write it as s3://bucket or s3://bucket/prefix, for example s3://my-trail-bucket/AWSLogs/');
  }
  let prefix = m[2] ?? '';
  if (prefix !== '' && !prefix.endsWith('/') && !LOG_FILE_EXTENSION.test(prefix)) prefix += '/';
  return { bucket, prefix };
}

/** Where a folder sits in the delivery layout: what its children's names mean. */
type Place =
  | { kind: 'plain' }
  | { kind: 'awslogs' } // accounts and organization IDs below
  | { kind: 'org' } // accounts below
  | { kind: 'account' } // CloudTrail below, beside other services' logs
  | { kind: 'trail' } // regions below
  // a region, year, month or day folder; `region` is the region folder's key, [from, to) its delivery span
  | { kind: 'dates'; level: 'region' | 'year' | 'month' | 'day'; region: string; from: number; to: number; year?: number; month?: number };

const PLAIN: Place = { kind: 'plain' };

function childPlace(parent: Place, parentPrefix: string, name: string): Place | 'skip' {
  if (isNonEventFolder(name)) return 'skip';
  switch (parent.kind) {
    case 'plain':
      return name === 'AWSLogs' ? { kind: 'awslogs' } : PLAIN;
    case 'awslogs':
      return ACCOUNT_ID.test(name) ? { kind: 'account' } : ORGANIZATION_ID.test(name) ? { kind: 'org' } : PLAIN;
    case 'org':
      return ACCOUNT_ID.test(name) ? { kind: 'account' } : PLAIN;
    case 'account':
      // Config snapshots, load balancer and flow logs share the bucket: never CloudTrail records
      return name === 'CloudTrail' ? { kind: 'trail' } : 'skip';
    case 'trail':
      return isRegionName(name) ? { kind: 'dates', level: 'region', region: `${parentPrefix}${name}/`, from: -Infinity, to: Infinity } : PLAIN;
    case 'dates': {
      const n = /^\d+$/.test(name) ? Number(name) : NaN;
      if (parent.level === 'region' && name.length === 4 && n > 0) return { ...parent, level: 'year', year: n, from: dateFolderSpan(n)[0], to: dateFolderSpan(n)[1] };
      if (parent.level === 'year' && name.length === 2 && n >= 1 && n <= 12) {
        const [from, to] = dateFolderSpan(parent.year!, n);
        return { ...parent, level: 'month', month: n, from, to };
      }
      if (parent.level === 'month' && name.length === 2 && n >= 1 && n <= 31) {
        const [from, to] = dateFolderSpan(parent.year!, parent.month!, n);
        return { ...parent, level: 'day', from, to };
      }
      return PLAIN;
    }
  }
}

/** A unit of reading: list a folder's objects and read the log files, or read given keys. */
type ReadTask = { kind: 'list'; prefix: string } | { kind: 'keys'; keys: string[] };

const pad = (n: number) => String(n).padStart(2, '0');

function dayFolder(regionPrefix: string, dayStart: number): string {
  const d = new Date(dayStart);
  return `${regionPrefix}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/`;
}

function isLogObject(key: string, bounds: WindowBounds): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return LOG_FILE_EXTENSION.test(name) && !isDigestFileName(name) && !logFileOutsideWindow(name, bounds);
}

function errorName(e: unknown): string {
  return (e as { name?: unknown } | null)?.name?.toString() ?? '';
}

/** The region S3 redirects to, when a request went to the wrong one (what the SDK's own followRegionRedirects reads). */
function redirectRegion(e: unknown): string | null {
  const err = e as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string | undefined> } } | null;
  const region = err?.$response?.headers?.['x-amz-bucket-region'];
  const status = err?.$metadata?.httpStatusCode;
  return typeof region === 'string' && region !== '' && (status === 301 || errorName(e) === 'PermanentRedirect' || errorName(e) === 'IllegalLocationConstraintException') ? region : null;
}

/** The SDK's S3 module, loaded when a bucket is read, so `usage --from DIR` starts without it. */
type S3Sdk = typeof import('@aws-sdk/client-s3');

class S3Reader {
  private client: S3Client;
  private regionSettled: boolean;
  private readonly bounds: WindowBounds;
  /** the last delivery time worth listing: the window's end plus late delivery, and never after now */
  private readonly lastDelivery: number;
  private readonly listings: number;
  private readonly objectsPerListing: number;
  readonly sink: RecordSink;
  files = 0;
  private objectsRead = 0;

  constructor(
    private readonly sdk: S3Sdk,
    private readonly aws: AwsContext,
    private readonly location: S3Location,
    window: TimeWindow,
    skips: SkipCounter,
    onEvent: EventSink,
    options: S3SourceOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.client = aws.client(sdk.S3Client, options.region);
    this.regionSettled = options.region !== undefined;
    this.bounds = windowBounds(window);
    this.lastDelivery = Math.min(this.bounds.untilMs + LATE_DELIVERY_MS, (options.now ?? Date.now)());
    this.sink = new RecordSink(window, skips, onEvent);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`S3 read concurrency must be a whole number, 1 or more (got ${concurrency})`);
    this.listings = Math.min(MAX_LISTINGS, concurrency);
    this.objectsPerListing = Math.max(1, Math.floor(concurrency / this.listings));
  }

  private sendOptions(): { abortSignal?: AbortSignal } {
    return this.signal ? { abortSignal: this.signal } : {};
  }

  /**
   * Sends one request; when it is the first and S3 answers that the bucket lives in another
   * region, every request from then on goes to that region.
   */
  private async send<T>(request: (client: S3Client) => Promise<T>): Promise<T> {
    if (this.regionSettled) return request(this.client);
    try {
      return await request(this.client);
    } catch (e) {
      const region = this.regionSettled ? null : redirectRegion(e);
      if (region === null) throw e;
      this.client = this.aws.client(this.sdk.S3Client, region);
      return await request(this.client);
    } finally {
      this.regionSettled = true;
    }
  }

  private async list(prefix: string, delimited: boolean, token: string | undefined): Promise<ListObjectsV2CommandOutput> {
    const input = { Bucket: this.location.bucket, Prefix: prefix, ContinuationToken: token, ...(delimited ? { Delimiter: '/' } : {}) };
    try {
      return await this.send((client) => client.send(new this.sdk.ListObjectsV2Command(input), this.sendOptions()));
    } catch (e) {
      throw this.listError(e);
    }
  }

  private listError(e: unknown) {
    throwIfAborted(this.signal);
    if (isKeyshiftError(e)) return e;
    const { bucket } = this.location;
    if (errorName(e) === 'NoSuchBucket') return badInput(`S3 bucket ${bucket} does not exist`, 'check the bucket name in --from, and the account keyshift runs in');
    if (isAccessDenied(e)) return awsRefused(`AWS denied s3:ListBucket on bucket ${bucket}`, `grant s3:ListBucket on arn:aws:s3:::${bucket} to the identity keyshift runs as`, e);
    return asAwsRefused(e, 's3:ListBucket');
  }

  /** Every page of one listing. */
  private async *pages(prefix: string, delimited: boolean): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      throwIfAborted(this.signal);
      const page = await this.list(prefix, delimited, token);
      yield page;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** The read tasks under a folder, discovering accounts, regions and (for long spans) years and months by delimited listings. */
  async *tasks(prefix: string, place: Place): AsyncGenerator<ReadTask> {
    if (place.kind === 'account') {
      // only CloudTrail/ matters below an account: go straight there
      yield* this.tasks(`${prefix}CloudTrail/`, { kind: 'trail' });
      return;
    }
    if (place.kind === 'dates') {
      yield* this.dateTasks(prefix, place);
      return;
    }
    const children: [string, Place][] = [];
    for await (const page of this.pages(prefix, true)) {
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined && isLogObject(k, this.bounds));
      if (keys.length > 0) yield { kind: 'keys', keys };
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix === undefined || !p.Prefix.startsWith(prefix)) continue;
        const name = p.Prefix.slice(prefix.length, -1);
        const next = childPlace(place, prefix, name);
        if (next !== 'skip' && !this.outside(next)) children.push([p.Prefix, next]);
      }
    }
    for (const [childPrefix, next] of children) yield* this.tasks(childPrefix, next);
  }

  /** Whether a date folder can hold nothing inside the window. */
  outside(place: Place): boolean {
    return place.kind === 'dates' && (deliveryOutsideWindow(place.from, place.to, this.bounds) || place.from > this.lastDelivery);
  }

  /**
   * Day folders inside the window are computed when the window has a start and they are few
   * enough; otherwise the folder is listed one level down (years, then months, then days).
   */
  private async *dateTasks(prefix: string, place: Extract<Place, { kind: 'dates' }>): AsyncGenerator<ReadTask> {
    if (this.outside(place)) return;
    if (place.level === 'day') {
      yield { kind: 'list', prefix };
      return;
    }
    // the delivery days that can hold a record inside the window (late delivery included)
    const first = Math.max(place.from, Math.floor(this.bounds.sinceMs / DAY_MS) * DAY_MS);
    const end = Math.min(place.to, this.lastDelivery + 1);
    // without a start, most computed days would be empty: list what exists instead
    const days = Number.isFinite(this.bounds.sinceMs) && Number.isFinite(end) ? Math.ceil((end - first) / DAY_MS) : Infinity;
    if (days <= MAX_COMPUTED_DAYS) {
      for (let day = first; day < end; day += DAY_MS) {
        if (!deliveryOutsideWindow(day, day + DAY_MS, this.bounds)) yield { kind: 'list', prefix: dayFolder(place.region, day) };
      }
      return;
    }
    const children: [string, Place][] = [];
    for await (const page of this.pages(prefix, true)) {
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix === undefined || !p.Prefix.startsWith(prefix)) continue;
        const next = childPlace(place, prefix, p.Prefix.slice(prefix.length, -1));
        if (next !== 'skip' && next.kind === 'dates' && !this.outside(next)) children.push([p.Prefix, next]);
      }
    }
    for (const [childPrefix, next] of children) yield* this.dateTasks(childPrefix, next as Extract<Place, { kind: 'dates' }>);
  }

  async run(task: ReadTask): Promise<void> {
    if (task.kind === 'keys') {
      await forEachConcurrent(task.keys, this.objectsPerListing, (key) => this.readObject(key), this.signal);
      return;
    }
    for await (const page of this.pages(task.prefix, false)) {
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined && isLogObject(k, this.bounds));
      await forEachConcurrent(keys, this.objectsPerListing, (key) => this.readObject(key), this.signal);
    }
  }

  async readAll(start: Place): Promise<void> {
    await forEachConcurrent(this.tasks(this.location.prefix, start), this.listings, (task) => this.run(task), this.signal);
  }

  async readObject(key: string): Promise<void> {
    throwIfAborted(this.signal);
    this.files++;
    try {
      const out = await this.send((client) => client.send(new this.sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }), this.sendOptions()));
      const body = out.Body as AsyncIterable<Uint8Array> | undefined;
      if (body === undefined || !(Symbol.asyncIterator in body)) {
        this.sink.skips.add('unreadable');
        return;
      }
      await parseLogStream(body, this.sink);
      this.objectsRead++;
    } catch (e) {
      throwIfAborted(this.signal);
      if (isKeyshiftError(e)) throw e;
      // denied before anything could be read: the whole job lacks the permission, not one file
      if (isAccessDenied(e) && this.objectsRead === 0) {
        const { bucket } = this.location;
        throw awsRefused(
          `AWS denied s3:GetObject on s3://${bucket}/${key}`,
          `grant s3:GetObject on arn:aws:s3:::${bucket}/* (and kms:Decrypt on the trail's KMS key when its logs are encrypted with SSE-KMS)`,
          e,
        );
      }
      // deleted since the listing, denied for this object only, or the connection broke mid-body
      this.sink.skips.add('unreadable');
    }
  }
}

/** The place of the starting prefix, read from its own folder names; null when it holds nothing inside the window. */
function startPlace(prefix: string, reader: S3Reader): Place | null {
  let place: Place = PLAIN;
  let parent = '';
  for (const name of prefix.split('/').slice(0, -1)) {
    const next = childPlace(place, parent, name);
    if (next === 'skip') return null;
    parent += `${name}/`;
    place = next;
    if (reader.outside(place)) return null;
  }
  return place;
}

async function readS3(aws: AwsContext, location: S3Location, window: TimeWindow, options: S3SourceOptions, onEvent: EventSink, skips: SkipCounter, signal?: AbortSignal) {
  const reader = new S3Reader(await import('@aws-sdk/client-s3'), aws, location, window, skips, onEvent, options, signal);
  if (location.prefix !== '' && !location.prefix.endsWith('/')) {
    // one object
    await reader.readObject(location.prefix);
  } else {
    const place = startPlace(location.prefix, reader);
    if (place !== null) await reader.readAll(place);
  }
  return { files: reader.files, events: reader.sink.events };
}

/** CloudTrail log files under `s3://bucket[/prefix]`, read in place. */
export function s3Source(aws: AwsContext, url: string, window: TimeWindow, options: S3SourceOptions = {}): EventSource {
  const location = parseS3Url(url);
  return {
    description: { type: 's3', location: `s3://${location.bucket}/${location.prefix}` },
    read: (onEvent, skips, signal) => readS3(aws, location, window, options, onEvent, skips, signal),
  };
}
