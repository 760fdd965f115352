// Writes a command's result: to stdout, or to --output FILE atomically (a temporary file
// renamed into place) so an interrupted run never leaves half a report or clobbers a good one.
import { rename, rm, writeFile } from 'node:fs/promises';
import { badInput } from '../src/errors.js';
import type { Streams } from './io/streams.js';

export async function writeResult(text: string, output: string | undefined, streams: Streams): Promise<void> {
  if (output === undefined || output === '-') {
    await new Promise<void>((resolve, reject) => streams.stdout.write(text, (err) => (err ? reject(err) : resolve())));
    return;
  }
  const tmp = `${output}.keyshift-${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, output);
  } catch (e) {
    await rm(tmp, { force: true });
    throw badInput(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
