// One region's EC2 inventory: the paged listings side by side, then the user data of each
// instance (the only per-instance call).
import type { Finding } from '../../../model/finding.js';
import type { AutoScalingGroup, Ec2Instance, ElasticIp, LaunchConfiguration, LaunchTemplate, NatGateway, VpcEndpoint } from '../../../model/inventory.js';
import { listAutoScalingGroups } from './auto-scaling-groups.js';
import type { Ec2Progress } from './ec2-progress.js';
import { readInstanceUserData } from './instance-user-data.js';
import { listInstances, toListedInstance, type ListedInstance } from './instances.js';
import { scanLaunchConfigurations } from './launch-configurations.js';
import { scanLaunchTemplates } from './launch-templates.js';
import { listElasticIps, listNatGateways, listVpcEndpoints } from './network.js';
import { listProfileAssociations } from './profile-associations.js';
import type { RegionContext } from './region-context.js';

export interface RegionInventory {
  instances: Ec2Instance[];
  autoScalingGroups: AutoScalingGroup[];
  launchTemplates: LaunchTemplate[];
  launchConfigurations: LaunchConfiguration[];
  elasticIps: ElasticIp[];
  natGateways: NatGateway[];
  vpcEndpoints: VpcEndpoint[];
  credentials: Finding[];
}

export async function scanRegion(ctx: RegionContext, progress: Ec2Progress): Promise<RegionInventory> {
  const [sdkInstances, associations, groups, templates, configurations, elasticIps, natGateways, vpcEndpoints] = await Promise.all([
    listInstances(ctx),
    listProfileAssociations(ctx),
    listAutoScalingGroups(ctx),
    scanLaunchTemplates(ctx),
    scanLaunchConfigurations(ctx),
    listElasticIps(ctx),
    listNatGateways(ctx),
    listVpcEndpoints(ctx),
  ]);
  const groupOf = new Map((groups ?? []).flatMap((g) => g.instances.map((id) => [id, g.name] as const)));
  const listed = (sdkInstances ?? []).flatMap((i): ListedInstance[] => {
    const instance = toListedInstance(i, ctx.region, i.InstanceId ? associations?.get(i.InstanceId) : undefined);
    if (!instance) return [];
    // the group's own list also counts, should the aws:autoscaling:groupName tag be missing
    const group = instance.owner.autoScalingGroup ?? groupOf.get(instance.instanceId);
    return [group === undefined ? instance : { ...instance, owner: { ...instance.owner, autoScalingGroup: group } }];
  });
  progress.regionListed(listed.length);
  const userData = await readInstanceUserData(ctx, listed, () => progress.instanceRead());
  return {
    instances: listed.map((i, n) => ({ ...i, userData: userData[n]!.status })),
    autoScalingGroups: groups ?? [],
    launchTemplates: templates.templates,
    launchConfigurations: configurations.configurations,
    elasticIps: elasticIps ?? [],
    natGateways: natGateways ?? [],
    vpcEndpoints: vpcEndpoints ?? [],
    credentials: [...userData.flatMap((u) => u.credentials), ...templates.credentials, ...configurations.credentials],
  };
}
