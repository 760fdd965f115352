// `keyshift plan show`: the plan's workloads and keys as tables, coloured by status.
import chalk from 'chalk';
import type { PlanDocument } from '../../src/model/plan.js';
import { planSummaryRows } from '../../src/plan/index.js';

const STATUS: Record<string, (s: string) => string> = {
  ready: chalk.green,
  deactivate: chalk.green,
  blocked: chalk.red,
  'export-only': chalk.yellow,
  'needs-confirmation': chalk.yellow,
  'report-only': chalk.cyan,
};

function table(columns: string[], rows: { status: string; cells: string[] }[]): string[] {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [chalk.bold(line(columns)), ...rows.map((r) => (STATUS[r.status] ?? ((s: string) => s))(line(r.cells)))];
}

export function renderPlanSummary(plan: PlanDocument): string {
  const s = planSummaryRows(plan);
  const out = [`${chalk.bold('plan')} ${s.planId} for account ${s.account}`, ''];
  out.push(...table(s.workloads.columns, s.workloads.rows));
  out.push('', ...table(s.keys.columns, s.keys.rows.map((r) => ({ status: r.decision, cells: r.cells }))));
  if (s.unattributed > 0) out.push('', chalk.yellow(`${s.unattributed} use(s) of shared keys could not be attributed to one workload: see the plan's "unattributed"`));
  for (const w of s.warnings) out.push(chalk.yellow(`warning: ${w}`));
  return `${out.join('\n')}\n`;
}
