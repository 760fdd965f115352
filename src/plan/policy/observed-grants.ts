// What the workload was seen doing, intersected with what its key is allowed today. Calls made
// with GetSessionToken or GetFederationToken credentials ran on the user's own permissions, so
// they count as the workload's own; calls made under an assumed role do not (see role chains).
import type { ActionUse, TemporarySession } from '../../model/usage.js';
import { cachedActionInfo } from './catalog.js';
import { foldUses, tokenSessions } from './evidence-uses.js';
import type { Grant } from './grant.js';
import type { PrincipalPermissions } from './principal-permissions.js';
import { grantsForUse } from './use-grants.js';

export interface GrantsWithNotes {
  grants: Grant[];
  notes: string[];
}

/** The account of an ARN, when it names a 12-digit one. */
function accountOf(resource: string): string | undefined {
  const account = resource.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

export async function observedGrants(
  principal: PrincipalPermissions,
  observed: readonly ActionUse[],
  sessions: readonly TemporarySession[],
  account: string,
): Promise<GrantsWithNotes> {
  const tokens = tokenSessions(sessions);
  const grants: Grant[] = [];
  const notes: string[] = [];
  for (const via of [...new Set(tokens.filter((s) => s.actions.length > 0).map((s) => s.via))].sort()) {
    notes.push(
      `calls made with ${via} credentials ran on the user's own permissions and are planned as observed; the role's credentials replace that session (a role cannot call sts:GetSessionToken)`,
    );
  }
  for (const pair of foldUses([...observed, ...tokens.flatMap((s) => s.actions)])) {
    const info = await cachedActionInfo(pair.action);
    const outcome = grantsForUse(principal, info, pair.resource, 'observed');
    grants.push(...outcome.grants);
    if (outcome.problem !== undefined) notes.push(`observed use not granted as seen: ${outcome.problem}`);
    const other = accountOf(pair.resource);
    if (other !== undefined && other !== account && outcome.grants.length > 0) {
      notes.push(`${pair.resource} is in account ${other}: its resource policy there must also allow the new role`);
    }
  }
  return { grants, notes };
}
