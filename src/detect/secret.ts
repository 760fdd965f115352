// Secret access key candidates: 40 characters of base64 ([A-Za-z0-9+/]) standing alone, in
// plain form, URL-encoded (`+` and `/` as %2B and %2F, either case) or with JSON's escaped
// slash (`\/`). Encoded forms are decoded before hashing, so one secret has one fingerprint
// in every form. The secret itself never leaves this module: candidates carry its fingerprint.
import { looksRandomEnough } from './entropy.js';
import { secretFingerprint } from './fingerprint.js';
import { isAssignedToSecretName } from './secret-name.js';

export interface SecretCandidate {
  /** offset of the first character as written (possibly encoded), in UTF-16 code units */
  index: number;
  /** length as written: 40 in plain form, more when encoded */
  length: number;
  fingerprint: string;
  /** assigned to a secret-like name, and random enough for that evidence: a secret on its own */
  named: boolean;
  /** random enough to be taken for a secret when a key ID is a few lines away */
  randomEnoughNearKeyId: boolean;
}

// Not part of a longer base64 run on either side, nor followed by padding. A start right
// after an escape (`\n`, `%3D` for `=`) is still a start.
const BEFORE = String.raw`(?:(?<![A-Za-z0-9+/%\\])|(?<=\\[nrt]|%3[Dd]))`;
const AFTER = String.raw`(?![A-Za-z0-9+/=]|%2[BbFf]|%3[Dd]|\\/)`;
const PLAIN = new RegExp(String.raw`${BEFORE}[A-Za-z0-9+/]{40}${AFTER}`, 'g');
const ENCODED = new RegExp(String.raw`${BEFORE}(?:[A-Za-z0-9+/]|%2[BbFf]|\\/){40}${AFTER}`, 'g');

const GIT_SHA = /^[0-9a-fA-F]{40}$/;

function matches(pattern: RegExp, text: string): { index: number; text: string }[] {
  const found: { index: number; text: string }[] = [];
  const re = new RegExp(pattern); // its own lastIndex
  for (let m = re.exec(text); m; m = re.exec(text)) found.push({ index: m.index, text: m[0] });
  return found;
}

function decode(written: string): string {
  return written.replace(/%2[Bb]/g, '+').replace(/%2[Ff]/g, '/').replace(/\\\//g, '/');
}

/** AWS documentation's example secrets (wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and kin). */
export function isDocumentationExampleSecret(secret: string): boolean {
  return secret.endsWith('EXAMPLEKEY');
}

/** Part of a text, by offsets: [start, end). */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * Every 40-character string that could be a secret access key, in order, with what the
 * text says about it. Hex-only strings (git SHAs) and documentation examples are never
 * candidates. `within` limits the search to part of the text; its ends must fall on line
 * breaks (or the ends of the text), so that no candidate is cut in two.
 */
export function findSecretCandidates(text: string, within: TextRange = { start: 0, end: text.length }): SecretCandidate[] {
  const part = text.slice(within.start, within.end);
  const written = matches(PLAIN, part);
  // The encoded pattern is slower; run it only when an escape is there to be found.
  if (part.includes('%2') || part.includes('\\/')) {
    for (const m of matches(ENCODED, part)) if (m.text.includes('%') || m.text.includes('\\')) written.push(m);
    written.sort((a, b) => a.index - b.index);
  }
  for (const w of written) w.index += within.start;

  const candidates: SecretCandidate[] = [];
  for (const w of written) {
    const secret = decode(w.text);
    if (GIT_SHA.test(secret) || isDocumentationExampleSecret(secret)) continue;
    candidates.push({
      index: w.index,
      length: w.text.length,
      fingerprint: secretFingerprint(secret),
      named: isAssignedToSecretName(text, w.index) && looksRandomEnough(secret, 'named'),
      randomEnoughNearKeyId: looksRandomEnough(secret, 'nearby'),
    });
  }
  return candidates;
}
