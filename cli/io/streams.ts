// The process streams a command talks through, passed in so tests can run the CLI in-process.
import type { Readable, Writable } from 'node:stream';

export interface Streams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

let pipesGuarded = false;

/** A reader that stopped reading (`keyshift ... | head`) is not an error: exit quietly, as Unix tools do. */
function guardClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

export const processStreams = (): Streams => {
  guardClosedPipes();
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
};
