// --baseline: a findings document from an earlier scan. Its findings are accepted for now,
// so only new ones are reported. Fingerprints leave out the line and the commit, so a
// baselined key stays baselined when edits move it.
import { FINDINGS_VERSION, FindingsDocument } from '../../model/findings-document.js';
import { readDocument } from '../../model/read-document.js';

/** The fingerprints of the findings a baseline accepts. */
export type Baseline = ReadonlySet<string>;

/** Reads a findings document; a wrong kind, a newer version or an invalid file is bad input. */
export async function loadBaseline(path: string): Promise<Baseline> {
  const doc = await readDocument(path, { kind: 'findings', version: FINDINGS_VERSION, schema: FindingsDocument });
  return new Set(doc.findings.map((f) => f.fingerprint));
}

export function applyBaseline<T extends { fingerprint: string }>(
  findings: readonly T[],
  baseline: Baseline,
): { kept: T[]; suppressed: number } {
  const kept = findings.filter((f) => !baseline.has(f.fingerprint));
  return { kept, suppressed: findings.length - kept.length };
}
