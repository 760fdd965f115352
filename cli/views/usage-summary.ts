// The readable per-key summary of a usage document: top actions and resources, sources and
// the instances they were attributed to, uncovered sources, coverage and gaps, last seen.
import chalk from 'chalk';
import type { UsageDocument } from '../../src/model/usage.js';

const TOP = 8;

export function renderUsageSummary(doc: UsageDocument): string {
  const out: string[] = [];
  const events = doc.sources.reduce((n, s) => n + s.events, 0);
  out.push(`${chalk.bold('evidence')} ${events} events from ${doc.sources.map((s) => s.location).join(', ')}`);
  const skipped = Object.entries(doc.skipped).filter(([reason]) => reason !== 'outside-window');
  if (skipped.length > 0) out.push(chalk.yellow(`  skipped: ${skipped.map(([r, n]) => `${n} ${r}`).join(', ')}`));
  const c = doc.coverage;
  out.push(`${chalk.bold('coverage')} (${c.basis}): management events ${c.managementEvents}, data events ${c.dataEvents}, regions ${c.regions.join(', ') || 'none'}, ${c.span.from ?? '?'} to ${c.span.to ?? '?'}`);
  for (const note of c.notes) out.push(chalk.yellow(`  ${note}`));

  for (const k of doc.keys) {
    out.push('', `${chalk.bold(k.accessKeyId)} ${k.principal.arn ?? k.principal.userName ?? ''}  ${k.totalCalls} calls, last seen ${k.lastSeen ?? 'never'}`);
    if (k.longestGapSeconds !== null) out.push(`  longest quiet period: ${(k.longestGapSeconds / 86_400).toFixed(1)} days`);
    for (const a of k.actions.slice(0, TOP)) out.push(`  ${String(a.calls).padStart(7)}  ${a.action}  ${a.resource}`);
    if (k.actions.length > TOP) out.push(chalk.dim(`  … ${k.actions.length - TOP} more actions`));
    for (const d of k.denied.slice(0, TOP)) out.push(chalk.red(`  ${String(d.calls).padStart(7)}  denied ${d.action}  ${d.resource} (${d.errorCode})`));
    for (const s of k.sessions) out.push(`  via ${s.via} ${s.roleArn ?? ''}: ${s.actions.length} action(s) under ${s.accessKeyId}`);
    for (const s of k.sources) {
      const a = s.attribution;
      const target = a.kind === 'instance' ? `${a.region ?? ''} ${a.instanceId}` : a.kind === 'vpc' ? `VPC ${a.vpcId}` : 'uncovered';
      const line = `  from ${s.source}${s.vpcEndpointId ? ` via ${s.vpcEndpointId}` : ''}: ${target} (${a.confidence}; ${a.reason})`;
      out.push(a.kind === 'instance' && (a.confidence === 'high' || a.confidence === 'medium') ? line : chalk.yellow(line));
    }
    const gaps = c.gaps.filter((g) => g.accessKeyId === k.accessKeyId);
    for (const g of gaps) out.push(chalk.yellow(`  gap: ${g.detail}`));
  }
  const keysWithoutEvidence = [...new Set(c.gaps.map((g) => g.accessKeyId))].filter((id) => !doc.keys.some((k) => k.accessKeyId === id));
  for (const id of keysWithoutEvidence) {
    out.push('', `${chalk.bold(id)} no calls in the evidence`);
    for (const g of c.gaps.filter((x) => x.accessKeyId === id)) out.push(chalk.yellow(`  gap: ${g.detail}`));
  }
  return `${out.join('\n')}\n`;
}
