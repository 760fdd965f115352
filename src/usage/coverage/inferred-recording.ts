// Coverage inferred from the events themselves, when the trails' selectors were not read (a
// directory of log files, an S3 copy, Athena): what was delivered suggests what is recorded,
// but silence cannot tell "not recorded" from "not done", so every claim says it is inferred.
import type { Coverage } from '../../model/usage.js';
import type { EvidenceStats } from '../evidence-stats.js';
import type { Recording } from './recording.js';

function inferManagement(stats: EvidenceStats, notes: string[]): Coverage['managementEvents'] {
  if (stats.events === 0) return 'unknown';
  if (stats.managementEvents === 0) {
    notes.push('no management events seen: the trail appears to record none');
    return 'none';
  }
  if (stats.readOnlyEvents > 0 && stats.writeEvents > 0) return 'all';
  if (stats.readOnlyEvents > 0) {
    notes.push('no write events seen: the trail may record only reads, or the keys wrote nothing');
    return 'read-only';
  }
  notes.push('no read-only events seen: the trail may record only writes, or the keys read nothing');
  return 'write-only';
}

function inferData(stats: EvidenceStats, notes: string[]): Coverage['dataEvents'] {
  if (stats.events === 0) return 'unknown';
  if (stats.dataEvents > 0) {
    notes.push(`${stats.dataEvents} data events seen: the trail records some, but which resource types and resources it selects cannot be told from the data`);
    return 'partial';
  }
  notes.push('no data events seen: as most trails do, this one appears not to record them, so object-level S3 calls, Lambda invokes, DynamoDB item reads and writes, SQS messages and SNS publishes are invisible');
  return 'not-recorded';
}

export function inferRecording(stats: EvidenceStats): Recording {
  const notes = ['coverage inferred from the events themselves: the trails\' event selectors were not read, so a trail may record more or less than the data shows'];
  const managementEvents = inferManagement(stats, notes);
  const dataEvents = inferData(stats, notes);
  if (stats.events > 0) notes.push('regions are those with events in the evidence');
  return { basis: 'inferred', managementEvents, dataEvents, regions: [...new Set(stats.regions)].sort(), dataEventServices: new Set(), notes };
}
