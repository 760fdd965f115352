// One source of a key's calls -> who made them: an instance (by its public or Elastic IP, or
// by a private IP seen through a VPC endpoint of its VPC), a VPC (through a NAT gateway), or
// nobody we can name. Every reason is a sentence a reviewer can check against the inventory.
import type { Ec2Instance } from '../../model/inventory.js';
import type { Attribution, SourceUse } from '../../model/usage.js';
import { holderTenure, instanceLabel, type TenureConfidence } from './holder-tenure.js';
import { parseIp, type ParsedIp } from './ip.js';
import { vpcPrivateIpKey, type NetworkIndex } from './network-index.js';

export interface AttributionContext {
  index: NetworkIndex;
  asOfText: string;
}

type Source = Pick<SourceUse, 'source' | 'vpcEndpointId' | 'firstSeen' | 'lastSeen'>;

const AWS_INTERNAL = 'AWS Internal';

/** CloudTrail names the service, not an address, when AWS made the call on the principal's behalf. */
export function isAwsServiceSource(source: string): boolean {
  return source === AWS_INTERNAL || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/i.test(source);
}

function uncovered(reason: string): Attribution {
  return { kind: 'uncovered', confidence: 'none', reason };
}

function onInstance(instance: Ec2Instance, confidence: TenureConfidence, reason: string): Attribution {
  return { kind: 'instance', instanceId: instance.instanceId, region: instance.region, confidence, reason };
}

function listInstances(instances: readonly Ec2Instance[]): string {
  return instances
    .map((i) => i.instanceId)
    .sort()
    .join(', ');
}

/** An instance found holding the address: the confidence then depends on when it held it. */
function heldBy(instance: Ec2Instance, holding: string, source: Source, ctx: AttributionContext): Attribution {
  const tenure = holderTenure(instance, source, ctx.index.asOf, ctx.asOfText);
  const base = `${holding} is held by ${instanceLabel(instance)} in the inventory of ${ctx.asOfText}`;
  return onInstance(instance, tenure.confidence, tenure.doubt === null ? base : `${base}, but ${tenure.doubt}`);
}

function serviceAttribution(source: string): Attribution {
  const who = source === AWS_INTERNAL ? 'AWS itself ("AWS Internal")' : `the AWS service ${source}`;
  return uncovered(`the call was made by ${who} on the key's behalf, not from a host: it names no instance, and the call that caused it may come from anywhere`);
}

function attributeElasticIp(ip: string, source: Source, ctx: AttributionContext): Attribution | null {
  const eip = ctx.index.elasticIpByPublicIp.get(ip);
  if (!eip) return null;
  const holders = ctx.index.instancesByPublicIp.get(ip) ?? [];
  const what = `Elastic IP ${ip}${eip.allocationId ? ` (${eip.allocationId})` : ''}`;
  if (eip.instanceId !== null && !ctx.index.instanceById.has(eip.instanceId)) {
    return uncovered(`${what} is associated with ${eip.instanceId}, which is not in the inventory`);
  }
  const target = eip.instanceId !== null ? ctx.index.instanceById.get(eip.instanceId) : eip.networkInterfaceId !== null ? ctx.index.instanceByNetworkInterface.get(eip.networkInterfaceId) : undefined;
  const nowAt = eip.instanceId ?? eip.networkInterfaceId;
  if (target) {
    const others = holders.filter((h) => h.instanceId !== target.instanceId);
    if (others.length === 0) return heldBy(target, what, source, ctx);
    // two records of the same scan disagree: the address moved while the inventory was read
    return onInstance(target, 'low', `${what} now points to ${instanceLabel(target)}, but ${listInstances(others)} also list it: the address moved, and who held it at the time of the calls is unknown`);
  }
  const [only, ...more] = holders;
  if (only && more.length === 0) {
    const pointsTo = nowAt === null ? 'is associated with nothing now' : `now points to ${nowAt}, not to it`;
    return onInstance(only, 'low', `${what} is listed on ${instanceLabel(only)}, but the Elastic IP ${pointsTo}: who held it at the time of the calls is unknown`);
  }
  if (nowAt !== null) {
    return uncovered(`${what} is associated with network interface ${nowAt}, which belongs to no instance in the inventory (a load balancer, a NAT or another service)`);
  }
  return uncovered(`${what} is allocated in ${eip.region} but associated with nothing now: who held it at the time of the calls is unknown`);
}

