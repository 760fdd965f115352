// The account's IAM quotas against what the plan would create: roles, instance profiles,
// customer managed policies, and managed policies attached to one role. Planning past a quota
// would fail halfway through apply, so the planner stops with a safety-gate error instead. A
// quota the inventory could not read is reported as a warning, not assumed.
import { KeyshiftError } from '../errors.js';
import type { InventoryDocument } from '../model/inventory.js';
import type { PlanDocument } from '../model/plan.js';

export interface QuotaDemand {
  workloadId: string;
  createsRole: boolean;
  createsProfile: boolean;
  newPolicies: number;
  /** managed policies the role will have attached: existing (extended) or carried, plus new */
  attachedPolicies: number;
}

export function checkQuotas(inventory: InventoryDocument, demands: readonly QuotaDemand[]): { quotas: PlanDocument['quotas']; warnings: string[] } {
  const q = inventory.quotas;
  const quotas: PlanDocument['quotas'] = [];
  const warnings: string[] = [];
  const over: string[] = [];
  const account = (name: string, quota: { used: number; max: number } | null, planned: number): void => {
    if (quota === null) {
      if (planned > 0) warnings.push(`the ${name} quota could not be read: check that ${planned} more fit`);
      return;
    }
    quotas.push({ name, used: quota.used, planned, max: quota.max });
    if (quota.used + planned > quota.max) over.push(`${name}: ${quota.used} used + ${planned} planned > ${quota.max}`);
  };
  account('roles', q.roles, demands.filter((d) => d.createsRole).length);
  account('instance-profiles', q.instanceProfiles, demands.filter((d) => d.createsProfile).length);
  account('policies', q.policies, demands.reduce((n, d) => n + d.newPolicies, 0));

  const widest = [...demands].sort((a, b) => b.attachedPolicies - a.attachedPolicies)[0];
  if (q.attachedPoliciesPerRole === null) {
    if (widest && widest.attachedPolicies > 0) warnings.push('the managed-policies-per-role quota could not be read');
  } else {
    quotas.push({ name: 'attached-policies-per-role', used: 0, planned: widest?.attachedPolicies ?? 0, max: q.attachedPoliciesPerRole });
    for (const d of demands) {
      if (d.attachedPolicies > q.attachedPoliciesPerRole) over.push(`attached-policies-per-role: ${d.workloadId} needs ${d.attachedPolicies} > ${q.attachedPoliciesPerRole}`);
    }
  }
  if (over.length > 0) {
    throw new KeyshiftError('safety-gate', `the plan would exceed the account's IAM quotas (${over.join('; ')})`, {
      hint: 'raise the quota in Service Quotas, or plan fewer workloads at a time with --workloads',
    });
  }
  return { quotas, warnings };
}
