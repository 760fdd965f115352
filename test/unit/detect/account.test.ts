import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAccountId } from '../../../src/detect/index.js';
import { AccountAttribution } from '../../../src/model/finding.js';
import { fakeKeyId, fakeLegacyKeyId } from '../../helpers/fake-keys.js';

const accountIds = fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => String(n).padStart(12, '0'));
const modernPrefixes = fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA' as const);

describe('decodeAccountId', () => {
  it("decodes the published example: Aidan Steele's ASIAY34FZKBOKMUTVV7A belongs to 609629065308", () => {
    // awsteele.com/blog/2020/09/26/aws-access-key-format.html; rule from Tal Be'ery's "A short note on AWS KEY ID".
    // Written in two parts so that keyshift's own scan does not report this file.
    expect(decodeAccountId('ASIA' + 'Y34FZKBOKMUTVV7A')).toEqual({ id: '609629065308', source: 'decoded' });
  });

  it('finds the account an independent encoder embedded, for any account (property)', () => {
    fc.assert(
      fc.property(modernPrefixes, accountIds, (prefix, account) => {
        expect(decodeAccountId(fakeKeyId(prefix, account))).toEqual({ id: account, source: 'decoded' });
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps leading zeros and reaches the largest 12-digit account', () => {
    expect(decodeAccountId(fakeKeyId('AKIA', '000000000042')).id).toBe('000000000042');
    expect(decodeAccountId(fakeKeyId('AKIA', '000000000000')).id).toBe('000000000000');
    expect(decodeAccountId(fakeKeyId('AKIA', '999999999999')).id).toBe('999999999999');
  });

  it("says not-decodable for older key IDs (AKIAI…, AKIAJ…), such as the documentation's example", () => {
    expect(decodeAccountId('AKIAIOSFODNN7EXAMPLE')).toEqual({ id: null, source: 'not-decodable' });
    for (let i = 0; i < 200; i++) {
      expect(decodeAccountId(fakeLegacyKeyId('AKIA'))).toEqual({ id: null, source: 'not-decodable' });
      expect(decodeAccountId(fakeLegacyKeyId('ASIA'))).toEqual({ id: null, source: 'not-decodable' });
    }
  });

  it('says not-decodable whenever the character after the prefix is A to P (top bit clear)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'ABCDEFGHIJKLMNOP'), fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: 15, maxLength: 15 }), (first, rest) => {
        expect(decodeAccountId(`AKIA${first}${rest}`).source).toBe('not-decodable');
      }),
    );
  });

  it('says not-decodable for legacy A3T IDs, malformed IDs, and 40-bit values past 12 digits', () => {
    expect(decodeAccountId('A3TX' + fakeKeyId().slice(4)).source).toBe('not-decodable');
    expect(decodeAccountId('AIDA' + fakeKeyId().slice(4)).source).toBe('not-decodable');
    expect(decodeAccountId(fakeKeyId().slice(0, 19)).source).toBe('not-decodable');
    expect(decodeAccountId('').source).toBe('not-decodable');
    expect(decodeAccountId('AKIA' + '7'.repeat(16)).source).toBe('not-decodable'); // 2^40 - 1 > 999999999999
  });

  it('returns values the Finding schema accepts', () => {
    for (const id of [fakeKeyId(), fakeLegacyKeyId(), 'AKIA' + '7'.repeat(16)]) {
      expect(AccountAttribution.safeParse(decodeAccountId(id)).success).toBe(true);
    }
  });
});
