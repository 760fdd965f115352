// What the evidence shows per key and per IAM user, in the shapes the gap rules compare with
// IAM's own records: services (namespaces), regions, last call, and which services' data
// events appear. Service-last-accessed is per user, not per key, so it is compared with all
// of the user's keys together.
import type { InventoryDocument } from '../../model/inventory.js';
import type { ActionUse, KeyUsage } from '../../model/usage.js';
import { isDataEventAction } from './data-event-services.js';

export interface KeyEvidence {
  usage: KeyUsage;
  services: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  /** services whose data events (object-level, invokes, items…) this key's evidence holds */
  dataServices: ReadonlySet<string>;
  lastSeen: number | null;
}

export interface EvidenceIndex {
  /** keys with at least one call in the evidence */
  byKey: ReadonlyMap<string, KeyEvidence>;
  servicesByUser: ReadonlyMap<string, ReadonlySet<string>>;
}

export function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
}

function keyEvidence(usage: KeyUsage): KeyEvidence {
  const uses: readonly ActionUse[] = [...usage.actions, ...usage.denied];
  const services = new Set(uses.map((a) => serviceOf(a.action)));
  // GetSessionToken needs no permission, so it leaves no action: its sessions show the sts call
  if (usage.sessions.length > 0) services.add('sts');
  return {
    usage,
    services,
    regions: new Set(usage.regions.map((r) => r.region)),
    dataServices: new Set(uses.filter((a) => isDataEventAction(a.action)).map((a) => serviceOf(a.action))),
    lastSeen: usage.lastSeen === null ? null : Date.parse(usage.lastSeen),
  };
}

export function indexEvidence(keys: readonly KeyUsage[], inventory: InventoryDocument | undefined): EvidenceIndex {
  const ownerOfKey = new Map((inventory?.iam.accessKeys ?? []).map((k) => [k.accessKeyId, k.userName]));
  const byKey = new Map<string, KeyEvidence>();
  const servicesByUser = new Map<string, Set<string>>();
  for (const usage of keys) {
    if (usage.totalCalls === 0) continue;
    const evidence = keyEvidence(usage);
    byKey.set(usage.accessKeyId, evidence);
    const user = ownerOfKey.get(usage.accessKeyId) ?? usage.principal.userName;
    if (user === null) continue;
    const services = servicesByUser.get(user) ?? new Set<string>();
    for (const s of evidence.services) services.add(s);
    // GetSessionToken sessions act as the user itself (assumed roles do not): IAM counts them for the user
    for (const session of usage.sessions) {
      if (session.via !== 'GetSessionToken') continue;
      for (const a of [...session.actions, ...session.denied]) services.add(serviceOf(a.action));
    }
    servicesByUser.set(user, services);
  }
  return { byKey, servicesByUser };
}
