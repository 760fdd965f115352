import { describe, expect, it } from 'vitest';
import type { InventoryDocument } from '../../../src/model/inventory.js';
import type { UsageDocument } from '../../../src/model/usage.js';
import { computePlanId } from '../../../src/plan/plan-id.js';
import { planFor } from '../../helpers/plan-fixture.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage } from './scenario.js';

/** A fixed permutation (reverse, then rotate), so the test itself is deterministic. */
function shuffle<T>(items: readonly T[]): T[] {
  const r = [...items].reverse();
  return r.length > 1 ? [...r.slice(1), r[0] as T] : r;
}

function shuffledInventory(inv: InventoryDocument): InventoryDocument {
  return {
    ...inv,
    iam: { ...inv.iam, accessKeys: shuffle(inv.iam.accessKeys), users: shuffle(inv.iam.users), roles: shuffle(inv.iam.roles), instanceProfiles: shuffle(inv.iam.instanceProfiles) },
    ec2: { ...inv.ec2, instances: shuffle(inv.ec2.instances).map((i) => ({ ...i, tags: Object.fromEntries(shuffle(Object.entries(i.tags))) })), autoScalingGroups: shuffle(inv.ec2.autoScalingGroups) },
    credentials: shuffle(inv.credentials),
  };
}

function shuffledUsage(usage: UsageDocument): UsageDocument {
  return { ...usage, keys: shuffle(usage.keys).map((k) => ({ ...k, actions: shuffle(k.actions), sources: shuffle(k.sources), userAgents: shuffle(k.userAgents) })) };
}

describe('determinism', () => {
  it('gives byte-identical plans for the same inputs', async () => {
    const a = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const b = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('gives the same plan whatever order the input arrays arrive in', async () => {
    const a = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const findings = scenarioHostFindings().map((d) => ({ ...d, findings: shuffle(d.findings) }));
    const b = await planFor(shuffledInventory(scenarioInventory()), shuffledUsage(scenarioUsage()), {}, shuffle(findings));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('derives the plan ID from the content, and tags what it creates with it', async () => {
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    expect(computePlanId(plan)).toBe(plan.planId);
    expect(plan.workloads[0]?.role.tags['keyshift:plan']).toBe(plan.planId);
    const other = await planFor(scenarioInventory(), scenarioUsage(), { minQuietDays: 30 }, scenarioHostFindings());
    expect(other.planId).not.toBe(plan.planId);
  });
});
