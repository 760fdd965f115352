// The order reports list findings in: most severe first, then by where they are, so two
// runs over the same input list the same findings in the same order.
import type { Finding, Severity } from '../model/finding.js';
import { describeLocation } from '../model/location.js';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function compareFindings(a: Finding, b: Finding): number {
  const bySeverity = SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  if (bySeverity !== 0) return bySeverity;
  const where = compareText(locationSortKey(a), locationSortKey(b));
  if (where !== 0) return where;
  const line = locationLine(a) - locationLine(b);
  if (line !== 0) return line;
  return compareText(a.fingerprint, b.fingerprint);
}

/** A sorted copy; the document's own order is left alone. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

// Plain code-unit comparison, not localeCompare: the order must not depend on the locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function locationSortKey(f: Finding): string {
  const loc = f.location;
  return loc.type === 'repository' ? `${loc.type}\0${loc.root}\0${loc.path}` : `${loc.type}\0${describeLocation(loc)}`;
}

function locationLine(f: Finding): number {
  const loc = f.location;
  return 'line' in loc && loc.line !== undefined ? loc.line : 0;
}
