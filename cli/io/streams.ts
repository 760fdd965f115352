// The process streams a command talks through, passed in so tests can run the CLI in-process.
import type { Readable, Writable } from 'node:stream';

export interface Streams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export const processStreams = (): Streams => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
