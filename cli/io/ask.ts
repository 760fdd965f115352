// A yes/no question on the terminal; only used when stdin is a TTY (resolveMode decides).
import { createInterface } from 'node:readline/promises';
import type { ConfirmQuestion } from '../../src/io/host.js';
import type { Streams } from './streams.js';

export async function askYesNo(q: ConfirmQuestion, streams: Streams): Promise<boolean> {
  const rl = createInterface({ input: streams.stdin, output: streams.stderr, terminal: true });
  try {
    const answer = (await rl.question(`${q.message} ${q.default ? '[Y/n]' : '[y/N]'} `)).trim().toLowerCase();
    if (answer === '') return q.default;
    return answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}
