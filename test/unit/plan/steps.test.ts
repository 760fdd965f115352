import { describe, expect, it } from 'vitest';
import type { PlanDocument, PlanStep } from '../../../src/model/plan.js';
import { STAGES } from '../../../src/model/stages.js';
import { accessKey, did, finding, from, hostFindings, instance, keyUse, MODERN_SDK, OLD_CLI, planFor, planInventory, planUsage } from '../../helpers/plan-fixture.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage, SHARED_KEY, WEB_KEY } from './scenario.js';

const KEY = 'AKIASTEPSEXAMPLE0001';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' };
const scenario = () => planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
const allSteps = (plan: PlanDocument): PlanStep[] => plan.workloads.flatMap((w) => w.steps);

async function single(agents = [MODERN_SDK], tokens: 'optional' | 'required' = 'optional') {
  const inventory = planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'], metadataOptions: { httpTokens: tokens, httpEndpoint: 'enabled', hopLimit: 1 } })], accessKeys: [accessKey(KEY, 'app', used)] });
  const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a')], userAgents: agents })] });
  return planFor(inventory, usage);
}

describe('steps', () => {
  it('never deletes, and every step waits only for steps in the plan that come before it', async () => {
    const plan = await scenario();
    const steps = allSteps(plan);
    expect(steps.some((s) => s.kind.startsWith('delete'))).toBe(false);
    const ids = new Set(steps.map((s) => s.id));
    expect(ids.size).toBe(steps.length);
    const stageIndex = new Map(steps.map((s) => [s.id, STAGES.indexOf(s.stage)]));
    for (const s of steps) {
      for (const a of s.after) {
        expect(ids.has(a), `${s.id} waits for ${a}`).toBe(true);
        expect(stageIndex.get(a)).toBeLessThanOrEqual(STAGES.indexOf(s.stage));
      }
    }
  });

  it('records the state each step expects', async () => {
    const plan = await scenario();
    const web = plan.workloads.find((w) => w.id === 'asg-web');
    const byKind = (kind: string) => web?.steps.find((s) => s.kind === kind);
    expect(byKind('create-role')?.expect).toEqual({ role: null });
    expect(byKind('associate-instance-profile')?.expect).toEqual({ association: null });
    expect(byKind('create-launch-template-version')?.expect).toEqual({ latestVersion: 3, defaultVersion: 3 });
    expect(byKind('create-launch-template-version')?.params).toMatchObject({ sourceVersion: 3, instanceProfileName: 'keyshift-asg-web', metadataOptions: { httpTokens: 'required' }, userData: { keys: [WEB_KEY] } });
    expect(byKind('update-auto-scaling-group')?.expect).toEqual({ launchTemplate: { id: 'lt-web', version: '3' } });
    expect(byKind('update-auto-scaling-group')?.after).toEqual([byKind('create-launch-template-version')?.id]);
    expect(byKind('deactivate-access-key')).toMatchObject({ stage: 'deactivate', target: WEB_KEY, expect: { status: 'Active', userName: 'web' }, after: [byKind('verify-key-quiet')?.id] });
  });

  it('removes host credentials after the instance has its role, restarts the service after, and changes tool configs', async () => {
    const plan = await scenario();
    const worker = plan.workloads.find((w) => w.id === 'app-worker');
    const associate = worker?.steps.find((s) => s.kind === 'associate-instance-profile' && s.target === 'i-worker1');
    const removals = worker?.steps.filter((s) => s.kind === 'remove-host-credential') ?? [];
    expect(removals).toHaveLength(2);
    for (const r of removals) expect(r.after).toEqual([associate?.id]);
    const restart = worker?.steps.find((s) => s.kind === 'restart-service');
    expect(restart?.params).toEqual({ host: 'i-worker1', manager: 'systemd', unit: 'worker.service', instanceId: 'i-worker1', file: '/etc/systemd/system/worker.service' });
    expect(restart?.after.sort()).toEqual(removals.map((r) => r.id).sort());
    const batch = plan.workloads.find((w) => w.id === 'i-batch');
    expect(batch?.steps.find((s) => s.kind === 'update-tool-config')?.params).toMatchObject({ tool: 's3cmd' });
  });

  it('deactivates a shared key only when every workload is ready, in one step waiting for each quiet check', async () => {
    const plan = await scenario();
    expect(allSteps(plan).filter((s) => s.kind === 'deactivate-access-key').map((s) => s.target)).toEqual([WEB_KEY]);
    expect(plan.keys.find((k) => k.accessKeyId === SHARED_KEY)?.decision).toBe('blocked');
  });

  it('requires IMDSv2 after the soak period when every SDK supports it', async () => {
    const plan = await single([MODERN_SDK]);
    const step = plan.workloads[0]?.steps.find((s) => s.kind === 'require-imdsv2');
    expect(step).toMatchObject({ stage: 'verify', target: 'i-a', params: { soakSeconds: 7 * 86_400, httpPutResponseHopLimit: 2 }, expect: { metadataOptions: { httpTokens: 'optional', hopLimit: 1 } } });
    expect(step?.after).toEqual([plan.workloads[0]?.steps.find((s) => s.kind === 'verify-role-in-use')?.id]);
  });

  it('does not require IMDSv2 while an SDK is too old, and says what to upgrade', async () => {
    const plan = await single([MODERN_SDK, OLD_CLI]);
    expect(plan.workloads[0]?.steps.some((s) => s.kind === 'require-imdsv2')).toBe(false);
    expect(plan.workloads[0]?.risks.join('\n')).toContain('upgrade aws-cli 1.10.0');
  });

  it('does not plan IMDSv2 for an instance that already requires it', async () => {
    const plan = await single([MODERN_SDK], 'required');
    expect(plan.workloads[0]?.steps.some((s) => s.kind === 'require-imdsv2')).toBe(false);
  });
});

