import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findKeyIds, isDocumentationExampleKeyId, keyKindOf } from '../../../src/detect/index.js';
import { fakeKeyId, fakeLegacyKeyId } from '../../helpers/fake-keys.js';
import { BASE32 } from './samples.js';

const base32Chars = (n: number) => fc.string({ unit: fc.constantFrom(...BASE32), minLength: n, maxLength: n });
const prefixes = fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3TA', 'A3T0', 'A3TZ', 'A3T9');
const keyIds = fc.tuple(prefixes, base32Chars(16)).map(([p, rest]) => p + rest).filter((id) => !id.endsWith('EXAMPLE'));
// Characters that end a word: anything but a letter or digit.
const separators = fc.constantFrom(' ', '"', "'", '=', ':', '/', '-', '_', ',', '(', ')', '\t', '\n', '<', '>', '&', '?', '.', '`');

describe('keyKindOf', () => {
  it('names the kind of every credential prefix', () => {
    expect(keyKindOf(fakeKeyId('AKIA'))).toBe('long-term');
    expect(keyKindOf(fakeKeyId('ASIA'))).toBe('temporary');
    expect(keyKindOf(fakeKeyId('ABIA'))).toBe('bearer-token');
    expect(keyKindOf(fakeKeyId('ACCA'))).toBe('context-specific');
    expect(keyKindOf('A3TX' + fakeKeyId().slice(4))).toBe('legacy');
    expect(keyKindOf(fakeLegacyKeyId('AKIA'))).toBe('long-term');
  });

  it('returns null for what is not a credential key ID', () => {
    const rest = fakeKeyId().slice(4);
    expect(keyKindOf('AIDA' + rest)).toBeNull(); // an IAM user ID, not a credential
    expect(keyKindOf('AROA' + rest)).toBeNull(); // a role ID
    expect(keyKindOf('AKIA' + rest.slice(1))).toBeNull(); // 19 characters
    expect(keyKindOf('AKIA' + rest + 'Q')).toBeNull(); // 21 characters
    expect(keyKindOf('akia' + rest.toLowerCase())).toBeNull();
    expect(keyKindOf('AKIA' + rest.slice(0, 15) + '0')).toBeNull(); // 0, 1, 8, 9 are not base32
    expect(keyKindOf('AKIA' + rest.slice(0, 15) + '8')).toBeNull();
    expect(keyKindOf('')).toBeNull();
  });
});

describe('findKeyIds', () => {
  it('finds a key ID with its kind and offset', () => {
    const id = fakeKeyId('ASIA');
    const text = `export AWS_ACCESS_KEY_ID=${id}\n`;
    expect(findKeyIds(text)).toEqual([{ keyId: id, kind: 'temporary', index: text.indexOf(id), documentationExample: false }]);
  });

  it('finds every random base32 key ID between separators (property)', () => {
    fc.assert(
      fc.property(keyIds, separators, separators, fc.string({ maxLength: 30 }), (id, before, after, noise) => {
        const text = `${noise}${before}${id}${after}${noise}`;
        const found = findKeyIds(text).filter((k) => k.keyId === id);
        expect(found.map((k) => k.index)).toContain(noise.length + before.length);
      }),
      { numRuns: 500 },
    );
  });

  it('requires a word boundary on both sides', () => {
    const id = fakeKeyId();
    expect(findKeyIds(`x${id}`)).toEqual([]);
    expect(findKeyIds(`7${id}`)).toEqual([]);
    expect(findKeyIds(`${id}x`)).toEqual([]);
    expect(findKeyIds(`${id}2`)).toEqual([]);
    expect(findKeyIds(`${id}Q`)).toEqual([]); // 21 base32 characters is not a key ID
    expect(findKeyIds(`_${id}_`).map((k) => k.keyId)).toEqual([id]);
    expect(findKeyIds(`${id}`).map((k) => k.keyId)).toEqual([id]);
  });

  it('treats a string escape before the key ID as a boundary', () => {
    const id = fakeKeyId();
    expect(findKeyIds(`"[default]\\n${id}\\n"`).map((k) => k.keyId)).toEqual([id]);
    expect(findKeyIds(`"\\t${id}"`).map((k) => k.keyId)).toEqual([id]);
    expect(findKeyIds(`n${id}`)).toEqual([]); // a plain letter n is not an escape
  });

  it('never matches a prefix other than the credential ones (property)', () => {
    const otherPrefixes = fc.constantFrom('AIDA', 'AROA', 'AGPA', 'ANPA', 'AIPA', 'APKA', 'ASCA', 'ANVA', 'AKIB', 'BKIA');
    fc.assert(
      fc.property(otherPrefixes, base32Chars(16), (p, rest) => {
        expect(findKeyIds(` ${p}${rest} `)).toEqual([]);
      }),
    );
  });

  it('leaves out AWS documentation examples unless asked', () => {
    const text = 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE and ASIAIOSFODNN7EXAMPLE';
    expect(findKeyIds(text)).toEqual([]);
    const all = findKeyIds(text, { includeDocumentationExamples: true });
    expect(all.map((k) => [k.keyId, k.documentationExample])).toEqual([
      ['AKIAIOSFODNN7EXAMPLE', true],
      ['ASIAIOSFODNN7EXAMPLE', true],
    ]);
    expect(isDocumentationExampleKeyId('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isDocumentationExampleKeyId(fakeKeyId())).toBe(false);
  });

  it('finds several key IDs in order', () => {
    const ids = [fakeKeyId('AKIA'), fakeLegacyKeyId('ASIA'), fakeKeyId('ACCA')];
    const text = ids.join('\n');
    expect(findKeyIds(text).map((k) => [k.keyId, k.index])).toEqual(ids.map((id) => [id, text.indexOf(id)]));
  });
});
