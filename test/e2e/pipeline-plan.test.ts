// The pipeline end to end on the moto emulator: scan aws of a seeded account, usage from a
// trail generated for it, plan, plan show, the Markdown report and the exports; and every
// planned policy is created in moto, so its syntax is real.
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryDocument } from '../../src/model/inventory.js';
import { PlanDocument } from '../../src/model/plan.js';
import { ctEvent, iamUser, tempDir, writeTrailFile } from '../helpers/cloudtrail.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => moto?.stop());

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('scan aws -> usage -> plan (moto)', () => {
  it('plans a scoped role for the instance that uses the key, and every policy is valid IAM', async () => {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: creds });
    await iam.send(new CreateUserCommand({ UserName: 'reports' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reports',
        PolicyName: 'reports-access',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::reports/*' },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports' },
            { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
          ],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reports' }))).AccessKey!.AccessKeyId!;
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: creds });
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, MetadataOptions: { HttpTokens: 'optional' } }));
    const dir = await tempDir();
    const inventoryPath = join(dir, 'inventory.json');
    // moto launches instances "now": the scan's clock is set two weeks later, and the trail
    // falls between the two, so the instance held its address for every call
    const asOfArg = new Date(Date.now() + 15 * 86_400_000).toISOString();
    const scan = await runCli(['scan', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1', '--as-of', asOfArg, '-o', inventoryPath], { env: moto.env });
    expect([0, 6]).toContain(scan.code);
    const inventory = InventoryDocument.parse(JSON.parse(await readFile(inventoryPath, 'utf8')));
    const instance = inventory.ec2.instances.find((i) => i.instanceId === run.Instances![0]!.InstanceId)!;
    const ip = instance.publicIps[0] ?? instance.privateIps[0]!;
    expect(ip).toBeTruthy();

    // a trail for the two weeks before the scan: the instance reads reports and sends jobs, daily
    const trail = join(dir, 'trail');
    const who = iamUser(key, 'reports');
    const asOf = Date.parse(inventory.asOf);
    const records = [];
    for (let day = 14; day >= 1; day--) {
      const t = new Date(asOf - day * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      records.push(
        ctEvent({ identity: who, eventName: 'GetObject', time: t, ip, requestParameters: { bucketName: 'reports', key: 'daily/2026/a.csv' }, dataEvent: true, userAgent: 'aws-cli/2.15.0 Python/3.11' }),
        ctEvent({ identity: who, eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: t, ip, requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' }, userAgent: 'aws-cli/2.15.0 Python/3.11' }),
      );
    }
    await writeTrailFile(trail, { delivered: new Date(asOf - 3_600_000), records });
    const usagePath = join(dir, 'usage.json');
    const usage = await runCli(['usage', '--from', trail, '--inventory', inventoryPath, '-o', usagePath]);
    expect(usage.code).toBe(0);

    const planRun = await runCli(['plan', '--inventory', inventoryPath, '--usage', usagePath]);
    expect(planRun.code, planRun.stderr).toBe(0);
    const plan = PlanDocument.parse(JSON.parse(planRun.stdout));
    expect(plan.account).toBe('123456789012');
    const workload = plan.workloads.find((w) => w.instances.some((i) => i.instanceId === instance.instanceId))!;
    expect(workload, JSON.stringify({ unattributed: plan.unattributed, keys: plan.keys }, null, 1)).toBeTruthy();
    expect(workload.keys).toEqual([key]);
    const granted = workload.policies.flatMap((p) => p.statements.flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${a} ${r}`))));
    expect(granted).toContain('sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs');
    expect(granted.some((g) => g.startsWith('s3:GetObject arn:aws:s3:::reports/'))).toBe(true);
    expect(granted.some((g) => g.startsWith('sqs:*') || g.endsWith(' *'))).toBe(false);
    expect(workload.steps.some((s) => /delete/i.test(s.kind))).toBe(false);

    // the same inputs give the same plan, byte for byte
    expect((await runCli(['plan', '--inventory', inventoryPath, '--usage', usagePath])).stdout).toBe(planRun.stdout);

    // every planned policy is valid IAM
    for (const p of workload.policies) {
      const created = await iam.send(new CreatePolicyCommand({ PolicyName: `check-${p.name}`, PolicyDocument: JSON.stringify(p.document) }));
      expect(created.Policy?.Arn).toBeTruthy();
    }

    const planPath = join(dir, 'plan.json');
    await writeFile(planPath, planRun.stdout);
    const show = await runCli(['plan', 'show', planPath]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(plan.planId);
    expect(show.stdout).toContain(key);
    const md = await runCli(['plan', 'show', '--markdown', planPath]);
    expect(md.stdout).toMatch(/^#/m);
    const tf = await runCli(['plan', '--inventory', inventoryPath, '--usage', usagePath, '--export', 'terraform']);
    expect(tf.code).toBe(0);
    expect(tf.stdout).toContain('resource "aws_iam_role"');
    const cfn = await runCli(['plan', '--inventory', inventoryPath, '--usage', usagePath, '--export', 'cloudformation']);
    expect(cfn.stdout).toContain('AWS::IAM::Role');
  });

  it('refuses a usage document in place of the inventory (3)', async () => {
    const dir = await tempDir();
    const p = join(dir, 'usage.json');
    await writeFile(p, JSON.stringify({ kind: 'usage', version: 1 }));
    const r = await runCli(['plan', '--inventory', p, '--usage', p]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is a usage document, not a inventory document');
  });
});
