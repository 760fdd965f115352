// The demo's way to a plan, in-process: seed the emulated account, write the hosts' root
// filesystems, scan them and the account, write the key's trail, learn usage from it, and
// plan. Each document is written to the work directory as the CLI would, so `keyshift apply`
// and friends can take over from there.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings-document.js';
import type { InventoryDocument } from '../model/inventory.js';
import type { PlanDocument } from '../model/plan.js';
import type { IoHost } from '../io/host.js';
import { buildPlan, DEFAULT_PLAN_OPTIONS } from '../plan/index.js';
import { runAwsScanJob } from '../scan/aws/scan-aws.js';
import { runHostScanJob } from '../scan/host/host-scan-job.js';
import { localDirectorySource } from '../usage/sources/local-directory.js';
import { runUsageJob } from '../usage/usage-job.js';
import { DEMO_REGION, EMULATOR_CREDENTIALS, seedDemoAccount, type DemoAccount } from './demo-account.js';
import { writeDemoHosts, type DemoHost } from './demo-hosts.js';
import { writeKeyTrail } from './demo-trail.js';

export interface DemoPlan {
  account: DemoAccount;
  hosts: DemoHost[];
  dir: string;
  hostsRoot: string;
  trailDir: string;
  inventory: InventoryDocument;
  plan: PlanDocument;
  planPath: string;
  /** the clock the documents were made at: the trail covers the 14 days before it */
  asOf: Date;
  ipOf(instanceId: string): string;
}

export interface PrepareOptions {
  endpoint: string;
  dir: string;
  /** the scan's clock; moto launches instances "now", so it lies after that */
  asOf: Date;
  host: IoHost;
  env: Record<string, string | undefined>;
  /** days the old key must stay quiet, and days on the role before IMDSv2 is required */
  quietDays?: number;
  soakDays?: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function prepareDemoPlan(o: PrepareOptions): Promise<DemoPlan> {
  const account = await seedDemoAccount(o.endpoint);
  const hostsRoot = join(o.dir, 'hosts');
  const trailDir = join(o.dir, 'trail');
  await mkdir(trailDir, { recursive: true });
  const hosts = await writeDemoHosts(hostsRoot, account.apps);
  const findings: FindingsDocument[] = [];
  for (const h of hosts) {
    const doc = await runHostScanJob({ root: h.root, hostName: h.instanceId, includeProcesses: false, host: o.host, now: o.asOf });
    await writeFile(join(o.dir, `findings-${h.instanceId}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    findings.push(doc);
  }
  const scanned = await runAwsScanJob({ connection: { endpointUrl: o.endpoint, region: DEMO_REGION, credentials: EMULATOR_CREDENTIALS }, regions: [DEMO_REGION], env: o.env, host: o.host, now: o.asOf });
  const inventory = withServiceLastAccessed(scanned.inventory, account, o.asOf);
  const inventoryText = `${JSON.stringify(inventory, null, 2)}\n`;
  const inventoryPath = join(o.dir, 'inventory.json');
  await writeFile(inventoryPath, inventoryText);
  const ipOf = (instanceId: string): string => {
    const i = inventory.ec2.instances.find((x) => x.instanceId === instanceId);
    const ip = i?.publicIps[0] ?? i?.privateIps[0];
    if (!ip) throw new Error(`instance ${instanceId} has no address in the inventory`);
    return ip;
  };
  await writeKeyTrail(trailDir, account.apps, ipOf, o.asOf);
  const { usage } = await runUsageJob({
    sources: [localDirectorySource(trailDir, { since: new Date(o.asOf.getTime() - 30 * 86_400_000), until: o.asOf })],
    window: { since: new Date(o.asOf.getTime() - 30 * 86_400_000), until: o.asOf },
    inventoryPath,
    host: o.host,
    now: o.asOf,
  });
  const usageText = `${JSON.stringify(usage, null, 2)}\n`;
  await writeFile(join(o.dir, 'usage.json'), usageText);
  const plan = await buildPlan({
    inventory,
    usage,
    hostFindings: findings,
    options: { ...DEFAULT_PLAN_OPTIONS, minQuietDays: o.quietDays ?? 1, imdsv2SoakDays: o.soakDays ?? 1 },
    inputs: { inventorySha256: sha256(inventoryText), usageSha256: sha256(usageText) },
  });
  const planPath = join(o.dir, 'plan.json');
  await writeFile(planPath, `${JSON.stringify(plan, null, 2)}\n`);
  return { account, hosts, dir: o.dir, hostsRoot, trailDir, inventory, plan, planPath, asOf: o.asOf, ipOf };
}

/**
 * moto does not implement iam:GenerateServiceLastAccessedDetails, so the scan records the gap
 * (and the planner would rightly hold every key). The demo supplies what IAM would answer for
 * its seeded apps (the services each app calls, last used the day before the scan) and says so.
 */
export function withServiceLastAccessed(inventory: InventoryDocument, account: DemoAccount, asOf: Date): InventoryDocument {
  const dayBefore = new Date(asOf.getTime() - 86_400_000).toISOString();
  const users = new Map(account.apps.map((a) => [a.userName, [...new Set(a.calls.map((c) => c.eventSource.split('.')[0]!))]]));
  return {
    ...inventory,
    iam: {
      ...inventory.iam,
      serviceLastAccessed: inventory.iam.serviceLastAccessed.map((s) => {
        const services = users.get(s.userName);
        return services ? { userName: s.userName, status: 'COMPLETED' as const, services: services.map((n) => ({ serviceNamespace: n, lastAuthenticated: dayBefore, lastAuthenticatedRegion: DEMO_REGION })) } : s;
      }),
    },
    incomplete: inventory.incomplete.filter((i) => i.action !== 'iam:GenerateServiceLastAccessedDetails'),
  };
}
