// What the evidence can and cannot show — management reads and writes, data events,
// regions, time span — and the evidence gaps of every key. Pure: the same input gives the
// same coverage, notes and gaps in the same order.
import type { InventoryDocument } from '../../model/inventory.js';
import type { Coverage, KeyUsage } from '../../model/usage.js';
import type { EvidenceStats, TrailSelectors } from '../evidence-stats.js';
import { evidenceGaps } from './evidence-gaps.js';
import { inferRecording } from './inferred-recording.js';
import { indexEvidence } from './key-evidence.js';
import { recordingFromTrails } from './trail-recording.js';

export interface CoverageInput {
  keys: readonly KeyUsage[];
  stats: EvidenceStats;
  inventory?: InventoryDocument;
  /** the trails' selectors when the source is AWS and they could be read */
  trails?: readonly TrailSelectors[];
  window: { since: Date | null; until: Date | null };
}

const DAY_MS = 86_400_000;

function regionNotes(covered: readonly string[], inventory: InventoryDocument | undefined, basis: Coverage['basis']): string[] {
  if (!inventory) return [];
  const missing = inventory.regions.filter((r) => !covered.includes(r)).sort();
  if (missing.length === 0) return [];
  return basis === 'trail-selectors'
    ? [`inventory region(s) ${missing.join(', ')} are not covered by any trail: calls there are invisible`]
    : [`no events from inventory region(s) ${missing.join(', ')}: the trail may not record them, or nothing was called there`];
}

function spanNotes(stats: EvidenceStats, window: CoverageInput['window']): string[] {
  if (stats.events === 0 || stats.firstEvent === null || stats.lastEvent === null) return ['the evidence holds no events: it can show no key as used or unused'];
  const notes: string[] = [];
  // a day's slack: a quiet night is not a hole in the evidence
  if (window.since !== null && Date.parse(stats.firstEvent) - window.since.getTime() > DAY_MS) {
    notes.push(`the window starts at ${window.since.toISOString()} but the first event is at ${stats.firstEvent}: the evidence may begin later than the window`);
  }
  if (window.until !== null && window.until.getTime() - Date.parse(stats.lastEvent) > DAY_MS) {
    notes.push(`the window ends at ${window.until.toISOString()} but the last event is at ${stats.lastEvent}: the evidence may stop earlier than the window`);
  }
  return notes;
}

export function assessCoverage(input: CoverageInput): Coverage {
  const { stats, inventory, window } = input;
  const knownRegions = [...new Set([...(inventory?.regions ?? []), ...stats.regions])];
  const recording = input.trails && input.trails.length > 0 ? recordingFromTrails(input.trails, knownRegions) : inferRecording(stats);
  if (input.trails && input.trails.length === 0) recording.notes.push('no trail was found in the account: only what the events themselves show is known');
  const gaps = evidenceGaps({
    keys: input.keys,
    evidence: indexEvidence(input.keys, inventory),
    inventory,
    recording,
    spanFrom: window.since?.toISOString() ?? stats.firstEvent,
    spanTo: stats.lastEvent ?? window.until?.toISOString() ?? null,
  });
  return {
    basis: recording.basis,
    managementEvents: recording.managementEvents,
    dataEvents: recording.dataEvents,
    regions: recording.regions,
    span: { from: stats.firstEvent, to: stats.lastEvent },
    notes: [...recording.notes, ...regionNotes(recording.regions, inventory, recording.basis), ...spanNotes(stats, window)],
    gaps,
  };
}
