// The review report: what a person reads before approving a migration or a pull request.
// Every value that comes from the scanned input (paths, refs, problem messages) is escaped,
// so a file named `a|b` or `` x`y `` cannot break the table or inject markup.
import type { Finding, RuleId, Severity } from '../model/finding.js';
import { RuleId as RuleIds } from '../model/finding.js';
import type { FindingsDocument } from '../model/findings-document.js';
import { findingRowCells, printable } from './finding-cells.js';
import { orderFindings, SEVERITIES } from './finding-order.js';

export function formatMarkdown(doc: FindingsDocument): string {
  const sections = [
    header(doc),
    summary(doc),
    findingsTable(doc.findings),
    problems(doc),
    nextSteps(doc),
  ].filter((s) => s !== '');
  return `${sections.join('\n\n')}\n`;
}

/**
 * Escapes text for Markdown, inside a table cell too: control characters (line breaks are
 * legal in file names) become \xNN, and ASCII punctuation that Markdown, GFM tables or
 * GitHub's math gives meaning to gets a backslash.
 */
export function escapeMarkdown(text: string): string {
  return printable(text).replace(/[\\`*_{}[\]()<>#|~!&$]/g, (c) => `\\${c}`);
}

function header(doc: FindingsDocument): string {
  const what = doc.scan.target === 'host' ? 'host' : doc.scan.history ? 'working tree and git history' : 'working tree';
  const roots = doc.scan.roots.map(escapeMarkdown).join(', ') || 'nothing';
  return [
    '# keyshift scan report',
    '',
    `Scanned ${roots} (${what}) as of ${doc.asOf} with keyshift ${escapeMarkdown(doc.generator.version)}.`,
  ].join('\n');
}

function summary(doc: FindingsDocument): string {
  const n = doc.findings.length;
  const bySeverity = countBy(doc.findings, (f) => f.severity);
  const byRule = countBy(doc.findings, (f) => f.rule);
  const s = doc.stats;
  const lines = [
    '## Summary',
    '',
    n === 0 ? '**No findings.**' : `**${plural(n, 'finding')}**: ${SEVERITIES.map((sev) => `${bySeverity.get(sev) ?? 0} ${sev}`).join(', ')}.`,
  ];
  if (n > 0) {
    lines.push('', '| Severity | Findings |', '| --- | ---: |');
    for (const sev of SEVERITIES) lines.push(`| ${sev} | ${bySeverity.get(sev) ?? 0} |`);
    lines.push('', '| Rule | Findings |', '| --- | ---: |');
    for (const rule of RuleIds.options) lines.push(`| ${rule} | ${byRule.get(rule) ?? 0} |`);
  }
  lines.push(
    '',
    `Scanned ${plural(s.files, 'file')} (${formatBytes(s.bytes)})${doc.scan.history ? ` and ${plural(s.blobs, 'blob')}` : ''}.`,
    `Skipped: ${s.skipped.binary} binary, ${s.skipped.tooLarge} too large (over ${formatBytes(doc.scan.maxFileSize)}), ` +
      `${s.skipped.symlinks} symlinks, ${s.skipped.unreadable} unreadable.`,
    `Suppressed: ${s.suppressed.inline} inline (keyshift:allow), ${s.suppressed.ignoreFile} by the ignore file, ` +
      `${s.suppressed.baseline} by the baseline.`,
    `Problems: ${doc.problems.length}.`,
  );
  return lines.join('\n');
}

function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const lines = [
    '## Findings',
    '',
    '| Severity | Rule | Key | Account | Location | Commit | At HEAD | Fingerprint |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of orderFindings(findings)) {
    const cells = [...findingRowCells(f), f.fingerprint];
    lines.push(`| ${cells.map(escapeMarkdown).join(' | ')} |`);
  }
  return lines.join('\n');
}

function problems(doc: FindingsDocument): string {
  if (doc.problems.length === 0) return '';
  const lines = [
    `## Problems (${doc.problems.length})`,
    '',
    'These inputs could not be read, so the findings above may be incomplete:',
    '',
  ];
  for (const p of doc.problems) lines.push(`- ${escapeMarkdown(p.path)} (${p.reason}): ${escapeMarkdown(p.message)}`);
  return lines.join('\n');
}

function nextSteps(doc: FindingsDocument): string {
  const lines = ['## What to do next', ''];
  const findings = doc.findings;
  if (findings.length === 0) {
    lines.push('No AWS access keys were found. Nothing to do.');
    if (doc.problems.length > 0) lines.push('', 'Fix the problems above and scan again to be sure.');
    return lines.join('\n');
  }
  const steps = [
    '**Move each workload to an IAM role** (an instance profile on EC2, a task role on ECS, IAM roles for ' +
      'service accounts on EKS, OIDC federation in CI) so it no longer needs a static key.',
    '**Deactivate each key**, watch for failures, then delete it (`aws iam update-access-key --status Inactive`, ' +
      'then `aws iam delete-access-key`). If the repository has ever been shared, treat its keys as exposed and deactivate them now.',
    '**Remove the keys from the files.** Rewriting git history does not make a key safe again: every existing ' +
      'clone keeps it, so deactivation is what protects you.',
  ];
  if (findings.some((f) => f.rule === 'aws-secret-access-key')) {
    steps.push(
      '**Match each lone secret to its key**: its key ID was not next to it; look in other commits, deployment ' +
        'configuration and the IAM credential report, and treat that key as exposed.',
    );
  }
  if (findings.some((f) => f.keyKind === 'temporary')) {
    steps.push('**Temporary (ASIA) keys expire**, but revoke the role\'s active sessions if they may still be valid.');
  }
  if (findings.some((f) => f.location.type === 'repository' && f.location.git && !f.location.git.atHead)) {
    steps.push('Keys **no longer at HEAD** are still in git history: they need deactivating just the same.');
  }
  steps.push(
    'Not a real key? Add its fingerprint (`ks1:…`) to `.keyshiftignore`. To report only new findings from now on, ' +
      'save this scan as JSON and pass it to `--baseline`.',
  );
  steps.forEach((step, i) => lines.push(`${i + 1}. ${step}`));
  return lines.join('\n');
}

function countBy<K extends Severity | RuleId>(findings: readonly Finding[], key: (f: Finding) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const f of findings) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return counts;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
