// CloudTrail records and log files for tests, shaped like the ones AWS writes (CloudTrail User
// Guide, "CloudTrail record contents" and "CloudTrail log file examples"): IAM users signing
// with their access key, assumed-role sessions with their sessionContext, STS calls handing out
// temporary keys, and log files in the S3 delivery layout with CloudTrail's file names.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailEvent } from '../../src/usage/cloudtrail-event.js';

export const ACCOUNT = '123456789012';

export type UserIdentity = CloudTrailEvent['userIdentity'];

export function iamUser(accessKeyId: string, userName = 'app-deployer', account = ACCOUNT): UserIdentity {
  return { type: 'IAMUser', principalId: 'AIDA' + accessKeyId.slice(4, 20), arn: `arn:aws:iam::${account}:user/${userName}`, accountId: account, accessKeyId, userName };
}

export function assumedRole(accessKeyId: string, roleName: string, sessionName = 'session', account = ACCOUNT): UserIdentity {
  const roleId = 'AROA' + accessKeyId.slice(4, 20);
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${sessionName}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${roleName}`, userName: roleName },
      attributes: { creationDate: '2024-05-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

export interface EventSpec {
  identity: UserIdentity;
  eventSource?: string;
  eventName: string;
  time?: string;
  region?: string;
  ip?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  resources?: { ARN?: string; type?: string; accountId?: string }[];
  vpcEndpointId?: string;
  readOnly?: boolean;
  dataEvent?: boolean;
}

export function ctEvent(spec: EventSpec): CloudTrailEvent {
  const event: CloudTrailEvent & Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: spec.identity,
    eventTime: spec.time ?? '2024-05-01T12:00:00Z',
    eventSource: spec.eventSource ?? 's3.amazonaws.com',
    eventName: spec.eventName,
    awsRegion: spec.region ?? 'us-east-1',
    sourceIPAddress: spec.ip ?? '203.0.113.10',
    userAgent: spec.userAgent ?? 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.amzn.2023 prompt/off command/s3.cp',
    requestParameters: spec.requestParameters === undefined ? null : spec.requestParameters,
    responseElements: spec.responseElements === undefined ? null : spec.responseElements,
    requestID: randomBytes(8).toString('hex').toUpperCase(),
    eventID: randomUUID(),
    readOnly: spec.readOnly ?? true,
    eventType: 'AwsApiCall',
    managementEvent: !spec.dataEvent,
    recipientAccountId: spec.identity.accountId ?? ACCOUNT,
    eventCategory: spec.dataEvent ? 'Data' : 'Management',
  };
  if (spec.errorCode !== undefined) {
    event.errorCode = spec.errorCode;
    event.errorMessage = `User: ${spec.identity.arn} is not authorized to perform this operation`;
  }
  if (spec.resources !== undefined) event.resources = spec.resources;
  if (spec.vpcEndpointId !== undefined) event.vpcEndpointId = spec.vpcEndpointId;
  return event;
}

/** sts:AssumeRole by `caller`, handing out `childKeyId` for `roleArn`. */
export function assumeRoleEvent(caller: UserIdentity, childKeyId: string, roleArn: string, time: string): CloudTrailEvent {
  const roleName = roleArn.split('/').pop()!;
  return ctEvent({
    identity: caller,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    time,
    requestParameters: { roleArn, roleSessionName: 'batch', durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: childKeyId, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', expiration: 'May 1, 2024, 1:00:00 PM' },
      assumedRoleUser: { assumedRoleId: `AROAEXAMPLEID:batch`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/batch` },
    },
    resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: roleArn }],
  });
}

/** sts:GetSessionToken by `caller`, handing out `childKeyId`. */
export function getSessionTokenEvent(caller: UserIdentity, childKeyId: string, time: string): CloudTrailEvent {
  return ctEvent({
    identity: caller,
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetSessionToken',
    time,
    requestParameters: { durationSeconds: 43200 },
    responseElements: { credentials: { accessKeyId: childKeyId, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', expiration: 'May 2, 2024, 1:00:00 AM' } },
  });
}

export async function tempDir(prefix = 'keyshift-usage-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz, the name CloudTrail gives a log file delivered at `delivered`. */
export function trailFileName(account: string, region: string, delivered: Date): string {
  const stamp = `${delivered.getUTCFullYear()}${pad(delivered.getUTCMonth() + 1)}${pad(delivered.getUTCDate())}T${pad(delivered.getUTCHours())}${pad(delivered.getUTCMinutes())}Z`;
  const unique = randomBytes(12).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 16);
  return `${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

export interface TrailFile {
  account?: string;
  region?: string;
  delivered: Date;
  records: unknown[];
  /** organization trail: AWSLogs/<org-id>/<account>/… */
  orgId?: string;
}

/** Writes one gzipped log file where CloudTrail would deliver it under `root` (the folder holding AWSLogs). */
export async function writeTrailFile(root: string, file: TrailFile): Promise<string> {
  const account = file.account ?? ACCOUNT;
  const region = file.region ?? 'us-east-1';
  const d = file.delivered;
  const dir = join(root, 'AWSLogs', ...(file.orgId ? [file.orgId] : []), account, 'CloudTrail', region, String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()));
  await mkdir(dir, { recursive: true });
  const path = join(dir, trailFileName(account, region, d));
  await writeFile(path, gzipSync(JSON.stringify({ Records: file.records })));
  return path;
}
