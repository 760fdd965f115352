// Bad input the planner refuses (exit 3) and doubts it plans past with a warning. A plan made
// from another account's usage would grant one account's evidence to another's roles.
import { badInput } from '../errors.js';
import type { InventoryDocument } from '../model/inventory.js';
import type { FindingsDocument } from '../model/findings-document.js';
import type { UsageDocument } from '../model/usage.js';
import { sortedUnique } from './canonical-json.js';

export function checkInputs(inventory: InventoryDocument, usage: UsageDocument, hostFindings: readonly FindingsDocument[]): string[] {
  if (usage.account !== null && usage.account !== inventory.account) {
    throw badInput(
      `the usage document is for account ${usage.account} but the inventory is for account ${inventory.account}`,
      'run `keyshift usage` and `keyshift scan aws` against the same account',
    );
  }
  for (const doc of hostFindings) {
    if (doc.account !== null && doc.account !== inventory.account) {
      throw badInput(`a host findings document is for account ${doc.account} but the inventory is for account ${inventory.account}`, 'give only host scans of this account');
    }
  }
  const warnings: string[] = [];
  if (Date.parse(usage.asOf) < Date.parse(inventory.asOf)) {
    warnings.push(`the usage (as of ${usage.asOf}) is older than the inventory (as of ${inventory.asOf}): keys and instances added since have no evidence; re-run keyshift usage`);
  }
  const known = new Set(inventory.iam.accessKeys.map((k) => k.accessKeyId));
  const missing = sortedUnique(usage.keys.filter((k) => !known.has(k.accessKeyId) && k.principal.type !== 'Root').map((k) => k.accessKeyId));
  if (missing.length > 0) {
    warnings.push(`keys in the usage that the inventory lacks (deleted since, or another account's): ${missing.join(', ')}; they are left out of the plan`);
  }
  return warnings;
}
