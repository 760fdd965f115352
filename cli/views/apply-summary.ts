// The plain-text summary apply prints at the end: what happened, what waits and for what, and
// what to do next. Colour only through chalk, which is off when the mode says so.
import chalk from 'chalk';
import type { ApplyResult } from '../../src/apply/run-apply.js';

const NEXT: Record<ApplyResult['outcome'], string> = {
  done: 'every step in scope is done',
  declined: 'nothing was changed',
  waiting: 'waiting for time to pass: run `keyshift apply --resume` later (see `keyshift status`)',
  blocked: 'a safety gate held: it needs a person (see below), then `keyshift apply --resume`',
  drift: 'the account changed since the plan was made: nothing was changed; make a new plan',
  failed: 'a step failed and its workload stopped: fix the cause, then `keyshift apply --resume`, or `keyshift rollback`',
  denied: 'AWS denied a call: grant what `keyshift permissions apply` lists, then `keyshift apply --resume`',
  interrupted: 'interrupted: the journal is consistent; `keyshift apply --resume` continues',
};

export function renderApplySummary(r: ApplyResult): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const s of r.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  lines.push(`${chalk.bold('keyshift apply')}: ${r.outcome}${r.steps.length > 0 ? ` (${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}, ${r.callsSent} mutating call(s); journal ${r.journalPath}`);
  for (const d of r.drift) lines.push(`  ${chalk.red('drift')} ${d.stepId}: ${d.message}`);
  for (const p of r.preflight) for (const g of p.gaps) lines.push(`  ${chalk.red('pre-flight')} ${p.workload}: the role would not allow ${g.action} on ${g.resource} (${g.decision})`);
  for (const s of r.steps.filter((x) => x.status !== 'done' && x.status !== 'already-done')) {
    const colour = s.status === 'waiting' ? chalk.yellow : chalk.red;
    lines.push(`  ${colour(s.status)} ${s.stepId}: ${s.message}${s.until ? ` (until ${s.until})` : ''}`);
    for (const c of s.commands ?? []) lines.push(`      $ ${c}`);
  }
  for (const p of r.pending.slice(0, 20)) lines.push(`  ${chalk.dim('pending')} ${p.stepId}: waits for ${p.waitingFor}`);
  if (r.pending.length > 20) lines.push(`  ${chalk.dim(`... and ${r.pending.length - 20} more pending`)}`);
  for (const k of r.heldKeys) lines.push(`  ${chalk.red('held')} ${k.accessKeyId} stays active: ${k.reasons.join('; ')}`);
  for (const w of r.notApplicable) lines.push(`  ${chalk.dim('not applied')} ${w.id} (${w.status}): ${w.reasons.join('; ')}`);
  lines.push(`next: ${NEXT[r.outcome]}`);
  return `${lines.join('\n')}\n`;
}
