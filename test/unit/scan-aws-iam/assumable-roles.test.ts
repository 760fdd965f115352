// Assumable roles: named by the trust policy, allowed by the user's own, attached or group
// policies (when the trust policy lets the account in), or both.
import { describe, expect, it } from 'vitest';
import type { IamGroup, IamRole, IamUser, ManagedPolicy } from '../../../src/model/inventory.js';
import { assumableRoles } from '../../../src/scan/aws/iam/assumable-roles.js';

const ACCOUNT = '111122223333';
const arnOf = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;

function user(name: string, extra: Partial<IamUser> = {}): IamUser {
  return { userName: name, userId: `AIDA${name.toUpperCase()}`, arn: arnOf('user', name), path: '/', createDate: '2024-01-01T00:00:00.000Z', groups: [], attachedPolicies: [], inlinePolicies: [], tags: {}, ...extra };
}

function role(name: string, trustStatements: unknown[]): IamRole {
  return { roleName: name, roleId: `AROA${name}`, arn: arnOf('role', name), path: '/', trustPolicy: { Version: '2012-10-17', Statement: trustStatements }, attachedPolicies: [], inlinePolicies: [], instanceProfiles: [], tags: {} };
}

const trust = (principal: unknown, effect = 'Allow') => ({ Effect: effect, Principal: principal, Action: 'sts:AssumeRole' });
const assume = (resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }] });

describe('assumable roles', () => {
  const alice = user('alice', {
    groups: ['deployers'],
    inlinePolicies: [{ policyName: 'own', document: assume(arnOf('role', 'report-*')) }],
  });
  const bob = user('bob', { attachedPolicies: [{ policyName: 'AssumeAnything', policyArn: arnOf('policy', 'AssumeAnything') }] });
  const group: IamGroup = { groupName: 'deployers', groupId: 'AGPA1', arn: arnOf('group', 'deployers'), attachedPolicies: [], inlinePolicies: [{ policyName: 'deploy', document: assume(arnOf('role', 'deploy')) }] };
  const anything: ManagedPolicy = { policyName: 'AssumeAnything', arn: arnOf('policy', 'AssumeAnything'), path: '/', defaultVersionId: 'v1', document: assume('*'), attachmentCount: 1, awsManaged: false };
  const roles = [
    role('named', [trust({ AWS: alice.arn })]),
    role('named-by-id', [trust({ AWS: [alice.userId] })]),
    role('report-daily', [trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` })]),
    role('deploy', [trust({ AWS: [ACCOUNT, alice.arn] })]),
    role('ec2-only', [trust({ Service: 'ec2.amazonaws.com' })]),
    role('denied', [trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), trust({ AWS: bob.arn }, 'Deny')]),
    role('other-account', [trust({ AWS: 'arn:aws:iam::444455556666:root' })]),
  ];

  it('finds each way a key holder may assume a role, and none where AWS would refuse', () => {
    const found = assumableRoles({ account: ACCOUNT, users: [bob, alice], groups: [group], roles, managedPolicies: [anything] });
    expect(found).toEqual([
      { userName: 'alice', roleArn: arnOf('role', 'deploy'), via: 'both' },
      { userName: 'alice', roleArn: arnOf('role', 'named'), via: 'trust-policy' },
      { userName: 'alice', roleArn: arnOf('role', 'named-by-id'), via: 'trust-policy' },
      { userName: 'alice', roleArn: arnOf('role', 'report-daily'), via: 'identity-policy' },
      // bob may assume anything the account trusts, but "denied" refuses him by name
      { userName: 'bob', roleArn: arnOf('role', 'deploy'), via: 'identity-policy' },
      { userName: 'bob', roleArn: arnOf('role', 'report-daily'), via: 'identity-policy' },
    ]);
  });
});