describe('resource policies and copies elsewhere', () => {
  it('adds the role next to the user in a resource policy this workload used, and expects the user to be named there', async () => {
    const bucket = 'arn:aws:s3:::shared-bucket';
    const inventory = planInventory({
      instances: [instance('i-a', { privateIps: ['10.0.0.1'] })],
      accessKeys: [accessKey(KEY, 'app', used)],
      resourceGrants: [
        { resourceArn: bucket, resourceType: 's3-bucket', region: 'eu-west-1', userName: 'app', statements: [{ Effect: 'Allow' }] },
        { resourceArn: 'arn:aws:s3:::unused-bucket', resourceType: 's3-bucket', region: 'eu-west-1', userName: 'app', statements: [{ Effect: 'Allow' }] },
      ],
    });
    const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', `${bucket}/reports/*`)], sources: [from('10.0.0.1', 'i-a')] })] });
    const plan = await planFor(inventory, usage);
    const extend = plan.workloads[0]?.steps.filter((s) => s.kind === 'extend-resource-policy') ?? [];
    expect(extend.map((s) => s.target)).toEqual([bucket]);
    expect(extend[0]?.expect).toMatchObject({ statementsNamingPrincipal: { principal: 'arn:aws:iam::123456789012:user/app', count: 1 } });
  });

  it('blocks a key with a copy on a host that matches no instance', async () => {
    const inventory = planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'] })], accessKeys: [accessKey(KEY, 'app', used)] });
    const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a')] })] });
    const plan = await planFor(inventory, usage, {}, [hostFindings([finding(KEY, { type: 'host-file', host: 'laptop-7', path: '/home/me/.aws/credentials', format: 'aws-credentials' })])]);
    expect(plan.keys[0]?.decision).toBe('blocked');
    expect(plan.keys[0]?.reasons.join('\n')).toContain('host laptop-7 matches no instance');
  });
});
