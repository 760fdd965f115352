// EC2 across regions: instances, what launches them, the network facts usage attribution
// needs, keys in user data, and the findings the planner must respect. Regions are read
// side by side with at most `concurrency` calls in flight in all; the only per-instance
// call is the user data read, everything else is paged per region. The output is sorted,
// so the same account gives the same document whatever order the answers came in.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Finding } from '../../../model/finding.js';
import type { InventoryDocument, InventoryFinding } from '../../../model/inventory.js';
import type { Location } from '../../../model/location.js';
import { CallLimiter } from './call-limiter.js';
import { instanceFindings, launchTemplateFindings } from './ec2-findings.js';
import { Ec2Progress } from './ec2-progress.js';
import { scanRegion, type RegionInventory } from './scan-region.js';

/** EC2's request limits are per account and region; ten in flight stays well within them. */
import type { AwsScanPartInput } from '../scan-part-input.js';

export const DEFAULT_EC2_CONCURRENCY = 10;

/** concurrency counts AWS calls in flight across all regions */
export type Ec2ScanInput = AwsScanPartInput;

export interface Ec2ScanResult {
  ec2: InventoryDocument['ec2'];
  /** static keys in user data, launch templates and launch configurations */
  credentials: Finding[];
  findings: InventoryFinding[];
}

export async function scanEc2(input: Ec2ScanInput): Promise<Ec2ScanResult> {
  const { aws, host, incomplete, regions, signal } = input;
  const limiter = new CallLimiter(input.concurrency ?? DEFAULT_EC2_CONCURRENCY);
  const progress = new Ec2Progress(host, regions.length);
  const perRegion = await Promise.all(
    [...regions].sort().map((region) =>
      scanRegion({ region, ec2: aws.client(EC2Client, region), autoScaling: aws.client(AutoScalingClient, region), limiter, incomplete, signal }, progress),
    ),
  );
  progress.finish();

  const all = <K extends keyof RegionInventory>(key: K): RegionInventory[K] => perRegion.flatMap((r): RegionInventory[K][number][] => r[key]) as RegionInventory[K];
  const ec2: InventoryDocument['ec2'] = {
    instances: all('instances').sort(by((i) => [i.region, i.instanceId])),
    autoScalingGroups: all('autoScalingGroups').sort(by((g) => [g.region, g.name])),
    launchTemplates: all('launchTemplates').sort(by((t) => [t.region, t.id])),
    launchConfigurations: all('launchConfigurations').sort(by((c) => [c.region, c.name])),
    elasticIps: all('elasticIps').sort(by((a) => [a.region, a.publicIp])),
    natGateways: all('natGateways').sort(by((g) => [g.region, g.id])),
    vpcEndpoints: all('vpcEndpoints').sort(by((e) => [e.region, e.id])),
  };
  const credentials = all('credentials').sort(by((f) => [...locationKey(f.location), f.fingerprint]));
  const findings = [
    ...ec2.instances.flatMap(instanceFindings),
    ...ec2.launchTemplates.flatMap((t) => launchTemplateFindings(t, ec2.autoScalingGroups, ec2.instances)),
  ];
  for (const finding of credentials) host.notify({ type: 'finding', finding });
  return { ec2, credentials, findings };
}

type SortKey = readonly (string | number)[];

function by<T>(key: (item: T) => SortKey): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let n = 0; n < Math.min(ka.length, kb.length); n++) {
      const x = ka[n]!;
      const y = kb[n]!;
      if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
    }
    return ka.length - kb.length;
  };
}

function locationKey(loc: Location): SortKey {
  switch (loc.type) {
    case 'user-data':
      return [loc.region, loc.type, loc.instanceId, 0, loc.part, loc.line ?? 0];
    case 'launch-template':
      return [loc.region, loc.type, loc.launchTemplateId, loc.version, loc.part, loc.line ?? 0];
    case 'launch-configuration':
      return [loc.region, loc.type, loc.name, 0, loc.part, loc.line ?? 0];
    default:
      return [loc.type];
  }
}
