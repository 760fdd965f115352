// The cutover payload (payload/cutover.sh) as the executors need it: where it is on this
// machine (the local executor runs it there, the describe executor names it), its SHA-256
// (names keyshift's SSM document, so a changed payload gets a new one), and the gzipped
// base64 form the SSM document embeds.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { badInput } from '../../errors.js';
import { withoutComments } from '../../scan/aws/ssm/host-payload.js';

// Next to this module in the source tree, or there from a build's dist/src/apply/host/.
const CANDIDATES = [new URL('./payload/cutover.sh', import.meta.url), new URL('../../../../src/apply/host/payload/cutover.sh', import.meta.url)];

export interface CutoverPayload {
  /** where the payload is on this machine */
  path: string;
  text: string;
  /** hex SHA-256 of the payload's bytes */
  sha256: string;
}

let loaded: CutoverPayload | undefined;

export function cutoverPayload(): CutoverPayload {
  if (loaded) return loaded;
  for (const url of CANDIDATES) {
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch {
      continue; // try the next place
    }
    loaded = { path: fileURLToPath(url), text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
    return loaded;
  }
  throw badInput('the cutover payload (cutover.sh) is missing from this installation of keyshift', 'reinstall keyshift; the payload ships in src/apply/host/payload/');
}

/** The payload without its comment lines, gzipped, as base64 on one line. */
export function encodeCutoverPayload(payload: CutoverPayload): string {
  return gzipSync(Buffer.from(withoutComments(payload.text), 'utf8'), { level: 9 }).toString('base64');
}
