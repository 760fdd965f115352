// Coverage from the trails' own event selectors (cloudtrail:GetEventSelectors): what they
// record, whether or not anything happened. Several trails add up.
import type { Coverage } from '../../model/usage.js';
import type { TrailSelectors } from '../evidence-stats.js';
import { DATA_EVENT_SERVICES, PRINCIPAL_DATA_EVENT_TYPES } from './data-event-services.js';
import type { Recording } from './recording.js';

function combinedManagement(trails: readonly TrailSelectors[]): Coverage['managementEvents'] {
  const modes = new Set(trails.map((t) => t.managementEvents));
  if (modes.has('all') || (modes.has('read-only') && modes.has('write-only'))) return 'all';
  if (modes.has('read-only')) return 'read-only';
  if (modes.has('write-only')) return 'write-only';
  return 'none';
}

function describeTrail(t: TrailSelectors): string {
  const data = t.dataEventTypes.length === 0 ? 'no data events' : `data events for ${[...t.dataEventTypes].sort().join(', ')}`;
  const where = t.multiRegion ? 'in every region' : `only in its home region ${t.homeRegion}`;
  return `trail ${t.trailArn}: management events ${t.managementEvents}, ${data}, ${where}`;
}

/** `knownRegions`: the regions the inventory and the evidence name, listed for a multi-region trail. */
export function recordingFromTrails(trails: readonly TrailSelectors[], knownRegions: readonly string[]): Recording {
  const sorted = [...trails].sort((a, b) => (a.trailArn < b.trailArn ? -1 : a.trailArn > b.trailArn ? 1 : 0));
  const types = new Set(sorted.flatMap((t) => t.dataEventTypes));
  const dataEvents: Coverage['dataEvents'] = types.size === 0 ? 'not-recorded' : PRINCIPAL_DATA_EVENT_TYPES.every((t) => types.has(t)) ? 'recorded' : 'partial';
  const multiRegion = sorted.some((t) => t.multiRegion);
  const regions = new Set(sorted.map((t) => t.homeRegion));
  if (multiRegion) for (const r of knownRegions) regions.add(r);

  const notes = ['coverage read from the trails\' event selectors', ...sorted.map(describeTrail)];
  if (multiRegion) notes.push('a multi-region trail records every region: the regions listed are those the inventory and the evidence name');
  if (dataEvents === 'not-recorded') {
    notes.push('no trail records data events: object-level S3 calls, Lambda invokes, DynamoDB item reads and writes, SQS messages and SNS publishes are invisible');
  } else {
    notes.push('event selectors may limit data events to some buckets, functions or tables; only the resource types are known here');
  }
  return {
    basis: 'trail-selectors',
    managementEvents: combinedManagement(sorted),
    dataEvents,
    regions: [...regions].sort(),
    dataEventServices: new Set(DATA_EVENT_SERVICES.filter((s) => s.resourceTypes.some((t) => types.has(t))).map((s) => s.service)),
    notes,
  };
}
