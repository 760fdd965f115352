// How random a 40-character candidate looks. A real secret access key is 30 random bytes in
// base64; the strings that share its shape by accident are made of words: paths,
// identifiers, base64 of text. Thresholds come from measurements: 1M-10M random secrets; the
// 435 unique non-hex 40-character tokens in this repo's node_modules (real identifiers and
// URL paths); 100k synthetic camelCase identifiers and paths built from the 8,232 words of
// TypeScript's lib.dom.d.ts.
//
//   every rule also needs upper and lower case, no 6-character alphabet run, and bytes that
//   are not all printable ASCII                     random secrets | camelCase | paths | node_modules
//                                                    missed         | passes    | pass  | passes
//   named:  entropy >= 4.0                           1e-7           | 83%       | 74%   | 288/435
//   nearby: entropy >= 4.25, class changes >= 14,    7.1e-4         | 1.6%      | 0.65% | 0/435
//           word letters <= 22
//
// Entropy alone cannot do the "nearby" job: at 4.25 (the random 0.01% quantile) it passes 46%
// of camelCase and 35% of paths, because mixed-case words carry about as many bits per
// character as base64. What words lack is churn between character classes (random base64
// changes class between ~24 of 39 neighbours, words mostly at word starts), and what they
// have is long lowercase runs (random base64 has a median of 6 letters in runs of 3 or more,
// and more than 22 in only 0.02% of cases). Base64 of text passes any entropy threshold
// (median 4.5, max 5.0) but decodes to printable ASCII, which 30 random bytes do with p ~ 1e-13.

/** Secrets assigned to a secret-like name (`aws_secret_access_key = …`): the name is the evidence. */
export const NAMED_MIN_ENTROPY = 4.0;
/** Secrets recognised only by a key ID a few lines away: the string itself must look random. */
export const NEARBY_MIN_ENTROPY = 4.25;
export const NEARBY_MIN_CLASS_CHANGES = 14;
export const NEARBY_MAX_WORD_LETTERS = 22;

/** Why a candidate is considered: its name, or its neighbourhood (a key ID within a few lines). */
export type SecretEvidence = 'named' | 'nearby';

/** Shannon entropy in bits per character (log2 of the alphabet size at most: 5.32 for 40 distinct characters). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const UPPER = 0;
const LOWER = 1;
const DIGIT = 2;
const OTHER = 3;

function classOf(code: number): number {
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 48 && code <= 57) return DIGIT;
  return OTHER;
}

/**
 * Changes of character class (upper, lower, digit) between neighbouring letters and digits,
 * plus one for each other character (`+`, `/`). A `/` counts once, not twice, so that
 * paths (`org/docs/Web/API`) do not score like random text.
 */
export function classChanges(text: string): number {
  let changes = 0;
  let previous = OTHER;
  for (let i = 0; i < text.length; i++) {
    const current = classOf(text.charCodeAt(i));
    if (current === OTHER) changes++;
    else if (previous !== OTHER && previous !== current) changes++;
    previous = current;
  }
  return changes;
}

/** Letters in runs of three or more lower-case letters: the bodies of words. */
export function wordLetters(text: string): number {
  let letters = 0;
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    if (code >= 97 && code <= 122) run++;
    else {
      if (run >= 3) letters += run;
      run = 0;
    }
  }
  return letters;
}

function hasUpperAndLower(text: string): boolean {
  return /[A-Z]/.test(text) && /[a-z]/.test(text);
}

/** Base64 whose bytes are all printable ASCII is encoded text, not 30 random bytes. */
function decodesToText(base64: string): boolean {
  for (const byte of Buffer.from(base64, 'base64')) {
    if (!((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d)) return false;
  }
  return true;
}

// Placeholders such as `abcdefgh…` or `ABCDEFGHIJKLMNOP…` have high entropy; six characters
// in alphabet order occur in a random 40-character string with p ~ 3e-8.
function hasAlphabetRun(text: string, length = 6): boolean {
  let run = 1;
  for (let i = 1; i < text.length; i++) {
    run = text.charCodeAt(i) === text.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

/** Whether a 40-character base64 candidate is random enough to be a secret, given the evidence for it. */
export function looksRandomEnough(secret: string, evidence: SecretEvidence): boolean {
  if (!hasUpperAndLower(secret) || hasAlphabetRun(secret) || decodesToText(secret)) return false;
  const entropy = shannonEntropy(secret);
  if (evidence === 'named') return entropy >= NAMED_MIN_ENTROPY;
  return (
    entropy >= NEARBY_MIN_ENTROPY &&
    classChanges(secret) >= NEARBY_MIN_CLASS_CHANGES &&
    wordLetters(secret) <= NEARBY_MAX_WORD_LETTERS
  );
}
