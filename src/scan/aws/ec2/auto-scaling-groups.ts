// Auto Scaling groups: what launches their instances (a launch template, also inside a
// mixed instances policy, or a launch configuration) and which instances they own.
import { paginateDescribeAutoScalingGroups, type AutoScalingGroup as SdkAutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroup } from '../../../model/inventory.js';
import { collectPages, readPart, type RegionContext } from './region-context.js';
import { tagRecord } from './tags.js';

export async function listAutoScalingGroups(ctx: RegionContext): Promise<AutoScalingGroup[] | undefined> {
  const groups = await readPart(ctx, { action: 'autoscaling:DescribeAutoScalingGroups', part: `Auto Scaling groups in ${ctx.region}` }, () =>
    // 100 is the largest page Auto Scaling allows
    collectPages(paginateDescribeAutoScalingGroups({ client: ctx.autoScaling, pageSize: 100 }, {}), (p) => p.AutoScalingGroups, ctx.signal),
  );
  return groups?.flatMap((g) => (g.AutoScalingGroupName ? [toAutoScalingGroup(g, ctx.region)] : []));
}

function toAutoScalingGroup(g: SdkAutoScalingGroup, region: string): AutoScalingGroup {
  const template = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return {
    name: g.AutoScalingGroupName!,
    arn: g.AutoScalingGroupARN ?? '',
    region,
    launchTemplate: template ? { id: template.LaunchTemplateId ?? null, name: template.LaunchTemplateName ?? null, version: template.Version ?? null } : null,
    launchConfigurationName: g.LaunchConfigurationName ?? null,
    mixedInstancesPolicy: g.MixedInstancesPolicy !== undefined,
    instances: (g.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])).sort(),
    minSize: g.MinSize ?? 0,
    maxSize: g.MaxSize ?? 0,
    desiredCapacity: g.DesiredCapacity ?? 0,
    tags: tagRecord(g.Tags),
  };
}
