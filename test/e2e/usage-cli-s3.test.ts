// `keyshift usage --from s3://…` through the real binary against moto's S3, and the Athena
// query printed for a manual run.
import { CloudTrailClient, CreateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageDocument } from '../../src/model/usage.js';
import { ctEvent, iamUser, tempDir, writeTrailFile } from '../helpers/cloudtrail.js';
import { fakeKeyId } from '../helpers/fake-keys.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => moto?.stop());

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('keyshift usage from S3 (moto)', () => {
  it('reads the trail bucket and learns the same actions as from the folder', async () => {
    const root = await tempDir();
    const key = fakeKeyId();
    const who = iamUser(key, 'etl');
    await writeTrailFile(root, {
      delivered: new Date('2026-11-02T10:05:00Z'),
      records: [
        ctEvent({ identity: who, eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: '2026-11-02T10:00:00Z', requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' } }),
        ctEvent({ identity: who, eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', time: '2026-11-02T10:01:00Z', requestParameters: { tableName: 'orders' } }),
      ],
    });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'org-trail' }));
    for (const file of await filesUnder(root)) {
      await s3.send(new PutObjectCommand({ Bucket: 'org-trail', Key: relative(root, file), Body: await readFile(file) }));
    }
    // the trail that delivers there, so coverage comes from its selectors (moto: all management events)
    const trail = new CloudTrailClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await trail.send(new CreateTrailCommand({ Name: 'org', S3BucketName: 'org-trail', IsMultiRegionTrail: true }));
    const args = ['--json', 'usage', '--since', '2026-11-01', '--until', '2026-11-05'];
    const local = await runCli([...args, '--from', root]);
    const remote = await runCli([...args, '--from', 's3://org-trail/', '--endpoint-url', moto.endpoint, '--region', 'us-east-1'], { env: { ...moto.env, AWS_S3_FORCE_PATH_STYLE: 'true' } });
    expect(remote.stderr).not.toContain('error');
    expect(remote.code).toBe(0);
    const a = UsageDocument.parse(JSON.parse(local.stdout));
    const b = UsageDocument.parse(JSON.parse(remote.stdout));
    const actions = (d: UsageDocument) => d.keys.flatMap((k) => k.actions.map((x) => `${x.action} ${x.resource}`)).sort();
    expect(actions(b)).toEqual(actions(a));
    expect(actions(b)).toEqual(['dynamodb:DescribeTable arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs']);
    expect(b.coverage.basis).toBe('trail-selectors');
    expect(a.coverage.basis).toBe('inferred');
  });

  it('prints the Athena query for the window and keys', async () => {
    const key = fakeKeyId();
    const r = await runCli(['usage', '--athena-query', '--athena-database', 'trails', '--athena-table', 'cloudtrail_logs', '--since', '2026-10-01', '--keys', key]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FROM\s+"?trails"?\."?cloudtrail_logs"?/i);
    expect(r.stdout).toContain(key);
    expect(r.stdout).toMatch(/GROUP BY/i);
  });
});
