// Just enough MIME (RFC 2045/2046) for cloud-init user data: a header block, multipart
// bodies split on their boundary, Content-Transfer-Encoding and header parameters. Bytes
// are handled as latin1 strings, which map one byte to one character and back losslessly.

export interface MimeEntity {
  /** header names lower-cased; a repeated header keeps its first value */
  headers: ReadonlyMap<string, string>;
  body: Buffer;
}

const HEADER_LINE = /^([!-9;-~]+):[ \t]*(.*)$/;

/**
 * The header block at the start of `bytes` and the body after the blank line, or undefined
 * when `bytes` does not start with a header. With no blank line, everything is headers.
 */
export function parseEntity(bytes: Buffer): MimeEntity | undefined {
  const text = bytes.toString('latin1');
  const headers = new Map<string, string>();
  let last: string | undefined;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = nl === -1 ? text.length : nl + 1;
    if (line === '') return headers.size === 0 ? undefined : { headers, body: Buffer.from(text.slice(pos), 'latin1') };
    if (/^[ \t]/.test(line) && last !== undefined) {
      // a folded header continues the previous one
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) return undefined;
    last = m[1]!.toLowerCase();
    if (!headers.has(last)) headers.set(last, m[2]!.trim());
  }
  return headers.size === 0 ? undefined : { headers, body: Buffer.alloc(0) };
}

/** An entity without headers: a multipart part that starts with a blank line. */
export function parsePart(bytes: Buffer): MimeEntity {
  if (bytes.length > 0 && (bytes[0] === 0x0a || (bytes[0] === 0x0d && bytes[1] === 0x0a))) {
    return { headers: new Map(), body: bytes.subarray(bytes[0] === 0x0a ? 1 : 2) };
  }
  return parseEntity(bytes) ?? { headers: new Map(), body: bytes };
}

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

/** A parameter of a header value: `boundary` of Content-Type, `filename` of Content-Disposition. */
export function headerParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i');
  const m = re.exec(value);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

export interface Multipart {
  parts: Buffer[];
  /** whether the closing delimiter (--boundary--) was seen */
  closed: boolean;
}

/** The body parts of a multipart body; the preamble and epilogue are dropped (RFC 2046 5.1.1). */
export function splitMultipart(body: Buffer, boundary: string): Multipart {
  const text = body.toString('latin1');
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`^--${escaped}(--)?[ \\t]*\\r?$`, 'gm');
  const parts: Buffer[] = [];
  let partStart: number | undefined;
  for (const m of text.matchAll(delimiter)) {
    if (partStart !== undefined) {
      // the line break before a delimiter belongs to the delimiter
      let end = m.index;
      if (text[end - 1] === '\n') end -= text[end - 2] === '\r' ? 2 : 1;
      parts.push(Buffer.from(text.slice(partStart, Math.max(partStart, end)), 'latin1'));
    }
    if (m[1] === '--') return { parts, closed: true };
    const nl = text.indexOf('\n', m.index);
    partStart = nl === -1 ? text.length : nl + 1;
  }
  // no closing delimiter: cloud-init is lenient here, and so are we
  if (partStart !== undefined) parts.push(Buffer.from(text.slice(partStart), 'latin1'));
  return { parts, closed: false };
}

export type TransferDecoded = { ok: true; data: Buffer } | { ok: false; problem: string };

/** The body with its Content-Transfer-Encoding undone. */
export function decodeTransferEncoding(body: Buffer, encoding: string | undefined): TransferDecoded {
  const enc = (encoding ?? '7bit').trim().toLowerCase();
  if (enc === '7bit' || enc === '8bit' || enc === 'binary') return { ok: true, data: body };
  if (enc === 'base64') {
    const compact = body.toString('latin1').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { ok: false, problem: 'invalid base64 in a part marked Content-Transfer-Encoding: base64' };
    return { ok: true, data: Buffer.from(compact, 'base64') };
  }
  if (enc === 'quoted-printable') {
    const text = body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return { ok: true, data: Buffer.from(text, 'latin1') };
  }
  return { ok: false, problem: `unknown Content-Transfer-Encoding ${JSON.stringify(enc)}` };
}
