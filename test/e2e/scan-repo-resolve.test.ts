// --resolve against the moto AWS emulator. moto's GetAccessKeyInfo answers with its own
// default account (123456789012) for any key ID; the test relies on that to tell a resolved
// account from a decoded one, and plants a legacy key ID that cannot be decoded.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeLegacyKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('scan repo --resolve (moto)', () => {
  it('resolves each key ID with sts:GetAccessKeyInfo and never sends the secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-resolve-'));
    const legacy = fakeLegacyKeyId();
    const modern = fakeKeyId('AKIA', '210987654321');
    const secret = fakeSecret();
    await writeFile(join(dir, 'creds.ini'), `[default]\naws_access_key_id = ${legacy}\naws_secret_access_key = ${secret}\n`);
    await writeFile(join(dir, 'other.txt'), `key: ${modern}\n`);
    const home = await mkdtemp(join(tmpdir(), 'ks-home-'));

    const before = await runCli(['--json', 'scan', 'repo', dir], { env: { HOME: home } });
    const decoded = JSON.parse(before.stdout) as { findings: { keyId?: string; account?: { id: string | null; source: string } }[] };
    expect(decoded.findings.find((f) => f.keyId === legacy)?.account).toEqual({ id: null, source: 'not-decodable' });
    expect(decoded.findings.find((f) => f.keyId === modern)?.account).toEqual({ id: '210987654321', source: 'decoded' });

    const r = await runCli(['--json', 'scan', 'repo', '--resolve', '--endpoint-url', moto.endpoint, dir], { env: { ...moto.env, HOME: home } });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as typeof decoded;
    expect(doc.findings.find((f) => f.keyId === legacy)?.account).toEqual({ id: '123456789012', source: 'resolved' });
    expect(doc.findings.find((f) => f.keyId === modern)?.account).toEqual({ id: '123456789012', source: 'resolved' });
    for (const piece of secretPieces(secret)) expect(r.stdout + r.stderr).not.toContain(piece);
  });

  it('without credentials, --resolve fails with exit 4 and says what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-resolve-'));
    await writeFile(join(dir, 'k.txt'), `${fakeKeyId()}\n`);
    const home = await mkdtemp(join(tmpdir(), 'ks-home-'));
    const r = await runCli(['scan', 'repo', '--resolve', '--endpoint-url', moto.endpoint, dir], {
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no AWS credentials found');
  });
});
