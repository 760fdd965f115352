// `keyshift status JOURNAL`: where each workload and key stands, read from the journal and the
// plan it names (no AWS calls). Exit 0.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, dirname } from 'node:path';
import chalk from 'chalk';
import { readJournal } from '../../src/apply/journal-file.js';
import { journalStatus, type JournalStatus } from '../../src/apply/journal-status.js';
import { PlanDocument, PLAN_VERSION } from '../../src/model/plan.js';
import { parseDocument } from '../../src/model/read-document.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';

export async function runStatus(ctx: CliContext, journalPath: string, opts: { plan?: string }): Promise<number> {
  const journal = await readJournal(journalPath);
  const planPath = opts.plan ?? (isAbsolute(journal.header.plan.path) ? journal.header.plan.path : join(dirname(journalPath), journal.header.plan.path.split('/').at(-1)!));
  let plan: PlanDocument | null = null;
  try {
    plan = parseDocument(await readFile(planPath, 'utf8'), { kind: 'plan', version: PLAN_VERSION, schema: PlanDocument }, planPath);
    if (plan.planId !== journal.header.planId) plan = null;
  } catch {
    plan = null; // the journal alone still tells most of the story
  }
  const status = journalStatus(journal, plan);
  await writeResult(ctx.mode.json ? `${JSON.stringify({ kind: 'status', version: 1, ...status }, null, 2)}\n` : renderStatus(status, plan !== null), undefined, ctx.streams);
  return ExitCode.ok;
}

function renderStatus(s: JournalStatus, withPlan: boolean): string {
  const lines = [`${chalk.bold('plan')} ${s.planId} in account ${s.account}${withPlan ? '' : chalk.dim(' (plan file not found: from the journal alone)')}`];
  const last = s.runs.at(-1);
  if (last) lines.push(`last run: ${last.command} at ${last.at}: ${last.ended ? (last.outcome ?? 'ended') : chalk.yellow('did not finish (crashed or still running)')}`);
  if (s.unresolvedCalls > 0) lines.push(chalk.yellow(`${s.unresolvedCalls} call(s) without a recorded result: apply --resume or rollback reconciles them with the live state`));
  lines.push('', chalk.bold('workloads'));
  for (const w of s.workloads) {
    const progress = w.total === null ? `${w.finished} step(s) done` : `${w.finished}/${w.total} steps`;
    lines.push(`  ${w.id}  ${w.state}  ${progress}${w.stageDone ? `, ${w.stageDone} stage done` : ''}`);
    if (w.detail) lines.push(`      ${w.detail}${w.until ? ` (until ${w.until})` : ''}`);
  }
  lines.push('', chalk.bold('keys'));
  for (const k of s.keys) lines.push(`  ${k.accessKeyId}  ${k.state}${k.at ? ` since ${k.at}` : ''}`);
  return `${lines.join('\n')}\n`;
}
