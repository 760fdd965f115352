// One log file's bytes -> CloudTrail records, shared by every source that reads files (a local
// directory, S3 objects). A file may be gzip (recognised by its magic bytes, whatever its name)
// and may hold {"Records":[…]} (what CloudTrail delivers), a JSON array of events, JSON Lines,
// or a saved `aws cloudtrail lookup-events` answer ({"Events":[{"CloudTrailEvent":"…"}]}).
//
// Records are checked by hand, not by a schema: millions pass through here. Bad input never
// throws; it is counted in the SkipCounter and the rest is read:
// - per file: corrupt-gzip, invalid-json (nothing in the file parses), not-cloudtrail (a JSON
//   document that is not events);
// - per record: not-cloudtrail, missing-fields, invalid-time, invalid-ip, invalid-region,
//   outside-window; per line of JSON Lines: invalid-json.
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { CloudTrailEvent, EventSink, SkipCounter, SkipReason, TimeWindow } from '../cloudtrail-event.js';
import { eventTimeMs } from '../event-time.js';
import { insideWindow, isRegionName, windowBounds, type WindowBounds } from './log-layout.js';

/** AWS services calling on a principal's behalf appear as their service name, or "AWS Internal". */
const AWS_SERVICE_SOURCE = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;
/** Identifiers CloudTrail writes are printable: a control character (U+0000-U+001F, U+007F) means the record is not CloudTrail's. */
function hasControlCharacter(s: string): boolean {
  // a loop over a short name costs less than a regular expression call, for every record
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
/** Valid sources repeat endlessly; remembering some saves an isIP per record. Cleared when full. */
const KNOWN_SOURCES_LIMIT = 10_000;
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** Receives the records of log files: checks each, delivers the good ones inside the window, counts the rest. */
export class RecordSink {
  /** records delivered to onEvent */
  events = 0;
  private readonly bounds: WindowBounds;
  private readonly knownSources = new Set<string>();
  // records come in runs of one region and source: the last good ones are checked first
  private lastRegion: string | null = null;
  private lastSource: string | null = null;
  /** the eventTime of the record check() last passed, so it is read once */
  private checkedTime = NaN;

  constructor(
    window: TimeWindow,
    readonly skips: SkipCounter,
    private readonly onEvent: EventSink,
  ) {
    this.bounds = windowBounds(window);
  }

  accept(raw: unknown): void {
    const reason = this.check(raw);
    if (reason !== null) {
      this.skips.add(reason);
      return;
    }
    this.events++;
    this.onEvent(raw as CloudTrailEvent, this.checkedTime);
  }

  /** Why a record cannot be used, or null when it is a well-formed CloudTrail record inside the window. */
  check(raw: unknown): SkipReason | null {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not-cloudtrail';
    const r = raw as Record<string, unknown>;
    const { eventTime, eventSource, eventName, awsRegion, userIdentity, sourceIPAddress } = r;
    if (eventTime === undefined && eventSource === undefined && eventName === undefined && r.eventVersion === undefined) return 'not-cloudtrail';
    if (
      typeof eventTime !== 'string' ||
      typeof eventSource !== 'string' ||
      typeof eventName !== 'string' ||
      typeof awsRegion !== 'string' ||
      typeof userIdentity !== 'object' ||
      userIdentity === null ||
      eventSource === '' ||
      eventName === ''
    ) {
      return 'missing-fields';
    }
    if (hasControlCharacter(eventSource) || hasControlCharacter(eventName)) return 'not-cloudtrail';
    const t = eventTimeMs(eventTime);
    if (Number.isNaN(t)) return 'invalid-time';
    if (awsRegion !== this.lastRegion) {
      if (!isRegionName(awsRegion)) return 'invalid-region';
      this.lastRegion = awsRegion;
    }
    if (sourceIPAddress !== undefined && sourceIPAddress !== null && !this.validSource(sourceIPAddress)) return 'invalid-ip';
    if (!insideWindow(t, this.bounds)) return 'outside-window';
    this.checkedTime = t;
    return null;
  }

  private validSource(s: unknown): boolean {
    if (typeof s !== 'string') return false;
    if (s === this.lastSource) return true;
    if (this.knownSources.has(s)) {
      this.lastSource = s;
      return true;
    }
    const valid = isIP(s) !== 0 || s === 'AWS Internal' || AWS_SERVICE_SOURCE.test(s);
    if (valid) {
      if (this.knownSources.size >= KNOWN_SOURCES_LIMIT) this.knownSources.clear();
      this.knownSources.add(s);
      this.lastSource = s;
    }
    return valid;
  }
}

const PARSE_FAILED = Symbol('parse failed');

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return PARSE_FAILED;
  }
}

