// Stand-ins for secrets the payload kept on its host. The payload sends a secret's
// fingerprint and its shape; here the shape is judged by the rules of src/detect/entropy.ts
// (as a secret under a secret-like name, and as one a key ID merely sits near), and a
// stand-in is made that the detector judges the same way. The scanner then runs on the
// skeleton with stand-ins, and each stand-in's fingerprint is swapped back for the real one.
import { createHash } from 'node:crypto';
import {
  looksRandomEnough,
  NAMED_MIN_ENTROPY,
  NEARBY_MAX_WORD_LETTERS,
  NEARBY_MIN_CLASS_CHANGES,
  NEARBY_MIN_ENTROPY,
  shannonEntropy,
} from '../../../detect/index.js';
import type { SecretShape } from './payload-records.js';

/** Whether a secret of this shape counts under a secret-like name, and a few lines from a key ID. */
export interface SecretVerdict {
  named: boolean;
  nearby: boolean;
}

/** looksRandomEnough(secret, 'named' | 'nearby'), from the shape alone. */
export function secretVerdict(shape: SecretShape): SecretVerdict {
  if (!shape.mixedCase || shape.alphabetRun || shape.decodesToText) return { named: false, nearby: false };
  const entropy = shannonEntropy(countProfile(shape.counts));
  return {
    named: entropy >= NAMED_MIN_ENTROPY,
    nearby: entropy >= NEARBY_MIN_ENTROPY && shape.classChanges >= NEARBY_MIN_CLASS_CHANGES && shape.wordLetters <= NEARBY_MAX_WORD_LETTERS,
  };
}

/**
 * A 40-character text whose characters occur as often as the secret's, first appearances in
 * the same order: shannonEntropy sums in order of first appearance, so its entropy is the
 * secret's to the last bit.
 */
function countProfile(counts: readonly number[]): string {
  return counts.map((n, i) => String.fromCharCode(0x4e00 + i).repeat(n)).join('');
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
// Nothing in a stand-in may look like a key ID or a secret's name, or be skipped as a git SHA
// or a documentation example.
const FORBIDDEN = /AKIA|ASIA|ABIA|ACCA|A3T|secret|Secret|SECRET|EXAMPLEKEY$|^[0-9a-fA-F]{40}$/;

/** A stand-in for the secret with this fingerprint: deterministic, and judged as the verdict says. */
export function surrogateSecret(fingerprint: string, verdict: SecretVerdict): string {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const random = createHash('sha256').update(`keyshift-surrogate\0${fingerprint}\0${attempt}`).digest().subarray(0, 30).toString('base64');
    let candidate: string;
    if (verdict.nearby) candidate = random;
    else if (verdict.named) {
      // Long lower-case runs are what the nearby rule rejects and the named rule allows.
      candidate = [...random.slice(0, 24)].map((c) => LOWER[c.charCodeAt(0) % 26]!).join('') + random.slice(24);
    } else {
      // One case only: never random enough (and letters past f: never hex).
      candidate = [...random].map((c) => LOWER[6 + (c.charCodeAt(0) % 20)]!).join('');
    }
    if (FORBIDDEN.test(candidate)) continue;
    if (looksRandomEnough(candidate, 'named') === verdict.named && looksRandomEnough(candidate, 'nearby') === verdict.nearby) return candidate;
  }
  throw new Error(`no stand-in found for ${fingerprint}`); // unreachable: each class is most of its space
}
