// A workload's evidence for the reviewer: its most used (action, resource) pairs across its
// keys' shares, with calls summed and the latest sighting; ties broken by name, so the order is
// fixed.
import type { Workload } from '../model/plan.js';
import type { ActionUse } from '../model/usage.js';
import { compareText } from './canonical-json.js';

export const TOP_ACTIONS = 10;

export function topActions(uses: readonly ActionUse[], limit = TOP_ACTIONS): Workload['evidence']['topActions'] {
  const merged = new Map<string, { action: string; resource: string; calls: number; lastSeen: string }>();
  for (const u of uses) {
    const key = `${u.action}\u0000${u.resource}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { action: u.action, resource: u.resource, calls: u.calls, lastSeen: u.lastSeen });
    else {
      m.calls += u.calls;
      if (Date.parse(u.lastSeen) > Date.parse(m.lastSeen)) m.lastSeen = u.lastSeen;
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.calls - a.calls || compareText(a.action, b.action) || compareText(a.resource, b.resource))
    .slice(0, limit);
}

/** Every distinct (action, resource) of the uses, sorted: what apply's pre-flight checks. */
export function observedPairs(uses: readonly ActionUse[]): { action: string; resource: string }[] {
  const seen = new Map<string, { action: string; resource: string }>();
  for (const u of uses) seen.set(`${u.action}\u0000${u.resource}`, { action: u.action, resource: u.resource });
  return [...seen.values()].sort((a, b) => compareText(a.action, b.action) || compareText(a.resource, b.resource));
}
