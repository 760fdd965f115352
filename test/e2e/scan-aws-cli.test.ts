// `keyshift scan aws` through the real binary against the moto emulator: the inventory
// document, the summary for people, exit codes, and no secret from user data in any output.
// moto has no GenerateServiceLastAccessedDetails (it answers 500), so every scan of it is
// honestly incomplete and exits 6, naming that part.
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InventoryDocument } from '../../src/model/inventory.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function seed() {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: creds });
  await iam.send(new CreateUserCommand({ UserName: 'reporting' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'reporting' }));
  const planted = { id: fakeKeyId(), secret: fakeSecret() };
  const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: creds });
  const userData = `#!/bin/bash\ncat > /etc/app.env <<EOT\nAWS_ACCESS_KEY_ID=${planted.id}\nAWS_SECRET_ACCESS_KEY=${planted.secret}\nEOT\n`;
  const run = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, UserData: Buffer.from(userData).toString('base64'), MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' } }),
  );
  return { keyId: key.AccessKey!.AccessKeyId!, planted, instanceId: run.Instances![0]!.InstanceId! };
}

const regions = ['--region', 'us-east-1', '--region', 'eu-west-1'];

describe('keyshift scan aws (moto)', () => {
  it('writes a valid inventory with keys, instances and user-data credentials, and exits 6 for the part moto lacks', async () => {
    const s = await seed();
    const out = join(await mkdtemp(join(tmpdir(), 'ks-aws-')), 'inventory.json');
    const r = await runCli(['scan', 'aws', '--endpoint-url', moto.endpoint, ...regions, '-o', out], { env: moto.env });
    expect(r.code).toBe(6);
    const inv = InventoryDocument.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(inv.account).toBe('123456789012');
    expect(inv.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(inv.iam.accessKeys.map((k) => k.accessKeyId)).toEqual([s.keyId]);
    const instance = inv.ec2.instances.find((i) => i.instanceId === s.instanceId);
    expect(instance).toMatchObject({ region: 'eu-west-1', instanceProfile: null, metadataOptions: { httpTokens: 'optional' } });
    expect(inv.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['instance-without-profile', 'instance-allows-imdsv1']));
    expect(inv.credentials).toHaveLength(1);
    expect(inv.credentials[0]).toMatchObject({ rule: 'aws-access-key-pair', keyId: s.planted.id, location: { type: 'user-data', instanceId: s.instanceId, region: 'eu-west-1' } });
    expect(inv.incomplete.map((p) => p.action)).toContain('iam:GenerateServiceLastAccessedDetails');
    // the summary for people went to stdout
    expect(r.stdout).toContain('instances without an instance profile');
    expect(r.stdout).toContain(s.planted.id);
    expect(r.stdout).toContain('incomplete');
    const all = r.stdout + r.stderr + (await readFile(out, 'utf8'));
    for (const piece of secretPieces(s.planted.secret)) expect(all).not.toContain(piece);
  });

  it('--json puts the document on stdout and NDJSON events on stderr; --fail-on ranks after incomplete', async () => {
    await seed();
    const r = await runCli(['--json', 'scan', 'aws', '--endpoint-url', moto.endpoint, ...regions, '--fail-on', 'high'], { env: moto.env });
    expect(r.code).toBe(6);
    expect(InventoryDocument.safeParse(JSON.parse(r.stdout)).success).toBe(true);
    for (const line of r.stderr.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('refuses with exit 4 and says how to configure credentials when there are none', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ks-home-'));
    const r = await runCli(['scan', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1'], {
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no AWS credentials found');
    expect(r.stderr).toContain('--profile');
  });

  it('an unknown region is a usage error', async () => {
    const r = await runCli(['scan', 'aws', '--endpoint-url', moto.endpoint, '--region', 'mars-north-1'], { env: moto.env });
    expect(r.code).toBe(2);
  });
});

describe('keyshift permissions scan', () => {
  it('prints a policy granting exactly the read actions the scan uses', async () => {
    const r = await runCli(['permissions', 'scan']);
    expect(r.code).toBe(0);
    const policy = JSON.parse(r.stdout) as { Statement: { Action: string[]; Effect: string }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'ec2:DescribeInstances', 'ec2:DescribeInstanceAttribute', 'sts:GetCallerIdentity']));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.some((a) => /:(Create|Put|Delete|Update|Attach|Associate)/.test(a))).toBe(false);
  });
});
