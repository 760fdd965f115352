// The plan as a Markdown review report (a pull request or a change ticket): the summary table
// first, then a section per workload (instances and deployment unit, keys, evidence, policies,
// lint, steps by stage, risks, why blocked), then the keys and their decisions.
import type { PlanDocument, Workload } from '../../model/plan.js';
import { STAGES } from '../../model/stages.js';
import { formatSeconds, planSummaryRows } from './plan-summary-rows.js';

export function formatPlanMarkdown(plan: PlanDocument): string {
  const out: string[] = [];
  const summary = planSummaryRows(plan);
  out.push(`# keyshift plan ${plan.planId}`, '');
  out.push(`Account ${plan.account} · inventory as of ${plan.inputs.inventory.asOf} · usage as of ${plan.inputs.usage.asOf}`, '');
  out.push('## Summary', '');
  if (plan.workloads.length === 0) out.push('No workload to migrate.', '');
  else out.push(...table(summary.workloads.columns, summary.workloads.rows.map((r) => r.cells)), '');
  if (plan.warnings.length > 0) out.push('### Warnings', '', ...plan.warnings.map((w) => `- ${text(w)}`), '');
  if (plan.unattributed.length > 0) {
    out.push('### Unattributed usage', '', 'Listed for a reviewer, never granted to every workload.', '');
    out.push(...table(['Key', 'Source', 'Actions', 'Why'], plan.unattributed.map((u) => [u.accessKeyId, u.source, u.actions.join(', ') || '-', u.reason])), '');
  }
  if (plan.quotas.length > 0) {
    out.push('### Quotas', '', ...table(['Quota', 'Used', 'Planned', 'Max'], plan.quotas.map((q) => [q.name, String(q.used), String(q.planned), String(q.max)])), '');
  }
  for (const w of plan.workloads) out.push(...workloadSection(w));
  out.push('## Keys', '');
  if (plan.keys.length === 0) out.push('No key in scope.', '');
  else {
    out.push(...table(['Key', 'User', 'Decision', 'Workloads', 'Quiet period'], plan.keys.map((k) => [k.accessKeyId, k.userName ?? '-', k.decision, k.workloads.join(', ') || '-', formatSeconds(k.quietPeriodSeconds)])), '');
    for (const k of plan.keys) out.push(`### ${k.accessKeyId}: ${k.decision}`, '', ...k.reasons.map((r) => `- ${text(r)}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function workloadSection(w: Workload): string[] {
  const out: string[] = [`## ${w.id} (${w.status})`, ''];
  const unit = w.deploymentUnit;
  const facts = [
    `${w.kind} ${w.name} in ${w.region}`,
    unit.autoScalingGroup ? `Auto Scaling group ${unit.autoScalingGroup}` : null,
    unit.launchTemplate ? `launch template ${unit.launchTemplate.id} (${unit.launchTemplate.version})` : null,
    unit.applicationTag ? `tag ${unit.applicationTag.key}=${unit.applicationTag.value}` : null,
    unit.cloudFormationStack ? `CloudFormation stack ${unit.cloudFormationStack}${w.exportOnly ? ' (export only)' : ''}` : null,
  ].filter((f): f is string => f !== null);
  out.push(`- Deployment unit: ${facts.join('; ')}`);
  out.push(`- Keys: ${w.keys.join(', ')}`);
  out.push(`- Role: ${w.role.arn} (${w.role.mode}${w.role.existingRoleName ? `, from ${w.role.existingRoleName}` : ''}); instance profile ${w.instanceProfileName}`);
  if (w.role.carriedPolicyArns.length > 0) out.push(`- Carried policies: ${w.role.carriedPolicyArns.join(', ')}`);
  if (w.role.permissionsBoundaryArn) out.push(`- Permissions boundary: ${w.role.permissionsBoundaryArn}`);
  out.push('');
  if (w.instances.length > 0) {
    out.push('### Instances', '', ...table(['Instance', 'Region', 'Current profile', 'IMDS tokens'], w.instances.map((i) => [i.instanceId, i.region, i.currentProfile ? `${i.currentProfile.arn}${i.currentProfile.roleName ? ` (${i.currentProfile.roleName})` : ''}` : '-', i.httpTokens])), '');
  }
  out.push('### Evidence', '');
  if (w.evidence.topActions.length === 0) out.push('No usage attributed to this workload.', '');
  else out.push(...table(['Action', 'Resource', 'Calls', 'Last seen'], w.evidence.topActions.map((a) => [a.action, a.resource, String(a.calls), a.lastSeen])), '');
  if (w.evidence.gaps.length > 0) out.push('Gaps:', '', ...w.evidence.gaps.map((g) => `- ${g.accessKeyId} ${g.service} (${g.reason}): ${text(g.detail)}`), '');
  if (w.evidence.notes.length > 0) out.push('Notes:', '', ...w.evidence.notes.map((n) => `- ${text(n)}`), '');
  out.push('### Policies', '');
  if (w.policies.length === 0) out.push('None of its own.', '');
  for (const p of w.policies) {
    out.push(`#### ${p.name} (${p.size} characters)`, '');
    const unobserved = p.statements.filter((s) => s.basis === 'unobserved');
    if (unobserved.length > 0) out.push(`Unobserved (data events not recorded): ${unobserved.map((s) => s.sid).join(', ')}`, '');
    out.push('```json', JSON.stringify(p.document, null, 2), '```', '');
  }
  if (w.lint.length > 0) {
    out.push('### Lint', '', ...table(['Severity', 'Code', 'Policy', 'Statement', 'Accepted', 'Message'], w.lint.map((f) => [f.severity, f.code, f.policy, f.sid ?? '-', f.accepted ? 'yes' : 'no', f.message])), '');
  }
  if (w.nonPortableConditions.length > 0) {
    out.push('### Conditions that do not carry over', '', ...w.nonPortableConditions.map((c) => `- ${c.key} in ${c.policy}: ${text(c.reason)}`), '');
  }
  out.push('### Steps', '');
  if (w.steps.length === 0) out.push(w.exportOnly ? 'None: the change belongs in the CloudFormation template.' : 'None.', '');
  for (const stage of STAGES) {
    const steps = w.steps.filter((s) => s.stage === stage);
    if (steps.length === 0) continue;
    out.push(`#### ${stage}`, '', ...steps.map((s, n) => `${n + 1}. \`${s.kind}\` ${text(s.description)}`), '');
  }
  if (w.risks.length > 0) out.push('### Risks', '', ...w.risks.map((r) => `- ${text(r)}`), '');
  if (w.blockedReasons.length > 0) out.push('### Blocked', '', ...w.blockedReasons.map((r) => `- ${text(r)}`), '');
  return out;
}

function table(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function cell(value: string): string {
  return text(value).replaceAll('|', '\\|');
}

/** One line of plain text: Markdown-significant newlines and HTML brackets neutralised. */
function text(value: string): string {
  return value.replace(/\r?\n/g, ' ').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
