// Minimal valid inventory documents built in code: tests state only the facts they are about
// (instances, addresses, keys) and get everything else empty. Every document is checked
// against the zod schema, so a fixture can never drift from the real format.
import { InventoryDocument, INVENTORY_VERSION, type AccessKey, type Ec2Instance, type ElasticIp, type NatGateway, type ServiceLastAccessed, type VpcEndpoint } from '../../src/model/inventory.js';

export const ACCOUNT = '123456789012';

export interface InventoryParts {
  asOf?: string;
  regions?: string[];
  instances?: Ec2Instance[];
  elasticIps?: ElasticIp[];
  natGateways?: NatGateway[];
  vpcEndpoints?: VpcEndpoint[];
  accessKeys?: AccessKey[];
  serviceLastAccessed?: ServiceLastAccessed[];
}

export function instance(id: string, facts: Partial<Ec2Instance> = {}): Ec2Instance {
  return {
    instanceId: id,
    region: 'eu-west-1',
    state: 'running',
    name: null,
    tags: {},
    owner: {},
    platform: 'linux',
    launchTime: '2025-01-01T00:00:00.000Z',
    vpcId: 'vpc-a',
    subnetId: 'subnet-a',
    privateIps: [],
    publicIps: [],
    networkInterfaces: [],
    instanceProfile: null,
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 2 },
    launchTemplate: null,
    userData: { present: false, parts: 0 },
    ...facts,
  };
}

export function elasticIp(publicIp: string, facts: Partial<ElasticIp> = {}): ElasticIp {
  return { allocationId: `eipalloc-${publicIp.replaceAll('.', '')}`, publicIp, region: 'eu-west-1', instanceId: null, networkInterfaceId: null, privateIp: null, ...facts };
}

export function natGateway(id: string, vpcId: string, publicIps: string[], facts: Partial<NatGateway> = {}): NatGateway {
  return { id, region: 'eu-west-1', vpcId, subnetId: 'subnet-nat', state: 'available', publicIps, privateIps: [], ...facts };
}

export function vpcEndpoint(id: string, vpcId: string, facts: Partial<VpcEndpoint> = {}): VpcEndpoint {
  return { id, region: 'eu-west-1', vpcId, serviceName: 'com.amazonaws.eu-west-1.s3', type: 'Interface', subnetIds: [], networkInterfaceIds: [], ...facts };
}

export function accessKey(accessKeyId: string, userName: string, lastUsed: AccessKey['lastUsed'], status: AccessKey['status'] = 'Active'): AccessKey {
  return { accessKeyId, userName, status, createDate: '2024-01-01T00:00:00.000Z', ageDays: 500, lastUsed };
}

export function inventoryFixture(parts: InventoryParts = {}): InventoryDocument {
  const users = [...new Set((parts.accessKeys ?? []).map((k) => k.userName))].sort();
  return InventoryDocument.parse({
    kind: 'inventory',
    version: INVENTORY_VERSION,
    account: ACCOUNT,
    asOf: parts.asOf ?? '2025-06-01T00:00:00.000Z',
    generator: { name: 'keyshift', version: '0.0.0-test' },
    caller: { arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAAUDITOR' },
    regions: parts.regions ?? ['eu-west-1'],
    quotas: { roles: null, instanceProfiles: null, policies: null, attachedPoliciesPerRole: null },
    iam: {
      users: users.map((userName) => ({
        userName,
        userId: `AIDA${userName.toUpperCase()}`,
        arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
        path: '/',
        createDate: '2024-01-01T00:00:00.000Z',
        groups: [],
        attachedPolicies: [],
        inlinePolicies: [],
        tags: {},
      })),
      groups: [],
      roles: [],
      managedPolicies: [],
      instanceProfiles: [],
      accessKeys: parts.accessKeys ?? [],
      serviceLastAccessed: parts.serviceLastAccessed ?? [],
      rootKeys: { keys: null },
    },
    resourceGrants: [],
    assumableRoles: [],
    ec2: {
      instances: parts.instances ?? [],
      autoScalingGroups: [],
      launchTemplates: [],
      launchConfigurations: [],
      elasticIps: parts.elasticIps ?? [],
      natGateways: parts.natGateways ?? [],
      vpcEndpoints: parts.vpcEndpoints ?? [],
    },
    credentials: [],
    findings: [],
    incomplete: [],
  });
}
