// The demo's CloudTrail: a folder of log files (CloudTrail's JSON shape) written by the demo.
// Before the migration, each application's calls signed with its user's key from its
// instance's address, daily; after it, the same calls under the new role's session named
// after the instance. Nothing runs on an emulated instance, so these are simulated, and the
// demo says so.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoApp } from './demo-account.js';

const ACCOUNT = '123456789012';
const AGENT = 'aws-sdk-js/3.600.0 ua/2.0 os/linux lang/js md/nodejs#22.0.0';

function event(app: DemoApp, identity: Record<string, unknown>, call: DemoApp['calls'][number], time: Date, ip: string): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: AGENT,
    requestParameters: call.requestParameters,
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: call.eventName.startsWith('Get'),
    eventType: 'AwsApiCall',
    managementEvent: call.dataEvent !== true,
    recipientAccountId: ACCOUNT,
    eventCategory: call.dataEvent ? 'Data' : 'Management',
  };
}

async function writeRecords(dir: string, name: string, records: unknown[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), JSON.stringify({ Records: records }));
}

/** Each app's calls with its key, once a day for `days` days before `until`. */
export async function writeKeyTrail(dir: string, apps: readonly DemoApp[], ipOf: (instanceId: string) => string, until: Date, days = 14): Promise<void> {
  const records = [];
  for (const app of apps) {
    const identity = { type: 'IAMUser', principalId: `AIDA${app.accessKeyId.slice(4)}`, arn: `arn:aws:iam::${ACCOUNT}:user/${app.userName}`, accountId: ACCOUNT, accessKeyId: app.accessKeyId, userName: app.userName };
    for (let day = days; day >= 1; day--) {
      for (const call of app.calls) records.push(event(app, identity, call, new Date(until.getTime() - day * 86_400_000), ipOf(app.instanceId)));
    }
  }
  await writeRecords(dir, 'before-migration.json', records);
}

/** The same calls made under the new role's session on the app's instance, at `at`. */
export async function writeRoleTrail(dir: string, apps: readonly { app: DemoApp; roleName: string }[], ipOf: (instanceId: string) => string, at: Date): Promise<void> {
  const records = [];
  for (const { app, roleName } of apps) {
    const identity = {
      type: 'AssumedRole',
      principalId: `AROADEMO${app.name.toUpperCase()}:${app.instanceId}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${app.instanceId}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIA${app.accessKeyId.slice(4)}`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/keyshift/${roleName}`, userName: roleName }, attributes: { creationDate: at.toISOString(), mfaAuthenticated: 'false' } },
    };
    for (const call of app.calls) records.push(event(app, identity, call, at, ipOf(app.instanceId)));
  }
  await writeRecords(dir, `after-migration-${at.getTime()}.json`, records);
}
