// The intersection at the heart of the builder: of a requested (action, resource), what the key's
// principal is allowed today by its identity policies. The evaluator decides one request by its
// text; a wildcard request needs two more steps to be safe and useful:
//  - a policy pattern that reaches into part of the wildcard (Deny b/secret/* or *secret* inside
//    b/*, an Allow with NotResource arn:aws:s3:::* inside `*`) does not match the wildcard's text,
//    so every part of the request that such a pattern shares is asked about on its own, and must
//    be allowed too — for NotResource exclusions also the parts several share, as two Allows that
//    each leave out one pattern leave out only what both name;
//  - a wildcard wider than what is allowed (b/* where only b/reports/* is) is narrowed to the
//    Allow patterns inside it, rather than dropped.
// An action that takes only `*` has no resources to hide or narrow, so neither step applies.
import { covers, hasWildcard, withoutCovered } from './resource-cover.js';
import { overlap } from './resource-overlap.js';
import type { PrincipalPermissions } from './principal-permissions.js';

export type Refusal =
  /** a Deny applies; `undecidedKeys` when it is only assumed to, its conditions being unknown */
  | { kind: 'explicit-deny'; policies: string[]; undecidedKeys: string[] }
  /** a Deny applies to part of the requested wildcard */
  | { kind: 'deny-inside'; policies: string[]; denied: string }
  /** part of the requested wildcard is not allowed (an Allow's NotResource leaves it out) */
  | { kind: 'partly-allowed'; outside: string }
  /** an Allow applies only under conditions that cannot be decided here */
  | { kind: 'undecided'; keys: string[] }
  | { kind: 'not-allowed' }
  /** Deny and NotResource patterns overlap the request in so many ways that no check is attempted */
  | { kind: 'too-complex'; limit: number };

/** Parts of one request to check, at most: beyond this the request is refused, not guessed at. */
const MAX_PARTS = 256;

/** Parts by request, per principal: every action asks about the same few wildcards. */
const partsCache = new WeakMap<PrincipalPermissions, Map<string, string[] | null>>();

function cachedPartsOf(principal: PrincipalPermissions, resource: string): string[] | null {
  let byResource = partsCache.get(principal);
  if (byResource === undefined) {
    byResource = new Map();
    partsCache.set(principal, byResource);
  }
  let parts = byResource.get(resource);
  if (parts === undefined) {
    parts = partsOf(resource, principal.denyPatterns, principal.excludedPatterns);
    byResource.set(resource, parts);
  }
  return parts;
}

/**
 * The request, then every non-empty part of it that one Deny pattern shares (any part of a Deny
 * is denied, so one part each is enough), and every part that a combination of NotResource
 * exclusions shares.
 */
function partsOf(resource: string, denied: readonly string[], excluded: readonly string[]): string[] | null {
  const parts = [resource];
  const seen = new Set(parts);
  const add = (shared: string | undefined) => {
    if (shared === undefined || seen.has(shared)) return true;
    if (parts.length === MAX_PARTS) return false;
    seen.add(shared);
    parts.push(shared);
    return true;
  };
  for (const pattern of excluded) {
    for (const part of [...parts]) if (!add(overlap(part, pattern))) return null;
  }
  for (const pattern of denied) if (!add(overlap(resource, pattern))) return null;
  return parts;
}

export interface Intersection {
  /** what may be granted: the request itself, the Allow patterns inside it, or nothing */
  resources: string[];
  /** true when the resources are Allow patterns inside a wider request */
  narrowed: boolean;
  /** why the request as asked was not granted whole */
  refusal: Refusal | undefined;
}

function check(principal: PrincipalPermissions, action: string, resource: string, scopable: boolean): Refusal | undefined {
  const result = principal.evaluate(action, resource);
  if (result.decision === 'explicit-deny') {
    const assumed = result.matched.some((m) => m.effect === 'Deny' && m.assumed);
    return { kind: 'explicit-deny', policies: principal.policiesIn(result, 'Deny'), undecidedKeys: assumed ? result.conditionsUnknown : [] };
  }
  if (result.decision === 'implicit-deny') {
    return result.conditionsUnknown.length > 0 ? { kind: 'undecided', keys: result.conditionsUnknown } : { kind: 'not-allowed' };
  }
  if (!scopable || !hasWildcard(resource)) return undefined;
  const parts = cachedPartsOf(principal, resource);
  if (parts === null) return { kind: 'too-complex', limit: MAX_PARTS };
  for (const part of parts.slice(1)) {
    const inner = principal.evaluate(action, part);
    if (inner.decision === 'explicit-deny') return { kind: 'deny-inside', policies: principal.policiesIn(inner, 'Deny'), denied: part };
    if (inner.decision === 'implicit-deny') return { kind: 'partly-allowed', outside: part };
  }
  return undefined;
}

/**
 * @param scopable whether the action takes resource-level permissions (the catalog's answer;
 *   true for an action the catalog does not know, as the safer reading)
 */
export function grantableResources(principal: PrincipalPermissions, action: string, resource: string, scopable: boolean): Intersection {
  const refusal = check(principal, action, resource, scopable);
  if (refusal === undefined) return { resources: [resource], narrowed: false, refusal: undefined };
  // under a Deny that matches the request's own text, every narrower pattern is denied too
  if (!scopable || !hasWildcard(resource) || refusal.kind === 'explicit-deny') return { resources: [], narrowed: false, refusal };
  const inside = principal.allowPatterns.filter((p) => p !== resource && covers(resource, p) && check(principal, action, p, scopable) === undefined);
  return { resources: withoutCovered(inside), narrowed: inside.length > 0, refusal };
}

/** For the notes: why a requested pair was not granted as asked. */
export function describeRefusal(action: string, resource: string, refusal: Refusal): string {
  const pair = `${action} on ${resource}`;
  switch (refusal.kind) {
    case 'explicit-deny':
      return refusal.undecidedKeys.length > 0
        ? `${pair}: a Deny in ${refusal.policies.join(', ')} may apply (its conditions on ${refusal.undecidedKeys.join(', ')} cannot be decided here), so it is treated as denied`
        : `${pair}: explicitly denied by ${refusal.policies.join(', ')}`;
    case 'deny-inside':
      return `${pair}: ${refusal.policies.join(', ')} denies ${refusal.denied}, which this pattern covers`;
    case 'partly-allowed':
      return `${pair}: today's policies do not allow ${refusal.outside}, which this pattern covers`;
    case 'undecided':
      return `${pair}: allowed today only under conditions on ${refusal.keys.join(', ')}, which cannot be decided for the role; grant it by hand after review`;
    case 'too-complex':
      return `${pair}: Deny and NotResource patterns overlap it in more than ${refusal.limit} ways, too many to check every part; grant a narrower resource by hand`;
    case 'not-allowed':
      return `${pair}: none of the key's identity policies allows it`;
  }
}
