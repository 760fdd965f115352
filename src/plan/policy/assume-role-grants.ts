// Role chains: a workload that assumes a role needs sts:AssumeRole on that role, never the role's
// own permissions (they stay with the role, and its calls are not the workload's to copy).
import type { TemporarySession } from '../../model/usage.js';
import { sortedUnique } from './compare.js';
import type { Grant } from './grant.js';
import { describeRefusal, grantableResources } from './grantable-resources.js';
import { ASSUME_ROLE } from './notes.js';
import type { GrantsWithNotes } from './observed-grants.js';
import type { PrincipalPermissions } from './principal-permissions.js';

const ASSUME_ROLE_ACTION = 'sts:AssumeRole';

export function assumeRoleGrants(principal: PrincipalPermissions, sessions: readonly TemporarySession[]): GrantsWithNotes {
  const chains = sessions.filter((s) => s.via === 'AssumeRole');
  const grants: Grant[] = [];
  const notes: string[] = [];
  const unknownRole = sortedUnique(chains.filter((s) => s.roleArn === null).map((s) => s.accessKeyId));
  if (unknownRole.length > 0) {
    notes.push(`role sessions ${unknownRole.join(', ')} name no role: sts:AssumeRole cannot be planned for them; find the role in the trail and add it by hand`);
  }
  for (const roleArn of sortedUnique(chains.flatMap((s) => (s.roleArn === null ? [] : [s.roleArn])))) {
    const found = grantableResources(principal, ASSUME_ROLE_ACTION, roleArn, true);
    grants.push(...found.resources.map((resource) => ({ action: ASSUME_ROLE_ACTION, resource, basis: 'assume-role' as const, note: ASSUME_ROLE })));
    if (found.refusal === undefined) continue;
    if (found.refusal.kind === 'not-allowed') {
      // the assumption worked without an identity policy, so the role's trust policy names the user itself
      notes.push(
        `role chain to ${roleArn}: no identity policy of the key allows sts:AssumeRole on it, so the role's trust policy names the user directly; nothing is granted here — that trust policy must name the new role (a plan step)`,
      );
    } else {
      notes.push(`role chain not granted: ${describeRefusal(ASSUME_ROLE_ACTION, roleArn, found.refusal)}`);
    }
  }
  if (chains.some((s) => s.actions.length > 0 || s.denied.length > 0)) {
    notes.push("calls made under assumed roles are not planned: they ran on the roles' permissions, which the roles keep");
  }
  return { grants, notes };
}
