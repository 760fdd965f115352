import { describe, expect, it } from 'vitest';
import { ACCOUNT, accessKey, did, from, instance, keyUse, planFor, planInventory, planUsage } from '../../helpers/plan-fixture.js';

const KEY = 'AKIASHAREDEXAMPLE002';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 'sqs', region: 'eu-west-1' };
const MAY = (d: number) => `2025-05-${String(d).padStart(2, '0')}T00:00:00.000Z`;
const queue = `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`;
const table = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/results`;

const inventory = () =>
  planInventory({
    instances: [instance('i-queue', { privateIps: ['10.0.0.1'] }), instance('i-table', { privateIps: ['10.0.0.2'] })],
    accessKeys: [accessKey(KEY, 'app', used)],
  });

function grantedActions(plan: Awaited<ReturnType<typeof planFor>>, id: string): string[] {
  return (plan.workloads.find((w) => w.id === id)?.policies ?? []).flatMap((p) => p.statements.flatMap((s) => s.actions)).sort();
}

describe('splitting a shared key between workloads', () => {
  it('gives each workload only the actions its own sources could have made', async () => {
    const usage = planUsage({
      keys: [
        keyUse(KEY, {
          actions: [did('sqs:SendMessage', queue, 9, MAY(2), MAY(9)), did('dynamodb:PutItem', table, 4, MAY(20), MAY(29))],
          sources: [from('10.0.0.1', 'i-queue', 'high', MAY(1), MAY(10)), from('10.0.0.2', 'i-table', 'medium', MAY(19), MAY(30))],
        }),
      ],
    });
    const plan = await planFor(inventory(), usage);
    expect(grantedActions(plan, 'i-queue')).toEqual(['sqs:SendMessage']);
    expect(grantedActions(plan, 'i-table')).toEqual(['dynamodb:PutItem']);
    expect(plan.unattributed).toEqual([]);
    expect(plan.keys.find((k) => k.accessKeyId === KEY)?.decision).toBe('deactivate');
  });

  it('grants an action both workloads could have made to both, and lists it with a risk', async () => {
    const usage = planUsage({
      keys: [keyUse(KEY, { actions: [did('sqs:SendMessage', queue, 9, MAY(2), MAY(29))], sources: [from('10.0.0.1', 'i-queue', 'high', MAY(1), MAY(30)), from('10.0.0.2', 'i-table', 'high', MAY(1), MAY(30))] })],
    });
    const plan = await planFor(inventory(), usage);
    expect(grantedActions(plan, 'i-queue')).toEqual(['sqs:SendMessage']);
    expect(grantedActions(plan, 'i-table')).toEqual(['sqs:SendMessage']);
    expect(plan.unattributed.map((u) => [u.source, u.actions])).toEqual([
      ['10.0.0.1', ['sqs:SendMessage']],
      ['10.0.0.2', ['sqs:SendMessage']],
    ]);
    expect(plan.workloads.every((w) => w.risks.some((r) => r.includes('cannot be told apart')))).toBe(true);
  });

  it('lists usage no workload can be tied to, and grants it to no one', async () => {
    const usage = planUsage({
      keys: [
        keyUse(KEY, {
          actions: [did('sqs:SendMessage', queue, 9, MAY(2), MAY(9)), did('dynamodb:DeleteTable', table, 1, MAY(25), MAY(25))],
          sources: [from('10.0.0.1', 'i-queue', 'high', MAY(1), MAY(10)), from('203.0.113.7', null, 'none', MAY(24), MAY(26)), from('10.0.0.2', 'i-table', 'low', MAY(24), MAY(26))],
        }),
      ],
    });
    const plan = await planFor(inventory(), usage);
    expect(plan.workloads.map((w) => w.id)).toEqual(['i-queue']);
    expect(grantedActions(plan, 'i-queue')).toEqual(['sqs:SendMessage']);
    expect(plan.unattributed.map((u) => [u.source, u.actions])).toEqual([
      ['10.0.0.2', ['dynamodb:DeleteTable']],
      ['203.0.113.7', ['dynamodb:DeleteTable']],
    ]);
    expect(plan.unattributed[0]?.reason).toContain('low confidence');
    const key = plan.keys.find((k) => k.accessKeyId === KEY);
    expect(key?.decision).toBe('blocked');
    expect(key?.reasons.join('\n')).toContain('203.0.113.7');
  });
});
