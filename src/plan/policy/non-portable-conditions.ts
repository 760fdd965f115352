// Conditions and policy variables in the key's policies that will not hold for the new role's
// sessions. They are reported for a person to decide; the planned statements carry no
// conditions at all, so nothing is copied blindly.
import { conditionsThatDoNotCarryOver } from '../evaluator/index.js';
import { compareTuple } from './compare.js';
import type { NonPortableConditionReport } from './policy-input.js';
import type { PrincipalPermissions } from './principal-permissions.js';

export function nonPortableConditions(principal: PrincipalPermissions): NonPortableConditionReport[] {
  const seen = new Map<string, NonPortableConditionReport>();
  for (const { name, policy } of principal.named) {
    for (const found of conditionsThatDoNotCarryOver(policy)) {
      const report = { policy: name, key: found.key, reason: found.reason };
      seen.set(JSON.stringify([report.policy, report.key, report.reason]), report);
    }
  }
  return [...seen.values()].sort((a, b) => compareTuple([a.policy, a.key, a.reason], [b.policy, b.key, b.reason]));
}
