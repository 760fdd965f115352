// The table format for people: the rows come from src/report as data; this file lays them
// out in columns and colours the severities.
import chalk from 'chalk';
import type { FindingsDocument } from '../../src/model/findings-document.js';
import type { Severity } from '../../src/model/finding.js';
import { findingTableRows } from '../../src/report/table-rows.js';
import { formatBytes } from './format-bytes.js';

const SEVERITY_COLOUR: Record<Severity, (s: string) => string> = {
  critical: (s) => chalk.bgRed.white.bold(s),
  high: (s) => chalk.red.bold(s),
  medium: (s) => chalk.yellow(s),
  low: (s) => chalk.cyan(s),
};

export function renderFindingsTable(doc: FindingsDocument): string {
  const { columns, rows } = findingTableRows(doc);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const pad = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines: string[] = [];
  if (rows.length > 0) {
    lines.push(chalk.bold(pad(columns)));
    for (const r of rows) {
      const [first = '', ...rest] = r.cells;
      const padded = pad([first, ...rest]);
      lines.push(SEVERITY_COLOUR[r.severity](first.padEnd(widths[0] ?? 0)) + padded.slice((widths[0] ?? 0)));
    }
    lines.push('');
  }
  const s = doc.stats;
  const skipped = s.skipped.binary + s.skipped.tooLarge + s.skipped.symlinks + s.skipped.unreadable;
  const suppressed = s.suppressed.inline + s.suppressed.ignoreFile + s.suppressed.baseline;
  const what = doc.scan.history ? `${s.files} files, ${s.blobs} blobs` : `${s.files} files`;
  const summary = `${doc.findings.length} finding${doc.findings.length === 1 ? '' : 's'} in ${what} (${formatBytes(s.bytes)}); ${skipped} skipped, ${suppressed} suppressed, ${doc.problems.length} problem${doc.problems.length === 1 ? '' : 's'}`;
  lines.push(doc.findings.length > 0 ? chalk.red(summary) : chalk.green(summary));
  for (const p of doc.problems.slice(0, 20)) lines.push(chalk.yellow(`  ${p.reason}: ${p.path}: ${p.message}`));
  if (doc.problems.length > 20) lines.push(chalk.yellow(`  … and ${doc.problems.length - 20} more (see --format json)`));
  return `${lines.join('\n')}\n`;
}
