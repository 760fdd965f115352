// `keyshift usage --workers N` through the real binary: a generated trail folder (accounts,
// regions, days, role chains whose temporary keys work in files read before the AssumeRole,
// principals whose fields differ between records, refusals, a damaged file) read by 1, 2 and 3
// worker threads gives byte for byte the same usage document.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageDocument } from '../../src/model/usage.js';
import { assumeRoleEvent, ctEvent, iamUser, tempDir, writeTrailFile, type UserIdentity } from '../helpers/cloudtrail.js';
import { fakeKeyId } from '../helpers/fake-keys.js';
import { runCli } from '../helpers/run-cli.js';

const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const DAYS = 5;

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

async function generateTrail(): Promise<{ root: string; keys: string[] }> {
  const root = await tempDir('keyshift-usage-workers-');
  const random = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const keys = Array.from({ length: 6 }, () => fakeKeyId());
  const temps = Array.from({ length: 4 }, () => fakeKeyId('ASIA'));
  const users = keys.map((k, i) => iamUser(k, `app-${i}`));
  // the same key is seen with fewer fields, or under another name, in some records
  const variants = (u: UserIdentity): UserIdentity[] => [u, { accessKeyId: u.accessKeyId, accountId: u.accountId }, { ...u, userName: `${u.userName}-renamed`, arn: `${u.arn}-renamed` }];
  const roles = temps.map((t, i) => ({ key: t, identity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNTS[0]}:assumed-role/etl-${i}/s`, accountId: ACCOUNTS[0], accessKeyId: t } as UserIdentity }));
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      for (let day = 1; day <= DAYS; day++) {
        for (const hour of [3, 11, 19]) {
          const at = (minute: number) => `2024-05-0${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
          const records = [];
          for (let i = 0; i < 12; i++) {
            const minute = Math.floor(random() * 50);
            const user = pick(users);
            const identity = { ...pick(variants(user)), accountId: account };
            const common = { time: at(minute), region, ip: pick(['203.0.113.10', '198.51.100.7', '10.1.2.3']), userAgent: pick(['aws-cli/2.15.0 Python/3.11', 'Boto3/1.34.0 Python/3.11 Botocore/1.34.0']) };
            switch (Math.floor(random() * 5)) {
              case 0:
                records.push(ctEvent({ ...common, identity, eventName: 'GetObject', requestParameters: { bucketName: `data-${account}`, key: pick(['in/a.csv', 'reports/daily/2024-05-01/x.csv', 'x']) }, dataEvent: true }));
                break;
              case 1:
                records.push(ctEvent({ ...common, identity, eventName: 'PutObject', requestParameters: { bucketName: `data-${account}`, key: 'out/y' }, errorCode: pick(['AccessDenied', 'NoSuchBucket']) }));
                break;
              case 2:
                records.push(ctEvent({ ...common, identity, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', resources: [{ ARN: `arn:aws:kms:${region}:${account}:key/k-1` }] }));
                break;
              case 3: {
                // temporary keys work in every file; the AssumeRole that issued them is in a later one
                const role = pick(roles);
                records.push(ctEvent({ ...common, identity: role.identity, eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', requestParameters: { tableName: 'jobs' }, readOnly: false }));
                break;
              }
              default:
                records.push(ctEvent({ ...common, identity, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' }));
            }
          }
          if (region === 'us-west-2' && hour === 19) {
            // several parents "issue" the same temporary key: the first record in read order counts
            for (const role of roles) records.push(assumeRoleEvent(pick(users), role.key, `arn:aws:iam::${ACCOUNTS[0]}:role/etl`, at(55)));
          }
          await writeTrailFile(root, { account, region, delivered: new Date(Date.parse(at(58)) + 60_000), records });
        }
      }
    }
  }
  // a damaged delivery, counted (exit 6) whichever thread reads it
  const day = join(root, 'AWSLogs', ACCOUNTS[1]!, 'CloudTrail', 'us-east-1', '2024', '05', '03');
  await mkdir(day, { recursive: true });
  await writeFile(join(day, `${ACCOUNTS[1]}_CloudTrail_us-east-1_20240503T1200Z_damaged.json.gz`), gzipSync(JSON.stringify({ Records: [] }).repeat(40)).subarray(0, 30));
  return { root, keys };
}

/** The document without the time it was made. */
function withoutAsOf(stdout: string): string {
  return stdout.replace(/^ {2}"asOf": "[^"]*",\n/m, '');
}

describe('keyshift usage --workers (real binary)', () => {
  let trail: { root: string; keys: string[] };
  beforeAll(async () => {
    trail = await generateTrail();
  });

  it('writes the same document with 1, 2 and 3 worker threads', async () => {
    const runs = await Promise.all([1, 2, 3].map((n) => runCli(['--json', 'usage', '--from', trail.root, '--workers', String(n)])));
    for (const r of runs) expect(r.code, r.stderr).toBe(6);
    const [one, ...more] = runs.map((r) => withoutAsOf(r.stdout));
    for (const other of more) expect(other).toBe(one);
    const doc = UsageDocument.parse(JSON.parse(runs[0]!.stdout));
    expect(doc.skipped).toEqual({ 'corrupt-gzip': 1 });
    expect(doc.sources[0]).toMatchObject({ files: ACCOUNTS.length * REGIONS.length * DAYS * 3 + 1, events: expect.any(Number) });
    // the role chains were followed: temporary keys' work shows under the keys that obtained them
    expect(doc.keys.flatMap((k) => k.sessions).length).toBeGreaterThan(0);
    expect(doc.keys.map((k) => k.accessKeyId).sort()).toEqual([...trail.keys].sort());
  });

  it('uses the cores available by default, and the same document comes out', async () => {
    const [byDefault, single] = await Promise.all([runCli(['--json', 'usage', '--from', trail.root]), runCli(['--json', 'usage', '--from', trail.root, '--workers', '1'])]);
    expect(byDefault.code, byDefault.stderr).toBe(6);
    expect(withoutAsOf(byDefault.stdout)).toBe(withoutAsOf(single.stdout));
  });

  it('says a number of workers that is not one is a usage error (2)', async () => {
    for (const bad of ['0', 'two', '-1', '1.5']) {
      const r = await runCli(['usage', '--from', trail.root, '--workers', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('worker threads');
    }
  });
});
