// Suppression after a scan: the ignore file, then the baseline. Each finding is counted
// once, under the first that suppresses it, so the counts add up to what was removed.
// (Inline keyshift:allow comments are counted by the scanner, which sees the line.)
import type { Finding } from '../../model/finding.js';
import type { ScanStats } from '../../model/findings-document.js';
import { applyBaseline, type Baseline } from './baseline.js';
import type { IgnoreRules } from './ignore-file.js';

export interface Suppression {
  ignore?: IgnoreRules | undefined;
  baseline?: Baseline | undefined;
}

export interface SuppressionResult {
  kept: Finding[];
  suppressed: Pick<ScanStats['suppressed'], 'ignoreFile' | 'baseline'>;
}

export function applySuppression(findings: readonly Finding[], suppression: Suppression): SuppressionResult {
  const ignore = suppression.ignore;
  const notIgnored = ignore ? findings.filter((f) => !ignore.ignoresFinding(f)) : [...findings];
  const ignoreFile = findings.length - notIgnored.length;
  if (!suppression.baseline) return { kept: notIgnored, suppressed: { ignoreFile, baseline: 0 } };
  const { kept, suppressed } = applyBaseline(notIgnored, suppression.baseline);
  return { kept, suppressed: { ignoreFile, baseline: suppressed } };
}
