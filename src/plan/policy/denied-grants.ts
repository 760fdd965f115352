// What the workload tried and was denied. Never granted by default: the evidence shows it did
// not work, so the workload does not depend on it. On request (includeDenied) it is added, but
// still only where the key's identity policies allow it today.
// `granted` holds the pairIds of what observed use already earned.
import type { DeniedUse, TemporarySession } from '../../model/usage.js';
import { cachedActionInfo } from './catalog.js';
import { foldUses, tokenSessions } from './evidence-uses.js';
import { pairId, type Grant } from './grant.js';
import { DENIED_REQUESTED } from './notes.js';
import type { GrantsWithNotes } from './observed-grants.js';
import type { PrincipalPermissions } from './principal-permissions.js';
import { grantsForUse } from './use-grants.js';

export async function deniedGrants(
  principal: PrincipalPermissions,
  denied: readonly DeniedUse[],
  sessions: readonly TemporarySession[],
  includeDenied: boolean,
  granted: ReadonlySet<string>,
): Promise<GrantsWithNotes> {
  const grants: Grant[] = [];
  const notes: string[] = [];
  for (const pair of foldUses([...denied, ...tokenSessions(sessions).flatMap((s) => s.denied)])) {
    // denied once and allowed later (a policy changed, a retry): the observed grant stands
    if (granted.has(pairId(pair.action, pair.resource))) continue;
    const attempt = `${pair.action} on ${pair.resource} (${pair.errorCodes.join(', ')}, ${pair.calls} ${pair.calls === 1 ? 'call' : 'calls'})`;
    if (!includeDenied) {
      notes.push(`denied attempt not added: ${attempt}; includeDenied adds it where today's policies allow it`);
      continue;
    }
    const info = await cachedActionInfo(pair.action);
    const outcome = grantsForUse(principal, info, pair.resource, 'denied-requested', DENIED_REQUESTED);
    grants.push(...outcome.grants);
    if (outcome.problem !== undefined) notes.push(`denied attempt ${attempt} not added as asked: ${outcome.problem}`);
  }
  return { grants, notes };
}
