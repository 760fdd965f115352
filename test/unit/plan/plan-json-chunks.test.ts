import { describe, expect, it } from 'vitest';
import { planJsonChunks } from '../../../src/plan/plan-json-chunks.js';
import { planFor } from '../../helpers/plan-fixture.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage } from './scenario.js';

describe('planJsonChunks', () => {
  it('gives exactly JSON.stringify(plan, null, 2), one workload at a time', async () => {
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    expect(plan.workloads.length).toBeGreaterThan(1);
    const chunks = [...planJsonChunks(plan)];
    expect(chunks.length).toBeGreaterThan(plan.workloads.length);
    expect(chunks.join('')).toBe(`${JSON.stringify(plan, null, 2)}\n`);
  });

  it('handles a plan without workloads', async () => {
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const empty = { ...plan, workloads: [] };
    expect([...planJsonChunks(empty)].join('')).toBe(`${JSON.stringify(empty, null, 2)}\n`);
  });
});

describe('canonicalJsonChunks', () => {
  it('gives exactly canonicalJson, for a whole plan and for odd values', async () => {
    const { canonicalJson, canonicalJsonChunks } = await import('../../../src/plan/canonical-json.js');
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    for (const value of [plan, { b: [1, undefined, { d: 1, c: [] }], a: undefined, e: {} }, [], {}, 'x', null, [[[]]]]) {
      for (const depth of [0, 1, 2, 5]) expect([...canonicalJsonChunks(value, depth)].join('')).toBe(canonicalJson(value));
    }
  });
});
