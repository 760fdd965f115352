// Every instance of a region, paged, in the model's terms (user data is read separately,
// one call per instance). The profile association, when known, supplies the association ID.
import { paginateDescribeInstances, type Instance, type InstanceNetworkInterface } from '@aws-sdk/client-ec2';
import type { Ec2Instance } from '../../../model/inventory.js';
import { instanceMetadataOptions } from './metadata-options.js';
import type { ProfileAssociation } from './profile-associations.js';
import { collectPages, readPart, type RegionContext } from './region-context.js';
import { instanceOwner, tagRecord } from './tags.js';

/** An instance before its user data is read. */
export type ListedInstance = Omit<Ec2Instance, 'userData'>;

export async function listInstances(ctx: RegionContext): Promise<Instance[] | undefined> {
  return readPart(ctx, { action: 'ec2:DescribeInstances', part: `instances in ${ctx.region}` }, () =>
    collectPages(
      paginateDescribeInstances({ client: ctx.ec2, pageSize: 1000 }, {}),
      (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
      ctx.signal,
    ),
  );
}

export function toListedInstance(i: Instance, region: string, association: ProfileAssociation | undefined): ListedInstance | undefined {
  if (!i.InstanceId) return undefined;
  const tags = tagRecord(i.Tags);
  const enis = [...(i.NetworkInterfaces ?? [])].sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0));
  const networkInterfaces = enis.flatMap((n) => (n.NetworkInterfaceId ? [toNetworkInterface(n)] : []));
  const templateId = tags['aws:ec2launchtemplate:id'];
  const templateVersion = tags['aws:ec2launchtemplate:version'];
  return {
    instanceId: i.InstanceId,
    region,
    state: i.State?.Name ?? 'unknown',
    name: tags.Name ?? null,
    tags,
    owner: instanceOwner(tags),
    // EC2 sets Platform only for Windows (the wire value is lower case; the SDK's type says "Windows")
    platform: String(i.Platform ?? '').toLowerCase() === 'windows' ? 'windows' : 'linux',
    launchTime: i.LaunchTime ? i.LaunchTime.toISOString() : null,
    vpcId: i.VpcId ?? null,
    subnetId: i.SubnetId ?? null,
    privateIps: unique([i.PrivateIpAddress, ...networkInterfaces.flatMap((n) => n.privateIps)]),
    publicIps: unique([i.PublicIpAddress, ...networkInterfaces.flatMap((n) => n.publicIps)]),
    networkInterfaces,
    instanceProfile: instanceProfile(i, association),
    metadataOptions: instanceMetadataOptions(i.MetadataOptions),
    launchTemplate: templateId !== undefined && templateVersion !== undefined ? { id: templateId, version: templateVersion } : null,
  };
}

function instanceProfile(i: Instance, association: ProfileAssociation | undefined): Ec2Instance['instanceProfile'] {
  if (association) return { arn: association.arn, id: association.profileId, associationId: association.associationId };
  // associations unreadable (recorded as incomplete): DescribeInstances still names the profile
  if (i.IamInstanceProfile?.Arn) return { arn: i.IamInstanceProfile.Arn, id: i.IamInstanceProfile.Id ?? null, associationId: null };
  return null;
}

function toNetworkInterface(n: InstanceNetworkInterface): Ec2Instance['networkInterfaces'][number] {
  const addresses = n.PrivateIpAddresses ?? [];
  return {
    id: n.NetworkInterfaceId!,
    subnetId: n.SubnetId ?? null,
    vpcId: n.VpcId ?? null,
    privateIps: unique([n.PrivateIpAddress, ...addresses.map((a) => a.PrivateIpAddress)]),
    publicIps: unique([n.Association?.PublicIp, ...addresses.map((a) => a.Association?.PublicIp)]),
  };
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}
