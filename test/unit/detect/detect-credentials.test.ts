import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCredentials, secretFingerprint } from '../../../src/detect/index.js';
import type { DetectedCredential } from '../../../src/detect/index.js';
import { fakeKeyId, fakeLegacyKeyId, secretPieces } from '../../helpers/fake-keys.js';
import { BASE32, BASE64, HEX, isVivid, locate, secretWithSlash, urlEncode, vividSecret } from './samples.js';

const chars = (alphabet: string, n: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n });
const arbKeyId = chars(BASE32, 16).map((rest) => `AKIA${rest}`).filter((k) => !k.endsWith('EXAMPLE'));
const arbVividSecret = chars(BASE64, 40).filter(isVivid);
// Lines that hold no credential of their own.
const arbFiller = fc.constantFrom('', '# comment', 'region = us-east-1', '[profile x]', 'output = json', '}', '  - item');

/** The one finding a text must produce: a pair of `keyId` and `secret`, at the key ID. */
function expectOnePair(text: string, keyId: string, secret: string): DetectedCredential {
  const found = detectCredentials(text);
  expect(found).toEqual([
    {
      rule: 'aws-access-key-pair',
      severity: 'critical',
      keyId,
      keyKind: 'long-term',
      secretFingerprint: secretFingerprint(secret),
      ...locate(text, keyId),
      allowed: false,
    },
  ]);
  return found[0]!;
}

describe('detectCredentials: a key ID and its secret, in every format', () => {
  const k = fakeKeyId();
  const s = vividSecret();
  const formats: Record<string, string> = {
    'ini ~/.aws/credentials': `[default]\naws_access_key_id = ${k}\naws_secret_access_key = ${s}\nregion = eu-west-1\n`,
    '.env': `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${k}\nAWS_SECRET_ACCESS_KEY=${s}\n`,
    'shell export': `#!/bin/sh\nexport AWS_ACCESS_KEY_ID="${k}"\nexport AWS_SECRET_ACCESS_KEY="${s}"\naws s3 ls\n`,
    'JSON, one line': `{"AccessKeyId":"${k}","SecretAccessKey":"${s}","SessionToken":null}`,
    'JSON, pretty': `{\n  "Credentials": {\n    "AccessKeyId": "${k}",\n    "SecretAccessKey": "${s}"\n  }\n}\n`,
    YAML: `aws:\n  region: us-east-1\n  accessKeyId: ${k}\n  secretAccessKey: ${s}\n`,
    'HCL (terraform provider)': `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${k}"\n  secret_key = "${s}"\n}\n`,
    'JavaScript': `const client = new S3Client({\n  credentials: {\n    accessKeyId: '${k}',\n    secretAccessKey: '${s}',\n  },\n});\n`,
    'Python boto3': `s3 = boto3.client(\n    "s3",\n    aws_access_key_id="${k}",\n    aws_secret_access_key="${s}",\n)\n`,
    'Java': `AWSCredentials creds = new BasicAWSCredentials("${k}", "${s}");\n`,
    'Go, static provider': `creds := credentials.NewStaticCredentialsProvider("${k}", "${s}", "")\n`,
    'Go, struct': `aws.Credentials{\n\tAccessKeyID:     "${k}",\n\tSecretAccessKey: "${s}",\n}\n`,
    Dockerfile: `FROM node:22\nENV AWS_ACCESS_KEY_ID=${k} \\\n    AWS_SECRET_ACCESS_KEY=${s}\nRUN npm ci\n`,
    'Dockerfile, ENV without =': `FROM alpine\nENV AWS_ACCESS_KEY_ID ${k}\nENV AWS_SECRET_ACCESS_KEY ${s}\n`,
    'CLI flags': `aws configure set --aws-access-key-id ${k} --aws-secret-access-key ${s}\n`,
    'labelled text': `Your new key:\nAccess key ID: ${k}\nSecret access key: ${s}\n`,
    'XML (STS response)': `<Credentials>\n  <AccessKeyId>${k}</AccessKeyId>\n  <SecretAccessKey>${s}</SecretAccessKey>\n</Credentials>\n`,
    'CSV (console download)': `Access key ID,Secret access key\n${k},${s}\n`,
    'Kubernetes env': `env:\n  - name: AWS_ACCESS_KEY_ID\n    value: ${k}\n  - name: AWS_SECRET_ACCESS_KEY\n    value: "${s}"\n`,
    'PowerShell': `$env:AWS_ACCESS_KEY_ID = "${k}"\r\n$env:AWS_SECRET_ACCESS_KEY = "${s}"\r\n`,
    'unnamed, a few lines apart': `${k}\n\n# note\n${s}\n`,
  };
  it.each(Object.entries(formats))('%s', (_format, text) => {
    expectOnePair(text, k, s);
  });

  it('URL query string with a URL-encoded secret', () => {
    const secret = secretWithSlash();
    const text = `curl "https://sqs.example.test/?Action=List&AWSAccessKeyId=${k}&AWSSecretAccessKey=${urlEncode(secret)}&Version=1"`;
    expect(urlEncode(secret)).not.toBe(secret);
    expectOnePair(text, k, secret);
  });

  it('a secret-like name alone is enough for a secret without a key ID', () => {
    const text = `# CI settings\nAWS_SECRET_ACCESS_KEY=${s}\n`;
    expect(detectCredentials(text)).toEqual([
      { rule: 'aws-secret-access-key', severity: 'high', secretFingerprint: secretFingerprint(s), ...locate(text, s), allowed: false },
    ]);
  });

  it('a key ID alone is a finding', () => {
    const text = `aws_access_key_id = ${k}\n`;
    expect(detectCredentials(text)).toEqual([
      { rule: 'aws-access-key-id', severity: 'high', keyId: k, keyKind: 'long-term', ...locate(text, k), allowed: false },
    ]);
  });
});

