// scanUserData: keys in decoded user data become Findings with the right Location (part,
// content type, filename, line within the part) and a fingerprint path that is stable
// across edits and unique per place; the secret never appears in the result.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findingFingerprint } from '../../../src/detect/index.js';
import { Finding } from '../../../src/model/finding.js';
import { scanUserData, userDataFingerprintPath, type UserDataSource } from '../../../src/scan/aws/user-data/scan-user-data.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../../helpers/fake-keys.js';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const instance: UserDataSource = { type: 'user-data', instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' };

describe('scanUserData', () => {
  const keyId = fakeKeyId('AKIA', '111122223333');
  const secret = fakeSecret();
  const script = `#!/bin/bash\nset -e\nexport AWS_ACCESS_KEY_ID=${keyId}\nexport AWS_SECRET_ACCESS_KEY=${secret}\n`;

  it('finds a key pair in plain, gzipped and base64 user data at the same line', () => {
    for (const raw of [b64(script), b64(gzipSync(script))]) {
      const { status, credentials } = scanUserData(raw, instance);
      expect(status).toEqual({ present: true, parts: 1 });
      expect(credentials).toHaveLength(1);
      const [f] = credentials;
      expect(Finding.parse(f)).toEqual(f);
      expect(f).toMatchObject({
        rule: 'aws-access-key-pair',
        severity: 'critical',
        keyId,
        account: { id: '111122223333', source: 'decoded' },
        location: { type: 'user-data', instanceId: 'i-0123456789abcdef0', region: 'eu-west-1', part: 0, contentType: 'text/x-shellscript', line: 3 },
      });
      expect(f!.fingerprint).toBe(findingFingerprint('aws-access-key-pair', keyId, 'ec2:eu-west-1:i-0123456789abcdef0:user-data:0'));
      for (const piece of secretPieces(secret)) expect(JSON.stringify(credentials)).not.toContain(piece);
    }
  });

  it('places keys in MIME parts by part index, content type, filename and line within the part', () => {
    const other = fakeKeyId();
    const boundary = 'BOUNDARY';
    const doc = [
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      'MIME-Version: 1.0',
      '',
      `--${boundary}`,
      'Content-Type: text/cloud-config',
      'Content-Disposition: attachment; filename="cloud-config.txt"',
      '',
      '#cloud-config',
      'write_files:',
      '  - path: /root/.aws/credentials',
      '    content: |',
      '      [default]',
      `      aws_access_key_id = ${other}`,
      `--${boundary}`,
      'Content-Type: text/x-shellscript',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="setup.sh"',
      '',
      b64(script),
      `--${boundary}--`,
    ].join('\n');
    const { status, credentials } = scanUserData(b64(doc), instance);
    expect(status).toEqual({ present: true, parts: 2 });
    expect(credentials.map((f) => [f.rule, f.keyId, f.location])).toEqual([
      ['aws-access-key-id', other, { ...instance, part: 0, contentType: 'text/cloud-config', filename: 'cloud-config.txt', line: 6 }],
      ['aws-access-key-pair', keyId, { ...instance, part: 1, contentType: 'text/x-shellscript', filename: 'setup.sh', line: 3 }],
    ]);
  });

  it('gives launch template versions and launch configurations their own locations and fingerprint paths', () => {
    const template: UserDataSource = { type: 'launch-template', launchTemplateId: 'lt-0abc', launchTemplateName: 'web', version: 2, region: 'us-east-1' };
    const config: UserDataSource = { type: 'launch-configuration', name: 'old-web', region: 'us-east-1' };
    expect(userDataFingerprintPath(template, 1)).toBe('ec2:us-east-1:lt-0abc:v2:user-data:1');
    expect(userDataFingerprintPath(config, 0)).toBe('autoscaling:us-east-1:old-web:user-data:0');
    const [t] = scanUserData(b64(script), template).credentials;
    expect(t?.location).toEqual({ ...template, part: 0, contentType: 'text/x-shellscript', line: 3 });
    const [c] = scanUserData(b64(script), config).credentials;
    expect(c?.location).toEqual({ ...config, part: 0, contentType: 'text/x-shellscript', line: 3 });
    expect(new Set([t!.fingerprint, c!.fingerprint, scanUserData(b64(script), instance).credentials[0]!.fingerprint]).size).toBe(3);
  });

  it('keeps the fingerprint when lines move, and reports a repeated key once at its first line', () => {
    const moved = scanUserData(b64(`#!/bin/sh\n\n\n${script.split('\n').slice(1).join('\n')}`), instance).credentials;
    const first = scanUserData(b64(script), instance).credentials;
    expect(moved).toHaveLength(1);
    expect(moved[0]!.fingerprint).toBe(first[0]!.fingerprint);
    expect(moved[0]!.location).toMatchObject({ line: 5 });
    const lone = fakeKeyId();
    const repeated = scanUserData(b64(`#!/bin/sh\necho ${lone}\necho ${lone}\n`), instance).credentials;
    expect(repeated.map((f) => [f.keyId, f.location])).toEqual([[lone, { ...instance, part: 0, contentType: 'text/x-shellscript', line: 2 }]]);
  });

  it('honours keyshift:allow, as scan repo does', () => {
    expect(scanUserData(b64(`echo ${fakeKeyId()} # keyshift:allow\n`), instance).credentials).toEqual([]);
  });

  it('says when there is no user data, and when it could not be read', () => {
    expect(scanUserData(undefined, instance)).toEqual({ status: { present: false, parts: 0 }, credentials: [] });
    expect(scanUserData('', instance)).toEqual({ status: { present: false, parts: 0 }, credentials: [] });
    const binary = scanUserData(b64(Buffer.from(Array.from({ length: 512 }, (_, n) => (n * 31 + 7) % 256))), instance);
    expect(binary.status).toMatchObject({ present: true, problem: expect.stringMatching(/binary/) });
    expect(binary.credentials).toEqual([]);
  });
});
