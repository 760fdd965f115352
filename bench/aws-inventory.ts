// Benchmark of `keyshift scan aws` against the moto emulator: 1,000 instances across three
// regions and 200 users holding 300 keys. Counts the AWS calls the real binary sends (its
// --debug summary comes from SDK middleware) and its peak RSS, and prints a Markdown table.
//
//   . scripts/ensure-node.sh && node --experimental-strip-types bench/aws-inventory.ts
//
// Targets (reported, never asserted): at most 1.1 calls per instance, at most 3 per key,
// peak RSS under 300 MiB.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';

const root = fileURLToPath(new URL('..', import.meta.url));
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const INSTANCES = Number(process.env.INSTANCES ?? 1000);
const USERS = Number(process.env.USERS ?? 200);
const KEYS = Number(process.env.KEYS ?? 300);
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const motoServer = execFileSync('bash', [`${root}/scripts/ensure-moto.sh`], { encoding: 'utf8' }).trim();
const port = await freePort();
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      if (i > 200) throw new Error('moto did not start');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const t0 = Date.now();
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials: creds });
  for (let u = 0; u < USERS; u++) await iam.send(new CreateUserCommand({ UserName: `svc-${u}` }));
  for (let k = 0; k < KEYS; k++) await iam.send(new CreateAccessKeyCommand({ UserName: `svc-${k % USERS}` }));
  const perRegion = Math.ceil(INSTANCES / REGIONS.length);
  let seeded = 0;
  for (const region of REGIONS) {
    const ec2 = new EC2Client({ region, endpoint, credentials: creds });
    for (let left = Math.min(perRegion, INSTANCES - seeded); left > 0; ) {
      const n = Math.min(50, left);
      const userData = Buffer.from(`#!/bin/bash\necho batch ${seeded}\n`).toString('base64');
      await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: n, MaxCount: n, InstanceType: 't3.micro', UserData: userData }));
      left -= n;
      seeded += n;
    }
  }
  const seedSeconds = (Date.now() - t0) / 1000;

  const args = ['-f', '%e %M', process.execPath, `${root}/bin/keyshift.js`, '--debug', '--json', 'scan', 'aws', '--endpoint-url', endpoint, ...REGIONS.flatMap((r) => ['--region', r]), '-o', '/dev/null'];
  const run = spawn('/usr/bin/time', args, { env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => run.on('close', r));
  const callsLine = /keyshift: (\d+) AWS calls: (.*)/.exec(stderr);
  const timeLine = /^([\d.]+) (\d+)$/m.exec(stderr.trim().split('\n').at(-1) ?? '');
  if (!callsLine || !timeLine) throw new Error(`scan aws failed (exit ${code}):\n${stderr.slice(-3000)}`);
  const calls = new Map(callsLine[2]!.split(', ').map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])] as const));
  const sum = (pred: (name: string) => boolean) => [...calls].filter(([k]) => pred(k)).reduce((a, [, v]) => a + v, 0);
  const ec2Calls = sum((k) => /^(EC2|AutoScaling)/.test(k));
  const keyCalls = sum((k) => /ListAccessKeys|GetAccessKeyLastUsed|ServiceLastAccessed/.test(k));
  const rssMiB = Number(timeLine[2]) / 1024;
  const rows = [
    ['instances / users / keys', `${INSTANCES} / ${USERS} / ${KEYS}`, ''],
    ['seeding moto', `${seedSeconds.toFixed(1)} s`, ''],
    ['scan wall time', `${timeLine[1]} s`, ''],
    ['exit code', String(code), '0'],
    ['AWS calls in all', String(Number(callsLine[1])), ''],
    ['EC2 + Auto Scaling calls per instance', (ec2Calls / INSTANCES).toFixed(3), '≤ 1.1'],
    ['key calls per key (ListAccessKeys, GetAccessKeyLastUsed, service last accessed)', (keyCalls / KEYS).toFixed(3), '≤ 3'],
    ['peak RSS', `${rssMiB.toFixed(0)} MiB`, '< 300 MiB'],
  ];
  process.stdout.write('| figure | measured | target |\n|---|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  process.stdout.write(`\ncalls by command: ${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
} finally {
  moto.kill('SIGTERM');
}
