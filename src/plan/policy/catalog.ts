// The IAM action catalog as the policy builder reads it: the evaluator's async lookups,
// memoised for the life of the process (the catalog is data bundled with the package and never
// changes while keyshift runs, so a cache cannot make two plans differ). The builder resolves
// every action it will mention up front; later stages, such as lint, then read the answers
// synchronously from an ActionLookup.
import { actionInfo, expandActionPattern, type ActionInfo } from '../evaluator/index.js';

const infos = new Map<string, Promise<ActionInfo>>();
const expansions = new Map<string, Promise<string[]>>();

/** What the builder knows of a name that is not a catalog action (or not an action at all). */
function notInCatalog(action: string): ActionInfo {
  const colon = action.indexOf(':');
  return {
    action,
    exists: false,
    name: action,
    service: (colon < 0 ? action : action.slice(0, colon)).toLowerCase(),
    accessLevel: undefined,
    resourceTypes: [],
    supportsResourceLevelPermissions: false,
    conditionKeys: [],
  };
}

const isActionName = (action: string) => /^[^:*?]+:[^:*?]+$/.test(action);

export function cachedActionInfo(action: string): Promise<ActionInfo> {
  const key = action.toLowerCase();
  let info = infos.get(key);
  if (info === undefined) {
    // a pattern (`s3:Get*`, `*`) or a malformed name is no one action: the catalog would refuse it
    info = isActionName(action) ? actionInfo(action) : Promise.resolve(notInCatalog(action));
    infos.set(key, info);
  }
  return info;
}

export function cachedExpansion(pattern: string): Promise<string[]> {
  const key = pattern.toLowerCase();
  let found = expansions.get(key);
  if (found === undefined) {
    found = expandActionPattern(pattern);
    expansions.set(key, found);
  }
  return found;
}

/** Catalog answers resolved ahead of time; undefined for an action that was not resolved. */
export type ActionLookup = (action: string) => ActionInfo | undefined;

/** Resolves the actions (in order, so the result never depends on which lookup finishes first). */
export async function resolveActions(actions: Iterable<string>): Promise<ActionLookup> {
  const resolved = new Map<string, ActionInfo>();
  for (const action of actions) {
    const key = action.toLowerCase();
    if (!resolved.has(key)) resolved.set(key, await cachedActionInfo(action));
  }
  return (action) => resolved.get(action.toLowerCase());
}
