import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectCredentials, findingFingerprint, secretFingerprint } from '../../../src/detect/index.js';
import { Finding, SecretFingerprint } from '../../../src/model/finding.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { vividSecret } from './samples.js';

describe('secretFingerprint', () => {
  it('is sha256: and the first 12 hex digits of the SHA-256', () => {
    // FIPS 180-2 test vector: SHA-256("abc") = ba7816bf8f01cfea…
    expect(secretFingerprint('abc')).toBe('sha256:ba7816bf8f01');
    const s = fakeSecret();
    expect(SecretFingerprint.safeParse(secretFingerprint(s)).success).toBe(true);
    expect(secretFingerprint(s)).not.toBe(secretFingerprint(fakeSecret()));
  });
});

describe('findingFingerprint', () => {
  const keyId = fakeKeyId();

  it('is ks1: and 16 hex digits of SHA-256 over rule, NUL, subject, NUL, path', () => {
    const expected = createHash('sha256').update(`aws-access-key-id\0${keyId}\0config/app.env`).digest('hex').slice(0, 16);
    expect(findingFingerprint('aws-access-key-id', keyId, 'config/app.env')).toBe(`ks1:${expected}`);
    expect(Finding.shape.fingerprint.safeParse(findingFingerprint('aws-access-key-id', keyId, 'a')).success).toBe(true);
  });

  it('changes with rule, subject and path, and the separators keep fields apart', () => {
    const base = findingFingerprint('aws-access-key-pair', keyId, 'a/b');
    expect(findingFingerprint('aws-access-key-id', keyId, 'a/b')).not.toBe(base);
    expect(findingFingerprint('aws-access-key-pair', fakeKeyId(), 'a/b')).not.toBe(base);
    expect(findingFingerprint('aws-access-key-pair', keyId, 'a/c')).not.toBe(base);
    expect(findingFingerprint('aws-access-key-pair', `${keyId}a`, '/b')).not.toBe(base);
  });

  it('survives edits that move lines: the detections it is built from do not carry the line', () => {
    const s = vividSecret();
    const before = `aws_access_key_id = ${keyId}\naws_secret_access_key = ${s}\n`;
    const after = `# moved down\n\n\n${before}`;
    const fp = (text: string) =>
      detectCredentials(text).map((d) => findingFingerprint(d.rule, d.keyId ?? d.secretFingerprint!, 'creds'));
    expect(fp(after)).toEqual(fp(before));
    expect(detectCredentials(after)[0]!.line).toBe(detectCredentials(before)[0]!.line + 3);
  });
});
