// Writes a command's result: to stdout, or to --output FILE. A regular file is replaced
// atomically (a temporary file renamed into place, next to the real file a symlink points
// at) so an interrupted run never leaves half a report or clobbers a good one. Anything else
// — /dev/null, a FIFO, a terminal — is written in place: renaming over it would replace the
// device with a file.
import { createWriteStream } from 'node:fs';
import { lstat, realpath, rename, rm, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { badInput } from '../src/errors.js';
import type { Streams } from './io/streams.js';

export async function writeResult(text: string, output: string | undefined, streams: Streams): Promise<void> {
  await writeResultChunks([text], output, streams);
}

/** Writes a result given in pieces, so a large one is never one string in memory. */
export async function writeResultChunks(chunks: Iterable<string>, output: string | undefined, streams: Streams): Promise<void> {
  if (output === undefined || output === '-') {
    await writeAll(streams.stdout, chunks, false);
    return;
  }
  try {
    const existing = await lstat(output).catch(() => undefined);
    const target = existing?.isSymbolicLink() ? await realpath(output) : output;
    const kind = existing ? await stat(target).catch(() => undefined) : undefined;
    if (kind && !kind.isFile()) {
      await writeAll(createWriteStream(target), chunks, true);
      return;
    }
    const tmp = `${target}.keyshift-${process.pid}.tmp`;
    try {
      await writeAll(createWriteStream(tmp, { mode: 0o644 }), chunks, true);
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  } catch (e) {
    throw badInput(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Writes every chunk, waiting when the stream is full; ends it when `close` (a file we opened). */
async function writeAll(stream: Writable, chunks: Iterable<string>, close: boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const iterator = chunks[Symbol.iterator]();
    let failed = false;
    const onError = (err: Error) => {
      failed = true;
      reject(err);
    };
    // a file stream reports a failed open only after the first write: keep listening until it is done
    stream.on('error', onError);
    const pump = () => {
      if (failed) return;
      for (;;) {
        const next = iterator.next();
        if (next.done) {
          if (close) stream.end(() => resolve());
          else
            stream.write('', () => {
              stream.off('error', onError);
              resolve();
            });
          return;
        }
        if (!stream.write(next.value)) {
          stream.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
