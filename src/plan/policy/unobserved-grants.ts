// Data actions the evidence cannot see. When a service's data events were not recorded (or it is
// unknown whether they were), the workload's object reads, item writes or invokes are invisible,
// and dropping them would break it. So the role gets the key's current data-plane permissions
// for that service — every data action the key's policies allow — but only on the resources the
// management events and the inventory name, marked unobserved, with how to tighten them.
import { dataEventService } from '../../usage/coverage/data-event-services.js';
import { cachedActionInfo, cachedExpansion } from './catalog.js';
import { compareText, sortedUnique } from './compare.js';
import { isDataPlaneAction } from './data-plane-actions.js';
import type { Grant } from './grant.js';
import { grantableResources } from './grantable-resources.js';
import { knownResourcesFor } from './known-resources.js';
import type { GrantsWithNotes } from './observed-grants.js';
import type { PrincipalPermissions } from './principal-permissions.js';

function unobservedNote(service: string, recorded: null | false): string {
  const state = recorded === null ? `whether ${service} data events were recorded is unknown` : `${service} data events were not recorded`;
  const types = dataEventService(service)?.resourceTypes.join(', ') ?? `${service} data events`;
  return (
    `unobserved: ${state}, so these are the key's current ${service} data permissions on the resources that management events and the inventory name. ` +
    `To tighten: record data events for ${types} on the trail, run keyshift usage over a representative period and plan again`
  );
}

/** Services whose data events were not (false) or maybe not (null) recorded, by lower-case prefix, sorted. */
function blindServices(dataEventsRecorded: Readonly<Record<string, boolean | null>>): [string, null | false][] {
  const state = new Map<string, null | false>();
  for (const [key, value] of Object.entries(dataEventsRecorded)) {
    if (value === true) continue;
    const service = key.toLowerCase();
    // spelled twice: "not recorded" is the firmer fact
    state.set(service, state.get(service) === false ? false : value);
  }
  return [...state.entries()].sort(([a], [b]) => compareText(a, b));
}

export async function unobservedGrants(
  principal: PrincipalPermissions,
  dataEventsRecorded: Readonly<Record<string, boolean | null>>,
  knownResources: readonly string[],
): Promise<GrantsWithNotes> {
  const grants: Grant[] = [];
  const notes: string[] = [];
  const known = sortedUnique(knownResources);
  const blind = blindServices(dataEventsRecorded);
  for (const [service, recorded] of blind) {
    const note = unobservedNote(service, recorded);
    const actions = (await cachedExpansion(`${service}:*`)).filter(isDataPlaneAction);
    const before = grants.length;
    const infos = [];
    for (const action of actions) infos.push(await cachedActionInfo(action));
    for (const info of infos) {
      const scopable = info.supportsResourceLevelPermissions;
      for (const candidate of scopable ? knownResourcesFor(info, known) : ['*']) {
        const found = grantableResources(principal, info.name, candidate, scopable);
        grants.push(...found.resources.map((resource) => ({ action: info.name, resource, basis: 'unobserved' as const, note })));
      }
    }
    const added = grants.slice(before);
    // where the key could use them today, for the note when no known resource fits
    const allowedSomewhere =
      added.length > 0 ? new Set<string>() : new Set(infos.filter((i) => i.supportsResourceLevelPermissions).flatMap((i) => grantableResources(principal, i.name, '*', true).resources));
    if (added.length > 0) {
      const actionCount = new Set(added.map((g) => g.action)).size;
      const resourceCount = new Set(added.map((g) => g.resource)).size;
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
      notes.push(
        `${service}: ${count(actionCount, 'data action')} granted as unobserved on ${count(resourceCount, 'known resource')} (${recorded === null ? 'recording unknown' : 'data events not recorded'})`,
      );
    } else if (allowedSomewhere.size > 0) {
      notes.push(
        `${service}: data events ${recorded === null ? 'may not be' : 'were not'} recorded and the key may use ${service} data actions on ${sortedUnique(allowedSomewhere).join(', ')}, ` +
          `but no such resource is known from management events or the inventory, so none is granted: record ${service} data events or grant them by hand`,
      );
    }
  }
  return { grants, notes };
}
