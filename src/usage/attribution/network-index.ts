// The inventory's network facts as lookup maps, built once per run: every source of every
// key is then attributed with a few map reads instead of a scan of the whole inventory.
import type { Ec2Instance, ElasticIp, InventoryDocument, NatGateway, VpcEndpoint } from '../../model/inventory.js';
import { canonicalIp } from './ip.js';

export interface NetworkIndex {
  /** when the inventory's facts were true, in ms */
  asOf: number;
  /** the regions the inventory read, for reasons that say where it did not look */
  regions: readonly string[];
  instanceById: ReadonlyMap<string, Ec2Instance>;
  instanceByNetworkInterface: ReadonlyMap<string, Ec2Instance>;
  /** public IP -> instances that list it (on the instance or one of its interfaces) */
  instancesByPublicIp: ReadonlyMap<string, readonly Ec2Instance[]>;
  /** `${vpcId} ${privateIp}` -> instances: private addresses are unique only within one VPC */
  instancesByVpcPrivateIp: ReadonlyMap<string, readonly Ec2Instance[]>;
  elasticIpByPublicIp: ReadonlyMap<string, ElasticIp>;
  natGatewayByPublicIp: ReadonlyMap<string, NatGateway>;
  vpcEndpointById: ReadonlyMap<string, VpcEndpoint>;
}

export function vpcPrivateIpKey(vpcId: string, ip: string): string {
  return `${vpcId} ${ip}`;
}

function addHolder(map: Map<string, Ec2Instance[]>, key: string, instance: Ec2Instance): void {
  const holders = map.get(key);
  if (!holders) map.set(key, [instance]);
  else if (!holders.some((h) => h.instanceId === instance.instanceId)) holders.push(instance);
}

function indexInstance(instance: Ec2Instance, publicIps: Map<string, Ec2Instance[]>, privateIps: Map<string, Ec2Instance[]>, byInterface: Map<string, Ec2Instance>): void {
  const publics = [...instance.publicIps, ...instance.networkInterfaces.flatMap((n) => n.publicIps)];
  for (const text of publics) {
    const ip = canonicalIp(text);
    if (ip !== null) addHolder(publicIps, ip, instance);
  }
  const privates: { vpcId: string | null; ip: string }[] = [
    ...instance.privateIps.map((ip) => ({ vpcId: instance.vpcId, ip })),
    ...instance.networkInterfaces.flatMap((n) => n.privateIps.map((ip) => ({ vpcId: n.vpcId ?? instance.vpcId, ip }))),
  ];
  for (const { vpcId, ip: text } of privates) {
    const ip = canonicalIp(text);
    if (vpcId !== null && ip !== null) addHolder(privateIps, vpcPrivateIpKey(vpcId, ip), instance);
  }
  for (const n of instance.networkInterfaces) byInterface.set(n.id, instance);
}

export function buildNetworkIndex(inventory: InventoryDocument): NetworkIndex {
  const { ec2 } = inventory;
  const instancesByPublicIp = new Map<string, Ec2Instance[]>();
  const instancesByVpcPrivateIp = new Map<string, Ec2Instance[]>();
  const instanceByNetworkInterface = new Map<string, Ec2Instance>();
  for (const instance of ec2.instances) indexInstance(instance, instancesByPublicIp, instancesByVpcPrivateIp, instanceByNetworkInterface);

  const elasticIpByPublicIp = new Map<string, ElasticIp>();
  for (const eip of ec2.elasticIps) {
    const ip = canonicalIp(eip.publicIp);
    if (ip !== null) elasticIpByPublicIp.set(ip, eip);
  }
  const natGatewayByPublicIp = new Map<string, NatGateway>();
  for (const nat of ec2.natGateways) {
    for (const text of nat.publicIps) {
      const ip = canonicalIp(text);
      if (ip !== null) natGatewayByPublicIp.set(ip, nat);
    }
  }
  return {
    asOf: Date.parse(inventory.asOf),
    regions: inventory.regions,
    instanceById: new Map(ec2.instances.map((i) => [i.instanceId, i])),
    instanceByNetworkInterface,
    instancesByPublicIp,
    instancesByVpcPrivateIp,
    elasticIpByPublicIp,
    natGatewayByPublicIp,
    vpcEndpointById: new Map(ec2.vpcEndpoints.map((e) => [e.id, e])),
  };
}
