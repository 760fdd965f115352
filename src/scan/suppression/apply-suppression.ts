// Suppression after a scan: the ignore file, then the baseline. Each finding is counted
// once, under the first that suppresses it, so the counts add up to what was removed and
// go straight into stats.suppressed. (Inline keyshift:allow comments are counted by the
// scanner, which sees the line.)
import type { Finding } from '../../model/finding.js';
import { applyBaseline, type Baseline } from './baseline.js';
import type { IgnoreRules } from './ignore-file.js';

export interface Suppression {
  ignoreRules?: IgnoreRules | undefined;
  baseline?: Baseline | undefined;
}

export interface SuppressionResult {
  kept: Finding[];
  /** suppressed by the ignore file (fingerprint or path) */
  ignoreFile: number;
  /** suppressed by the baseline, among those the ignore file kept */
  baseline: number;
}

export function applySuppression(findings: readonly Finding[], suppression: Suppression): SuppressionResult {
  const rules = suppression.ignoreRules;
  const notIgnored = rules ? findings.filter((f) => !rules.ignoresFinding(f)) : [...findings];
  const ignoreFile = findings.length - notIgnored.length;
  if (!suppression.baseline) return { kept: notIgnored, ignoreFile, baseline: 0 };
  const { kept, suppressed } = applyBaseline(notIgnored, suppression.baseline);
  return { kept, ignoreFile, baseline: suppressed };
}
