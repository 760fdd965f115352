import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCredentials, mightContainCredential } from '../../../src/detect/index.js';
import { containsDetectorString, planMatchesDetector } from '../../../src/detect/prefilter.js';
import { BASE32, BASE64, urlEncode } from './samples.js';

const chars = (alphabet: string, n: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n });
const keyId = fc
  .tuple(fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3TX', 'A3T7'), chars(BASE32, 16))
  .map(([p, rest]) => p + rest);
const secret = chars(BASE64, 40);
// Names in any casing: a detector that accepted a casing the prefilter does not search for
// would fail this property.
const secretName = fc.mixedCase(
  fc.constantFrom('aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'secretAccessKey', 'SecretAccessKey', 'secret_key', 'Secret Access Key', 'aws-secret-access-key', 'AWSSecretAccessKey'),
);
const filler = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '# config', 'region = us-east-1', '}', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
);
const line = fc.oneof(
  filler,
  keyId.map((k) => `aws_access_key_id = ${k}`),
  keyId,
  fc.tuple(secretName, fc.constantFrom(' = ', '=', ': ', '":"', '>', ' '), secret).map(([n, glue, s]) => `${n}${glue}${s}`),
  fc.tuple(keyId, secret).map(([k, s]) => `${k},${s}`),
  secret,
  fc.tuple(keyId, secret).map(([k, s]) => `new BasicAWSCredentials("${k}", "${s}")`),
  secret.map((s) => `?AWSSecretAccessKey=${urlEncode(s)}&x=1`),
  fc.tuple(secretName, secret).map(([n, s]) => `- name: ${n}\n  value: ${s}`),
);
const texts = fc.tuple(fc.array(line, { minLength: 1, maxLength: 14 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol));

describe('mightContainCredential', () => {
  it('never says no where the detector finds something (property)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        if (detectCredentials(text).length > 0) expect(mightContainCredential(Buffer.from(text, 'utf8'))).toBe(true);
        if (detectCredentials(Buffer.from(text, 'utf8').toString('latin1')).length > 0) {
          expect(mightContainCredential(Buffer.from(text, 'utf8'))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the property is not vacuous: most generated texts have findings, some do not', () => {
    const sample = fc.sample(texts, { numRuns: 500, seed: 42 });
    const withFindings = sample.filter((t) => detectCredentials(t).length > 0).length;
    expect(withFindings).toBeGreaterThan(200);
    expect(withFindings).toBeLessThan(500);
  });

  it('never says no for arbitrary text the detector finds something in (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        if (!mightContainCredential(Buffer.from(text, 'utf8'))) expect(detectCredentials(text)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('says no to text without any key ID prefix or secret word', () => {
    expect(mightContainCredential(Buffer.from('const x = 1;\nexport default x;\n'))).toBe(false);
    expect(mightContainCredential(Buffer.alloc(0))).toBe(false);
    expect(mightContainCredential(Buffer.from('A'.repeat(10_000)))).toBe(false);
  });

  it.each(['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'secret', 'Secret', 'SECRET'])('says maybe for %s', (needle) => {
    expect(mightContainCredential(Buffer.from(`${'x'.repeat(1000)}${needle}${'y'.repeat(1000)}`))).toBe(true);
  });
});

describe('mightContainCredential, the fast search', () => {
  it('its plan spells exactly the detector strings (else it falls back to the plain search)', () => {
    expect(planMatchesDetector()).toBe(true);
  });

  // Buffers rich in the bytes the plan searches for and checks before a hit.
  const rich = fc.array(fc.constantFrom('A', 'K', 'I', 'B', 'S', 'C', '3', 'T', 's', 'e', 'c', 'r', 't', 'E', 'R', 'x', '\n', 'é'), { maxLength: 80 });
  it('gives the same answer as searching for each string in turn (property)', () => {
    fc.assert(
      fc.property(fc.oneof(rich.map((cs) => cs.join('')), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const buf = Buffer.from(text, 'utf8');
        expect(mightContainCredential(buf)).toBe(containsDetectorString(buf));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'secret', 'Secret', 'SECRET'])('finds %s at the very start and end of a buffer', (needle) => {
    expect(mightContainCredential(Buffer.from(needle))).toBe(true);
    expect(mightContainCredential(Buffer.from(`xx${needle}`))).toBe(true);
    expect(mightContainCredential(Buffer.from(needle.slice(1)))).toBe(false);
  });
});
