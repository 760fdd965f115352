import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecretCandidates, isDocumentationExampleSecret, secretFingerprint } from '../../../src/detect/index.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../../helpers/fake-keys.js';
import { HEX, secretWithSlash, urlEncode, vividSecret } from './samples.js';

const only = (text: string) => {
  const found = findSecretCandidates(text);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('findSecretCandidates: shape', () => {
  it('finds a standalone 40-character base64 string, with its fingerprint and offset', () => {
    const s = fakeSecret();
    const text = `value: ${s}\n`;
    const c = only(text);
    expect(c).toMatchObject({ index: text.indexOf(s), length: 40, fingerprint: secretFingerprint(s) });
  });

  it('ignores strings of the wrong length or inside longer base64', () => {
    const s = fakeSecret();
    expect(findSecretCandidates(` ${s.slice(1)} `)).toEqual([]); // 39
    expect(findSecretCandidates(` ${s}A `)).toEqual([]); // 41
    expect(findSecretCandidates(` ${s}= `)).toEqual([]); // followed by base64 padding
    expect(findSecretCandidates(` +${s} `)).toEqual([]);
    expect(findSecretCandidates(` /${s} `)).toEqual([]);
    expect(findSecretCandidates(` ${s}${s} `)).toEqual([]);
  });

  it('never takes a hex-only string for a secret (git SHAs), in either case (property)', () => {
    const hex40 = fc.string({ unit: fc.constantFrom(...HEX), minLength: 40, maxLength: 40 });
    fc.assert(
      fc.property(hex40, fc.boolean(), (sha, upper) => {
        const text = `aws_secret_access_key = ${upper ? sha.toUpperCase() : sha}`;
        expect(findSecretCandidates(text)).toEqual([]);
      }),
    );
  });

  it('never takes an AWS documentation example secret', () => {
    const example = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(isDocumentationExampleSecret(example)).toBe(true);
    expect(findSecretCandidates(`aws_secret_access_key = ${example}`)).toEqual([]);
    expect(findSecretCandidates(`AWSSecretAccessKey=${urlEncode(example)}`)).toEqual([]);
    expect(findSecretCandidates('aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY')).toEqual([]);
  });
});

describe('findSecretCandidates: encoded forms', () => {
  it('decodes the URL-encoded form (%2B, %2F, either case) to the same fingerprint', () => {
    const s = secretWithSlash();
    const encoded = urlEncode(s);
    const text = `https://example.test/?AWSSecretAccessKey=${encoded}&Expires=1`;
    const c = only(text);
    expect(c.fingerprint).toBe(secretFingerprint(s));
    expect(c.index).toBe(text.indexOf(encoded));
    expect(c.length).toBe(encoded.length);
    const lower = s.replace(/\+/g, '%2b').replace(/\//g, '%2f');
    expect(only(`AWSSecretAccessKey=${lower}`).fingerprint).toBe(secretFingerprint(s));
  });

  it("decodes JSON's escaped slash to the same fingerprint", () => {
    const s = secretWithSlash();
    const c = only(`{"SecretAccessKey":"${s.replace(/\//g, '\\/')}"}`);
    expect(c.fingerprint).toBe(secretFingerprint(s));
    expect(c.named).toBe(true);
  });

  it('ignores an encoded run that decodes to more or fewer than 40 characters', () => {
    const s = secretWithSlash();
    expect(findSecretCandidates(`x=${urlEncode(s)}A`)).toEqual([]);
    expect(findSecretCandidates(`x=${urlEncode(s.slice(1))}&`)).toEqual([]);
    expect(findSecretCandidates(`x=${urlEncode(s)}%3D`)).toEqual([]); // encoded padding
  });
});

describe('findSecretCandidates: names', () => {
  const s = vividSecret();
  const named = [
    `aws_secret_access_key = ${s}`,
    `aws_secret_access_key=${s}`,
    `AWS_SECRET_ACCESS_KEY=${s}`,
    `export AWS_SECRET_ACCESS_KEY="${s}"`,
    `set AWS_SECRET_ACCESS_KEY=${s}`,
    `$env:AWS_SECRET_ACCESS_KEY = "${s}"`,
    `  "secretAccessKey": "${s}",`,
    `  "SecretAccessKey" : "${s}"`,
    `secretAccessKey: '${s}',`,
    `SecretAccessKey: ${s}`,
    `  secret_key = "${s}"`,
    `  aws_secret_key = "${s}"`,
    `aws --aws-secret-access-key ${s} s3 ls`,
    `--aws-secret-access-key=${s}`,
    `Secret Access Key: ${s}`,
    `Secret access key: ${s}`,
    `<SecretAccessKey>${s}</SecretAccessKey>`,
    `ENV AWS_SECRET_ACCESS_KEY=${s}`,
    `ENV AWS_SECRET_ACCESS_KEY ${s}`,
    `ARG AWS_SECRET_ACCESS_KEY=${s}`,
    `os.environ["AWS_SECRET_ACCESS_KEY"] = "${s}"`,
    `os.Setenv("AWS_SECRET_ACCESS_KEY", "${s}")`,
    `s3 = boto3.client("s3", aws_secret_access_key="${s}")`,
    `    SecretAccessKey: "${s}",`,
    `.secretAccessKey("${s}")`,
    `AWS_SECRET=${s}`,
    `"{\\"SecretAccessKey\\":\\"${s}\\"}"`,
    `new BasicAWSCredentials("${fakeKeyId()}", "${s}")`,
    `AwsBasicCredentials.create("${fakeKeyId()}", "${s}")`,
    `credentials.NewStaticCredentials("${fakeKeyId()}", "${s}", "")`,
    `?AWSAccessKeyId=${fakeKeyId()}&AWSSecretAccessKey=${s}`,
  ];
  it.each(named)('named: %s', (line) => {
    expect(only(line).named).toBe(true);
  });

  it('recognises a name on the line before a value: entry (Kubernetes, ECS)', () => {
    expect(only(`env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: "${s}"\n`).named).toBe(true);
    expect(only(`[{\n  "name": "AWS_SECRET_ACCESS_KEY",\n  "value": "${s}"\n}]`).named).toBe(true);
    expect(only(`  - name: AWS_REGION\n    value: "${s}"\n`).named).toBe(false);
    expect(only(`  - name: AWS_SECRET_ACCESS_KEY\n    other: "${s}"\n`).named).toBe(false);
  });

  const unnamed = [
    `${s}`,
    `password = ${s}`,
    `aws_access_key_id = ${s}`,
    `secret_key_file = ${s}`, // names something else
    `# the secret key is below\n${s}`,
    `aws_secret_access_key = # see vault, then the id:\nid=${s}`,
    `SeCrEt_KeY = ${s}`, // casing nobody writes, and the prefilter does not look for
    `aws_secret_access_key ${'.'.repeat(200)} ${s}`,
    `new Credentials("${s}", "x")`,
  ];
  it.each(unnamed)('not named: %s', (text) => {
    expect(findSecretCandidates(text).map((c) => c.named)).toEqual([false]);
  });

  it('does not accept a named but low-entropy value', () => {
    expect(findSecretCandidates(`aws_secret_access_key = ${'x'.repeat(40)}`).map((c) => c.named)).toEqual([false]);
    const text = Buffer.from('this value is really just text').toString('base64');
    expect(findSecretCandidates(`aws_secret_access_key = ${text}`).map((c) => c.named)).toEqual([false]);
  });
});

describe('findSecretCandidates: the secret stays inside', () => {
  it('returns no part of the secret, in plain or encoded form', () => {
    const s = secretWithSlash();
    const out = JSON.stringify([
      findSecretCandidates(`aws_secret_access_key = ${s}`),
      findSecretCandidates(`AWSSecretAccessKey=${urlEncode(s)}`),
    ]);
    for (const piece of secretPieces(s)) expect(out).not.toContain(piece);
  });

  it('limits the search to a range that starts and ends at line breaks', () => {
    const a = vividSecret();
    const b = vividSecret();
    const text = `x=${a}\ny=${b}\n`;
    const start = text.indexOf('\n') + 1;
    const found = findSecretCandidates(text, { start, end: text.length - 1 });
    expect(found.map((c) => [c.index, c.fingerprint])).toEqual([[text.indexOf(b), secretFingerprint(b)]]);
  });
});
