// `keyshift plan`: the inventory and the usage evidence (and, optionally, host scans) in; a
// reviewable migration plan out. Pure: no AWS calls, no clock beyond the documents' asOf, no
// randomness; every list is sorted, so the same inputs give the same plan byte for byte in
// whatever order their arrays arrive. It is async only because the policy builder reads the
// IAM action catalog lazily.
import { usageError } from '../errors.js';
import type { FindingsDocument } from '../model/findings-document.js';
import type { InventoryDocument, ResourceGrant } from '../model/inventory.js';
import { PLAN_VERSION, PlanOptions, type KeyPlan, type PlanDocument, type PlanStep, type Workload } from '../model/plan.js';
import type { KeyUsage, UsageDocument } from '../model/usage.js';
import { VERSION } from '../version.js';
import { apportionKey, type ApportionedKey } from './apportion.js';
import { compareText, sortedUnique } from './canonical-json.js';
import { checkInputs } from './check-inputs.js';
import { deactivateSteps } from './deactivate-steps.js';
import { observedPairs, topActions } from './evidence.js';
import { imdsv2Readiness } from './imdsv2.js';
import { keyLocations, type KeyLocation } from './key-locations.js';
import { decideKey, quietPeriodSeconds } from './keys.js';
import { stampPlanId } from './plan-id.js';
import { checkQuotas } from './quotas.js';
import { roleNameFor } from './role-name.js';
import { planRole, type RolePlan } from './roles.js';
import { workloadSteps } from './steps.js';
import { workloadPolicies, type HolderEvidence, type WorkloadPolicies } from './workload-policies.js';
import { groupWorkloads, type WorkloadUnit } from './workloads.js';

export { DEFAULT_PLAN_OPTIONS } from './default-options.js';

export interface PlanInput {
  inventory: InventoryDocument;
  usage: UsageDocument;
  hostFindings?: FindingsDocument[];
  options: PlanOptions;
  inputs: { inventorySha256: string; usageSha256: string };
}

interface Drafted {
  unit: WorkloadUnit;
  keys: string[];
  role: RolePlan;
  policies: WorkloadPolicies;
  holders: HolderEvidence[];
  exportOnly: boolean;
}

