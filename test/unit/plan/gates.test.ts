import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { accessKey, did, from, instance, keyUse, planFor, planInventory, planUsage } from '../../helpers/plan-fixture.js';

const KEY = 'AKIAGATEEXAMPLE00001';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' };
const usageFor = (facts: Parameters<typeof planUsage>[0] = {}) =>
  planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a')] })], ...facts });

describe('CloudFormation-owned instances', () => {
  const inventory = () => planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'], owner: { cloudFormationStack: 'web-stack' } })], accessKeys: [accessKey(KEY, 'app', used)] });

  it('are export-only with no steps, and their key stays blocked', async () => {
    const plan = await planFor(inventory(), usageFor());
    expect(plan.workloads[0]).toMatchObject({ status: 'export-only', exportOnly: true, steps: [], deploymentUnit: { cloudFormationStack: 'web-stack' } });
    expect(plan.workloads[0]?.policies.length).toBe(1);
    expect(plan.keys[0]?.decision).toBe('blocked');
  });

  it('are planned like the rest with allowCloudFormation', async () => {
    const plan = await planFor(inventory(), usageFor(), { allowCloudFormation: true });
    expect(plan.workloads[0]).toMatchObject({ status: 'ready', exportOnly: false });
    expect(plan.keys[0]?.decision).toBe('deactivate');
  });
});

describe('quotas', () => {
  it('stops with a safety-gate error before planning past a quota', async () => {
    const inventory = planInventory({
      instances: [instance('i-a', { privateIps: ['10.0.0.1'] })],
      accessKeys: [accessKey(KEY, 'app', used)],
      quotas: { roles: { used: 1000, max: 1000 }, instanceProfiles: { used: 1, max: 1000 }, policies: { used: 1, max: 1500 }, attachedPoliciesPerRole: 10 },
    });
    const error = await planFor(inventory, usageFor()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect((error as KeyshiftError).kind).toBe('safety-gate');
    expect((error as KeyshiftError).message).toContain('roles: 1000 used + 1 planned > 1000');
  });

  it('records the headroom when it fits', async () => {
    const inventory = planInventory({
      instances: [instance('i-a', { privateIps: ['10.0.0.1'] })],
      accessKeys: [accessKey(KEY, 'app', used)],
      quotas: { roles: { used: 10, max: 1000 }, instanceProfiles: { used: 1, max: 1000 }, policies: { used: 1, max: 1500 }, attachedPoliciesPerRole: 10 },
    });
    const plan = await planFor(inventory, usageFor());
    expect(plan.quotas).toEqual([
      { name: 'roles', used: 10, planned: 1, max: 1000 },
      { name: 'instance-profiles', used: 1, planned: 1, max: 1000 },
      { name: 'policies', used: 1, planned: 1, max: 1500 },
      { name: 'attached-policies-per-role', used: 0, planned: 1, max: 10 },
    ]);
  });
});

describe('bad input', () => {
  const inventory = () => planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'] })], accessKeys: [accessKey(KEY, 'app', used)] });

  it('refuses usage from another account (exit 3)', async () => {
    const error = await planFor(inventory(), usageFor({ account: '999999999999' })).catch((e: unknown) => e);
    expect((error as KeyshiftError).kind).toBe('bad-input');
    expect((error as KeyshiftError).message).toContain('999999999999');
  });

  it('accepts usage with no account', async () => {
    await expect(planFor(inventory(), usageFor({ account: null }))).resolves.toMatchObject({ kind: 'plan' });
  });

  it('warns about usage older than the inventory and keys the inventory lacks', async () => {
    const usage = planUsage({ asOf: '2025-05-31T00:00:00.000Z', keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a')] }), keyUse('AKIAUNKNOWNEXAMPLE01', { actions: [did('s3:ListBucket')] })] });
    const plan = await planFor(inventory(), usage);
    expect(plan.warnings.join('\n')).toContain('older than the inventory');
    expect(plan.warnings.join('\n')).toContain('AKIAUNKNOWNEXAMPLE01');
    expect(plan.keys.map((k) => k.accessKeyId)).toEqual([KEY]);
  });
});
