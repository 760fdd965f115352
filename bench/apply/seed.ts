// The `keyshift apply` benchmark's account: the demo's preparation (src/demo/prepare-demo-plan.ts)
// generalised to N applications of M instances each. Every application has an IAM user with
// one access key and M instances tagged app=<name> (the planner's application-tag workload: one
// workload per application); its hosts hold the key in a systemd unit's Environment= (even
// applications) or in an EnvironmentFile plus root's ~/.aws/credentials (odd ones, the demo's
// second host shape); the last `sharedProfileApps` applications' instances already carry one
// shared `ssm-agent` profile, so their workloads get a new role that carries its policy and a
// replaced association. Then, in-process as the demo does: host scans, the AWS scan,
// service-last-accessed supplied (moto lacks it), a trail with each application's calls from
// each of its instances, usage, and the plan.
//
// Loaded from dist/ (build it first: npx tsc -p tsconfig.build.json), typed from src/.
import { AllocateAddressCommand, AssociateAddressCommand, AssociateIamInstanceProfileCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DemoApp } from '../../src/demo/demo-account.js';
import type { FindingsDocument } from '../../src/model/findings-document.js';
import type { InventoryDocument } from '../../src/model/inventory.js';
import type { PlanDocument } from '../../src/model/plan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface BenchApp {
  name: string;
  userName: string;
  accessKeyId: string;
  instanceIds: string[];
  /** the shared profile its instances start with, or null */
  existingProfile: string | null;
  calls: DemoApp['calls'];
  /** the synthetic secret on its hosts: in memory only, to check no output shows it */
  secret: string;
}

export interface SeedOptions {
  endpoint: string;
  dir: string;
  apps: number;
  instancesPerApp: number;
  /** how many applications (the last ones) start on the shared ssm-agent profile */
  sharedProfileApps: number;
  asOf: Date;
  env: Record<string, string | undefined>;
  /** moto's random seed (POST /moto-api/seed): the same IDs and addresses every time */
  motoSeed: number;
}

export interface SeededBench {
  apps: BenchApp[];
  hostsRoot: string;
  trailDir: string;
  planPath: string;
  plan: PlanDocument;
  inventory: InventoryDocument;
  /** instances given an Elastic IP because moto drew a public IP another already had */
  elasticIps: number;
  /** seconds per preparation phase */
  timings: Record<string, number>;
  /** the applications' calls under their new roles from every instance, at `at` */
  writeRoleTrail(at: Date): Promise<void>;
}

/** What each application calls: two or three of five kinds, on resources of its own. */
function callsOf(name: string, i: number): DemoApp['calls'] {
  const all: DemoApp['calls'] = [
    { eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: `bench-${name}`, key: 'in/batch.csv' }, dataEvent: true },
    { eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}-jobs` } },
    { eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', requestParameters: { tableName: `${name}-items` }, dataEvent: true },
    { eventSource: 'sns.amazonaws.com', eventName: 'Publish', requestParameters: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}-events` } },
    { eventSource: 's3.amazonaws.com', eventName: 'PutObject', requestParameters: { bucketName: `bench-${name}`, key: 'out/report.csv' }, dataEvent: true },
  ];
  const n = 2 + (i % 2);
  return Array.from({ length: n }, (_, k) => all[(i + k) % all.length]!);
}