export async function buildPlan(input: PlanInput): Promise<PlanDocument> {
  const { inventory, usage } = input;
  const options = checkOptions(input.options);
  const hostFindings = input.hostFindings ?? [];
  const warnings = checkInputs(inventory, usage, hostFindings);

  const units = groupWorkloads(inventory);
  const workloadOfInstance = new Map(units.flatMap((u) => u.instances.map((i) => [i.instanceId, u.id] as const)));
  const locations = keyLocations(inventory, hostFindings, units);
  const usageByKey = new Map(usage.keys.map((k) => [k.accessKeyId, k]));
  const inventoryKeys = new Map(inventory.iam.accessKeys.map((k) => [k.accessKeyId, k]));

  // the keys in scope: the inventory's active keys, any key with evidence or a copy, and root keys seen in use
  const keyIds = sortedUnique([
    ...inventory.iam.accessKeys.filter((k) => k.status === 'Active' || usageByKey.has(k.accessKeyId) || locations.has(k.accessKeyId)).map((k) => k.accessKeyId),
    ...usage.keys.filter((k) => k.principal.type === 'Root').map((k) => k.accessKeyId),
  ]).filter((id) => options.keys === null || options.keys.includes(id));
  for (const [id, locs] of locations) {
    if (!inventoryKeys.has(id)) warnings.push(`${id} is at ${locs.map((l) => l.label).join(', ')} but not in the inventory (another account's key, or deleted): left out`);
  }
  if (inventory.iam.rootKeys.keys?.some((k) => k.active)) warnings.push('the root user has an active access key: delete it as the root user (keyshift only reports it)');

  const apportioned = new Map<string, ApportionedKey>();
  for (const id of keyIds) {
    const u = usageByKey.get(id);
    if (u && u.principal.type !== 'Root') apportioned.set(id, apportionKey(u, workloadOfInstance));
  }

  // which workloads use which keys: a copy on them, or usage attributed to them
  const keysOf = new Map<string, Set<string>>();
  const use = (workloadId: string, key: string): void => {
    keysOf.set(workloadId, (keysOf.get(workloadId) ?? new Set()).add(key));
  };
  for (const id of keyIds) {
    if (usageByKey.get(id)?.principal.type === 'Root') continue;
    for (const l of locations.get(id) ?? []) if (l.workloadId) use(l.workloadId, id);
    for (const w of apportioned.get(id)?.shares.keys() ?? []) use(w, id);
  }
  const using = units.filter((u) => keysOf.has(u.id));
  const included = using.filter((u) => options.workloads === null || options.workloads.includes(u.id));
  const excluded = using.filter((u) => !included.includes(u));

  // phase 1: roles and policies, so the quotas can be checked before any step is planned
  const drafted: Drafted[] = [];
  for (const unit of included) {
    const keys = sortedUnique(keysOf.get(unit.id) ?? []);
    const roleName = roleNameFor(options.rolePrefix, unit.id);
    const role = planRole(unit, roleName, keys, inventory, options);
    const holders = holderEvidence(unit, keys, inventory, usageByKey, apportioned, locations);
    const policies = await workloadPolicies(unit.id, roleName, holders, inventory, usage, options);
    const exportOnly = unit.deploymentUnit.cloudFormationStack !== undefined && !options.allowCloudFormation;
    drafted.push({ unit, keys, role, policies, holders, exportOnly });
  }
  const quota = checkQuotas(
    inventory,
    drafted.map((d) => ({
      workloadId: d.unit.id,
      createsRole: d.role.role.mode !== 'extend-existing',
      createsProfile: d.role.keptProfileArn === null,
      newPolicies: d.policies.policies.length,
      attachedPolicies: d.role.existingAttachedCount + d.role.role.carriedPolicyArns.length + d.policies.policies.length,
    })),
  );
  warnings.push(...quota.warnings);

  // phase 2: steps, risks and status per workload
  const quiet = new Map(keyIds.map((id) => [id, quietPeriodSeconds(usageByKey.get(id), options)]));
  const quietSteps = new Map<string, string[]>();
  const workloads: Workload[] = drafted.map((d) => {
    const w = planWorkload(d);
    return w;
  });

  function planWorkload(d: Drafted): Workload {
    const { unit, keys, role, policies } = d;
    const agents = keys.flatMap((k) => usageByKey.get(k)?.userAgents ?? []);
    const imds = imdsv2Readiness(agents);
    const unitLocations = keys.flatMap((k) => (locations.get(k) ?? []).filter((l) => l.workloadId === unit.id));
    const blockers = [...role.blockers];
    const risks = [...role.risks];
    let steps: PlanStep[] = [];
    if (d.exportOnly) {
      risks.push(`owned by CloudFormation stack ${unit.deploymentUnit.cloudFormationStack}: the role, policies and profile belong in its template (use --export cloudformation), not in apply`);
    } else {
      const planned = workloadSteps({
        unit,
        role,
        policies: policies.policies,
        locations: unitLocations,
        keys,
        quietPeriodSeconds: quiet,
        grants: resourceGrantsFor(d.holders, inventory),
        imdsv2Capable: imds.capable,
        inventory,
        options,
      });
      steps = planned.steps;
      blockers.push(...planned.blockers);
      risks.push(...planned.risks);
      for (const [key, id] of planned.quietSteps) quietSteps.set(key, [...(quietSteps.get(key) ?? []), id]);
    }
    if (imds.risk) risks.push(imds.risk);
    for (const f of policies.lint) {
      if (f.severity === 'error' && !f.accepted) blockers.push(`policy ${f.policy} has an error-level lint finding (${f.code}): not applied unless accepted with --accept-lint-errors`);
    }
    for (const key of keys) {
      const a = apportioned.get(key);
      const share = a?.shares.get(unit.id);
      if (share && share.ambiguous.length > 0) {
        risks.push(`${key} is shared: ${share.ambiguous.length} of its uses (${share.ambiguous.join(', ')}) cannot be told apart from other workloads' or unattributed sources, so this role is granted them too; see the unattributed list`);
      }
      if (!share && a && a.unattributed.length > 0 && (usageByKey.get(key)?.totalCalls ?? 0) > 0) {
        blockers.push(`holds ${key}, but none of the key's usage is attributed to its instances: its role would lack what it needs (attribute the sources, e.g. re-run keyshift usage with the inventory)`);
      }
    }
    for (const c of policies.nonPortableConditions) risks.push(`condition ${c.key} in ${c.policy} does not carry over to a role: ${c.reason}`);
    const shareActions = keys.flatMap((k) => apportioned.get(k)?.shares.get(unit.id)?.actions ?? []);
    const status: Workload['status'] = d.exportOnly ? 'export-only' : blockers.length > 0 ? 'blocked' : 'ready';
    return {
      id: unit.id,
      kind: unit.kind,
      name: unit.name,
      region: unit.region,
      deploymentUnit: unit.deploymentUnit,
      instances: unit.instances.map((i) => {
        const profile = i.instanceProfile ? inventory.iam.instanceProfiles.find((p) => p.arn === i.instanceProfile?.arn) : undefined;
        return {
          instanceId: i.instanceId,
          region: i.region,
          currentProfile: i.instanceProfile ? { arn: i.instanceProfile.arn, roleName: profile?.roles[0] ?? null, associationId: i.instanceProfile.associationId } : null,
          httpTokens: i.metadataOptions.httpTokens,
        };
      }),
      keys,
      exportOnly: d.exportOnly,
      evidence: {
        topActions: topActions(shareActions),
        observed: observedPairs(shareActions),
        gaps: usage.coverage.gaps.filter((g) => keys.includes(g.accessKeyId)).sort((a, b) => compareText(`${a.accessKeyId} ${a.service} ${a.reason}`, `${b.accessKeyId} ${b.service} ${b.reason}`)),
        notes: policies.notes,
      },
      role: role.role,
      instanceProfileName: role.instanceProfileName,
      policies: policies.policies,
      lint: policies.lint,
      nonPortableConditions: policies.nonPortableConditions,
      steps,
      risks: sortedUnique(risks),
      status,
      blockedReasons: sortedUnique(blockers),
    };
  }

  // the keys' decisions, then their deactivation steps (after every workload's quiet check)
  const keys: KeyPlan[] = keyIds.map((id) =>
    decideKey(
      {
        accessKeyId: id,
        inventoryKey: inventoryKeys.get(id),
        usage: usageByKey.get(id),
        workloads: workloads.filter((w) => w.keys.includes(id)).map((w) => ({ id: w.id, status: w.status })),
        excludedWorkloads: excluded.filter((u) => keysOf.get(u.id)?.has(id)).map((u) => u.id),
        unattributedSources: apportioned.get(id)?.unattributedSources ?? [],
        unmatchedLocations: (locations.get(id) ?? []).filter((l) => l.workloadId === null).map((l) => `${l.label} (${l.unmatched ?? 'no workload'})`),
        gaps: usage.coverage.gaps.filter((g) => g.accessKeyId === id),
      },
      usage,
      options,
    ),
  );
  deactivateSteps(workloads, keys, quietSteps, inventoryKeys);

  const unattributed = [...apportioned.values()].flatMap((a) => a.unattributed);
  return stampPlanId({
    kind: 'plan',
    version: PLAN_VERSION,
    account: inventory.account,
    asOf: Date.parse(usage.asOf) > Date.parse(inventory.asOf) ? usage.asOf : inventory.asOf,
    generator: { name: 'keyshift', version: VERSION },
    inputs: { inventory: { sha256: input.inputs.inventorySha256, asOf: inventory.asOf }, usage: { sha256: input.inputs.usageSha256, asOf: usage.asOf } },
    options,
    workloads,
    keys,
    unattributed,
    quotas: quota.quotas,
    warnings: sortedUnique(warnings),
  });
}

