// Denied attempts are never granted by default; with includeDenied they are, where today's
// identity policies allow them.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies } from '../../../src/plan/policy/index.js';
import { allow, deniedUse, input, plannedPairs, policy, statementsOf, use } from './helpers.js';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';
const base = {
  observed: [use('sqs:ReceiveMessage', QUEUE)],
  denied: [deniedUse('sqs:SendMessage', QUEUE), deniedUse('sqs:DeleteQueue', QUEUE)],
  principalPolicies: [policy('queue', allow(['sqs:ReceiveMessage', 'sqs:SendMessage'], QUEUE))],
};

describe('denied attempts', () => {
  it('are reported and not granted without includeDenied', async () => {
    const out = await buildWorkloadPolicies(input({ ...base, includeDenied: false }));
    expect(plannedPairs(out)).toEqual([{ action: 'sqs:ReceiveMessage', resource: QUEUE, basis: 'observed' }]);
    expect(out.notes.filter((n) => n.startsWith('denied attempt not added'))).toHaveLength(2);
  });

  it('are granted with includeDenied only where today’s policies allow them', async () => {
    const out = await buildWorkloadPolicies(input({ ...base, includeDenied: true }));
    expect(plannedPairs(out)).toEqual([
      { action: 'sqs:ReceiveMessage', resource: QUEUE, basis: 'observed' },
      { action: 'sqs:SendMessage', resource: QUEUE, basis: 'denied-requested' },
    ]);
    expect(statementsOf(out).find((s) => s.basis === 'denied-requested')?.note).toMatch(/something else refused it/);
    expect(out.notes.some((n) => n.includes('sqs:DeleteQueue') && n.includes("none of the key's identity policies allows it"))).toBe(true);
  });

  it('stay observed when the same call also succeeded', async () => {
    const out = await buildWorkloadPolicies(input({ ...base, denied: [deniedUse('sqs:ReceiveMessage', QUEUE)], includeDenied: true }));
    expect(plannedPairs(out)).toEqual([{ action: 'sqs:ReceiveMessage', resource: QUEUE, basis: 'observed' }]);
  });
});