describe('detectCredentials: what is not a finding', () => {
  const k = fakeKeyId();

  it('AWS documentation examples', () => {
    const text = [
      '[default]',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'AWSAccessKeyId=ASIAIOSFODNN7EXAMPLE&AWSSecretAccessKey=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY',
    ].join('\n');
    expect(detectCredentials(text)).toEqual([]);
  });

  it('a random-looking string that is neither named nor near a key ID', () => {
    expect(detectCredentials(`checksum: ${vividSecret()}\n`)).toEqual([]);
    const far = `${k}\n${'\n'.repeat(10)}${vividSecret()}\n`;
    expect(detectCredentials(far).map((f) => f.rule)).toEqual(['aws-access-key-id']);
  });

  it.each([
    ['a git SHA', 'commit 3f786850e387550fdab836ed7e6dc881de23001b'],
    ['a low-entropy string', 'a'.repeat(40)],
    ['a path', 'src/components/ButtonGroup/ButtonGroupItem'.slice(0, 40)],
    ['a camelCase identifier', 'getBucketLifecycleConfigurationRequestIn'],
    ['base64 of text', Buffer.from('the quick brown fox jumps over').toString('base64')],
  ])('%s next to a key ID is not a secret', (_what, neighbour) => {
    for (const text of [`${k} ${neighbour}`, `${k}\n${neighbour}\n`]) {
      expect(detectCredentials(text).map((f) => f.rule)).toEqual(['aws-access-key-id']);
    }
  });
});

