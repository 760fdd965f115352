// The credentials in one file: first those the format's parser found in the values it
// understands (an AWS profile's key pair, a unit's Environment= variables), then whatever
// else the detector finds in the raw text (a key in a comment, inside a credential_process
// command, under a name no parser knows), so that no parser's blind spot can hide a key.
import { detectCredentials, mightContainCredential } from '../../detect/index.js';
import type { DetectedCredential } from '../../detect/types.js';
import type { Assignment } from './assignment.js';
import { detectInClusters, environmentClusters, type NamedValue } from './credential-clusters.js';

export interface FileSighting {
  detection: DetectedCredential;
  line: number;
  section?: string | undefined;
  variable?: string | undefined;
}

export interface FileReading {
  /** values that belong together (one profile, one environment), as the format says */
  clusters: readonly (readonly NamedValue<Assignment>[])[];
  /** every assignment the parser saw, to name the variable of a raw-text detection */
  assignments: readonly Assignment[];
  /** the section a line is in, for raw-text detections outside any assignment */
  sectionAt?: ((line: number) => string | undefined) | undefined;
}

export function fileSightings(text: string, reading: FileReading): FileSighting[] {
  const sightings: FileSighting[] = detectInClusters(reading.clusters).map(({ detection, at }) => ({
    detection,
    line: at.line ?? detection.line,
    section: at.section,
    // formats without names (a passwd-s3fs line) leave the variable empty
    variable: at.variable === '' ? undefined : at.variable,
  }));
  if (!mightContainCredential(Buffer.from(text, 'utf8'))) return sightings;
  const known = new Set(sightings.flatMap(({ detection: d }) => [d.keyId, d.secretFingerprint]).filter((s) => s !== undefined));
  for (const detection of detectCredentials(text)) {
    if ((detection.keyId && known.has(detection.keyId)) || (detection.secretFingerprint && known.has(detection.secretFingerprint))) continue;
    const assignment = assignmentAt(reading.assignments, detection.line, detection.column);
    sightings.push({
      detection,
      line: detection.line,
      section: assignment?.section ?? reading.sectionAt?.(detection.line),
      variable: assignment?.variable,
    });
  }
  return sightings;
}

/** The assignment whose value a position falls in: the last on the line starting at or before it. */
function assignmentAt(assignments: readonly Assignment[], line: number, column: number): Assignment | undefined {
  let best: Assignment | undefined;
  for (const a of assignments) {
    if (a.line !== line) continue;
    const start = a.column ?? 1;
    if (start <= column && (!best || start > (best.column ?? 1))) best = a;
  }
  return best ?? assignments.find((a) => a.line === line);
}

export const asNamedValue = (a: Assignment): NamedValue<Assignment> => ({ name: a.variable, value: a.value, at: a });

/** How to read a file of environment variables: each section (unit, service) one environment. */
export function environmentReading(assignments: readonly Assignment[], sectionAt?: (line: number) => string | undefined): FileReading {
  const bySection = new Map<string, Assignment[]>();
  for (const a of assignments) {
    const key = a.section ?? '';
    bySection.set(key, [...(bySection.get(key) ?? []), a]);
  }
  const clusters = [...bySection.values()].flatMap((group) => environmentClusters(group.map(asNamedValue)));
  return { clusters, assignments, sectionAt };
}