function decode(bytes: Buffer): string {
  // invalid UTF-8 becomes U+FFFD instead of throwing; a byte order mark is dropped
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** Hands every record of one parsed JSON document (or JSON Lines line) to the sink. */
function acceptDocument(doc: unknown, sink: RecordSink): void {
  if (Array.isArray(doc)) {
    for (const r of doc) sink.accept(r);
    return;
  }
  if (typeof doc !== 'object' || doc === null) {
    sink.skips.add('not-cloudtrail');
    return;
  }
  const { Records: records, Events: events } = doc as { Records?: unknown; Events?: unknown };
  if (records !== undefined) {
    if (Array.isArray(records)) for (const r of records) sink.accept(r);
    else sink.skips.add('not-cloudtrail');
    return;
  }
  if (Array.isArray(events)) {
    for (const e of events) acceptLookupEvent(e, sink);
    return;
  }
  sink.accept(doc);
}

/** lookup-events answers carry each record as a JSON string in CloudTrailEvent. */
function acceptLookupEvent(e: unknown, sink: RecordSink): void {
  const text = typeof e === 'object' && e !== null ? (e as { CloudTrailEvent?: unknown }).CloudTrailEvent : undefined;
  if (typeof text !== 'string') {
    sink.skips.add('not-cloudtrail');
    return;
  }
  const record = tryParse(text);
  if (record === PARSE_FAILED) sink.skips.add('invalid-json');
  else sink.accept(record);
}

/** A whole file's text: one JSON document, or else JSON Lines (then each bad line counts once). */
function acceptText(text: string, sink: RecordSink): void {
  if (isBlank(text)) return;
  const doc = tryParse(text);
  if (doc !== PARSE_FAILED) {
    acceptDocument(doc, sink);
    return;
  }
  let parsed = 0;
  let bad = 0;
  for (const line of text.split('\n')) {
    if (isBlank(line)) continue;
    // a byte order mark may start any line (files concatenated), as parseLogStream allows
    const lineDoc = tryParse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    if (lineDoc === PARSE_FAILED) {
      bad++;
      continue;
    }
    parsed++;
    acceptDocument(lineDoc, sink);
  }
  // nothing parsed: one broken document (a truncated file), not many broken lines
  const broken = parsed === 0 ? 1 : bad;
  if (broken > 0) sink.skips.add('invalid-json', broken);
}

/**
 * Assembles a file's text from chunks. CloudTrail files are one long line, parsed whole at the
 * end. When the first line is a complete JSON document by itself, the file is JSON Lines and
 * is parsed line by line as it streams, so a large export never sits in memory whole.
 */
class LogContent {
  private mode: 'undecided' | 'lines' | 'whole' = 'undecided';
  /** undecided/whole: every byte so far; lines: the unfinished last line */
  private pending: Buffer[] = [];

  constructor(private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    if (this.mode === 'whole') {
      this.pending.push(chunk);
      return;
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const lineBytes = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      start = nl + 1;
      const line = decode(lineBytes);
      if (this.mode === 'lines') {
        this.acceptLine(line);
        continue;
      }
      if (isBlank(line)) continue;
      const doc = tryParse(line);
      if (doc === PARSE_FAILED) {
        // pretty-printed JSON, or a damaged first line: read the file whole
        this.mode = 'whole';
        this.pending = [lineBytes, Buffer.from('\n'), chunk.subarray(start)];
        return;
      }
      this.mode = 'lines';
      acceptDocument(doc, this.sink);
    }
    if (start < chunk.length) this.pending.push(start === 0 ? chunk : chunk.subarray(start));
  }

  end(): void {
    const rest = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    if (this.mode === 'lines') this.acceptLine(decode(rest));
    else acceptText(decode(rest), this.sink);
  }

  private acceptLine(line: string): void {
    if (isBlank(line)) return;
    const doc = tryParse(line);
    if (doc === PARSE_FAILED) this.sink.skips.add('invalid-json');
    else acceptDocument(doc, this.sink);
  }
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Reads one log file from a byte stream (a file or an S3 object body), decompressing it as it
 * streams when it is gzip, and hands its records to the sink. A corrupt or truncated gzip is
 * counted (records of JSON Lines already read stay delivered); errors of the stream itself (a
 * read failure) are thrown for the caller to count or retry.
 */
export async function parseLogStream(source: AsyncIterable<Uint8Array | string>, sink: RecordSink): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  // enough bytes to recognise gzip's magic number
  const head: Buffer[] = [];
  let headBytes = 0;
  let exhausted = false;
  while (headBytes < 2) {
    const next = await it.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const b = asBuffer(next.value);
    head.push(b);
    headBytes += b.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  const content = new LogContent(sink);
  if (headBytes >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    async function* compressed(): AsyncGenerator<Buffer> {
      try {
        yield first;
        if (exhausted) return;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield asBuffer(next.value);
        }
      } finally {
        await it.return?.();
      }
    }
    try {
      await pipeline(Readable.from(compressed()), createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), async (decompressed: AsyncIterable<Buffer>) => {
        for await (const chunk of decompressed) content.push(chunk);
      });
    } catch (e) {
      if (!isZlibError(e)) throw e;
      sink.skips.add('corrupt-gzip');
      return;
    }
  } else {
    if (headBytes > 0) content.push(first);
    if (!exhausted) {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        content.push(asBuffer(next.value));
      }
    }
  }
  content.end();
}

