// Where each key lives, tied to the workload that holds it: user data and launch templates (the
// inventory's credentials) and files, services and processes on hosts (`scan host` findings,
// whose location.host is an instance ID or a hostname). A location that matches no workload is
// kept with workloadId null: the key cannot be deactivated while a copy sits somewhere unknown.
import type { Ec2Instance, InventoryDocument } from '../model/inventory.js';
import type { Finding } from '../model/finding.js';
import type { FindingsDocument } from '../model/findings-document.js';
import { describeLocation, type Location } from '../model/location.js';
import { compareText } from './canonical-json.js';
import type { WorkloadUnit } from './workloads.js';

export interface KeyLocation {
  accessKeyId: string;
  location: Location;
  workloadId: string | null;
  /** the instance whose host or user data holds it; null for a launch template or configuration */
  instanceId: string | null;
  /** for people: the location, and why it matched no workload when it did not */
  label: string;
  unmatched?: string;
}

export function keyLocations(inventory: InventoryDocument, hostFindings: readonly FindingsDocument[], units: readonly WorkloadUnit[]): Map<string, KeyLocation[]> {
  const byInstance = new Map<string, WorkloadUnit>();
  for (const unit of units) for (const i of unit.instances) byInstance.set(i.instanceId, unit);
  const hostResolver = new HostResolver(units.flatMap((u) => u.instances));

  const out = new Map<string, KeyLocation[]>();
  const add = (finding: Finding, resolved: { workloadId: string | null; instanceId: string | null; unmatched?: string }): void => {
    if (finding.keyId === undefined) return;
    const list = out.get(finding.keyId) ?? [];
    list.push({ accessKeyId: finding.keyId, location: finding.location, label: describeLocation(finding.location), ...resolved });
    out.set(finding.keyId, list);
  };

  for (const finding of inventory.credentials) add(finding, resolveCloudLocation(finding.location, units, byInstance));
  for (const doc of hostFindings) {
    for (const finding of doc.findings) {
      const loc = finding.location;
      if (loc.type !== 'host-file' && loc.type !== 'process-env' && loc.type !== 'service-env') continue;
      const instance = hostResolver.resolve(loc.host);
      const unit = instance ? byInstance.get(instance.instanceId) : undefined;
      add(finding, unit && instance ? { workloadId: unit.id, instanceId: instance.instanceId } : { workloadId: null, instanceId: null, unmatched: `host ${loc.host} matches no instance in the inventory` });
    }
  }
  for (const list of out.values()) list.sort((a, b) => compareText(`${a.workloadId ?? ''} ${a.label}`, `${b.workloadId ?? ''} ${b.label}`));
  return out;
}

function resolveCloudLocation(loc: Location, units: readonly WorkloadUnit[], byInstance: Map<string, WorkloadUnit>): { workloadId: string | null; instanceId: string | null; unmatched?: string } {
  switch (loc.type) {
    case 'user-data': {
      const unit = byInstance.get(loc.instanceId);
      return unit ? { workloadId: unit.id, instanceId: loc.instanceId } : { workloadId: null, instanceId: loc.instanceId, unmatched: `instance ${loc.instanceId} is not a running workload` };
    }
    case 'launch-template': {
      // the group or template workload that launches from it; else instances launched from it
      const unit =
        units.find((u) => u.region === loc.region && u.deploymentUnit.launchTemplate?.id === loc.launchTemplateId) ??
        units.find((u) => u.instances.some((i) => i.launchTemplate?.id === loc.launchTemplateId));
      return unit ? { workloadId: unit.id, instanceId: null } : { workloadId: null, instanceId: null, unmatched: `launch template ${loc.launchTemplateId} launches no instance or group in the inventory` };
    }
    case 'launch-configuration': {
      const unit = units.find((u) => u.region === loc.region && u.autoScalingGroup?.launchConfigurationName === loc.name);
      return unit ? { workloadId: unit.id, instanceId: null } : { workloadId: null, instanceId: null, unmatched: `launch configuration ${loc.name} is used by no group in the inventory` };
    }
    default:
      return { workloadId: null, instanceId: null, unmatched: 'not an instance location' };
  }
}

/** A host name from `scan host` to an instance: its ID, an EC2 private DNS name (ip-10-0-0-5…), a private IP, or its Name. */
class HostResolver {
  private readonly byKey = new Map<string, Ec2Instance[]>();

  constructor(instances: readonly Ec2Instance[]) {
    for (const i of instances) {
      const keys = new Set([i.instanceId, ...i.privateIps, ...(i.name ? [i.name] : [])]);
      for (const k of keys) this.byKey.set(k.toLowerCase(), [...(this.byKey.get(k.toLowerCase()) ?? []), i]);
    }
  }

  resolve(host: string): Ec2Instance | null {
    const h = host.trim().toLowerCase();
    const dns = /^ip-(\d+)-(\d+)-(\d+)-(\d+)(\.|$)/.exec(h);
    const key = dns ? `${dns[1]}.${dns[2]}.${dns[3]}.${dns[4]}` : h;
    const found = this.byKey.get(key) ?? [];
    // a name two instances share identifies neither
    return found.length === 1 ? (found[0] ?? null) : null;
  }
}
