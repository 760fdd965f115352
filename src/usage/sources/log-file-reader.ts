// Reading one local log file into a RecordSink. A file small enough to be one CloudTrail
// delivery (CloudTrail's own are a few MB at most) is read whole and parsed synchronously:
// readFileSync, gunzipSync, one JSON.parse, the same work as the benchmark's floor and nothing
// more. Bigger files (a large JSON Lines export) are streamed, never held whole. Parallelism
// comes from worker threads reading disjoint files (parallel-directory.ts), not from overlapping
// the reads of one thread: asynchronous gunzip buffers kept V8's garbage collector busy
// (external memory) for more time than the decompression itself.
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { parseLogStream, parseWholeLog, type RecordSink } from './parse-log-file.js';

/** Files above this size (as stored) are streamed instead of read whole. */
export const WHOLE_FILE_MAX_BYTES = 16 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** File system errors (ENOENT, EACCES, EISDIR, …): the file cannot be read, the run goes on. */
export function isFileSystemError(e: unknown): boolean {
  return /^E[A-Z]+$/.test(errorCode(e) ?? '');
}

/**
 * Reads a file whole into the sink, synchronously, when it is no bigger than `maxBytes`;
 * false when it is bigger (stream it: streamLogFile) or its gzip is damaged (the stream keeps
 * what came before the damage). A file that cannot be read is counted, and true.
 */
export function readWholeLogFile(path: string, sink: RecordSink, maxBytes = WHOLE_FILE_MAX_BYTES): boolean {
  let raw: Buffer;
  try {
    // one open for the size and the bytes: the same system calls as readFileSync alone
    const fd = openSync(path, 'r');
    try {
      if (fstatSync(fd).size > maxBytes) return false;
      raw = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (!isFileSystemError(e)) throw e;
    sink.skips.add('unreadable');
    return true;
  }
  return parseWholeLog(raw, sink) === 'read';
}

/** Reads a file into the sink as a stream (big files, damaged gzip). */
export async function streamLogFile(path: string, sink: RecordSink): Promise<void> {
  try {
    await parseLogStream(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), sink);
  } catch (e) {
    if (!isFileSystemError(e)) throw e;
    sink.skips.add('unreadable');
  }
}

/** Reads one file's records into the sink, whole or streamed; a file that cannot be read is counted, not thrown. */
export async function readLogFile(path: string, sink: RecordSink, maxBytes = WHOLE_FILE_MAX_BYTES): Promise<void> {
  if (!readWholeLogFile(path, sink, maxBytes)) await streamLogFile(path, sink);
}
