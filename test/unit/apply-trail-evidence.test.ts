// The trail evidence the verify steps and finalize read: real log files in CloudTrail's delivery
// layout on disk, read by the usage sources. A role's calls are its sessions' (the instance ID
// as session name), mapped to IAM actions; agents' calls are returned too and told apart by the
// verify step; a key's calls are the records signed with it, failed ones included.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trailRoleEvidence } from '../../src/apply/evidence/trail-role-evidence.js';
import { judgeRoleUse } from '../../src/apply/handlers/verify-role-in-use.js';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import { ACCOUNT, assumedRole, ctEvent, iamUser, tempDir, writeTrailFile } from '../helpers/cloudtrail.js';

const ROLE = 'keyshift-app';
const WEB1 = 'i-0123456789abcdef0';
const WEB2 = 'i-0fedcba9876543210';
const KEY = 'AKIATRAILEVIDENCE001';
const OTHER_KEY = 'AKIATRAILEVIDENCE002';
const SINCE = new Date('2025-06-10T12:00:00Z');
const signal = new AbortController().signal;
const noAws = () => {
  throw new Error('a local trail needs no AWS connection');
};

let root: string;

beforeEach(async () => {
  root = await tempDir('keyshift-verify-trail-');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const session = (instanceId: string, role = ROLE, account = ACCOUNT) => assumedRole('ASIATRAILSESSION0001', role, instanceId, account);

async function writeTrail(): Promise<void> {
  await writeTrailFile(root, {
    delivered: new Date('2025-06-10T12:20:00Z'),
    region: 'eu-west-1',
    records: [
      // before the cutover: not asked for
      ctEvent({ identity: session(WEB1), eventName: 'GetObject', time: '2025-06-10T11:50:00Z', region: 'eu-west-1', requestParameters: { bucketName: 'b', key: 'old.txt' }, dataEvent: true }),
      // the workload's own calls
      ctEvent({ identity: session(WEB1), eventName: 'GetObject', time: '2025-06-10T12:05:00Z', region: 'eu-west-1', requestParameters: { bucketName: 'b', key: 'in/x.txt' }, dataEvent: true }),
      ctEvent({ identity: session(WEB2), eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: '2025-06-10T12:06:00Z', region: 'eu-west-1', requestParameters: { queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/jobs` } }),
      // denied
      ctEvent({ identity: session(WEB2), eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', time: '2025-06-10T12:07:00Z', region: 'eu-west-1', requestParameters: { tableName: 'orders' }, errorCode: 'AccessDenied', dataEvent: true }),
      // the SSM agent under the same role
      ctEvent({ identity: session(WEB1), eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation', time: '2025-06-10T12:08:00Z', region: 'eu-west-1', userAgent: 'aws-sdk-go/1.44.0 (go1.20; linux; amd64) amazon-ssm-agent/3.2.0' }),
      // no permission needed: not a role call
      ctEvent({ identity: session(WEB1), eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', time: '2025-06-10T12:09:00Z', region: 'eu-west-1' }),
      // another role, another account's role of the same name, a session that is not an instance
      ctEvent({ identity: session(WEB1, 'other-role'), eventName: 'GetObject', time: '2025-06-10T12:10:00Z', region: 'eu-west-1', requestParameters: { bucketName: 'b', key: 'y' }, dataEvent: true }),
      ctEvent({ identity: session(WEB1, ROLE, '210987654321'), eventName: 'GetObject', time: '2025-06-10T12:10:00Z', region: 'eu-west-1', requestParameters: { bucketName: 'b', key: 'other/z' }, dataEvent: true }),
      ctEvent({ identity: session('deploy-pipeline'), eventName: 'ListBuckets', time: '2025-06-10T12:11:00Z', region: 'eu-west-1' }),
      // the old key: still used from one address, and failing from another
      ctEvent({ identity: iamUser(KEY), eventName: 'PutObject', time: '2025-06-10T12:12:00Z', region: 'eu-west-1', ip: '198.51.100.7', requestParameters: { bucketName: 'b', key: 'k' }, dataEvent: true }),
      ctEvent({ identity: iamUser(KEY), eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', time: '2025-06-10T12:13:00Z', region: 'eu-west-1', ip: '198.51.100.8', errorCode: 'InvalidClientTokenId' }),
      ctEvent({ identity: iamUser(OTHER_KEY, 'someone'), eventName: 'ListBuckets', time: '2025-06-10T12:14:00Z', region: 'eu-west-1' }),
    ],
  });
}

describe('trail role evidence', () => {
  it("returns the role's session calls since the given time, with the instance from the session name", async () => {
    await writeTrail();
    const evidence = trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT });
    expect(evidence.describe).toBe(`trail directory ${root}`);
    const calls = await evidence.roleCalls(ROLE, SINCE, signal);
    expect(calls.map((c) => [c.action, c.resource, c.instanceId, c.errorCode])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::b/in/*', WEB1, null],
      ['sqs:SendMessage', `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`, WEB2, null],
      ['dynamodb:PutItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`, WEB2, 'AccessDenied'],
      ['ssm:UpdateInstanceInformation', '*', WEB1, null],
      ['s3:ListAllMyBuckets', '*', null, null],
    ]);
    expect(calls[0]!.at.toISOString()).toBe('2025-06-10T12:05:00.000Z');
  });

  it("without an account, an organization trail's same-named roles in other accounts count too", async () => {
    await writeTrail();
    const calls = await trailRoleEvidence({ from: root, aws: noAws, account: null }).roleCalls(ROLE, SINCE, signal);
    expect(calls.filter((c) => c.resource === 'arn:aws:s3:::b/other/*')).toHaveLength(1);
  });

  it("the verify step's judgment: the agent's calls are not the workload's, a denied call blocks", async () => {
    await writeTrail();
    const calls = await trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT }).roleCalls(ROLE, SINCE, signal);
    const use = judgeRoleUse({
      calls,
      expected: [
        { action: 's3:GetObject', resource: 'arn:aws:s3:::b/*' },
        { action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs` },
        { action: 'ssm:UpdateInstanceInformation', resource: '*' },
      ],
      instances: [WEB1, WEB2],
      replaceable: false,
      managementOnly: false,
    });
    expect(use.denied.map((c) => c.action)).toEqual(['dynamodb:PutItem']);
    expect(use.seen.map((e) => e.action)).toEqual(['s3:GetObject', 'sqs:SendMessage']);
    // the agent makes this call too: it cannot show the workload is on its role
    expect(use.unchecked.map((e) => e.action)).toEqual(['ssm:UpdateInstanceInformation']);
    expect(use.silentInstances).toEqual([]);

    // only the agent has called from an instance: that instance is still silent
    const agentOnly = judgeRoleUse({ calls: calls.filter((c) => c.action.startsWith('ssm:')), expected: [], instances: [WEB1], replaceable: false, managementOnly: false });
    expect(agentOnly.silentInstances).toEqual([WEB1]);
  });

  it("returns the key's calls, failed ones with their error code and every source address", async () => {
    await writeTrail();
    const calls = await trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT }).keyCalls(KEY, SINCE, signal);
    expect(calls.map((c) => [c.action, c.sourceIp, c.errorCode])).toEqual([
      ['s3:PutObject', '198.51.100.7', null],
      ['sts:GetCallerIdentity', '198.51.100.8', 'InvalidClientTokenId'],
    ]);
    expect(await trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT }).keyCalls(KEY, new Date('2025-06-10T12:30:00Z'), signal)).toEqual([]);
  });

  it("refuses to say a key is unused when part of the trail cannot be read", async () => {
    await writeTrail();
    const day = join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'eu-west-1', '2025', '06', '10');
    await mkdir(day, { recursive: true });
    await writeFile(join(day, `${ACCOUNT}_CloudTrail_eu-west-1_20250610T1230Z_broken.json.gz`), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    const evidence = trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT });
    const error = await evidence.keyCalls(KEY, SINCE, signal).catch((e: unknown) => e);
    expect(isKeyshiftError(error) && error.kind).toBe('safety-gate');
    expect((error as Error).message).toContain('corrupt-gzip');
    // a role's calls can only be missed, which makes the verify step wait: no refusal there
    expect((await evidence.roleCalls(ROLE, SINCE, signal)).length).toBe(5);
  });

  it('returns nothing from before `since`, and names an s3:// trail as a bucket', async () => {
    await writeTrail();
    expect(await trailRoleEvidence({ from: root, aws: noAws, account: ACCOUNT }).roleCalls(ROLE, new Date('2025-06-11T00:00:00Z'), signal)).toEqual([]);
    const aws = () => new AwsContext({ region: 'us-east-1' }, {});
    expect(trailRoleEvidence({ from: 's3://trail-bucket/AWSLogs/', aws, account: ACCOUNT }).describe).toBe('trail bucket s3://trail-bucket/AWSLogs/');
    expect(() => trailRoleEvidence({ from: 'lookup-events', aws, account: ACCOUNT })).toThrow(/folder or s3/);
  });
});
