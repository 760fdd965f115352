// The host payload (src/scan/host/payload/scan-host.sh) as SendCommand carries it: comment
// lines left out, gzipped and base64-encoded, so that the command stays well under the size
// SSM accepts for a document's parameters (a limit of 16 KB is reported; the test checks
// the encoded payload against it).
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { badInput } from '../../../errors.js';

// Next to this module once built (the build copies it), or in the source tree of a checkout.
const CANDIDATES = [
  new URL('../../host/payload/scan-host.sh', import.meta.url),
  new URL('../../../../../src/scan/host/payload/scan-host.sh', import.meta.url),
];

export async function readHostPayload(): Promise<string> {
  for (const url of CANDIDATES) {
    try {
      return await readFile(url, 'utf8');
    } catch {
      // try the next place
    }
  }
  throw badInput('the host payload (scan-host.sh) is missing from this installation of keyshift', 'reinstall keyshift; the payload ships next to the SSM scanner');
}

/** The payload without its comment lines: the shell and awk programs in it read the same. */
export function withoutComments(payload: string): string {
  return payload
    .split('\n')
    .filter((line, i) => i === 0 || !/^\s*#/.test(line))
    .join('\n');
}

/** What the scan command carries: the payload, gzipped, as base64 on one line. */
export function encodePayload(payload: string): string {
  return gzipSync(Buffer.from(withoutComments(payload), 'utf8'), { level: 9 }).toString('base64');
}
