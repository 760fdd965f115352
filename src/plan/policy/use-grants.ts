// One use in the evidence (an action on a resource, or on `*` when the event named none) ->
// the grants it earns: the catalog decides whether the action can be scoped at all, and the
// key's identity policies decide how much of it may be granted.
import type { ActionInfo } from '../evaluator/index.js';
import type { Basis, Grant } from './grant.js';
import { describeRefusal, grantableResources } from './grantable-resources.js';
import { NARROWED, NO_RESOURCE_TYPES, UNKNOWN_ACTION, UNNAMED_NARROWED, UNNAMED_RESOURCE, joinNotes } from './notes.js';
import type { PrincipalPermissions } from './principal-permissions.js';

export interface UseOutcome {
  grants: Grant[];
  /** set when the use was not granted as asked (refused, or narrowed) */
  problem: string | undefined;
}

interface Requested {
  resource: string;
  scopable: boolean;
  note: string | undefined;
}

function requestedFor(info: ActionInfo, resource: string): Requested {
  if (!info.exists) return { resource, scopable: true, note: UNKNOWN_ACTION };
  if (!info.supportsResourceLevelPermissions) return { resource: '*', scopable: false, note: NO_RESOURCE_TYPES };
  if (resource === '*') return { resource, scopable: true, note: UNNAMED_RESOURCE };
  return { resource, scopable: true, note: undefined };
}

export function grantsForUse(principal: PrincipalPermissions, info: ActionInfo, resource: string, basis: Basis, basisNote?: string): UseOutcome {
  const action = info.name;
  const requested = requestedFor(info, resource);
  const found = grantableResources(principal, action, requested.resource, requested.scopable);
  const scopeNote = found.narrowed ? (requested.resource === '*' ? UNNAMED_NARROWED : NARROWED) : requested.note;
  const note = joinNotes(basisNote, scopeNote);
  const grants = found.resources.map((r) => ({ action, resource: r, basis, note }));
  if (found.refusal === undefined) return { grants, problem: undefined };
  const why = describeRefusal(action, requested.resource, found.refusal);
  return { grants, problem: found.narrowed ? `${why}; narrowed to ${found.resources.join(', ')}` : why };
}
