// The evidence as the builder reads it: uses and denied attempts folded to distinct
// (action, resource) pairs in a fixed order, whatever order the usage document lists them in.
import type { ActionUse, DeniedUse, TemporarySession } from '../../model/usage.js';
import { compareTuple, sortedUnique } from './compare.js';

export interface EvidencePair {
  action: string;
  resource: string;
  calls: number;
  /** error codes of denied attempts, sorted */
  errorCodes: string[];
}

function pairKey(use: ActionUse): string[] {
  return [use.action.toLowerCase(), use.resource];
}

export function foldUses(uses: readonly (ActionUse | DeniedUse)[]): EvidencePair[] {
  const byKey = new Map<string, { pair: EvidencePair; codes: string[]; key: string[] }>();
  for (const use of uses) {
    const key = pairKey(use);
    const id = JSON.stringify(key);
    const entry = byKey.get(id) ?? { pair: { action: use.action, resource: use.resource, calls: 0, errorCodes: [] }, codes: [], key };
    entry.pair.calls += use.calls;
    // of spellings differing only in case, the smallest, so that input order does not show
    if (use.action < entry.pair.action) entry.pair.action = use.action;
    if ('errorCode' in use) entry.codes.push(use.errorCode);
    byKey.set(id, entry);
  }
  return [...byKey.values()]
    .sort((a, b) => compareTuple(a.key, b.key))
    .map(({ pair, codes }) => ({ ...pair, errorCodes: sortedUnique(codes) }));
}

/** Sessions whose calls ran on the user's own permissions (not a role's), so they are the workload's own. */
export function tokenSessions(sessions: readonly TemporarySession[]): TemporarySession[] {
  return sessions.filter((s) => s.via !== 'AssumeRole');
}
