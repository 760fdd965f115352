// The whole `scan aws` job: account and IAM, then EC2 in every region, joined into one
// inventory document. Parts that could not be read are listed in `incomplete`, never
// silently left out.
import type { AwsConnection } from '../../aws/connection.js';
import { AwsContext } from '../../aws/aws-context.js';
import type { IoHost } from '../../io/host.js';
import { INVENTORY_VERSION, type InventoryDocument } from '../../model/inventory.js';
import { VERSION } from '../../version.js';
import { resolveRegions } from './ec2/regions.js';
import { scanEc2 } from './ec2/scan-ec2.js';
import { scanIam } from './iam/scan-iam.js';
import { IncompleteParts } from './partial-access.js';
import { scanHostsViaSsm } from './ssm/scan-hosts-via-ssm.js';
import type { SsmHostScan } from './ssm/ssm-host-scan.js';
import type { Ec2Instance } from '../../model/inventory.js';

export interface AwsScanJob {
  connection: AwsConnection;
  /** regions to scan; default every enabled region */
  regions?: string[] | undefined;
  env: Record<string, string | undefined>;
  host: IoHost;
  signal?: AbortSignal;
  now: Date;
  concurrency?: number;
  /** also scan the hosts of managed Linux instances through SSM Run Command */
  ssm?: boolean;
}

export interface AwsScanResult {
  inventory: InventoryDocument;
  /** AWS calls sent, by client and command */
  calls: Map<string, number>;
}

export async function runAwsScanJob(job: AwsScanJob): Promise<AwsScanResult> {
  const aws = new AwsContext(job.connection, job.env, job.signal);
  try {
    const incomplete = new IncompleteParts(job.host, job.signal);
    job.host.notify({ type: 'phase', phase: 'regions', message: 'finding the enabled regions' });
    const regions = await resolveRegions(aws, job.regions);
    job.host.notify({ type: 'phase', phase: 'iam', message: 'reading IAM: users, keys, roles, policies' });
    const iam = await scanIam({ aws, host: job.host, incomplete, regions, now: job.now, signal: job.signal });
    job.host.notify({ type: 'phase', phase: 'ec2', message: `reading EC2 in ${regions.length} region(s)` });
    const ec2 = await scanEc2({ aws, host: job.host, incomplete, regions, now: job.now, signal: job.signal, concurrency: job.concurrency });
    const hostScans = job.ssm ? await scanHostsOfInstances(aws, ec2.ec2.instances, job) : [];
    const instancesByProfile = new Map<string, string[]>();
    for (const i of ec2.ec2.instances) {
      if (!i.instanceProfile) continue;
      const list = instancesByProfile.get(i.instanceProfile.arn) ?? [];
      list.push(i.instanceId);
      instancesByProfile.set(i.instanceProfile.arn, list);
    }
    const inventory: InventoryDocument = {
      kind: 'inventory',
      version: INVENTORY_VERSION,
      account: iam.account,
      asOf: job.now.toISOString(),
      generator: { name: 'keyshift', version: VERSION },
      caller: iam.caller,
      regions,
      quotas: iam.quotas,
      iam: {
        ...iam.iam,
        instanceProfiles: iam.iam.instanceProfiles.map((p) => ({ ...p, instances: (instancesByProfile.get(p.arn) ?? []).sort() })),
      },
      resourceGrants: iam.resourceGrants,
      assumableRoles: iam.assumableRoles,
      ec2: ec2.ec2,
      credentials: [...ec2.credentials, ...hostScans.flatMap((h) => h.findings)],
      hostScans: hostScans.map(({ instanceId, region, status, reason }) => ({ instanceId, region, status, ...(reason !== undefined && { reason }) })),
      findings: [...iam.findings, ...ec2.findings],
      incomplete: incomplete.parts,
    };
    return { inventory, calls: new Map(aws.calls) };
  } finally {
    aws.destroy();
  }
}

/** The host scan of every running instance, region by region, through SSM Run Command. */
async function scanHostsOfInstances(aws: AwsContext, instances: readonly Ec2Instance[], job: AwsScanJob): Promise<SsmHostScan[]> {
  const byRegion = new Map<string, Ec2Instance[]>();
  for (const i of instances) {
    if (i.state !== 'running') continue;
    byRegion.set(i.region, [...(byRegion.get(i.region) ?? []), i]);
  }
  const scans: SsmHostScan[] = [];
  for (const [region, list] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    job.host.notify({ type: 'phase', phase: 'ssm', message: `scanning ${list.length} host(s) in ${region} through SSM` });
    scans.push(...(await scanHostsViaSsm(aws, { region, instances: list.map((i) => ({ instanceId: i.instanceId, platform: i.platform })), host: job.host })));
  }
  return scans;
}
