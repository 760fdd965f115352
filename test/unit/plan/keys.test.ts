import { describe, expect, it } from 'vitest';
import type { AccessKey } from '../../../src/model/inventory.js';
import { accessKey, did, from, instance, keyUse, planFor, planInventory, planUsage } from '../../helpers/plan-fixture.js';

const KEY = 'AKIAKEYSEXAMPLE00001';
const OTHER = 'AKIAOTHEREXAMPLE0001';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' };
const instances = () => [instance('i-a', { privateIps: ['10.0.0.1'] }), instance('i-b', { privateIps: ['10.0.0.2'] })];
const keyOn = (...ids: string[]) => keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: ids.map((id, n) => from(`10.0.0.${n + 1}`, id)), longestGapSeconds: 30 * 86_400 });

async function decision(accessKeys: AccessKey[], keys: ReturnType<typeof keyUse>[], extra: Partial<Parameters<typeof planUsage>[0]> = {}, options = {}) {
  const plan = await planFor(planInventory({ instances: instances(), accessKeys }), planUsage({ keys, ...extra }), options);
  return { plan, key: (id: string) => plan.keys.find((k) => k.accessKeyId === id) };
}

describe('key decisions', () => {
  it('deactivates a key whose workloads are all ready, after the longer of its longest gap and the minimum quiet period', async () => {
    const { key } = await decision([accessKey(KEY, 'app', used)], [keyOn('i-a', 'i-b')]);
    expect(key(KEY)).toMatchObject({ decision: 'deactivate', workloads: ['i-a', 'i-b'], quietPeriodSeconds: 30 * 86_400 });
  });

  it('blocks a key with an uncovered source, naming it', async () => {
    const usage = keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a'), from('198.51.100.4', null)] });
    const { key } = await decision([accessKey(KEY, 'app', used)], [usage]);
    expect(key(KEY)?.decision).toBe('blocked');
    expect(key(KEY)?.reasons.join('\n')).toContain('198.51.100.4');
  });

  it('blocks a key with an evidence gap, naming it', async () => {
    const gap = { accessKeyId: KEY, userName: 'app', service: 'dynamodb', reason: 'service-last-accessed-not-in-evidence' as const, detail: 'dynamodb accessed 2025-05-20 but no event' };
    const { key, plan } = await decision([accessKey(KEY, 'app', used)], [keyOn('i-a')], { gaps: [gap] });
    expect(key(KEY)?.decision).toBe('blocked');
    expect(key(KEY)?.reasons.join('\n')).toContain('dynamodb');
    expect(plan.workloads[0]?.evidence.gaps).toEqual([gap]);
  });

  it('blocks a key while a workload using it is not in the plan', async () => {
    const { key } = await decision([accessKey(KEY, 'app', used)], [keyOn('i-a', 'i-b')], {}, { workloads: ['i-a'] });
    expect(key(KEY)?.decision).toBe('blocked');
    expect(key(KEY)?.reasons.join('\n')).toContain('workload i-b holds the key but is not in this plan');
  });

  it('blocks a key while a workload using it is blocked', async () => {
    const inventory = planInventory({
      instances: [instance('i-a', { privateIps: ['10.0.0.1'] })],
      accessKeys: [accessKey(KEY, 'app', used)],
      resourceGrants: [{ resourceArn: 'arn:aws:sqs:eu-west-1:999999999999:theirs', resourceType: 'sqs-queue', region: 'eu-west-1', userName: 'app', statements: [{}] }],
    });
    const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:999999999999:theirs')], sources: [from('10.0.0.1', 'i-a')] })] });
    const plan = await planFor(inventory, usage);
    expect(plan.workloads[0]?.status).toBe('blocked');
    expect(plan.workloads[0]?.blockedReasons[0]).toContain('is in account 999999999999: that account must add');
    expect(plan.keys[0]?.decision).toBe('blocked');
    expect(plan.keys[0]?.reasons.join('\n')).toContain('workload i-a is blocked');
  });

  it('needs confirmation for a key without recorded usage last used before the window', async () => {
    const { key } = await decision([accessKey(OTHER, 'old', { date: '2024-12-01T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' })], []);
    expect(key(OTHER)?.decision).toBe('needs-confirmation');
  });

  it('needs confirmation for a key never used', async () => {
    const { key } = await decision([accessKey(OTHER, 'old', { date: null, serviceName: null, region: null })], []);
    expect(key(OTHER)?.decision).toBe('needs-confirmation');
  });

  it('blocks a key without recorded usage whose last use falls inside the window: the evidence is blind', async () => {
    const { key } = await decision([accessKey(OTHER, 'old', used)], []);
    expect(key(OTHER)?.decision).toBe('blocked');
    expect(key(OTHER)?.reasons[0]).toContain('evidence is blind');
  });

  it('blocks a key whose last use could not be read', async () => {
    const { key } = await decision([accessKey(OTHER, 'old', null)], []);
    expect(key(OTHER)?.decision).toBe('blocked');
  });

  it('only reports a root key', async () => {
    const root = keyUse('AKIAROOTEXAMPLE00002', { principalType: 'Root', actions: [did('s3:ListAllMyBuckets')], sources: [from('10.0.0.1', 'i-a')] });
    const { key, plan } = await decision([], [root]);
    expect(key('AKIAROOTEXAMPLE00002')).toMatchObject({ decision: 'report-only', workloads: [], userName: null });
    expect(plan.workloads).toEqual([]);
  });
});
