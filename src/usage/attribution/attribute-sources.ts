// Attribution of every key's sources against the inventory, and the key's `uncovered` flag:
// a key with any source not matched to one instance with confidence would break somewhere
// when it is deactivated, so the planner must not deactivate it on this evidence alone.
import type { InventoryDocument } from '../../model/inventory.js';
import type { Attribution, KeyUsage } from '../../model/usage.js';
import { attributeSource, type AttributionContext } from './attribute-source.js';
import { buildNetworkIndex } from './network-index.js';

/** Covered means one instance, with high or medium confidence; a VPC (NAT) or a low guess is not. */
export function isCoveredAttribution(attribution: Attribution): boolean {
  return attribution.kind === 'instance' && (attribution.confidence === 'high' || attribution.confidence === 'medium');
}

/** Pure: returns new KeyUsage objects; the inputs are not changed. */
export function attributeSources(keys: readonly KeyUsage[], inventory: InventoryDocument | undefined): KeyUsage[] {
  const ctx: AttributionContext | null = inventory ? { index: buildNetworkIndex(inventory), asOfText: inventory.asOf } : null;
  return keys.map((key) => {
    const sources = key.sources.map((source) => ({ ...source, attribution: attributeSource(source, ctx) }));
    return { ...key, sources, uncovered: sources.some((s) => !isCoveredAttribution(s.attribution)) };
  });
}
