// A key holder's identity policies today, as the policy builder intersects with: the user's
// attached managed and inline policies and those of its groups. A managed policy whose document
// the inventory lacks is named, so the reviewer knows why something was not granted.
import type { InventoryDocument } from '../model/inventory.js';
import type { PrincipalPolicy } from './policy/index.js';

export function principalPolicies(inventory: InventoryDocument, userName: string): { policies: PrincipalPolicy[]; missing: string[] } {
  const user = inventory.iam.users.find((u) => u.userName === userName);
  if (!user) return { policies: [], missing: [`user ${userName}`] };
  const managed = new Map(inventory.iam.managedPolicies.map((p) => [p.arn, p]));
  const policies: PrincipalPolicy[] = [];
  const missing: string[] = [];
  const attach = (owner: string, attached: { policyName: string; policyArn: string }[]): void => {
    for (const a of attached) {
      const doc = managed.get(a.policyArn);
      if (doc) policies.push({ name: a.policyName, document: doc.document });
      else missing.push(`${a.policyArn} (attached to ${owner})`);
    }
  };
  attach(`user ${userName}`, user.attachedPolicies);
  for (const p of user.inlinePolicies) policies.push({ name: `${userName}/${p.policyName}`, document: p.document });
  for (const groupName of user.groups) {
    const group = inventory.iam.groups.find((g) => g.groupName === groupName);
    if (!group) {
      missing.push(`group ${groupName}`);
      continue;
    }
    attach(`group ${groupName}`, group.attachedPolicies);
    for (const p of group.inlinePolicies) policies.push({ name: `group ${groupName}/${p.policyName}`, document: p.document });
  }
  return { policies, missing };
}
