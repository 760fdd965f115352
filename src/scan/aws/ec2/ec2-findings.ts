// Facts about instances and launch templates that the migration must respect: no instance
// profile yet, IMDSv1 allowed (a role's credentials would be one SSRF away), and an owner
// (CloudFormation, Auto Scaling) through which changes must go. Terminated instances are
// left out: nothing can be changed on them.
import type { AutoScalingGroup, Ec2Instance, InventoryFinding, LaunchTemplate } from '../../../model/inventory.js';
import { templateAllowsImdsV1 } from './metadata-options.js';

const GONE = new Set(['shutting-down', 'terminated']);

export function instanceFindings(i: Ec2Instance): InventoryFinding[] {
  if (GONE.has(i.state)) return [];
  const subject = { type: 'instance' as const, instanceId: i.instanceId, region: i.region };
  const label = `${i.region}/${i.instanceId}${i.name ? ` (${i.name})` : ''}`;
  const out: InventoryFinding[] = [];
  if (!i.instanceProfile) {
    out.push({ rule: 'instance-without-profile', severity: 'medium', subject, message: `${label} has no instance profile: software on it can reach AWS only with static keys` });
  }
  if (i.metadataOptions.httpTokens === 'optional' && i.metadataOptions.httpEndpoint === 'enabled') {
    out.push({ rule: 'instance-allows-imdsv1', severity: 'medium', subject, message: `${label} allows IMDSv1 (HttpTokens optional): require IMDSv2 before it gets a role` });
  }
  if (i.owner.cloudFormationStack !== undefined) {
    out.push({
      rule: 'instance-owned-by-cloudformation',
      severity: 'low',
      subject,
      message: `${label} belongs to CloudFormation stack ${i.owner.cloudFormationStack}: change the stack, not the instance`,
    });
  }
  if (i.owner.autoScalingGroup !== undefined) {
    out.push({
      rule: 'instance-owned-by-autoscaling',
      severity: 'low',
      subject,
      message: `${label} belongs to Auto Scaling group ${i.owner.autoScalingGroup}: change what the group launches, not the instance`,
    });
  }
  return out;
}

/**
 * IMDSv1 findings for the versions of a template that can launch instances: the default and
 * latest versions, and those an Auto Scaling group or a running instance names. Old unused
 * versions would only be noise.
 */
export function launchTemplateFindings(t: LaunchTemplate, groups: readonly AutoScalingGroup[], instances: readonly Ec2Instance[]): InventoryFinding[] {
  const inUse = versionsInUse(t, groups, instances);
  return t.versions
    .filter((v) => inUse.has(v.version) && templateAllowsImdsV1(v.metadataOptions))
    .map((v) => ({
      rule: 'launch-template-allows-imdsv1' as const,
      severity: 'medium' as const,
      subject: { type: 'launch-template' as const, launchTemplateId: t.id, version: v.version, region: t.region },
      message: `launch template ${t.name} (${t.id}) version ${v.version} in ${t.region} allows IMDSv1 (HttpTokens ${v.metadataOptions?.httpTokens ?? 'not set, so optional unless the AMI or the account requires IMDSv2'})`,
    }));
}

function versionsInUse(t: LaunchTemplate, groups: readonly AutoScalingGroup[], instances: readonly Ec2Instance[]): Set<number> {
  const inUse = new Set([t.defaultVersion, t.latestVersion]);
  const resolve = (version: string | null): number | undefined => {
    if (version === null || version === '$Default') return t.defaultVersion;
    if (version === '$Latest') return t.latestVersion;
    const n = Number(version);
    return Number.isInteger(n) ? n : undefined;
  };
  for (const g of groups) {
    const lt = g.launchTemplate;
    if (g.region !== t.region || !lt || (lt.id !== t.id && lt.name !== t.name)) continue;
    const v = resolve(lt.version);
    if (v !== undefined) inUse.add(v);
  }
  for (const i of instances) {
    if (i.region !== t.region || i.launchTemplate?.id !== t.id || GONE.has(i.state)) continue;
    const v = resolve(i.launchTemplate.version);
    if (v !== undefined) inUse.add(v);
  }
  return inUse;
}