function attributePublicIp(ip: string, source: Source, ctx: AttributionContext): Attribution {
  const nat = ctx.index.natGatewayByPublicIp.get(ip);
  if (nat) {
    const base = `${ip} is the public address of NAT gateway ${nat.id} in ${nat.region}`;
    // traffic through a NAT comes from any instance of its VPC: the VPC is as far as it goes
    if (nat.vpcId === null) return uncovered(`${base}, whose VPC is unknown`);
    const vpc = { kind: 'vpc' as const, vpcId: nat.vpcId, region: nat.region };
    if (nat.state !== 'available') return { ...vpc, confidence: 'low', reason: `${base} (state ${nat.state}): the calls came from ${nat.vpcId}, if it held the address then` };
    return { ...vpc, confidence: 'medium', reason: `${base}: the calls came from some instance of ${nat.vpcId}, not one instance` };
  }
  const viaElasticIp = attributeElasticIp(ip, source, ctx);
  if (viaElasticIp) return viaElasticIp;
  const holders = ctx.index.instancesByPublicIp.get(ip) ?? [];
  const [only, ...more] = holders;
  if (only && more.length === 0) return heldBy(only, `public IP ${ip}`, source, ctx);
  if (only) return uncovered(`public IP ${ip} is listed on several instances (${listInstances(holders)}): the inventory cannot say which one made the calls`);
  return uncovered(
    `${ip} is not held by any instance, Elastic IP or NAT gateway in the inventory of ${ctx.asOfText} (regions ${ctx.index.regions.join(', ') || 'none'}): an office, a CI runner, another cloud, or an address released before the inventory`,
  );
}

function attributePrivateIp(ip: ParsedIp, source: Source, ctx: AttributionContext): Attribution {
  const what = `${ip.address} is a private address (${ip.privateRange ?? 'private'})`;
  if (source.vpcEndpointId === null) {
    return uncovered(`${what} and the calls came through no VPC endpoint: private ranges are reused across VPCs, offices and VPNs, so it names no one instance`);
  }
  const endpoint = ctx.index.vpcEndpointById.get(source.vpcEndpointId);
  if (!endpoint) return uncovered(`${what} seen through VPC endpoint ${source.vpcEndpointId}, which is not in the inventory`);
  if (endpoint.vpcId === null) return uncovered(`${what} seen through VPC endpoint ${endpoint.id}, whose VPC is unknown`);
  const holders = ctx.index.instancesByVpcPrivateIp.get(vpcPrivateIpKey(endpoint.vpcId, ip.address)) ?? [];
  const [only, ...more] = holders;
  if (only && more.length === 0) return heldBy(only, `private IP ${ip.address}, seen through VPC endpoint ${endpoint.id} of ${endpoint.vpcId},`, source, ctx);
  if (only) return uncovered(`private IP ${ip.address} in ${endpoint.vpcId} is listed on several instances (${listInstances(holders)})`);
  return uncovered(`${what} seen through VPC endpoint ${endpoint.id} of ${endpoint.vpcId}, but no instance of ${endpoint.vpcId} holds it in the inventory of ${ctx.asOfText}`);
}

/** The attribution of one source; `ctx` null when no inventory was given. */
export function attributeSource(source: Source, ctx: AttributionContext | null): Attribution {
  if (isAwsServiceSource(source.source)) return serviceAttribution(source.source);
  const ip = parseIp(source.source);
  if (ip === null) return uncovered(`"${source.source}" is neither an IP address nor an AWS service name`);
  if (ctx === null) return uncovered('no inventory given: the source cannot be matched to an instance');
  return ip.privateRange === null ? attributePublicIp(ip.address, source, ctx) : attributePrivateIp(ip, source, ctx);
}
