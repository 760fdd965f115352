// Writes a command's result: to stdout, or to --output FILE. A regular file is replaced
// atomically (a temporary file renamed into place, next to the real file a symlink points
// at) so an interrupted run never leaves half a report or clobbers a good one. Anything else
// — /dev/null, a FIFO, a terminal — is written in place: renaming over it would replace the
// device with a file.
import { lstat, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { badInput } from '../src/errors.js';
import type { Streams } from './io/streams.js';

export async function writeResult(text: string, output: string | undefined, streams: Streams): Promise<void> {
  if (output === undefined || output === '-') {
    await new Promise<void>((resolve, reject) => streams.stdout.write(text, (err) => (err ? reject(err) : resolve())));
    return;
  }
  try {
    const existing = await lstat(output).catch(() => undefined);
    const target = existing?.isSymbolicLink() ? await realpath(output) : output;
    const kind = existing ? await stat(target).catch(() => undefined) : undefined;
    if (kind && !kind.isFile()) {
      await writeFile(target, text);
      return;
    }
    const tmp = `${target}.keyshift-${process.pid}.tmp`;
    try {
      await writeFile(tmp, text, { mode: 0o644 });
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  } catch (e) {
    throw badInput(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
