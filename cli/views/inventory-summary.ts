// The readable summary of an inventory for people: keys by status, age and last use;
// instances without a role or allowing IMDSv1; where each key was found; what is missing.
import chalk from 'chalk';
import type { InventoryDocument } from '../../src/model/inventory.js';
import { describeLocation } from '../../src/model/location.js';

export function renderInventorySummary(inv: InventoryDocument): string {
  const out: string[] = [];
  const h = (s: string) => out.push('', chalk.bold(s));
  out.push(`${chalk.bold('account')} ${inv.account} as ${inv.caller.arn}, ${inv.regions.length} region(s), as of ${inv.asOf}`);

  h(`access keys (${inv.iam.accessKeys.length})`);
  for (const k of inv.iam.accessKeys) {
    const used = !k.lastUsed
      ? chalk.yellow('last use unknown (not readable)')
      : k.lastUsed.date
        ? `last used ${k.lastUsed.date.slice(0, 10)} (${k.lastUsed.serviceName ?? '?'} in ${k.lastUsed.region ?? '?'})`
        : 'never used';
    const status = k.status === 'Active' ? chalk.yellow(k.status) : chalk.dim(k.status);
    out.push(`  ${k.accessKeyId}  ${k.userName.padEnd(20)} ${status.padEnd(8)} ${String(k.ageDays).padStart(5)} days old  ${used}`);
  }
  if (inv.iam.rootKeys.keys?.some((k) => k.active)) out.push(chalk.bgRed.white('  the root user has an active access key'));

  const noRole = inv.ec2.instances.filter((i) => !i.instanceProfile && i.state !== 'terminated');
  h(`instances without an instance profile (${noRole.length} of ${inv.ec2.instances.length})`);
  for (const i of noRole) out.push(`  ${i.region} ${i.instanceId} ${i.name ?? ''}`);
  const v1 = inv.ec2.instances.filter((i) => i.metadataOptions.httpTokens === 'optional' && i.metadataOptions.httpEndpoint === 'enabled');
  h(`instances allowing IMDSv1 (${v1.length})`);
  for (const i of v1) out.push(`  ${i.region} ${i.instanceId} ${i.name ?? ''}`);

  h(`static keys found in user data and launch templates (${inv.credentials.length})`);
  for (const f of inv.credentials) out.push(`  ${f.severity.padEnd(8)} ${f.keyId ?? f.secretFingerprint ?? ''}  ${describeLocation(f.location)}`);

  const findings = inv.findings.filter((f) => f.rule !== 'instance-without-profile' && f.rule !== 'instance-allows-imdsv1');
  if (findings.length > 0) {
    h(`other findings (${findings.length})`);
    for (const f of findings) out.push(`  ${f.severity.padEnd(8)} ${f.message}`);
  }
  if (inv.incomplete.length > 0) {
    h(chalk.yellow(`incomplete: ${inv.incomplete.length} part(s) could not be read`));
    for (const p of inv.incomplete) out.push(chalk.yellow(`  ${p.message}`));
  }
  return `${out.join('\n')}\n`;
}
