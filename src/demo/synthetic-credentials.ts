// Synthetic AWS credentials for the demo and the tests: random, never real, never the
// documentation examples.
// Key IDs can embed a chosen account ID the way modern AWS key IDs do (40 bits of the first
// 6 bytes of the base32-decoded ID, shifted left by 7, with the top bit set), so the
// decoder is tested against an independent encoder.
import { randomBytes, randomInt } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A modern key ID embedding `account` (12 digits). */
export function fakeKeyId(prefix: 'AKIA' | 'ASIA' | 'ABIA' | 'ACCA' = 'AKIA', account = '123456789012'): string {
  const rand = randomBytes(10);
  const z = (1n << 47n) | (BigInt(account) << 7n) | BigInt(rand[0]! & 0x7f);
  const bytes = new Uint8Array(10);
  for (let i = 0; i < 6; i++) bytes[i] = Number((z >> BigInt(8 * (5 - i))) & 0xffn);
  bytes.set(rand.subarray(6, 10), 6);
  const id = prefix + base32(bytes);
  return id.endsWith('EXAMPLE') ? fakeKeyId(prefix, account) : id;
}

/** An older key ID (AKIAI… / AKIAJ…) that does not embed an account ID. */
export function fakeLegacyKeyId(prefix: 'AKIA' | 'ASIA' = 'AKIA'): string {
  let id = prefix + (randomInt(2) === 0 ? 'I' : 'J');
  while (id.length < 20) id += BASE32[randomInt(32)];
  return id.endsWith('EXAMPLE') ? fakeLegacyKeyId(prefix) : id;
}

/** A random 40-character secret access key with upper, lower and digits in it. */
export function fakeSecret(): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 40; i++) s += BASE64[randomInt(64)];
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

/** Every 8-character window of a secret: none may appear in any output. */
export function secretPieces(secret: string, width = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + width <= secret.length; i++) pieces.push(secret.slice(i, i + width));
  return pieces;
}
