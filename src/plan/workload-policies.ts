// The permissions of one workload's role: the policy builder called on the workload's own share
// of each key's usage, once per key holder (the intersection is with that holder's policies),
// with the lint findings accepted only when the plan is run with acceptLintErrors.
import type { InventoryDocument } from '../model/inventory.js';
import type { PlanOptions, Workload } from '../model/plan.js';
import type { ActionUse, DeniedUse, TemporarySession, UsageDocument } from '../model/usage.js';
import { dataEventService } from '../usage/coverage/data-event-services.js';
import { sortedUnique } from './canonical-json.js';
import { buildWorkloadPolicies } from './policy/index.js';
import { principalPolicies } from './principal-policies.js';

export interface HolderEvidence {
  userName: string;
  keys: string[];
  actions: ActionUse[];
  denied: DeniedUse[];
  sessions: TemporarySession[];
  /** resources the inventory names for this holder and this workload alone */
  extraResources: string[];
}

export type WorkloadPolicies = Pick<Workload, 'policies' | 'lint' | 'nonPortableConditions'> & { notes: string[] };

export async function workloadPolicies(
  workloadId: string,
  roleName: string,
  holders: readonly HolderEvidence[],
  inventory: InventoryDocument,
  usage: UsageDocument,
  options: PlanOptions,
): Promise<WorkloadPolicies> {
  const out: WorkloadPolicies = { policies: [], lint: [], nonPortableConditions: [], notes: [] };
  for (const holder of holders) {
    const { policies, missing } = principalPolicies(inventory, holder.userName);
    if (missing.length > 0) out.notes.push(`${holder.userName}'s policies not in the inventory, so nothing they grant is carried over: ${missing.join(', ')}`);
    const built = await buildWorkloadPolicies({
      workloadId,
      // several holders: one policy set each, so names never collide
      policyNamePrefix: holders.length > 1 ? `${roleName}-${holder.userName}` : roleName,
      account: inventory.account,
      observed: holder.actions,
      denied: holder.denied,
      includeDenied: options.includeDenied,
      sessions: holder.sessions,
      principalPolicies: policies,
      dataEventsRecorded: dataEventsRecorded(holder, usage),
      knownResources: sortedUnique([...holder.actions, ...holder.denied].map((a) => a.resource).filter((r) => r !== '*').concat(holder.extraResources)),
    });
    out.policies.push(...built.policies);
    out.lint.push(...built.lint.map((f) => ({ ...f, accepted: f.severity === 'error' ? options.acceptLintErrors : f.accepted })));
    out.nonPortableConditions.push(...built.nonPortableConditions);
    out.notes.push(...built.notes);
  }
  out.notes = [...new Set(out.notes)];
  return out;
}

/**
 * For each data-event service this holder's evidence touches or its keys' gaps name: whether its
 * data events were recorded. A gap "data-events-not-recorded" is firm (false); the coverage's
 * partial or unknown is null (maybe blind).
 */
function dataEventsRecorded(holder: HolderEvidence, usage: UsageDocument): Record<string, boolean | null> {
  const out: Record<string, boolean | null> = {};
  const overall = usage.coverage.dataEvents === 'recorded' ? true : usage.coverage.dataEvents === 'not-recorded' ? false : null;
  for (const a of [...holder.actions, ...holder.denied]) {
    const service = a.action.split(':')[0] ?? '';
    if (dataEventService(service)) out[service] = overall;
  }
  for (const gap of usage.coverage.gaps) {
    if (gap.reason === 'data-events-not-recorded' && holder.keys.includes(gap.accessKeyId) && dataEventService(gap.service)) out[gap.service.toLowerCase()] = false;
  }
  return out;
}