/** The user's own (broader) policy, as such keys usually have. */
function userPolicy(name: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::bench-${name}`, `arn:aws:s3:::bench-${name}/*`] },
      { Effect: 'Allow', Action: ['sqs:*', 'sns:Publish', 'dynamodb:*'], Resource: '*' },
    ],
  };
}

async function seedAccount(o: SeedOptions, fakeSecret: () => string): Promise<{ apps: BenchApp[]; elasticIps: number }> {
  const demo = await load<typeof import('../../src/demo/demo-account.js')>('src/demo/demo-account.js');
  const seeded = await fetch(`${o.endpoint}/moto-api/seed?a=${o.motoSeed}`, { method: 'POST' });
  if (!seeded.ok) throw new Error(`moto refused its random seed: ${seeded.status}`);
  const iam = new IAMClient({ region: REGION, endpoint: o.endpoint, credentials });
  const ec2 = new EC2Client({ region: REGION, endpoint: o.endpoint, credentials });
  try {
    if (o.sharedProfileApps > 0) {
      // the SSM agent's role and profile, shared by the last applications' instances (as in the demo)
      await demo.seedSsmAgentProfile(iam);
    }
    const apps: BenchApp[] = [];
    for (let i = 0; i < o.apps; i++) {
      const name = `app-${String(i).padStart(2, '0')}`;
      const userName = `${name}-svc`;
      await iam.send(new CreateUserCommand({ UserName: userName }));
      await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: `${name}-access`, PolicyDocument: JSON.stringify(userPolicy(name)) }));
      // moto makes the key; its secret is dropped here and never used: the hosts get a synthetic one
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: o.instancesPerApp,
          MaxCount: o.instancesPerApp,
          MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' },
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }, { Key: 'app', Value: name }] }],
        }),
      );
      const instanceIds = (run.Instances ?? []).map((x) => x.InstanceId!);
      const existingProfile = i >= o.apps - o.sharedProfileApps ? 'ssm-agent' : null;
      if (existingProfile) for (const id of instanceIds) await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: id, IamInstanceProfile: { Name: existingProfile } }));
      apps.push({ name, userName, accessKeyId: key.AccessKey!.AccessKeyId!, instanceIds, existingProfile, calls: callsOf(name, i), secret: fakeSecret() });
    }
    return { apps, elasticIps: await uniquePublicIps(ec2) };
  } finally {
    iam.destroy();
    ec2.destroy();
  }
}

/**
 * moto draws public IPs at random from 54.214.0.0/16, so among 200 instances two sometimes share
 * one, and the usage attribution rightly refuses to say which of them made a call (the key
 * would be blocked). Each instance after the first on an address gets an Elastic IP of its own
 * from 54.215.0.0/16 (moto's own Elastic IPs are loopback addresses, which name no instance),
 * as a real account's addresses are unique.
 */
async function uniquePublicIps(ec2: EC2Client): Promise<number> {
  const instances = ((await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const taken = new Set<string>();
  const clashing: string[] = [];
  for (const i of instances) {
    if (!i.PublicIpAddress) continue;
    if (taken.has(i.PublicIpAddress)) clashing.push(i.InstanceId!);
    taken.add(i.PublicIpAddress);
  }
  for (const [n, instanceId] of clashing.entries()) {
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', Address: `54.215.${n >> 8}.${(n & 255) + 1}` }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId!, InstanceId: instanceId }));
  }
  return clashing.length;
}

async function put(hostRoot: string, path: string, content: string, mode = 0o644): Promise<void> {
  const real = join(hostRoot, path);
  await mkdir(dirname(real), { recursive: true });
  await writeFile(real, content);
  await chmod(real, mode);
}

/** One root filesystem per instance, in one of the demo's two shapes (src/demo/demo-hosts.ts). */
async function writeHosts(hostsRoot: string, apps: readonly BenchApp[]): Promise<void> {
  for (const [i, app] of apps.entries()) {
    for (const instanceId of app.instanceIds) {
      const r = join(hostsRoot, instanceId);
      await put(r, '/etc/passwd', `root:x:0:0:root:/root:/bin/bash\n${app.name}:x:1001:1001::/home/${app.name}:/bin/bash\n`);
      if (i % 2 === 0) {
        await put(
          r,
          `/etc/systemd/system/${app.name}.service`,
          `[Unit]\nDescription=${app.name}\n\n[Service]\nUser=${app.name}\nEnvironment=AWS_REGION=${REGION}\nEnvironment=AWS_ACCESS_KEY_ID=${app.accessKeyId}\nEnvironment=AWS_SECRET_ACCESS_KEY=${app.secret}\nExecStart=/opt/${app.name}/run\n\n[Install]\nWantedBy=multi-user.target\n`,
        );
      } else {
        await put(r, `/etc/${app.name}.env`, `AWS_REGION=${REGION}\nAWS_ACCESS_KEY_ID=${app.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${app.secret}\n`, 0o600);
        await put(
          r,
          `/etc/systemd/system/${app.name}.service`,
          `[Unit]\nDescription=${app.name}\n\n[Service]\nEnvironmentFile=/etc/${app.name}.env\nExecStart=/opt/${app.name}/run\n\n[Install]\nWantedBy=multi-user.target\n`,
        );
        await put(r, '/root/.aws/credentials', `[default]\naws_access_key_id = ${app.accessKeyId}\naws_secret_access_key = ${app.secret}\n`, 0o600);
      }
    }
  }
}

/** One DemoApp per instance: the demo's trail writers then write each app's calls from each of its instances. */
function perInstance(apps: readonly BenchApp[]): DemoApp[] {
  return apps.flatMap((a) => a.instanceIds.map((instanceId) => ({ name: a.name, userName: a.userName, accessKeyId: a.accessKeyId, instanceId, existingProfile: a.existingProfile, calls: a.calls })));
}

export async function seedApplyBench(o: SeedOptions): Promise<SeededBench> {
  const { fakeSecret } = await load<typeof import('../../src/demo/synthetic-credentials.js')>('src/demo/synthetic-credentials.js');
  const { withServiceLastAccessed } = await load<typeof import('../../src/demo/prepare-demo-plan.js')>('src/demo/prepare-demo-plan.js');
  const { writeKeyTrail, writeRoleTrail } = await load<typeof import('../../src/demo/demo-trail.js')>('src/demo/demo-trail.js');
  const { silentHost } = await load<typeof import('../../src/io/host.js')>('src/io/host.js');
  const { runHostScanJob } = await load<typeof import('../../src/scan/host/host-scan-job.js')>('src/scan/host/host-scan-job.js');
  const { runAwsScanJob } = await load<typeof import('../../src/scan/aws/scan-aws.js')>('src/scan/aws/scan-aws.js');
  const { runUsageJob } = await load<typeof import('../../src/usage/usage-job.js')>('src/usage/usage-job.js');
  const { localDirectorySource } = await load<typeof import('../../src/usage/sources/local-directory.js')>('src/usage/sources/local-directory.js');
  const { buildPlan, DEFAULT_PLAN_OPTIONS } = await load<typeof import('../../src/plan/index.js')>('src/plan/index.js');

  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    timings[name] = (performance.now() - t) / 1000;
    t = performance.now();
  };

  const { apps, elasticIps } = await seedAccount(o, fakeSecret);
  lap('seed moto');
  const hostsRoot = join(o.dir, 'hosts');
  const trailDir = join(o.dir, 'trail');
  const findingsDir = join(o.dir, 'findings');
  await mkdir(trailDir, { recursive: true });
  await mkdir(findingsDir, { recursive: true });
  await writeHosts(hostsRoot, apps);
  const findings: FindingsDocument[] = [];
  for (const instanceId of apps.flatMap((a) => a.instanceIds)) {
    const doc = await runHostScanJob({ root: join(hostsRoot, instanceId), hostName: instanceId, includeProcesses: false, host: silentHost, now: o.asOf });
    await writeFile(join(findingsDir, `${instanceId}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    findings.push(doc);
  }
  lap('hosts written and scanned');

  const scanned = await runAwsScanJob({ connection: { endpointUrl: o.endpoint, region: REGION, credentials }, regions: [REGION], env: o.env, host: silentHost, now: o.asOf });
  const demoAccount = { endpoint: o.endpoint, apps: apps.map((a) => ({ ...perInstance([a])[0]! })) };
  const inventory = withServiceLastAccessed(scanned.inventory, demoAccount, o.asOf);
  const inventoryText = `${JSON.stringify(inventory, null, 2)}\n`;
  const inventoryPath = join(o.dir, 'inventory.json');
  await writeFile(inventoryPath, inventoryText);
  lap('scan aws');

  const byId = new Map(inventory.ec2.instances.map((i) => [i.instanceId, i]));
  const ipOf = (instanceId: string): string => {
    const i = byId.get(instanceId);
    const ip = i?.publicIps[0] ?? i?.privateIps[0];
    if (!ip) throw new Error(`instance ${instanceId} has no address in the inventory`);
    return ip;
  };
  const instances = perInstance(apps);
  await writeKeyTrail(trailDir, instances, ipOf, o.asOf);
  const window = { since: new Date(o.asOf.getTime() - 30 * 86_400_000), until: o.asOf };
  const { usage } = await runUsageJob({ sources: [localDirectorySource(trailDir, window)], window, inventoryPath, host: silentHost, now: o.asOf });
  const usageText = `${JSON.stringify(usage, null, 2)}\n`;
  await writeFile(join(o.dir, 'usage.json'), usageText);
  lap('trail and usage');

  const plan = await buildPlan({
    inventory,
    usage,
    hostFindings: findings,
    options: { ...DEFAULT_PLAN_OPTIONS, minQuietDays: 1, imdsv2SoakDays: 1 },
    inputs: { inventorySha256: sha256(inventoryText), usageSha256: sha256(usageText) },
  });
  const planPath = join(o.dir, 'plan.json');
  await writeFile(planPath, `${JSON.stringify(plan, null, 2)}\n`);
  lap('plan');

  const roleOf = new Map(plan.workloads.flatMap((w) => w.instances.map((i) => [i.instanceId, w.role.name] as const)));
  return {
    apps,
    hostsRoot,
    trailDir,
    planPath,
    plan,
    inventory,
    elasticIps,
    timings,
    writeRoleTrail: (at) =>
      writeRoleTrail(
        trailDir,
        instances.map((app) => ({ app, roleName: roleOf.get(app.instanceId) ?? 'unplanned' })),
        ipOf,
        at,
      ),
  };
}
