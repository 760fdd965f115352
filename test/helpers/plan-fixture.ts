// Inputs for the planner's tests, built in code: an inventory with the IAM and EC2 facts a test
// names (users and their policies, instance profiles and roles, groups and templates, keys and
// where they sit), a usage document with attributed sources, and host findings. Everything is
// checked against the zod schemas, so fixtures cannot drift from the real formats.
import { createHash } from 'node:crypto';
import { Finding } from '../../src/model/finding.js';
import { FindingsDocument, FINDINGS_VERSION } from '../../src/model/findings-document.js';
import { InventoryDocument, type AccessKey, type AutoScalingGroup, type Ec2Instance, type IamRole, type InstanceProfile, type LaunchTemplate, type ResourceGrant, type AssumableRole } from '../../src/model/inventory.js';
import type { Location } from '../../src/model/location.js';
import { PlanDocument, type PlanOptions } from '../../src/model/plan.js';
import { KeyUsage, UsageDocument, USAGE_VERSION, type ActionUse, type EvidenceGap, type SourceUse, type UserAgentUse } from '../../src/model/usage.js';
import { buildPlan, DEFAULT_PLAN_OPTIONS } from '../../src/plan/build-plan.js';
import { ACCOUNT, accessKey, instance, inventoryFixture } from './inventory-fixture.js';

export { ACCOUNT, accessKey, instance };

export const INVENTORY_AS_OF = '2025-06-01T00:00:00.000Z';
export const USAGE_AS_OF = '2025-06-02T00:00:00.000Z';
export const WINDOW_SINCE = '2025-05-01T00:00:00.000Z';

/** The key holders' identity policy: everything the tests' workloads do is allowed. */
export const BROAD_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*', 'dynamodb:*', 'sts:AssumeRole'], Resource: '*' }],
};

export interface PlanInventoryParts {
  asOf?: string;
  instances?: Ec2Instance[];
  autoScalingGroups?: AutoScalingGroup[];
  launchTemplates?: LaunchTemplate[];
  roles?: IamRole[];
  instanceProfiles?: InstanceProfile[];
  accessKeys?: AccessKey[];
  credentials?: Finding[];
  resourceGrants?: ResourceGrant[];
  assumableRoles?: AssumableRole[];
  quotas?: InventoryDocument['quotas'];
  rootKeyActive?: boolean;
}

export function planInventory(parts: PlanInventoryParts = {}): InventoryDocument {
  const base = inventoryFixture({ asOf: parts.asOf ?? INVENTORY_AS_OF, instances: parts.instances ?? [], accessKeys: parts.accessKeys ?? [] });
  return InventoryDocument.parse({
    ...base,
    quotas: parts.quotas ?? base.quotas,
    iam: {
      ...base.iam,
      users: base.iam.users.map((u) => ({ ...u, inlinePolicies: [{ policyName: 'app-access', document: BROAD_POLICY }] })),
      roles: parts.roles ?? [],
      instanceProfiles: parts.instanceProfiles ?? [],
      rootKeys: { keys: parts.rootKeyActive ? [{ slot: 1, active: true, lastRotated: null, lastUsed: null }] : null },
    },
    resourceGrants: parts.resourceGrants ?? [],
    assumableRoles: parts.assumableRoles ?? [],
    ec2: { ...base.ec2, autoScalingGroups: parts.autoScalingGroups ?? [], launchTemplates: parts.launchTemplates ?? [] },
    credentials: parts.credentials ?? [],
  });
}

export function asg(name: string, instances: string[], facts: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    name,
    arn: `arn:aws:autoscaling:eu-west-1:${ACCOUNT}:autoScalingGroup:uuid:autoScalingGroupName/${name}`,
    region: 'eu-west-1',
    launchTemplate: { id: `lt-${name}`, name, version: '$Default' },
    launchConfigurationName: null,
    mixedInstancesPolicy: false,
    instances,
    minSize: 1,
    maxSize: 4,
    desiredCapacity: instances.length,
    tags: {},
    ...facts,
  };
}

export function launchTemplate(id: string, name: string, facts: Partial<LaunchTemplate> = {}): LaunchTemplate {
  return {
    id,
    name,
    region: 'eu-west-1',
    defaultVersion: 3,
    latestVersion: 3,
    tags: {},
    versions: [{ version: 3, instanceProfile: null, metadataOptions: { httpTokens: 'optional' }, userData: { present: true, parts: 1 } }],
    ...facts,
  };
}

