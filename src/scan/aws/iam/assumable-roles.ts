// Roles a key holder may assume: their work runs under temporary keys the planner must carry
// over. A role counts when its trust policy names the user (enough on its own within the
// account), or when the user's identity policies (own, attached, through groups) allow
// sts:AssumeRole on it and its trust policy lets the account's identities in; "both" when
// both hold. An identity allow on a role that trusts only a service is not counted: AWS
// would refuse it.
import type { AssumableRole, IamGroup, IamRole, IamUser, ManagedPolicy } from '../../../model/inventory.js';
import { compareStrings } from './order.js';
import { statementsOf, type PolicyDocument } from './policy-document.js';
import { identityPoliciesAllow, statementCoversAction, type PolicyVariables } from './policy-match.js';
import { principalDelegatesToAccount, principalNames, type PrincipalIdentity } from './principal-match.js';

const ASSUME_ROLE = 'sts:AssumeRole';

export interface AssumableRolesInput {
  account: string;
  users: readonly IamUser[];
  groups: readonly IamGroup[];
  roles: readonly IamRole[];
  managedPolicies: readonly ManagedPolicy[];
}

/** The identity policy documents that apply to a user: inline, attached, and those of the user's groups. */
export function identityPolicyDocuments(user: IamUser, groups: ReadonlyMap<string, IamGroup>, policies: ReadonlyMap<string, ManagedPolicy>): PolicyDocument[] {
  const docs: PolicyDocument[] = user.inlinePolicies.map((p) => p.document);
  const attached = [...user.attachedPolicies];
  for (const name of user.groups) {
    const group = groups.get(name);
    if (!group) continue;
    docs.push(...group.inlinePolicies.map((p) => p.document));
    attached.push(...group.attachedPolicies);
  }
  for (const a of attached) {
    const policy = policies.get(a.policyArn);
    if (policy) docs.push(policy.document);
  }
  return docs;
}

type TrustVerdict = 'names-user' | 'delegates' | 'refuses';

function trustVerdict(role: IamRole, who: PrincipalIdentity, account: string): TrustVerdict {
  let names = false;
  let delegates = false;
  for (const s of statementsOf(role.trustPolicy)) {
    if (!statementCoversAction(s, ASSUME_ROLE)) continue;
    const namesUser = principalNames(s.Principal, who);
    const delegatesHere = principalDelegatesToAccount(s.Principal, account);
    if (s.Effect === 'Deny' && s.Condition === undefined && (namesUser || delegatesHere)) return 'refuses';
    if (s.Effect !== 'Allow') continue;
    names ||= namesUser;
    delegates ||= delegatesHere;
  }
  return names ? 'names-user' : delegates ? 'delegates' : 'refuses';
}

export function assumableRoles(input: AssumableRolesInput): AssumableRole[] {
  const groups = new Map(input.groups.map((g) => [g.groupName, g]));
  const policies = new Map(input.managedPolicies.map((p) => [p.arn, p]));
  const result: AssumableRole[] = [];
  for (const user of input.users) {
    const who = { arn: user.arn, userId: user.userId };
    const docs = identityPolicyDocuments(user, groups, policies);
    const variables: PolicyVariables = { 'aws:username': user.userName, 'aws:userid': user.userId, 'aws:principalaccount': input.account };
    for (const role of input.roles) {
      const trust = trustVerdict(role, who, input.account);
      if (trust === 'refuses') continue;
      const identity = identityPoliciesAllow(docs, ASSUME_ROLE, role.arn, variables);
      if (trust === 'names-user') result.push({ userName: user.userName, roleArn: role.arn, via: identity ? 'both' : 'trust-policy' });
      else if (identity) result.push({ userName: user.userName, roleArn: role.arn, via: 'identity-policy' });
    }
  }
  return result.sort((a, b) => compareStrings(a.userName, b.userName) || compareStrings(a.roleArn, b.roleArn));
}
