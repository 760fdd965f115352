// Role chains get sts:AssumeRole on the role, never the role's own permissions. Sessions from
// GetSessionToken ran on the user's own permissions, so their calls are the workload's.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies } from '../../../src/plan/policy/index.js';
import { allow, input, plannedPairs, policy, session, statementsOf, use } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/deployer';

describe('role chains', () => {
  it('grants sts:AssumeRole on the assumed role and nothing the role did', async () => {
    const out = await buildWorkloadPolicies(
      input({
        sessions: [session('AssumeRole', ROLE, [use('ec2:TerminateInstances', '*')])],
        principalPolicies: [policy('admin', allow('*', '*'))],
      }),
    );
    expect(plannedPairs(out)).toEqual([{ action: 'sts:AssumeRole', resource: ROLE, basis: 'assume-role' }]);
    const [statement] = statementsOf(out);
    expect(statement?.sid).toBe('AssumeRoleSts');
    expect(statement?.note).toMatch(/trust policy must also accept the new role/);
    expect(out.notes.some((n) => n.includes('calls made under assumed roles are not planned'))).toBe(true);
  });

  it('shows an observed sts:AssumeRole of a chained role as a role chain', async () => {
    const out = await buildWorkloadPolicies(
      input({ observed: [use('sts:AssumeRole', ROLE)], sessions: [session('AssumeRole', ROLE)], principalPolicies: [policy('assume', allow('sts:AssumeRole', ROLE))] }),
    );
    expect(plannedPairs(out)).toEqual([{ action: 'sts:AssumeRole', resource: ROLE, basis: 'assume-role' }]);
  });

  it('adds nothing when only the role’s trust policy let the user in, and says the trust policy must change', async () => {
    const out = await buildWorkloadPolicies(input({ sessions: [session('AssumeRole', ROLE)], principalPolicies: [policy('s3', allow('s3:*', '*'))] }));
    expect(out.policies).toEqual([]);
    expect(out.notes.some((n) => n.includes(`role chain to ${ROLE}`) && n.includes('trust policy must name the new role'))).toBe(true);
  });

  it('reports a session without a role', async () => {
    const out = await buildWorkloadPolicies(input({ sessions: [session('AssumeRole', null)], principalPolicies: [policy('admin', allow('*', '*'))] }));
    expect(out.policies).toEqual([]);
    expect(out.notes.some((n) => n.includes('name no role'))).toBe(true);
  });

  it('plans calls made with GetSessionToken credentials as observed', async () => {
    const out = await buildWorkloadPolicies(
      input({
        sessions: [session('GetSessionToken', null, [use('sqs:ReceiveMessage', 'arn:aws:sqs:us-east-1:123456789012:jobs')])],
        principalPolicies: [policy('admin', allow('*', '*'))],
      }),
    );
    expect(plannedPairs(out)).toEqual([{ action: 'sqs:ReceiveMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:jobs', basis: 'observed' }]);
  });
});
