// Loading the next local log file while the current one is parsed: reading and gunzip run on
// libuv's thread pool, JSON.parse and aggregation on the main thread, so with two cores the
// decompression is nearly free. At most one file is loaded ahead, and only a file small enough
// to be one CloudTrail delivery (CloudTrail's own files are a few MB); bigger files (a large
// JSON Lines export) are streamed when their turn comes instead, never held whole. So at any
// time memory holds the records of the file being parsed plus at most one loaded file.
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** Files above this size (compressed, as stored) are streamed instead of loaded ahead. */
export const READ_AHEAD_MAX_BYTES = 16 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/**
 * zlib decompresses one output chunk per thread-pool task and needs the main thread between
 * tasks; while the main thread parses the current file, a small chunk size would stall the
 * next file's decompression after one chunk. An output chunk big enough for the whole file
 * (CloudTrail JSON compresses about 10-20x) makes it one task.
 */
function outputChunkBytes(compressedBytes: number): number {
  return Math.min(Math.max(compressedBytes * 24, 64 * 1024), 256 * 1024 * 1024);
}

export type LoadedLogFile =
  | { path: string; kind: 'bytes'; bytes: Buffer }
  | { path: string; kind: 'stream' }
  | { path: string; kind: 'corrupt-gzip' }
  | { path: string; kind: 'unreadable' };

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** File system errors (ENOENT, EACCES, EISDIR, …): the file cannot be read, the run goes on. */
export function isFileSystemError(e: unknown): boolean {
  return /^E[A-Z]+$/.test(errorCode(e) ?? '');
}

async function load(path: string, maxBytes: number): Promise<LoadedLogFile> {
  try {
    // read synchronously: a few hundred KB from the page cache takes microseconds, while each
    // asynchronous step would wait for the main thread to finish parsing the current file
    if (statSync(path).size > maxBytes) return { path, kind: 'stream' };
    const raw = readFileSync(path);
    if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { path, kind: 'bytes', bytes: raw };
    try {
      return { path, kind: 'bytes', bytes: await gunzipAsync(raw, { chunkSize: outputChunkBytes(raw.length) }) };
    } catch (e) {
      if (errorCode(e)?.startsWith('Z_')) return { path, kind: 'corrupt-gzip' };
      throw e;
    }
  } catch (e) {
    if (isFileSystemError(e)) return { path, kind: 'unreadable' };
    throw e;
  }
}

/** Starts loading a file; the promise is awaited later, so a failure is never reported as unhandled meanwhile. */
export function loadAhead(path: string, maxBytes = READ_AHEAD_MAX_BYTES): Promise<LoadedLogFile> {
  const loading = load(path, maxBytes);
  loading.catch(() => {});
  return loading;
}