describe('detectCredentials: pairing', () => {
  it('pairs on the same line, and within the proximity window', () => {
    for (const gap of [0, 1, 3, 5]) {
      const k = fakeKeyId();
      const s = vividSecret();
      const text = gap === 0 ? `${k} ${s}` : `${k}${'\n'.repeat(gap)}${s}`;
      expect(detectCredentials(text).map((f) => [f.rule, f.secretFingerprint]), `gap ${gap}`).toEqual([
        ['aws-access-key-pair', secretFingerprint(s)],
      ]);
    }
  });

  it('does not pair beyond the window: an unnamed secret is then not a secret, a named one stands alone', () => {
    const k = fakeKeyId();
    const s = vividSecret();
    expect(detectCredentials(`${k}${'\n'.repeat(6)}${s}`).map((f) => f.rule)).toEqual(['aws-access-key-id']);
    const named = `${k}${'\n'.repeat(6)}aws_secret_access_key = ${s}`;
    expect(detectCredentials(named).map((f) => f.rule)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
  });

  it('takes the window from the proximityLines option', () => {
    const k = fakeKeyId();
    const s = vividSecret();
    const text = `${k}\n\n\n\n\n\n\n\naws_secret_access_key = ${s}`; // 8 lines apart
    expect(detectCredentials(text, { proximityLines: 8 }).map((f) => f.rule)).toEqual(['aws-access-key-pair']);
    expect(detectCredentials(text, { proximityLines: 7 }).map((f) => f.rule)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
    const twoLines = `${k}\naws_secret_access_key = ${s}`;
    expect(detectCredentials(twoLines, { proximityLines: 0 }).map((f) => f.rule)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
    expect(detectCredentials(`${k} ${s}`, { proximityLines: 0 }).map((f) => f.rule)).toEqual(['aws-access-key-pair']);
  });

  it('rejects a nonsensical window without echoing the text', () => {
    expect(() => detectCredentials('x', { proximityLines: -1 })).toThrow(RangeError);
    expect(() => detectCredentials('x', { proximityLines: 1.5 })).toThrow(RangeError);
  });

  it('pairs each profile of a credentials file with its own secret', () => {
    const [k1, k2, k3] = [fakeKeyId(), fakeKeyId('ASIA'), fakeLegacyKeyId()];
    const [s1, s2, s3] = [vividSecret(), vividSecret(), vividSecret()];
    const text = [
      '[default]', `aws_access_key_id = ${k1}`, `aws_secret_access_key = ${s1}`,
      '[staging]', `aws_secret_access_key = ${s2}`, `aws_access_key_id = ${k2}`, 'aws_session_token = x',
      '[old]', `aws_access_key_id = ${k3}`, `aws_secret_access_key = ${s3}`,
    ].join('\n');
    expect(detectCredentials(text).map((f) => [f.keyId, f.secretFingerprint, f.severity])).toEqual([
      [k1, secretFingerprint(s1), 'critical'],
      [k2, secretFingerprint(s2), 'high'],
      [k3, secretFingerprint(s3), 'critical'],
    ]);
  });

  it('prefers a same-line secret over a nearer-line one, for every key', () => {
    // Key by key, k1 would take s2 (one line away) and leave k2 to s1; nearest-first gets both right.
    const [k1, k2] = [fakeKeyId(), fakeKeyId()];
    const [s1, s2] = [vividSecret(), vividSecret()];
    const text = `${k1}\n${k2} ${s2}\n\n${s1}`;
    expect(detectCredentials(text).map((f) => [f.keyId, f.secretFingerprint])).toEqual([
      [k1, secretFingerprint(s1)],
      [k2, secretFingerprint(s2)],
    ]);
  });

  it('pairs on one line by distance: CSV rows of several keys', () => {
    const rows = Array.from({ length: 3 }, () => [fakeKeyId(), vividSecret()] as const);
    const text = `Access key ID,Secret access key\n${rows.map(([k, s]) => `${k},${s}`).join('\n')}\n`;
    expect(detectCredentials(text).map((f) => [f.keyId, f.secretFingerprint])).toEqual(rows.map(([k, s]) => [k, secretFingerprint(s)]));
  });

  it('leaves a second key ID unpaired when there is one secret', () => {
    const [k1, k2] = [fakeKeyId(), fakeKeyId('ASIA')];
    const s = vividSecret();
    const text = `${k1}\naws_secret_access_key = ${s}\n${k2}`;
    expect(detectCredentials(text).map((f) => [f.rule, f.keyId])).toEqual([
      ['aws-access-key-pair', k1],
      ['aws-access-key-id', k2],
    ]);
  });
});

describe('detectCredentials: pairing properties', () => {
  it('pairs any key ID with any secret up to 5 lines away, named or not', () => {
    fc.assert(
      fc.property(arbKeyId, arbVividSecret, fc.array(arbFiller, { maxLength: 4 }), fc.boolean(), fc.boolean(), (k, s, between, named, secretFirst) => {
        const secretLine = named ? `aws_secret_access_key = ${s}` : s;
        const lines = secretFirst ? [secretLine, ...between, `id: ${k}`] : [`id: ${k}`, ...between, secretLine];
        const found = detectCredentials(lines.join('\n'));
        expect(found.map((f) => [f.rule, f.keyId, f.secretFingerprint])).toEqual([['aws-access-key-pair', k, secretFingerprint(s)]]);
      }),
      { numRuns: 300 },
    );
  });

  it('never pairs a key ID with a hex string (git SHA), on the same line or nearby', () => {
    fc.assert(
      fc.property(arbKeyId, chars(HEX, 40), fc.constantFrom(' ', ',', '\n', '\n\n', ' = ', '\naws_secret_access_key = '), fc.boolean(), (k, sha, glue, upper) => {
        const found = detectCredentials(`${k}${glue}${upper ? sha.toUpperCase() : sha}`);
        expect(found.map((f) => f.rule)).toEqual(['aws-access-key-id']);
      }),
      { numRuns: 500 },
    );
  });
});

describe('detectCredentials: severity by kind', () => {
  it.each([
    ['AKIA', 'critical', 'high'],
    ['ASIA', 'high', 'medium'],
    ['ABIA', 'high', 'medium'],
    ['ACCA', 'high', 'medium'],
  ] as const)('%s: pair %s, alone %s', (prefix, pair, alone) => {
    const k = fakeKeyId(prefix);
    expect(detectCredentials(`${k} ${vividSecret()}`)[0]?.severity).toBe(pair);
    expect(detectCredentials(`${k}`)[0]?.severity).toBe(alone);
  });

  it('legacy A3T key IDs are long-lived: pair critical, alone high', () => {
    const k = 'A3TB' + fakeKeyId().slice(4);
    expect(detectCredentials(`${k} ${vividSecret()}`).map((f) => [f.keyKind, f.severity])).toEqual([['legacy', 'critical']]);
    expect(detectCredentials(k).map((f) => [f.keyKind, f.severity])).toEqual([['legacy', 'high']]);
  });
});

describe('detectCredentials: keyshift:allow', () => {
  const k = fakeKeyId();
  const s = vividSecret();
  it('allows a finding whose line carries the comment', () => {
    expect(detectCredentials(`AWS_ACCESS_KEY_ID=${k} # keyshift:allow`)[0]?.allowed).toBe(true);
    expect(detectCredentials(`const secretAccessKey = '${s}'; // keyshift:allow\n`)[0]?.allowed).toBe(true);
  });
  it("allows a pair when the secret's line carries it", () => {
    const found = detectCredentials(`id=${k}\naws_secret_access_key=${s} # keyshift:allow`);
    expect(found.map((f) => [f.rule, f.allowed])).toEqual([['aws-access-key-pair', true]]);
  });
  it('does not allow from another line', () => {
    const found = detectCredentials(`# keyshift:allow\nid=${k}\n\naws_secret_access_key=${s}\n# keyshift:allow`);
    expect(found.map((f) => [f.rule, f.allowed])).toEqual([['aws-access-key-pair', false]]);
  });
});

describe('detectCredentials: positions and order', () => {
  it('reports 1-based lines and columns in UTF-16 code units, with CRLF line ends', () => {
    const k = fakeKeyId();
    const text = `title: 😀 ünïcode\r\n😀 ${k}\r\n`;
    expect(detectCredentials(text).map((f) => [f.line, f.column])).toEqual([[2, 4]]); // the emoji is 2 code units
  });

  it('orders findings by line, then column', () => {
    const [k1, k2, k3] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    const s = vividSecret();
    const text = `${k1} and ${k2}\n${'\n'.repeat(8)}SECRET_KEY=${s}\n${'\n'.repeat(8)}${k3}`;
    const found = detectCredentials(text);
    expect(found.map((f) => [f.line, f.column])).toEqual([
      [1, 1],
      [1, 26],
      [10, 12],
      [19, 1],
    ]);
    expect(found.map(({ line, column }) => ({ line, column }))).toEqual([locate(text, k1), locate(text, k2), locate(text, s), locate(text, k3)]);
    expect(found.map((f) => f.keyId ?? f.rule)).toEqual([k1, k2, 'aws-secret-access-key', k3]);
  });

  it('gives the same result for the same text (deterministic)', () => {
    const text = `${fakeKeyId()} ${vividSecret()}\n${fakeKeyId('ASIA')}\nsecret_key="${vividSecret()}"`;
    expect(detectCredentials(text)).toEqual(detectCredentials(text));
  });
});

describe('detectCredentials: scale', () => {
  it('handles a dump of thousands of pairs in linear time', () => {
    const rows = Array.from({ length: 5000 }, () => [fakeKeyId(), vividSecret()] as const);
    const text = rows.map(([k, s]) => `${k}|${s}|us-east-1`).join('\n');
    const started = performance.now();
    const found = detectCredentials(text);
    const elapsed = performance.now() - started;
    expect(found.map((f) => [f.keyId, f.secretFingerprint])).toEqual(rows.map(([k, s]) => [k, secretFingerprint(s)]));
    expect(elapsed).toBeLessThan(3000); // all pairs would be 25M comparisons: windows keep it linear
  });
});

describe('detectCredentials: the secret never leaves', () => {
  it('puts no 8-character piece of any secret in its output', () => {
    const plain = vividSecret();
    const encoded = secretWithSlash();
    const text = `${fakeKeyId()} ${plain}\n?AWSSecretAccessKey=${urlEncode(encoded)}\n`;
    const out = JSON.stringify(detectCredentials(text));
    for (const piece of [...secretPieces(plain), ...secretPieces(encoded), ...secretPieces(urlEncode(encoded))]) {
      expect(out).not.toContain(piece);
    }
  });
});
