// IAM takes at most 6,144 characters per managed policy: a large permission set is split by
// service into parts that each fit, deterministically, and together hold exactly the whole.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies, MANAGED_POLICY_MAX_CHARS, splitIntoPolicies, type PlannedStatement } from '../../../src/plan/policy/index.js';
import type { ActionUse } from '../../../src/model/usage.js';
import { allow, input, pairsOf, policy, use } from './helpers.js';

const admin = policy('admin', allow('*', '*'));
const ACCOUNT = '123456789012';

/** Many distinct uses over several services, none covering another. */
function manyUses(perService: number): ActionUse[] {
  const uses: ActionUse[] = [];
  for (let i = 0; i < perService; i++) {
    const n = String(i).padStart(3, '0');
    uses.push(use(i % 2 === 0 ? 's3:GetObject' : 's3:PutObject', `arn:aws:s3:::bucket-${n}/data/*`));
    uses.push(use(i % 3 === 0 ? 'dynamodb:GetItem' : 'dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/table-${n}`));
    uses.push(use('sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-${n}`));
    uses.push(use('sns:Publish', `arn:aws:sns:us-east-1:${ACCOUNT}:topic-${n}`));
  }
  uses.push(use('s3:ListAllMyBuckets', '*'));
  return uses;
}

describe('size splitting', () => {
  it('splits by service into parts of at most 6,144 characters whose union is the whole', async () => {
    const observed = manyUses(60);
    const out = await buildWorkloadPolicies(input({ observed, principalPolicies: [admin] }));
    expect(out.policies.length).toBeGreaterThan(1);
    expect(out.policies.map((p) => p.name)).toEqual(out.policies.map((_, i) => `keyshift-asg-web-${i + 1}`));
    for (const p of out.policies) {
      expect(p.size).toBe(JSON.stringify(p.document).length);
      expect(p.size).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    }
    const whole = observed.map((u) => `${u.action} ${u.resource}`).sort();
    expect(pairsOf(out)).toEqual(whole);
    // parts hold no pair twice, and Sids stay unique across them
    const sids = out.policies.flatMap((p) => p.statements.map((s) => s.sid));
    expect(new Set(sids).size).toBe(sids.length);
    expect(out.notes.some((n) => n.includes('split into'))).toBe(true);
    expect(out.lint.filter((f) => f.code === 'policy-size')).toEqual([]);
  });

  it('keeps each service in one policy when the service alone fits', async () => {
    const out = await buildWorkloadPolicies(input({ observed: manyUses(40), principalPolicies: [admin] }));
    const policiesPerService = new Map<string, Set<string>>();
    for (const p of out.policies) {
      for (const s of p.statements) {
        const service = s.actions[0]?.split(':')[0] as string;
        policiesPerService.set(service, (policiesPerService.get(service) ?? new Set()).add(p.name));
      }
    }
    for (const [service, names] of policiesPerService) expect([service, names.size]).toEqual([service, 1]);
  });

  it('cuts a statement too large for any policy into pieces', () => {
    const resources = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/some/longer/prefix/*`);
    const statement: PlannedStatement = { sid: 'ObservedS3', actions: ['s3:GetObject', 's3:PutObject'], resources, basis: 'observed' };
    const parts = splitIntoPolicies('keyshift-big', [statement]);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.size).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const sids = parts.flatMap((p) => p.statements.map((s) => s.sid));
    expect(sids[0]).toBe('ObservedS3');
    expect(sids.slice(1).every((s) => /^ObservedS3Split\d+$/.test(s))).toBe(true);
    const pairs = parts.flatMap((p) => p.statements.flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${a} ${r}`))));
    expect(pairs.sort()).toEqual(statement.actions.flatMap((a) => resources.map((r) => `${a} ${r}`)).sort());
  });

  it('is one policy named after the prefix when everything fits', async () => {
    const out = await buildWorkloadPolicies(input({ observed: manyUses(2), principalPolicies: [admin] }));
    expect(out.policies.map((p) => p.name)).toEqual(['keyshift-asg-web']);
  });

  it('splits the same way every time', async () => {
    const a = await buildWorkloadPolicies(input({ observed: manyUses(60), principalPolicies: [admin] }));
    const b = await buildWorkloadPolicies(input({ observed: manyUses(60).reverse(), principalPolicies: [admin] }));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