/**
 * zlib's output chunk for a whole file: big enough for the usual file in one piece (CloudTrail
 * JSON compresses about 7-10x), so the pieces need not be copied together afterwards, and small
 * enough that an unusual one costs little.
 */
function outputChunkBytes(compressedBytes: number): number {
  return Math.min(Math.max(compressedBytes * 16, 64 * 1024), 8 * 1024 * 1024);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads one log file held whole in memory, synchronously: gunzip (when it is gzip) and one
 * JSON.parse of the text, the cheapest way there is (no stream, no chunk scanning). Returns
 * 'corrupt-gzip' without delivering anything when the gzip cannot be inflated whole: the caller
 * then reads it with parseLogStream, which keeps the lines before the damage and counts it.
 */
export function parseWholeLog(bytes: Uint8Array, sink: RecordSink): 'read' | 'corrupt-gzip' {
  let text: Buffer;
  if (isGzip(bytes)) {
    try {
      text = gunzipSync(bytes, { chunkSize: outputChunkBytes(bytes.length) });
    } catch (e) {
      if (isZlibError(e)) return 'corrupt-gzip';
      throw e;
    }
  } else {
    text = asBuffer(bytes);
  }
  acceptText(decode(text), sink);
  return 'read';
}

/** Parses one log file already in memory (tests, small answers). */
export async function parseLogBytes(bytes: Uint8Array, sink: RecordSink): Promise<void> {
  if (parseWholeLog(bytes, sink) === 'read') return;
  await parseLogStream(
    (async function* () {
      yield bytes;
    })(),
    sink,
  );
}
