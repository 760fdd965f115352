// Shared test material for the detector tests: synthetic credentials (never real, never the
// documentation examples) and a way to find where a string sits in a text.
import { fakeSecret } from '../../helpers/fake-keys.js';

export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const HEX = '0123456789abcdef';

// Computed here rather than with the code under test, so that choosing inputs does not
// depend on what is being tested.
function bitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.values()].reduce((h, n) => h - (n / s.length) * Math.log2(n / s.length), 0);
}

/**
 * A random secret well clear of the "nearby" thresholds (about 1 random secret in 2,000
 * falls under them), for tests that recognise a secret by a key ID near it and must not flake.
 */
export function vividSecret(): string {
  for (;;) {
    const s = fakeSecret();
    if (isVivid(s)) return s;
  }
}

export function isVivid(s: string): boolean {
  const digits = s.replace(/[^0-9]/g, '').length;
  const wordLetters = (s.match(/[a-z]{3,}/g) ?? []).join('').length;
  const classChanges = [...s].filter((c, i) => i > 0 && kind(c) !== kind(s[i - 1]!)).length;
  return bitsPerChar(s) >= 4.6 && digits >= 4 && /[+/]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s) && wordLetters <= 12 && classChanges >= 20;
}

const kind = (c: string) => (/[A-Z]/.test(c) ? 'U' : /[a-z]/.test(c) ? 'l' : /[0-9]/.test(c) ? 'd' : 's');

/** A secret that is base64 of 30 random bytes, always containing `+` or `/` (so its URL-encoded form differs). */
export function secretWithSlash(): string {
  for (;;) {
    const s = vividSecret();
    if (s.includes('/') && s.includes('+')) return s;
  }
}

/** 1-based line and column (UTF-16 code units) of the `nth` occurrence of `needle`. */
export function locate(text: string, needle: string, nth = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`needle not in text (occurrence ${nth})`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

export const urlEncode = (secret: string): string => secret.replace(/\+/g, '%2B').replace(/\//g, '%2F');
