// The AWS account ID embedded in a modern access key ID, without calling AWS.
//
// Sources: Aidan Steele, "AWS Access Key ID formats" (awsteele.com, 2020-09-26) found that
// the characters after the prefix are base32 and that they encode the account; Tal
// Be'ery, "A short note on AWS KEY ID" (Medium, 2023) gave the exact rule: base32-decode the
// 16 characters after the 4-character prefix, take the first 6 bytes as a big-endian
// integer, mask 0x7fffffffff80, shift right 7; his worked example ASIAY34FZKBOKMUTVV7A
// yields 609629065308. WithSecure Labs (Pallavi Sivakumaran, "A bitwise analysis of AWS
// access key identifiers", 3000+ key IDs) found the top bit of that integer to be a
// generation flag: 1 = new generation, which embeds the account; 0 = old generation
// (AKIAI…, AKIAJ…, and the documentation's AKIAIOSFODNN7EXAMPLE), from which no account
// can be derived. Legacy A3T… IDs are not known to embed one either.
import type { AccountAttribution } from '../model/finding.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MODERN_KEY_ID = /^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/;
const NOT_DECODABLE: AccountAttribution = { id: null, source: 'not-decodable' };
const BIT_47 = 2 ** 47;

/** The account a key ID belongs to, decoded from the ID itself; `not-decodable` for older formats. */
export function decodeAccountId(keyId: string): AccountAttribution {
  if (!MODERN_KEY_ID.test(keyId)) return { ...NOT_DECODABLE };
  // The first 48 bits are in the first 10 base32 characters (50 bits); a double holds them exactly.
  let bits50 = 0;
  for (let i = 4; i < 14; i++) bits50 = bits50 * 32 + BASE32.indexOf(keyId[i]!);
  const first48 = Math.floor(bits50 / 4);
  if (first48 < BIT_47) return { ...NOT_DECODABLE };
  const account = Math.floor((first48 - BIT_47) / 128); // (first48 & 0x7fffffffff80) >> 7
  // 40 bits reach past 12 digits; such an ID names no real account.
  if (account > 999_999_999_999) return { ...NOT_DECODABLE };
  return { id: String(account).padStart(12, '0'), source: 'decoded' };
}
