import { describe, expect, it } from 'vitest';
import { accessKey, asg, did, finding, from, instance, keyUse, launchTemplate, planFor, planInventory, planUsage } from '../../helpers/plan-fixture.js';

const KEY = 'AKIAGROUPEXAMPLE0001';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' };

async function workloadsOf(instances: ReturnType<typeof instance>[], extra: Parameters<typeof planInventory>[0] = {}) {
  const inventory = planInventory({ instances, accessKeys: [accessKey(KEY, 'app', used)], ...extra });
  const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: instances.map((i) => from(i.privateIps[0] ?? i.instanceId, i.instanceId)) })] });
  return (await planFor(inventory, usage)).workloads;
}

describe('grouping instances into workloads', () => {
  it('groups the instances of an Auto Scaling group, with its launch template', async () => {
    const w = await workloadsOf(
      [instance('i-a', { owner: { autoScalingGroup: 'web' }, privateIps: ['10.0.0.1'] }), instance('i-b', { owner: { autoScalingGroup: 'web' }, privateIps: ['10.0.0.2'] })],
      { autoScalingGroups: [asg('web', ['i-a', 'i-b'], { launchTemplate: { id: 'lt-web', name: 'web', version: '3' } })], launchTemplates: [launchTemplate('lt-web', 'web')] },
    );
    expect(w.map((x) => [x.id, x.kind, x.instances.map((i) => i.instanceId)])).toEqual([['asg-web', 'auto-scaling-group', ['i-a', 'i-b']]]);
    expect(w[0]?.deploymentUnit).toEqual({ autoScalingGroup: 'web', launchTemplate: { id: 'lt-web', version: '3' } });
  });

  it('groups instances launched from one template outside any group', async () => {
    const lt = { id: 'lt-api', version: '2' };
    const w = await workloadsOf([instance('i-a', { launchTemplate: lt, privateIps: ['10.0.0.1'] }), instance('i-b', { launchTemplate: lt, privateIps: ['10.0.0.2'] })], { launchTemplates: [launchTemplate('lt-api', 'api')] });
    expect(w.map((x) => [x.id, x.kind, x.instances.length])).toEqual([['lt-api', 'launch-template', 2]]);
  });

  it('groups instances by application tag (case-insensitive key), else one workload per instance', async () => {
    const w = await workloadsOf([
      instance('i-a', { tags: { App: 'billing' }, privateIps: ['10.0.0.1'] }),
      instance('i-b', { tags: { app: 'billing' }, privateIps: ['10.0.0.2'] }),
      instance('i-c', { tags: { Name: 'lonely' }, privateIps: ['10.0.0.3'] }),
    ]);
    expect(w.map((x) => [x.id, x.kind, x.instances.map((i) => i.instanceId)])).toEqual([
      ['app-billing', 'application', ['i-a', 'i-b']],
      ['i-c', 'instance', ['i-c']],
    ]);
  });

  it('leaves out instances that hold no key and terminated instances', async () => {
    const inventory = planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'] }), instance('i-gone', { state: 'terminated' }), instance('i-idle')], accessKeys: [accessKey(KEY, 'app', used)] });
    const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a'), from('10.0.0.9', 'i-gone')] })] });
    const plan = await planFor(inventory, usage);
    expect(plan.workloads.map((w) => w.id)).toEqual(['i-a']);
    expect(plan.unattributed.map((u) => u.source)).toEqual(['10.0.0.9']);
  });

  it('ties a key in an instance user data to that instance even without usage', async () => {
    const inventory = planInventory({
      instances: [instance('i-a')],
      accessKeys: [accessKey(KEY, 'app', { date: null, serviceName: null, region: null })],
      credentials: [finding(KEY, { type: 'user-data', instanceId: 'i-a', region: 'eu-west-1', part: 0 })],
    });
    const plan = await planFor(inventory, planUsage());
    expect(plan.workloads.map((w) => [w.id, w.keys])).toEqual([['i-a', [KEY]]]);
    expect(plan.workloads[0]?.steps.some((s) => s.kind === 'manual-action' && s.target === 'i-a')).toBe(true);
  });
});
