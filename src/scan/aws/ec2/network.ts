// The network facts usage attribution needs to tie a CloudTrail source address to a
// workload: Elastic IPs, NAT gateways (calls from private subnets leave through them) and
// VPC endpoints (calls through them carry private addresses and the endpoint ID).
import { DescribeAddressesCommand, paginateDescribeNatGateways, paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import type { ElasticIp, NatGateway, VpcEndpoint } from '../../../model/inventory.js';
import { collectPages, readPart, type RegionContext } from './region-context.js';

export async function listElasticIps(ctx: RegionContext): Promise<ElasticIp[] | undefined> {
  // DescribeAddresses is not paged: one call returns every address of the region
  const out = await readPart(ctx, { action: 'ec2:DescribeAddresses', part: `Elastic IPs in ${ctx.region}` }, () =>
    ctx.ec2.send(new DescribeAddressesCommand({}), { abortSignal: ctx.signal }),
  );
  if (out === undefined) return undefined;
  return (out.Addresses ?? []).flatMap((a): ElasticIp[] =>
    a.PublicIp
      ? [
          {
            allocationId: a.AllocationId ?? null,
            publicIp: a.PublicIp,
            region: ctx.region,
            instanceId: a.InstanceId || null,
            networkInterfaceId: a.NetworkInterfaceId ?? null,
            privateIp: a.PrivateIpAddress ?? null,
          },
        ]
      : [],
  );
}

export async function listNatGateways(ctx: RegionContext): Promise<NatGateway[] | undefined> {
  const gateways = await readPart(ctx, { action: 'ec2:DescribeNatGateways', part: `NAT gateways in ${ctx.region}` }, () =>
    collectPages(paginateDescribeNatGateways({ client: ctx.ec2, pageSize: 1000 }, {}), (p) => p.NatGateways, ctx.signal),
  );
  return gateways?.flatMap((g): NatGateway[] =>
    g.NatGatewayId
      ? [
          {
            id: g.NatGatewayId,
            region: ctx.region,
            vpcId: g.VpcId ?? null,
            subnetId: g.SubnetId ?? null,
            state: g.State ?? 'unknown',
            publicIps: present((g.NatGatewayAddresses ?? []).map((a) => a.PublicIp)),
            privateIps: present((g.NatGatewayAddresses ?? []).map((a) => a.PrivateIp)),
          },
        ]
      : [],
  );
}

export async function listVpcEndpoints(ctx: RegionContext): Promise<VpcEndpoint[] | undefined> {
  const endpoints = await readPart(ctx, { action: 'ec2:DescribeVpcEndpoints', part: `VPC endpoints in ${ctx.region}` }, () =>
    collectPages(paginateDescribeVpcEndpoints({ client: ctx.ec2, pageSize: 1000 }, {}), (p) => p.VpcEndpoints, ctx.signal),
  );
  return endpoints?.flatMap((e): VpcEndpoint[] =>
    e.VpcEndpointId
      ? [
          {
            id: e.VpcEndpointId,
            region: ctx.region,
            vpcId: e.VpcId ?? null,
            serviceName: e.ServiceName ?? '',
            type: e.VpcEndpointType ?? 'unknown',
            subnetIds: [...(e.SubnetIds ?? [])].sort(),
            networkInterfaceIds: [...(e.NetworkInterfaceIds ?? [])].sort(),
          },
        ]
      : [],
  );
}

function present(values: readonly (string | undefined)[]): string[] {
  return values.filter((v): v is string => v !== undefined && v !== '');
}
