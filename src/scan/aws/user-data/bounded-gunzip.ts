// Gzip with a ceiling. User data is at most 16 KiB, but 16 KiB of gzip can expand to
// gigabytes (a gzip bomb): zlib stops at the ceiling instead of allocating all of it.
import { gunzipSync } from 'node:zlib';

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export type Gunzipped = { ok: true; data: Buffer } | { ok: false; problem: string };

export function gunzipBounded(bytes: Buffer, maxBytes: number): Gunzipped {
  try {
    return { ok: true, data: gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) }) };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, problem: `gzip data expands beyond ${maxBytes} bytes (a gzip bomb?): not scanned` };
    }
    return { ok: false, problem: `gzip data is corrupt (${(e as Error).message}): not scanned` };
  }
}