function checkOptions(options: PlanOptions): PlanOptions {
  const parsed = PlanOptions.safeParse(options);
  if (!parsed.success) throw usageError(`invalid plan options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const o = parsed.data;
  if (!/^\/([\x21-\x7e]+\/)*$/.test(o.rolePath) || o.rolePath.length > 512) throw usageError(`role path ${o.rolePath} is not an IAM path`, 'a path starts and ends with /, e.g. /keyshift/');
  if (/[^A-Za-z0-9+=,.@_-]/.test(o.rolePrefix)) throw usageError(`role prefix ${o.rolePrefix} has characters IAM does not allow in a role name`, 'use letters, digits and +=,.@_-');
  // sorted, so the options recorded in the plan do not depend on how they were given
  return { ...o, keys: o.keys === null ? null : sortedUnique(o.keys), workloads: o.workloads === null ? null : sortedUnique(o.workloads), tags: Object.fromEntries(Object.entries(o.tags).sort(([a], [b]) => compareText(a, b))) };
}

/** Each key holder's share of the workload's evidence (the builder intersects per holder). */
function holderEvidence(
  unit: WorkloadUnit,
  keys: readonly string[],
  inventory: InventoryDocument,
  usageByKey: ReadonlyMap<string, KeyUsage>,
  apportioned: ReadonlyMap<string, ApportionedKey>,
  locations: ReadonlyMap<string, KeyLocation[]>,
): HolderEvidence[] {
  const byUser = new Map<string, HolderEvidence>();
  for (const key of keys) {
    const userName = inventory.iam.accessKeys.find((k) => k.accessKeyId === key)?.userName ?? usageByKey.get(key)?.principal.userName ?? null;
    if (userName === null) continue;
    const h = byUser.get(userName) ?? { userName, keys: [], actions: [], denied: [], sessions: [], extraResources: [] };
    byUser.set(userName, h);
    h.keys.push(key);
    const a = apportioned.get(key);
    const share = a?.shares.get(unit.id);
    if (share) {
      h.actions.push(...share.actions);
      h.denied.push(...share.denied);
      h.sessions.push(...share.sessions);
    }
    // the resources the inventory names for the holder are this workload's only if no one else uses the key
    const others = new Set([...(a?.shares.keys() ?? []), ...(locations.get(key) ?? []).map((l) => l.workloadId ?? '?')]);
    others.delete(unit.id);
    if (others.size === 0) h.extraResources.push(...inventory.resourceGrants.filter((g) => g.userName === userName && g.resourceType !== 'role-trust').map((g) => g.resourceArn));
  }
  return [...byUser.values()].sort((a, b) => compareText(a.userName, b.userName));
}

/** The resource and trust policies naming a holder, for resources this workload's own evidence names. */
function resourceGrantsFor(holders: readonly HolderEvidence[], inventory: InventoryDocument): { grant: ResourceGrant; holderArn: string }[] {
  const out: { grant: ResourceGrant; holderArn: string }[] = [];
  for (const h of holders) {
    const holderArn = inventory.iam.users.find((u) => u.userName === h.userName)?.arn ?? `arn:aws:iam::${inventory.account}:user/${h.userName}`;
    const resources = [...h.actions, ...h.denied].map((a) => a.resource);
    const assumed = new Set(h.sessions.flatMap((s) => (s.roleArn ? [s.roleArn] : [])));
    const names = (arn: string): boolean => resources.some((r) => r === arn || r.startsWith(`${arn}/`));
    const grants = inventory.resourceGrants.filter((g) => g.userName === h.userName && (g.resourceType === 'role-trust' ? assumed.has(g.resourceArn) : names(g.resourceArn)));
    for (const g of grants) out.push({ grant: g, holderArn });
    // a trust policy naming the user that the scan saw as an assumable role but not as a grant
    for (const r of inventory.assumableRoles) {
      if (r.userName !== h.userName || r.via === 'identity-policy' || !assumed.has(r.roleArn)) continue;
      if (grants.some((g) => g.resourceArn === r.roleArn)) continue;
      out.push({ grant: { resourceArn: r.roleArn, resourceType: 'role-trust', region: null, userName: h.userName, statements: [] }, holderArn });
    }
  }
  return out;
}
