// AWS access key IDs: a 4-character prefix that says what the credential is, then 16
// characters of base32 ([A-Z2-7]), 20 in all. Prefixes from the IAM "unique ID prefixes"
// table (AKIA, ASIA, ABIA, ACCA); A3T plus one character is an early access key format.
import type { KeyKind } from '../model/finding.js';

export interface KeyIdMatch {
  keyId: string;
  kind: KeyKind;
  /** offset of the first character in the text, in UTF-16 code units */
  index: number;
  /** an AWS documentation example (ends in EXAMPLE, e.g. AKIAIOSFODNN7EXAMPLE): never a finding */
  documentationExample: boolean;
}

/** The prefixes that denote credentials; the scanner's prefilter looks for the same strings. */
export const KEY_ID_PREFIXES = ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'] as const;

// "Word boundary" means no letter or digit either side. The left side is checked in code
// (startsWord): a leading lookbehind would stop V8 from scanning for the literal prefixes,
// which is 20 times faster.
const KEY_ID = /(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/g;
const WHOLE_KEY_ID = /^(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}$/;

const KIND_BY_PREFIX: Readonly<Record<string, KeyKind>> = {
  AKIA: 'long-term',
  ASIA: 'temporary',
  ABIA: 'bearer-token',
  ACCA: 'context-specific',
};

/** What a key ID's prefix says it is, or null when the string is not a key ID. */
export function keyKindOf(keyId: string): KeyKind | null {
  if (!WHOLE_KEY_ID.test(keyId)) return null;
  return KIND_BY_PREFIX[keyId.slice(0, 4)] ?? 'legacy';
}

export function isDocumentationExampleKeyId(keyId: string): boolean {
  return keyId.endsWith('EXAMPLE');
}

const isAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

// A key ID right after an escape such as `\n` (JSON strings, `echo -e`) still starts a word,
// although `n` is a letter.
function startsWord(text: string, index: number): boolean {
  if (index === 0 || !isAlphanumeric(text.charCodeAt(index - 1))) return true;
  return text[index - 2] === '\\' && 'nrt'.includes(text[index - 1]!);
}

/**
 * Every key ID in the text, in order. Documentation examples are left out unless asked for
 * (the detector wants their positions so that nothing overlapping them is taken for a secret).
 */
export function findKeyIds(text: string, options: { includeDocumentationExamples?: boolean } = {}): KeyIdMatch[] {
  const found: KeyIdMatch[] = [];
  const pattern = new RegExp(KEY_ID); // its own lastIndex
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (!startsWord(text, m.index)) continue;
    const keyId = m[0];
    const documentationExample = isDocumentationExampleKeyId(keyId);
    if (documentationExample && !options.includeDocumentationExamples) continue;
    found.push({ keyId, kind: KIND_BY_PREFIX[keyId.slice(0, 4)] ?? 'legacy', index: m.index, documentationExample });
  }
  return found;
}
