import { describe, expect, it } from 'vitest';
import { accessKey, did, from, instance, instanceProfile, keyUse, planFor, planInventory, planUsage, profileArn, role } from '../../helpers/plan-fixture.js';

const KEY = 'AKIAPROFILEEXAMPLE01';
const SSM = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const CW = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const used = { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' };
const withProfile = (id: string, ip: string) => instance(id, { tags: { app: 'api' }, privateIps: [ip], instanceProfile: { arn: profileArn('agents'), id: 'AIPAAGENTS', associationId: `iip-${id}` } });

async function plan(profileInstances: string[], extraInstances: ReturnType<typeof instance>[] = [], roleFacts: Parameters<typeof role>[2] = {}) {
  const inventory = planInventory({
    instances: [withProfile('i-a', '10.0.0.1'), withProfile('i-b', '10.0.0.2'), ...extraInstances],
    roles: [role('agents', [SSM, CW], roleFacts)],
    instanceProfiles: [instanceProfile('agents', 'agents', profileInstances)],
    accessKeys: [accessKey(KEY, 'app', used)],
  });
  const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::b/*')], sources: [from('10.0.0.1', 'i-a'), from('10.0.0.2', 'i-b')] })] });
  return planFor(inventory, usage);
}

describe('the instance profile an instance already has', () => {
  it('extends the role when only this workload uses it, and keeps the profile', async () => {
    const w = (await plan(['i-a', 'i-b'])).workloads[0];
    expect(w?.role).toMatchObject({ mode: 'extend-existing', name: 'agents', existingRoleName: 'agents', carriedPolicyArns: [] });
    expect(w?.instanceProfileName).toBe('agents');
    const kinds = w?.steps.map((s) => s.kind) ?? [];
    expect(kinds).not.toContain('create-role');
    expect(kinds).not.toContain('create-instance-profile');
    expect(kinds).not.toContain('replace-instance-profile-association');
    expect(w?.steps.find((s) => s.kind === 'attach-role-policy')?.params).toMatchObject({ roleName: 'agents' });
  });

  it('creates a new role carrying the current policies when an instance outside the workload shares the role', async () => {
    const w = (await plan(['i-a', 'i-b', 'i-elsewhere'], [instance('i-elsewhere')])).workloads[0];
    expect(w?.role).toMatchObject({ mode: 'new-with-carried-policies', name: 'keyshift-app-api', carriedPolicyArns: [SSM, CW] });
    const attached = w?.steps.filter((s) => s.kind === 'attach-role-policy').map((s) => s.params.policyArn);
    expect(attached).toEqual(expect.arrayContaining([SSM, CW]));
    const replace = w?.steps.filter((s) => s.kind === 'replace-instance-profile-association') ?? [];
    expect(replace.map((s) => s.target)).toEqual(['i-a', 'i-b']);
    expect(replace[0]?.expect).toEqual({ association: { associationId: 'iip-i-a', instanceProfileArn: profileArn('agents') } });
    // the new profile is usable (role in it, policies attached) before any instance is switched
    const ready = w?.steps.filter((s) => s.kind === 'attach-role-policy' || s.kind === 'add-role-to-instance-profile').map((s) => s.id);
    expect(replace[0]?.after).toEqual(ready);
  });

  it('blocks rather than drop inline policies a new role cannot carry', async () => {
    const w = (await plan(['i-a', 'i-b', 'i-elsewhere'], [instance('i-elsewhere')], { inlinePolicies: [{ policyName: 'logs', document: {} }] })).workloads[0];
    expect(w?.status).toBe('blocked');
    expect(w?.blockedReasons.join('\n')).toContain('inline policies (logs)');
  });
});
