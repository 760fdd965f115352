// Grants -> statements a reviewer can read. Each pair keeps one basis; grants of one service,
// basis and note are merged, an action's resources lose those another one covers, and actions
// with the same resources share a statement. Statements never mix services, so that a policy set
// too large for one policy can be split by service. Sids are derived from the content:
// ObservedS3, ObservedS3No2, UnobservedDynamodb, AssumeRoleSts, …
import type { PlannedPolicy } from '../../model/plan.js';
import { compareText, compareTuple, sortedUnique } from './compare.js';
import { basisRank, pairId, serviceOf, type Basis, type Grant } from './grant.js';
import { withoutCovered } from './resource-cover.js';

export type PlannedStatement = PlannedPolicy['statements'][number];

const BASIS_WORD: Readonly<Record<Basis, string>> = {
  observed: 'Observed',
  unobserved: 'Unobserved',
  'denied-requested': 'DeniedRequested',
  'assume-role': 'AssumeRole',
};

/** "ecr-public" -> "EcrPublic": Sids take only ASCII letters and digits. */
function pascal(service: string): string {
  return service
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function preferred(a: Grant, b: Grant): Grant {
  const byBasis = basisRank(a.basis) - basisRank(b.basis);
  if (byBasis !== 0) return byBasis < 0 ? a : b;
  return compareTuple([a.note ?? '', a.action], [b.note ?? '', b.action]) <= 0 ? a : b;
}

interface Group {
  service: string;
  basis: Basis;
  note: string | undefined;
  resourcesByAction: Map<string, string[]>;
}

export function buildStatements(grants: readonly Grant[]): PlannedStatement[] {
  const chosen = new Map<string, Grant>();
  for (const grant of grants) {
    const id = pairId(grant.action, grant.resource);
    const current = chosen.get(id);
    chosen.set(id, current === undefined ? grant : preferred(current, grant));
  }
  const groups = new Map<string, Group>();
  for (const grant of chosen.values()) {
    const service = serviceOf(grant.action);
    const id = JSON.stringify([service, grant.basis, grant.note ?? null]);
    const group = groups.get(id) ?? { service, basis: grant.basis, note: grant.note, resourcesByAction: new Map<string, string[]>() };
    group.resourcesByAction.set(grant.action, [...(group.resourcesByAction.get(grant.action) ?? []), grant.resource]);
    groups.set(id, group);
  }
  const statements: (PlannedStatement & { service: string })[] = [];
  // many actions share one resource list (all the data actions on the known buckets): prune it once
  const pruned = new Map<string, string[]>();
  const prune = (resources: string[]) => {
    const sorted = sortedUnique(resources);
    const id = JSON.stringify(sorted);
    let kept = pruned.get(id);
    if (kept === undefined) {
      kept = withoutCovered(sorted);
      pruned.set(id, kept);
    }
    return kept;
  };
  for (const group of groups.values()) {
    const actionsByResources = new Map<string, { resources: string[]; actions: string[] }>();
    for (const [action, resources] of group.resourcesByAction) {
      const kept = prune(resources);
      const id = JSON.stringify(kept);
      const entry = actionsByResources.get(id) ?? { resources: kept, actions: [] };
      entry.actions.push(action);
      actionsByResources.set(id, entry);
    }
    for (const { resources, actions } of actionsByResources.values()) {
      statements.push({
        service: group.service,
        sid: '',
        actions: sortedUnique(actions),
        resources,
        basis: group.basis,
        ...(group.note === undefined ? {} : { note: group.note }),
      });
    }
  }
  statements.sort(
    (a, b) =>
      compareText(a.service, b.service) ||
      basisRank(a.basis) - basisRank(b.basis) ||
      compareText(a.note ?? '', b.note ?? '') ||
      compareTuple(a.actions, b.actions) ||
      compareTuple(a.resources, b.resources),
  );
  const used = new Set<string>();
  return statements.map(({ service, ...statement }) => {
    const base = `${BASIS_WORD[statement.basis]}${pascal(service)}`;
    let sid = base;
    for (let n = 2; used.has(sid); n++) sid = `${base}No${n}`;
    used.add(sid);
    return { ...statement, sid };
  });
}
