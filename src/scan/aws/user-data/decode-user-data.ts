// User data as the parts cloud-init would run, as text for the detectors. Pure: bytes in,
// parts out, and a `problem` instead of an exception for anything it cannot read.
//
// Layers, outside in: EC2's base64 (a string argument is that wire form and must be
// base64; a Buffer is bytes already decoded), then any gzip (magic 1f 8b) and any further
// base64 layer that hides gzip or text (templates made with `base64encode(base64gzip(…))`),
// then a MIME multipart document (cloud-init's), whose parts get the same treatment after
// their Content-Transfer-Encoding. Parts are numbered 0, 1, … in document order, nested
// multiparts flattened; a document that is not multipart is part 0.
import { gunzipBounded, isGzip } from './bounded-gunzip.js';
import { bytesToText } from './bytes-to-text.js';
import { cloudInitType } from './cloud-init-type.js';
import { decodeTransferEncoding, headerParam, mediaType, parseEntity, parsePart, splitMultipart } from './mime-multipart.js';

export interface UserDataPart {
  index: number;
  contentType?: string;
  filename?: string;
  text: string;
}

export interface DecodedUserData {
  parts: UserDataPart[];
  /** why some or all of it could not be read; the parts that could are still returned */
  problem?: string;
}

/** EC2 caps user data at 16 KiB raw (about 22 KiB as base64); this leaves room for odd encodings. */
export const MAX_USER_DATA_BYTES = 1024 * 1024;
/** Every decompression together may produce at most this much: gzip bombs stop here. */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;
const MAX_LAYERS = 4;
const MAX_MULTIPART_DEPTH = 4;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class Decoding {
  readonly parts: UserDataPart[] = [];
  readonly problems: string[] = [];
  budget = MAX_DECODED_BYTES;

  /** Peels gzip and base64 layers off; undefined when a layer is broken. */
  unwrap(bytes: Buffer, where: string): Buffer | undefined {
    for (let layer = 0; layer < MAX_LAYERS; layer++) {
      if (isGzip(bytes)) {
        const out = gunzipBounded(bytes, this.budget);
        if (!out.ok) {
          this.problems.push(`${where}: ${out.problem}`);
          return undefined;
        }
        this.budget -= out.data.length;
        bytes = out.data;
        continue;
      }
      const inner = base64Layer(bytes);
      if (inner === undefined) return bytes;
      bytes = inner;
    }
    return bytes;
  }

  /** Adds an entity's parts: the parts of a multipart, or the entity itself. */
  add(bytes: Buffer, meta: { contentType?: string; filename?: string }, depth: number, where: string): void {
    const entity = parseEntity(bytes);
    const type = mediaType(entity?.headers.get('content-type'));
    if (entity && type?.startsWith('multipart/')) {
      this.addMultipart(entity.body, entity.headers.get('content-type'), depth, where);
      return;
    }
    const text = bytesToText(bytes);
    const index = this.parts.length;
    if (!text.ok) {
      this.problems.push(`part ${index}${meta.contentType ? ` (${meta.contentType})` : ''}: ${text.problem}`);
      this.parts.push({ index, ...meta, text: '' });
      return;
    }
    const contentType = meta.contentType ?? cloudInitType(text.text);
    this.parts.push({ index, ...(contentType && { contentType }), ...(meta.filename && { filename: meta.filename }), text: text.text });
  }

  private addMultipart(body: Buffer, contentType: string | undefined, depth: number, where: string): void {
    const boundary = headerParam(contentType, 'boundary');
    if (depth >= MAX_MULTIPART_DEPTH) {
      this.problems.push(`${where}: multipart nested more than ${MAX_MULTIPART_DEPTH} deep: not scanned`);
      return;
    }
    const split = boundary ? splitMultipart(body, boundary) : undefined;
    if (!split || split.parts.length === 0) {
      // unreadable structure: scan the body whole rather than miss a key in it
      this.problems.push(`${where}: multipart document ${boundary ? 'has no parts' : 'has no boundary'}; scanned as one text`);
      this.add(body, {}, depth + 1, where);
      return;
    }
    for (const raw of split.parts) {
      const part = parsePart(raw);
      const partType = part.headers.get('content-type');
      const filename = headerParam(part.headers.get('content-disposition'), 'filename');
      const label = `part ${this.parts.length}`;
      const decoded = decodeTransferEncoding(part.body, part.headers.get('content-transfer-encoding'));
      if (!decoded.ok) {
        this.problems.push(`${label}: ${decoded.problem}`);
        this.parts.push({ index: this.parts.length, ...(mediaType(partType) && { contentType: mediaType(partType)! }), ...(filename && { filename }), text: '' });
        continue;
      }
      if (mediaType(partType)?.startsWith('multipart/')) {
        this.addMultipart(decoded.data, partType, depth + 1, label);
        continue;
      }
      const inner = this.unwrap(decoded.data, label);
      const meta = { ...(mediaType(partType) && { contentType: mediaType(partType)! }), ...(filename && { filename }) };
      if (inner === undefined) this.parts.push({ index: this.parts.length, ...meta, text: '' });
      else this.add(inner, meta, depth + 1, label);
    }
  }
}

/** The bytes under a base64 layer, when the layer hides gzip or text; otherwise undefined (apply's user data rewrite peels the same layers). */
export function base64Layer(bytes: Buffer): Buffer | undefined {
  const compact = bytes.toString('latin1').replace(/\s+/g, '');
  // short tokens are more likely words than base64
  if (compact.length < 8 || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  const inner = Buffer.from(compact, 'base64');
  if (isGzip(inner) || bytesToText(inner).ok) return inner;
  return undefined;
}

/** The parts of user data, decoded; never throws. */
export function decodeUserData(raw: Buffer | string): DecodedUserData {
  try {
    let bytes: Buffer;
    if (typeof raw === 'string') {
      const compact = raw.replace(/\s+/g, '');
      if (compact.length > (MAX_USER_DATA_BYTES * 4) / 3) return { parts: [], problem: `larger than ${MAX_USER_DATA_BYTES} bytes: not scanned` };
      if (!BASE64.test(compact) || compact.length % 4 === 1) return { parts: [], problem: 'not valid base64 (as EC2 returns user data): not scanned' };
      bytes = Buffer.from(compact, 'base64');
    } else {
      bytes = raw;
    }
    if (bytes.length === 0) return { parts: [] };
    if (bytes.length > MAX_USER_DATA_BYTES) return { parts: [], problem: `larger than ${MAX_USER_DATA_BYTES} bytes: not scanned` };
    const decoding = new Decoding();
    const top = decoding.unwrap(bytes, 'user data');
    if (top !== undefined) decoding.add(top, {}, 0, 'user data');
    const problem = decoding.problems.length > 0 ? decoding.problems.join('; ') : undefined;
    return { parts: decoding.parts, ...(problem !== undefined && { problem }) };
  } catch (e) {
    // a bug in a decoder must not stop the scan of the account: say so and go on
    return { parts: [], problem: `could not be decoded (${(e as Error).message})` };
  }
}
