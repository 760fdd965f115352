// Resource-side grants that name a key holder: for each resource policy, the statements whose
// Principal lists the user's ARN or unique ID, kept verbatim for the planner. Role trust
// policies are resource policies too (of the role), read from the authorization details.
import type { IamRole, IamUser, ResourceGrant } from '../../../model/inventory.js';
import { compareStrings } from './order.js';
import type { PolicyDocument } from './policy-document.js';
import { statementsNaming } from './principal-match.js';

/** A resource and its policy, as read from its service. */
export interface ResourcePolicy {
  resourceArn: string;
  resourceType: ResourceGrant['resourceType'];
  /** null for global resources (roles) */
  region: string | null;
  document: PolicyDocument;
}

export function roleTrustPolicies(roles: readonly IamRole[]): ResourcePolicy[] {
  return roles.map((r) => ({ resourceArn: r.arn, resourceType: 'role-trust', region: null, document: r.trustPolicy }));
}

export function grantsNaming(policies: readonly ResourcePolicy[], holders: readonly IamUser[]): ResourceGrant[] {
  const grants: ResourceGrant[] = [];
  for (const policy of policies) {
    for (const user of holders) {
      const statements = statementsNaming(policy.document, { arn: user.arn, userId: user.userId });
      if (statements.length === 0) continue;
      grants.push({ resourceArn: policy.resourceArn, resourceType: policy.resourceType, region: policy.region, userName: user.userName, statements });
    }
  }
  return grants.sort(
    (a, b) => compareStrings(a.resourceType, b.resourceType) || compareStrings(a.resourceArn, b.resourceArn) || compareStrings(a.userName, b.userName),
  );
}