export function role(name: string, policyArns: string[] = [], facts: Partial<IamRole> = {}): IamRole {
  return {
    roleName: name,
    roleId: `AROA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    path: '/',
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    attachedPolicies: policyArns.map((policyArn) => ({ policyName: policyArn.split('/').at(-1) ?? policyArn, policyArn })),
    inlinePolicies: [],
    instanceProfiles: [name],
    tags: {},
    ...facts,
  };
}

export function instanceProfile(name: string, roleName: string, instances: string[]): InstanceProfile {
  return { name, id: `AIPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`, arn: profileArn(name), path: '/', roles: [roleName], instances };
}

export function profileArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`;
}

export function finding(keyId: string, location: Location): Finding {
  const fingerprint = `ks1:${createHash('sha256').update(`${keyId} ${JSON.stringify(location)}`).digest('hex').slice(0, 16)}`;
  return Finding.parse({ fingerprint, rule: 'aws-access-key-pair', severity: 'critical', keyId, keyKind: 'long-term', location });
}

export function hostFindings(findings: Finding[]): FindingsDocument {
  return FindingsDocument.parse({
    kind: 'findings',
    version: FINDINGS_VERSION,
    account: null,
    asOf: INVENTORY_AS_OF,
    generator: { name: 'keyshift', version: '0.0.0-test' },
    scan: { target: 'host', roots: ['/'], history: false, maxFileSize: 1_000_000 },
    stats: { files: 1, bytes: 1, blobs: 0, skipped: { binary: 0, tooLarge: 0, symlinks: 0, unreadable: 0 }, suppressed: { inline: 0, ignoreFile: 0, baseline: 0 } },
    problems: [],
    findings,
  });
}

export function from(source: string, instanceId: string | null, confidence: SourceUse['attribution']['confidence'] = 'high', firstSeen = '2025-05-02T00:00:00.000Z', lastSeen = '2025-05-30T00:00:00.000Z'): SourceUse {
  const attribution: SourceUse['attribution'] =
    instanceId === null ? { kind: 'uncovered', confidence: 'none', reason: 'public address of no known instance' } : { kind: 'instance', instanceId, region: 'eu-west-1', confidence, reason: `address of ${instanceId}` };
  return { source, vpcEndpointId: null, calls: 10, firstSeen, lastSeen, attribution };
}

export function did(action: string, resource = '*', calls = 5, firstSeen = '2025-05-02T00:00:00.000Z', lastSeen = '2025-05-30T00:00:00.000Z'): ActionUse {
  return { action, resource, calls, firstSeen, lastSeen };
}

export const MODERN_SDK: UserAgentUse = { userAgent: 'aws-sdk-js/3.500.0', tool: { name: 'aws-sdk-js', version: '3.500.0' }, imdsv2Capable: true, calls: 10 };
export const OLD_CLI: UserAgentUse = { userAgent: 'aws-cli/1.10.0', tool: { name: 'aws-cli', version: '1.10.0' }, imdsv2Capable: false, calls: 3 };

export interface KeyUseFacts {
  userName?: string;
  actions?: ActionUse[];
  sources?: SourceUse[];
  userAgents?: UserAgentUse[];
  longestGapSeconds?: number | null;
  principalType?: string;
  sessions?: KeyUsage['sessions'];
}

export function keyUse(accessKeyId: string, facts: KeyUseFacts = {}): KeyUsage {
  const actions = facts.actions ?? [];
  const sources = facts.sources ?? [];
  const userName = facts.userName ?? 'app';
  return KeyUsage.parse({
    accessKeyId,
    principal: { type: facts.principalType ?? 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, userName, accountId: ACCOUNT },
    totalCalls: actions.reduce((n, a) => n + a.calls, 0),
    firstSeen: actions.length > 0 ? '2025-05-02T00:00:00.000Z' : null,
    lastSeen: actions.length > 0 ? '2025-05-30T00:00:00.000Z' : null,
    longestGapSeconds: facts.longestGapSeconds ?? null,
    actions,
    denied: [],
    sources,
    userAgents: facts.userAgents ?? [MODERN_SDK],
    regions: actions.length > 0 ? [{ region: 'eu-west-1', calls: 1 }] : [],
    sessions: facts.sessions ?? [],
    uncovered: sources.some((s) => s.attribution.kind !== 'instance'),
  });
}

export interface UsageParts {
  asOf?: string;
  account?: string | null;
  keys?: KeyUsage[];
  gaps?: EvidenceGap[];
}

export function planUsage(parts: UsageParts = {}): UsageDocument {
  return UsageDocument.parse({
    kind: 'usage',
    version: USAGE_VERSION,
    account: parts.account === undefined ? ACCOUNT : parts.account,
    asOf: parts.asOf ?? USAGE_AS_OF,
    generator: { name: 'keyshift', version: '0.0.0-test' },
    window: { since: WINDOW_SINCE, until: USAGE_AS_OF },
    sources: [{ type: 'directory', location: '/trail', files: 1, events: 100 }],
    skipped: {},
    inventoryAsOf: INVENTORY_AS_OF,
    keys: parts.keys ?? [],
    coverage: {
      basis: 'trail-selectors',
      managementEvents: 'all',
      dataEvents: 'recorded',
      regions: ['eu-west-1'],
      span: { from: WINDOW_SINCE, to: USAGE_AS_OF },
      notes: [],
      gaps: parts.gaps ?? [],
    },
  });
}

export async function planFor(inventory: InventoryDocument, usage: UsageDocument, options: Partial<PlanOptions> = {}, findings: FindingsDocument[] = []): Promise<PlanDocument> {
  const plan = await buildPlan({ inventory, usage, hostFindings: findings, options: { ...DEFAULT_PLAN_OPTIONS, ...options }, inputs: { inventorySha256: 'a'.repeat(64), usageSha256: 'b'.repeat(64) } });
  return PlanDocument.parse(plan);
}
