import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  classChanges,
  looksRandomEnough,
  NAMED_MIN_ENTROPY,
  NEARBY_MIN_CLASS_CHANGES,
  NEARBY_MIN_ENTROPY,
  NEARBY_MAX_WORD_LETTERS,
  shannonEntropy,
  wordLetters,
} from '../../../src/detect/index.js';
import { fakeSecret } from '../../helpers/fake-keys.js';

// Words from real identifiers, as found in code near credentials.
const WORDS = (
  'get set put list create delete update describe access key secret token client config request response ' +
  'handler service bucket object user role policy account region endpoint credentials provider session default ' +
  'internal module component button group item value error message upload download stream buffer'
).split(' ');
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const pick = () => WORDS[randomInt(WORDS.length)]!;
function cut40(build: () => string): string {
  for (;;) {
    const s = build();
    if (s.length >= 40) return s.slice(0, 40);
  }
}
const camelCase = () =>
  cut40(() => {
    let s = pick();
    while (s.length < 40) s += cap(pick());
    return s;
  });
const path = () =>
  cut40(() => {
    let s = pick();
    while (s.length < 40) s += '/' + (randomInt(2) ? pick() : cap(pick()) + cap(pick()));
    return s;
  });
const base64OfText = () => Buffer.from(cut40(() => Array.from({ length: 10 }, pick).join(' ')).slice(0, 30)).toString('base64');
const randomSecret = () => randomBytes(30).toString('base64');

describe('shannonEntropy', () => {
  it('measures bits per character', () => {
    expect(shannonEntropy('a'.repeat(40))).toBe(0);
    expect(shannonEntropy('ab'.repeat(20))).toBeCloseTo(1, 10);
    expect(shannonEntropy('abcd'.repeat(10))).toBeCloseTo(2, 10);
    const distinct = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn';
    expect(shannonEntropy(distinct)).toBeCloseTo(Math.log2(40), 10);
    expect(shannonEntropy('')).toBe(0);
  });
});

describe('classChanges', () => {
  it('counts changes between upper, lower and digit, and one per other character', () => {
    expect(classChanges('abcdef')).toBe(0);
    expect(classChanges('abcDEF')).toBe(1);
    expect(classChanges('aB3c')).toBe(3);
    expect(classChanges('ab/cd')).toBe(1); // the slash once, not the changes around it
    expect(classChanges('ab/CD')).toBe(1);
    expect(classChanges('a+/b')).toBe(2);
  });
});

describe('wordLetters', () => {
  it('counts letters in runs of three or more lower-case letters', () => {
    expect(wordLetters('ab')).toBe(0);
    expect(wordLetters('abc')).toBe(3);
    expect(wordLetters('getObjectAcl')).toBe(3 + 5); // get, bject
    expect(wordLetters('handleDtsMayChangeOfFileAndExportsOfFile')).toBe(6 + 5 + 3 + 6 + 3); // handle, hange, ile, xports, ile
    expect(wordLetters('aB3cDe/fgh')).toBe(3);
  });
});

describe('looksRandomEnough', () => {
  it('thresholds are ordered: the nearby evidence asks for more than a name', () => {
    expect(NEARBY_MIN_ENTROPY).toBeGreaterThan(NAMED_MIN_ENTROPY);
    expect(NEARBY_MIN_CLASS_CHANGES).toBeGreaterThan(0);
    expect(NEARBY_MAX_WORD_LETTERS).toBeLessThan(40);
  });

  it('accepts random secrets: all of them when named, nearly all when only nearby', () => {
    const n = 4000;
    let named = 0;
    let nearby = 0;
    for (let i = 0; i < n; i++) {
      const s = randomSecret();
      if (looksRandomEnough(s, 'named')) named++;
      if (looksRandomEnough(s, 'nearby')) nearby++;
    }
    // Measured miss rates: 1e-7 named, 7.1e-4 nearby (about 3 in 4,000).
    expect(named).toBeGreaterThanOrEqual(n - 1);
    expect(nearby).toBeGreaterThanOrEqual(n - 16);
    for (let i = 0; i < 200; i++) expect(looksRandomEnough(fakeSecret(), 'named')).toBe(true);
  });

  it('rejects low-entropy and placeholder strings whatever the evidence', () => {
    const samples = [
      'a'.repeat(40),
      'abcd'.repeat(10),
      'Aa'.repeat(20),
      'secretsecretsecretsecretsecretsecretsecr',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn', // the alphabet
      'xYz0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', // alphabet runs
      'YOURSECRETACCESSKEYGOESHEREXXXXXXXXXXXX1', // no lower case
      'your/secret/access/key/goes/here/1234567', // no upper case
    ];
    for (const s of samples) {
      expect(s).toHaveLength(40);
      expect(looksRandomEnough(s, 'named'), s).toBe(false);
      expect(looksRandomEnough(s, 'nearby'), s).toBe(false);
    }
  });

  it('rejects base64 of text, which has the entropy of a secret', () => {
    for (let i = 0; i < 500; i++) {
      const s = base64OfText();
      expect(s).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(looksRandomEnough(s, 'named')).toBe(false);
      expect(looksRandomEnough(s, 'nearby')).toBe(false);
    }
    expect(shannonEntropy(Buffer.from('{"user":"alice","id":4242,"x":"y"}'.slice(0, 30)).toString('base64'))).toBeGreaterThan(4);
  });

  it('rejects real identifiers and paths found in node_modules when only nearby', () => {
    // Among the highest-entropy 40-character tokens in this repository's dependencies.
    const real = [
      'org/docs/Web/API/HTMLCanvasElement/width',
      'org/docs/Web/API/DOMMatrixReadOnly/flipX',
      'handleDtsMayChangeOfFileAndExportsOfFile',
      'processSecondaryForGetManyRawNonBlocking',
      'HooksDispatcherOnMountWithHookTypesInDEV',
      'org/docs/Web/API/Document/getElementById',
    ];
    for (const s of real) {
      expect(shannonEntropy(s)).toBeGreaterThan(4); // entropy alone would not do
      expect(looksRandomEnough(s, 'nearby'), s).toBe(false);
    }
  });

  it('lets few synthetic identifiers and paths through when only nearby', () => {
    const n = 4000;
    let camel = 0;
    let paths = 0;
    for (let i = 0; i < n; i++) {
      if (looksRandomEnough(camelCase(), 'nearby')) camel++;
      if (looksRandomEnough(path(), 'nearby')) paths++;
    }
    // Measured with an 8,232-word vocabulary: 1.6% and 0.65%.
    expect(camel / n).toBeLessThan(0.03);
    expect(paths / n).toBeLessThan(0.015);
  });
});
