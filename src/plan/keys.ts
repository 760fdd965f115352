// What happens to each key. Deactivation is planned only when nothing can still need the key:
// every workload using it is in the plan and ready (so it will be migrated and verified), no
// source of its usage is unattributed, and the evidence has no gap for it. A key with no
// recorded usage needs explicit confirmation, and only when the inventory's last use also lies
// before the usage window; otherwise the evidence is blind to it and the key is blocked. Root
// keys are only reported: they are not keyshift's to switch off.
import type { AccessKey } from '../model/inventory.js';
import type { KeyPlan, PlanOptions } from '../model/plan.js';
import type { EvidenceGap, KeyUsage, UsageDocument } from '../model/usage.js';
import { sortedUnique } from './canonical-json.js';

export interface KeyFacts {
  accessKeyId: string;
  inventoryKey: AccessKey | undefined;
  usage: KeyUsage | undefined;
  /** workloads in this plan that use it, with their status */
  workloads: { id: string; status: 'ready' | 'blocked' | 'export-only' }[];
  /** workloads that hold it but were left out by the plan's --workloads or --keys */
  excludedWorkloads: string[];
  unattributedSources: { source: string; reason: string }[];
  /** copies of the key found where no workload of this plan is */
  unmatchedLocations: string[];
  gaps: EvidenceGap[];
}

export function quietPeriodSeconds(usage: KeyUsage | undefined, options: PlanOptions): number {
  return Math.ceil(Math.max(usage?.longestGapSeconds ?? 0, options.minQuietDays * 86_400));
}

export function decideKey(facts: KeyFacts, usageDoc: UsageDocument, options: PlanOptions): KeyPlan {
  const usage = facts.usage;
  const base = {
    accessKeyId: facts.accessKeyId,
    userName: facts.inventoryKey?.userName ?? usage?.principal.userName ?? null,
    workloads: sortedUnique(facts.workloads.map((w) => w.id)),
    quietPeriodSeconds: quietPeriodSeconds(usage, options),
  };
  if (usage?.principal.type === 'Root') {
    return { ...base, userName: null, workloads: [], decision: 'report-only', reasons: ['a root user key: delete it in the console as the root user; keyshift does not change root credentials'] };
  }

  const reasons: string[] = [];
  for (const s of facts.unattributedSources) reasons.push(`source ${s.source} is ${s.reason}`);
  if (usage?.uncovered && facts.unattributedSources.length === 0) reasons.push('the usage marks a source of this key as uncovered');
  for (const g of facts.gaps) reasons.push(`evidence gap (${g.reason}) for ${g.service}: ${g.detail}`);
  for (const w of facts.workloads) if (w.status !== 'ready') reasons.push(`workload ${w.id} is ${w.status} and keeps using the key`);
  for (const id of facts.excludedWorkloads) reasons.push(`workload ${id} holds the key but is not in this plan`);
  for (const loc of facts.unmatchedLocations) reasons.push(`a copy at ${loc} belongs to no workload in this plan`);

  const recorded = (usage?.totalCalls ?? 0) > 0;
  if (!recorded) {
    const blind = blindness(facts.inventoryKey, usageDoc);
    if (blind !== null) return { ...base, decision: 'blocked', reasons: [blind, ...reasons] };
    if (reasons.length > 0) return { ...base, decision: 'blocked', reasons };
    return { ...base, decision: 'needs-confirmation', reasons: ['no recorded usage, and its last use (inventory) is before the usage window: deactivate only with explicit confirmation'] };
  }
  if (facts.workloads.length === 0) reasons.push('its usage is attributed to no workload in this plan');
  if (reasons.length > 0) return { ...base, decision: 'blocked', reasons };
  return { ...base, decision: 'deactivate', reasons: [`deactivate once ${base.workloads.join(', ')} ${base.workloads.length === 1 ? 'is' : 'are'} verified on role credentials and the key has been quiet for the quiet period`] };
}

/** Why a key without recorded usage cannot be called unused, or null when it can. */
function blindness(key: AccessKey | undefined, usage: UsageDocument): string | null {
  if (!key) return 'the inventory does not list this key: its last use is unknown';
  if (key.lastUsed === null) return 'its last use could not be read (GetAccessKeyLastUsed): unknown is not unused';
  const since = usage.window.since ?? usage.coverage.span.from;
  if (key.lastUsed.date === null) return null; // never used
  if (since === null) return `the usage window's start is unknown, and the key was last used ${key.lastUsed.date}`;
  if (Date.parse(key.lastUsed.date) >= Date.parse(since)) {
    return `the inventory says it was last used ${key.lastUsed.date}${key.lastUsed.serviceName ? ` (${key.lastUsed.serviceName})` : ''}, inside the usage window, yet the usage recorded nothing: the evidence is blind to it`;
  }
  return null;
}
