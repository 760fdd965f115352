// Generates the inputs of the `keyshift plan` benchmark (never committed): an inventory and a
// usage document for N EC2 instances, as `keyshift scan aws` and `keyshift usage` would write
// them for a large, messy account, at
//   bench/.work/plan/<N>/inventory.json, usage.json and manifest.json (the counts)
//
//   node --experimental-strip-types bench/plan/generate.ts 1000 10000
//
// Needs dist/ (npx tsc -p tsconfig.build.json): both documents are checked against the zod
// schemas of dist/src/model before they are written, so the inputs are always valid.
//
// The account, for N instances (figures for N = 10,000; everything scales with N):
//   - instances in 3 regions, 3 VPCs each (a NAT gateway and an S3 gateway endpoint per VPC):
//     40% in Auto Scaling groups of 5–20 with their own launch template (some launch
//     configurations, some owned by CloudFormation, some mixed instances policies), 10% launched
//     from a launch template outside any group (1–6 each), 25% sharing an application tag (2–12
//     each; app, application, service, keyshift:workload, App), 25% single (1% terminated);
//     how they reach AWS: auto-assigned public IPs, Elastic IPs, VPC endpoints (private IPs) or a
//     NAT gateway (attributed to the VPC only); IMDSv1 allowed on 60%;
//   - existing instance profiles: ~12% of units use one of N/1,000 shared ones (two of whose
//     roles have inline policies), ~15% have their own, ~3% only on some instances;
//   - N/2 = 5,000 access keys held by 0.7 × keys users in N/40 = 250 teams; each user has its
//     team's managed policy, perhaps an inline policy from a pool of N/50 and 0–2 of N/500 groups:
//     ~480 distinct policy documents with Allow, Deny, NotAction, NotResource, wildcards and
//     conditions (aws:SourceIp, aws:MultiFactorAuthPresent, aws:RequestedRegion, ${aws:username});
//   - keys: 45% used by one or two workloads of their team, 5% copied onto 2–8 unrelated
//     workloads, 22% used only from offices, CI runners or through NAT (uncovered sources), 20%
//     without recorded usage (last used before, inside or never), 5% inactive, 3% other (a
//     second key of a user, unused); one root key in use; copies of the keys in user data and
//     launch templates (inventory credentials);
//   - usage per key: 3–30 (action, resource) pairs across s3, sqs, dynamodb, kms, logs, ssm and
//     secretsmanager on the team's resources, with calls, first and last seen; sources mapped to
//     the workload's instance addresses (time slices for some shared keys, so apportioning can
//     tell them apart), uncovered extra sources, user agents (IMDSv2-capable or not), denied
//     attempts, role sessions (with trust and resource grants, one cross-account KMS key), and
//     evidence gaps (data events not recorded, region not covered, service last accessed).
// Deterministic: a seeded generator per N, so the same N always gives the same bytes.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Finding } from '../../src/model/finding.js';
import type {
  AccessKey,
  AutoScalingGroup,
  Ec2Instance,
  ElasticIp,
  IamGroup,
  IamRole,
  IamUser,
  InstanceProfile,
  InventoryDocument,
  InventoryFinding,
  LaunchConfiguration,
  LaunchTemplate,
  ManagedPolicy,
  NatGateway,
  ResourceGrant,
  AssumableRole,
  VpcEndpoint,
} from '../../src/model/inventory.js';
import type { ActionUse, DeniedUse, EvidenceGap, KeyUsage, SourceUse, TemporarySession, UsageDocument, UserAgentUse } from '../../src/model/usage.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ACCOUNT = '210987654321';
const PARTNER_ACCOUNT = '998877665544';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'] as const;
const INVENTORY_AS_OF = '2025-06-01T00:00:00.000Z';
const USAGE_AS_OF = '2025-06-02T00:00:00.000Z';
const WINDOW_FROM = Date.parse('2025-05-02T00:00:00.000Z');
const WINDOW_TO = Date.parse('2025-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const GENERATOR = { name: 'keyshift' as const, version: '0.1.0' };

// ---------------------------------------------------------------- random numbers
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  some<T>(xs: readonly T[], n: number): T[] {
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(this.int(copy.length), 1)[0] as T);
    return out;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
    }
    return xs;
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }
  /** heavy-tailed call counts: most pairs are called a few times, some thousands */
  calls(): number {
    return Math.max(1, Math.round(Math.exp(this.next() * 9)));
  }
}
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------- what the workloads touch
type Service = 's3' | 'sqs' | 'dynamodb' | 'kms' | 'logs' | 'ssm' | 'secretsmanager';
const SERVICES: readonly Service[] = ['s3', 's3', 's3', 'sqs', 'sqs', 'dynamodb', 'dynamodb', 'kms', 'logs', 'ssm', 'secretsmanager'];
const ACTIONS: Record<Service, { object: string[]; container: string[]; any: string[] }> = {
  s3: { object: ['GetObject', 'PutObject', 'DeleteObject', 'GetObjectTagging', 'PutObjectAcl', 'AbortMultipartUpload'], container: ['ListBucket', 'GetBucketLocation', 'ListBucketMultipartUploads'], any: ['ListAllMyBuckets'] },
  sqs: { object: [], container: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes', 'GetQueueUrl'], any: ['ListQueues'] },
  dynamodb: { object: [], container: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'Scan', 'BatchWriteItem', 'DescribeTable', 'DeleteItem'], any: ['ListTables'] },
  kms: { object: [], container: ['Decrypt', 'GenerateDataKey', 'Encrypt', 'DescribeKey'], any: ['ListAliases'] },
  logs: { object: [], container: ['CreateLogStream', 'PutLogEvents', 'DescribeLogStreams'], any: ['DescribeLogGroups'] },
  ssm: { object: [], container: ['GetParameter', 'GetParameters', 'GetParametersByPath'], any: ['DescribeParameters'] },
  secretsmanager: { object: [], container: ['GetSecretValue', 'DescribeSecret'], any: ['ListSecrets'] },
};

interface Team {
  index: number;
  name: string;
  region: string;
  buckets: string[];
  queues: string[];
  tables: string[];
  kmsKeys: string[];
  logGroups: string[];
  params: string[];
  secrets: string[];
  etlRole: string;
}

function teamResource(team: Team, service: Service, r: Rng): { action: string; resource: string } {
  const acts = ACTIONS[service];
  const region = r.chance(0.85) ? team.region : r.pick(REGIONS);
  if (r.chance(0.06)) return { action: `${service}:${r.pick(acts.any)}`, resource: '*' };
  switch (service) {
    case 's3': {
      const bucket = r.pick(team.buckets);
      if (r.chance(0.3)) return { action: `s3:${r.pick(acts.container)}`, resource: `arn:aws:s3:::${bucket}` };
      return { action: `s3:${r.pick(acts.object)}`, resource: `arn:aws:s3:::${bucket}/${r.pick(['uploads', 'exports', 'reports', 'tmp', 'media', 'backups'])}/*` };
    }
    case 'sqs':
      return { action: `sqs:${r.pick(acts.container)}`, resource: `arn:aws:sqs:${region}:${ACCOUNT}:${r.pick(team.queues)}` };
    case 'dynamodb':
      return { action: `dynamodb:${r.pick(acts.container)}`, resource: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${r.pick(team.tables)}` };
    case 'kms':
      return { action: `kms:${r.pick(acts.container)}`, resource: `arn:aws:kms:${region}:${ACCOUNT}:key/${r.pick(team.kmsKeys)}` };
    case 'logs':
      return { action: `logs:${r.pick(acts.container)}`, resource: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${r.pick(team.logGroups)}:log-stream:*` };
    case 'ssm':
      return { action: `ssm:${r.pick(acts.container)}`, resource: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${team.name}/${r.pick(team.params)}` };
    case 'secretsmanager':
      return { action: `secretsmanager:${r.pick(acts.container)}`, resource: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${team.name}/${r.pick(team.secrets)}` };
  }
}

// ---------------------------------------------------------------- policy documents
type Statement = Record<string, unknown>;
const doc = (...statements: Statement[]): Record<string, unknown> => ({ Version: '2012-10-17', Statement: statements });

/** The team's managed policy: its own resources by name prefix, with a variant per team. */
function teamPolicy(t: Team, variant: number): Record<string, unknown> {
  const p = t.name;
  const statements: Statement[] = [
    { Sid: 'Buckets', Effect: 'Allow', Action: variant % 5 === 0 ? 's3:*' : ['s3:Get*', 's3:Put*', 's3:List*', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: [`arn:aws:s3:::${p}-*`, `arn:aws:s3:::${p}-*/*`] },
    { Sid: 'Queues', Effect: 'Allow', Action: variant % 4 === 1 ? 'sqs:*' : ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueue*'], Resource: `arn:aws:sqs:*:${ACCOUNT}:${p}-*` },
    { Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:*Item', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable', 'dynamodb:BatchWriteItem'], Resource: [`arn:aws:dynamodb:*:${ACCOUNT}:table/${p}-*`, `arn:aws:dynamodb:*:${ACCOUNT}:table/${p}-*/index/*`] },
    { Sid: 'Keys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:Encrypt', 'kms:DescribeKey'], Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` },
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:Describe*'], Resource: variant % 3 === 0 ? '*' : `arn:aws:logs:*:${ACCOUNT}:log-group:/${p}/*` },
    { Sid: 'Params', Effect: 'Allow', Action: 'ssm:GetParameter*', Resource: `arn:aws:ssm:*:${ACCOUNT}:parameter/${p}/*` },
    { Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:${p}/*` },
  ];
  if (variant % 2 === 0) statements.push({ Sid: 'NoDestroy', Effect: 'Deny', Action: ['s3:DeleteBucket', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion', 'sqs:DeleteQueue'], Resource: '*' });
  if (variant % 7 === 3) statements.push({ Sid: 'ListAll', Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 'sqs:ListQueues', 'dynamodb:ListTables', 'kms:ListAliases', 'ssm:DescribeParameters', 'secretsmanager:ListSecrets'], Resource: '*' });
  if (variant % 6 === 5) statements.push({ Sid: 'OnlyOurRegions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 's3:ListAllMyBuckets'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': [...REGIONS] } } });
  if (variant % 11 === 4) statements.push({ Sid: 'OfficeOnlyWrites', Effect: 'Deny', Action: 's3:Put*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.0/24'] } } });
  if (variant % 13 === 6) statements.push({ Sid: 'OwnPrefix', Effect: 'Allow', Action: 's3:*Object', Resource: `arn:aws:s3:::${p}-shared/home/\${aws:username}/*` });
  if (variant % 9 === 2) statements.push({ Sid: 'NotTheirs', Effect: 'Deny', Action: 's3:*', NotResource: [`arn:aws:s3:::${p}-*`, `arn:aws:s3:::${p}-*/*`, 'arn:aws:s3:::shared-*', 'arn:aws:s3:::shared-*/*'] });
  if (variant % 10 === 7) statements.push({ Sid: 'TheirSecretsOnly', Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:${p}/prod/*` });
  return doc(...statements);
}

/** The shared managed policies groups attach. */
function sharedPolicies(): { name: string; document: Record<string, unknown> }[] {
  return [
    { name: 'ReadOnlyData', document: doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'dynamodb:Get*', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:Describe*', 'sqs:Get*', 'sqs:List*', 'logs:Describe*', 'logs:Get*'], Resource: '*' }) },
    { name: 'DenyDestructive', document: doc({ Effect: 'Deny', Action: ['s3:DeleteBucket*', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'secretsmanager:DeleteSecret', 'logs:DeleteLogGroup'], Resource: '*' }) },
    { name: 'RequireMfaForSecrets', document: doc({ Effect: 'Deny', Action: 'secretsmanager:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
    { name: 'LogsWriter', document: doc({ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: 'arn:aws:logs:*:*:*' }) },
    { name: 'ParameterReader', document: doc({ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:DescribeParameters'], Resource: '*' }) },
    { name: 'SharedBuckets', document: doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::shared-*', 'arn:aws:s3:::shared-*/*'] }) },
    { name: 'EverythingButIam', document: doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }, { Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' }) },
    { name: 'KmsAnyKey', document: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) },
    { name: 'QueueAdmin', document: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) },
    { name: 'DenyOutsideRegions', document: doc({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'cloudfront:*', 'route53:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': [...REGIONS] } } }) },
    { name: 'SelfManageKeys', document: doc({ Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:ListAccessKeys'], Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` }) },
    { name: 'DynamoAll', document: doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/*` }) },
    { name: 'FullS3', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
    { name: 'SecretsReaderTagged', document: doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:ResourceTag/owner': '${aws:PrincipalTag/team}' } } }) },
    { name: 'CiDeployer', document: doc({ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 'ssm:PutParameter', 'iam:PassRole'], Resource: '*' }) },
    { name: 'AnyAction', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) },
  ];
}

/** An inline policy from the pool: a narrow grant on a few of a team's resources, some odd. */
function inlinePolicy(t: Team, variant: number, r: Rng): Record<string, unknown> {
  const statements: Statement[] = [];
  const svc = variant % 4;
  if (svc === 0) statements.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: r.some(t.buckets, 2).map((b) => `arn:aws:s3:::${b}/*`) });
  if (svc === 1) statements.push({ Effect: 'Allow', Action: 'sqs:*Message*', Resource: r.some(t.queues, 2).map((q) => `arn:aws:sqs:${t.region}:${ACCOUNT}:${q}`) });
  if (svc === 2) statements.push({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: `arn:aws:dynamodb:${t.region}:${ACCOUNT}:table/${r.pick(t.tables)}` });
  if (svc === 3) statements.push({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${t.region}:${ACCOUNT}:secret:${t.name}/${r.pick(t.secrets)}*` });
  if (variant % 5 === 0) statements.push({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': [`198.51.100.${variant % 250}/32`] } } });
  if (variant % 7 === 1) statements.push({ Effect: 'Deny', Action: ['dynamodb:Scan', 'dynamodb:DeleteItem'], Resource: '*' });
  if (variant % 6 === 2) statements.push({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `s3.${t.region}.amazonaws.com` } } });
  if (variant % 9 === 4) statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/${t.etlRole}` });
  return doc(...statements);
}

// ---------------------------------------------------------------- the generator
interface Unit {
  kind: 'asg' | 'lt' | 'app' | 'single';
  name: string;
  region: string;
  vpc: Vpc;
  team: Team;
  instances: Ec2Instance[];
  /** how its instances reach AWS, for usage attribution */
  egress: 'public' | 'eip' | 'endpoint' | 'nat';
  asg: AutoScalingGroup | null;
  template: LaunchTemplate | null;
  keys: string[];
  /** [from, to] of its activity, ms */
  active: [number, number];
}

interface Vpc {
  id: string;
  region: string;
  cidr: number;
  subnets: string[];
  nat: NatGateway;
  endpoint: VpcEndpoint;
}

export interface Generated {
  inventory: InventoryDocument;
  usage: UsageDocument;
  manifest: Record<string, number>;
}

export function generate(N: number): Generated {
  const r = new Rng(0x706c616e ^ N);
  const K = Math.round(N / 2);
  const TEAMS = Math.max(10, Math.round(N / 40));
  const INLINE_POOL = Math.max(10, Math.round(N / 50));
  const GROUPS = Math.max(5, Math.round(N / 500));
  const SHARED_PROFILES = Math.max(2, Math.round(N / 1000));

  const seen = new Set<string>();
  const unique = (make: () => string): string => {
    for (;;) {
      const v = make();
      if (!seen.has(v)) {
        seen.add(v);
        return v;
      }
    }
  };
  const instanceId = (): string => unique(() => `i-0${r.hex(16)}`);
  const uuid = (): string => unique(() => `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)}`);
  const keyId = (): string => unique(() => `AKIA${r.chars(BASE32, 16)}`);
  let privateCounter = 0;
  let publicCounter = 0;
  const privateIp = (vpc: Vpc): string => {
    privateCounter++;
    return `10.${vpc.cidr}.${Math.floor(privateCounter / 250)}.${(privateCounter % 250) + 1}`;
  };
  const publicIp = (): string => {
    publicCounter++;
    return `${r.pick(['3', '18', '34', '52', '54'])}.${(publicCounter >> 16) & 255}.${(publicCounter >> 8) & 255}.${publicCounter & 255}`;
  };

  // ---- network
  const vpcs: Vpc[] = [];
  REGIONS.forEach((region, ri) => {
    for (let v = 0; v < 3; v++) {
      const id = unique(() => `vpc-0${r.hex(16)}`);
      const cidr = 16 + ri * 3 + v;
      const subnets = [0, 1, 2].map(() => unique(() => `subnet-0${r.hex(16)}`));
      vpcs.push({
        id,
        region,
        cidr,
        subnets,
        nat: { id: unique(() => `nat-0${r.hex(16)}`), region, vpcId: id, subnetId: subnets[0] ?? null, state: 'available', publicIps: [publicIp()], privateIps: [`10.${cidr}.250.10`] },
        endpoint: { id: unique(() => `vpce-0${r.hex(16)}`), region, vpcId: id, serviceName: `com.amazonaws.${region}.s3`, type: 'Gateway', subnetIds: [], networkInterfaceIds: [] },
      });
    }
  });

  // ---- teams and their resources
  const teams: Team[] = [];
  for (let t = 0; t < TEAMS; t++) {
    const name = `${r.pick(['billing', 'search', 'media', 'orders', 'ml', 'data', 'auth', 'crm', 'ads', 'risk', 'ops', 'web'])}${t}`;
    teams.push({
      index: t,
      name,
      region: REGIONS[t % REGIONS.length] ?? 'eu-west-1',
      buckets: ['assets', 'exports', 'uploads', 'logs'].slice(0, r.range(2, 4)).map((b) => `${name}-${b}`),
      queues: ['jobs', 'events', 'dlq', 'mail', 'thumbs'].slice(0, r.range(2, 5)).map((q) => `${name}-${q}`),
      tables: ['users', 'sessions', 'orders', 'state'].slice(0, r.range(2, 4)).map((q) => `${name}-${q}`),
      kmsKeys: [uuid(), uuid()],
      logGroups: [`/${name}/app`, `/${name}/worker`, `/${name}/cron`],
      params: ['db/url', 'db/user', 'feature-flags', 'api/endpoint'],
      secrets: ['prod/db-AbCdEf', 'prod/api-key-GhIjKl', 'staging/db-MnOpQr'],
      etlRole: `${name}-etl`,
    });
  }

  // ---- IAM: managed policies, groups, users, keys
  const managedPolicies: ManagedPolicy[] = [];
  const policyArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
  for (const t of teams) {
    managedPolicies.push({ policyName: `${t.name}-access`, arn: policyArn(`${t.name}-access`), path: '/', defaultVersionId: `v${r.range(1, 9)}`, document: teamPolicy(t, t.index), attachmentCount: 0, awsManaged: false });
  }
  for (const p of sharedPolicies()) managedPolicies.push({ policyName: p.name, arn: policyArn(p.name), path: '/shared/', defaultVersionId: 'v1', document: p.document, attachmentCount: 0, awsManaged: false });
  const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
  const CW_AGENT = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
  managedPolicies.push(
    { policyName: 'AmazonSSMManagedInstanceCore', arn: SSM_CORE, path: '/', defaultVersionId: 'v2', awsManaged: true, attachmentCount: 0, document: doc({ Effect: 'Allow', Action: ['ssm:DescribeAssociation', 'ssm:GetDocument', 'ssm:UpdateInstanceInformation', 'ssmmessages:*', 'ec2messages:*'], Resource: '*' }) },
    { policyName: 'CloudWatchAgentServerPolicy', arn: CW_AGENT, path: '/', defaultVersionId: 'v1', awsManaged: true, attachmentCount: 0, document: doc({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'logs:PutLogEvents', 'logs:CreateLogStream', 'ec2:DescribeTags'], Resource: '*' }) },
  );
  const shared = sharedPolicies().map((p) => ({ policyName: p.name, policyArn: policyArn(p.name) }));
  const groups: IamGroup[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const name = `${r.pick(['developers', 'operators', 'ci', 'analysts', 'services', 'contractors'])}-${g}`;
    const attached = r.some(shared, r.range(1, 2));
    if (g % 3 === 0) attached.push({ policyName: 'DenyDestructive', policyArn: policyArn('DenyDestructive') });
    groups.push({
      groupName: name,
      groupId: unique(() => `AGPA${r.chars(BASE32, 16)}`),
      arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
      attachedPolicies: [...new Map(attached.map((a) => [a.policyArn, a])).values()],
      inlinePolicies: g % 4 === 1 ? [{ policyName: 'group-extra', document: doc({ Effect: 'Allow', Action: ['sqs:ListQueues', 'sns:ListTopics'], Resource: '*' }) }] : [],
    });
  }

  const users: IamUser[] = [];
  const userTeam = new Map<string, Team>();
  const USERS = Math.round(K * 0.7);
  for (let u = 0; u < USERS; u++) {
    const team = teams[u % TEAMS] as Team;
    const userName = `${team.name}-${r.pick(['svc', 'app', 'worker', 'deploy', 'batch', 'ci', 'legacy'])}-${u}`;
    userTeam.set(userName, team);
    const attached = r.chance(0.85) ? [{ policyName: `${team.name}-access`, policyArn: policyArn(`${team.name}-access`) }] : [];
    if (r.chance(0.15)) attached.push(r.pick(shared));
    const inline = r.chance(0.4) ? [{ policyName: `inline-${u % INLINE_POOL}`, document: inlinePolicy(teams[(u % INLINE_POOL) % TEAMS] as Team, u % INLINE_POOL, new Rng(u % INLINE_POOL)) }] : [];
    users.push({
      userName,
      userId: unique(() => `AIDA${r.chars(BASE32, 16)}`),
      arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      path: r.chance(0.2) ? '/service/' : '/',
      createDate: iso(Date.parse('2019-01-01T00:00:00Z') + r.int(5 * 365) * DAY),
      groups: r.some(groups, r.pick([0, 0, 1, 1, 2])).map((g) => g.groupName),
      attachedPolicies: [...new Map(attached.map((a) => [a.policyArn, a])).values()],
      inlinePolicies: inline,
      tags: r.chance(0.3) ? { team: team.name } : {},
    });
  }
  // a user without any policy (its keys grant nothing) and a missing group, as real accounts have
  if (users[0]) users[0].groups.push('deleted-group');
  const attachedCount = new Map<string, number>();
  for (const holder of [...users, ...groups]) for (const a of holder.attachedPolicies) attachedCount.set(a.policyArn, (attachedCount.get(a.policyArn) ?? 0) + 1);

  // keys: every user one, the rest second keys of random users
  interface Key {
    id: string;
    user: IamUser;
    team: Team;
    category: 'own' | 'shared' | 'offsite' | 'unused' | 'inactive' | 'spare';
    units: Unit[];
  }
  const keys: Key[] = [];
  for (let k = 0; k < K; k++) {
    const user = k < USERS ? (users[k] as IamUser) : r.pick(users);
    keys.push({ id: keyId(), user, team: userTeam.get(user.userName) as Team, category: 'spare', units: [] });
  }
  const order = r.shuffle([...keys]);
  const cut = (f: number): number => Math.round(f * K);
  const bounds: [Key['category'], number][] = [['own', cut(0.45)], ['shared', cut(0.05)], ['offsite', cut(0.22)], ['unused', cut(0.2)], ['inactive', cut(0.05)]];
  let at = 0;
  for (const [category, n] of bounds) for (const key of order.slice(at, (at += n))) key.category = category;

  // ---- EC2: deployment units and their instances
  const units: Unit[] = [];
  const instances: Ec2Instance[] = [];
  const asgs: AutoScalingGroup[] = [];
  const templates: LaunchTemplate[] = [];
  const launchConfigurations: LaunchConfiguration[] = [];
  const elasticIps: ElasticIp[] = [];
  const launchTime = (): string => iso(Date.parse('2024-01-01T00:00:00Z') + r.int(480) * DAY + r.int(DAY));
  const appTagKeys = ['app', 'application', 'service', 'keyshift:workload', 'App'];

  const newInstance = (unit: Unit, extra: Partial<Ec2Instance>): Ec2Instance => {
    const id = instanceId();
    const subnet = r.pick(unit.vpc.subnets);
    const priv = privateIp(unit.vpc);
    const pub = unit.egress === 'public' || unit.egress === 'eip' ? [publicIp()] : [];
    if (unit.egress === 'eip' && pub[0]) elasticIps.push({ allocationId: unique(() => `eipalloc-0${r.hex(16)}`), publicIp: pub[0], region: unit.region, instanceId: id, networkInterfaceId: `eni-0${r.hex(16)}`, privateIp: priv });
    const inst: Ec2Instance = {
      instanceId: id,
      region: unit.region,
      state: 'running',
      name: null,
      tags: { team: unit.team.name, env: r.pick(['prod', 'prod', 'staging', 'dev']) },
      owner: {},
      platform: r.chance(0.97) ? 'linux' : 'windows',
      launchTime: launchTime(),
      vpcId: unit.vpc.id,
      subnetId: subnet,
      privateIps: [priv],
      publicIps: pub,
      networkInterfaces: [{ id: unique(() => `eni-0${r.hex(16)}`), subnetId: subnet, vpcId: unit.vpc.id, privateIps: [priv], publicIps: pub }],
      instanceProfile: null,
      metadataOptions: r.chance(0.6) ? { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 1 } : { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 2 },
      launchTemplate: null,
      userData: r.chance(0.7) ? { present: true, parts: r.range(1, 3) } : { present: false, parts: 0 },
      ...extra,
    };
    instances.push(inst);
    unit.instances.push(inst);
    return inst;
  };
  const newUnit = (kind: Unit['kind'], name: string): Unit => {
    const vpc = r.pick(vpcs);
    const team = r.pick(teams);
    const e = r.next();
    const unit: Unit = {
      kind,
      name,
      region: vpc.region,
      vpc,
      team,
      instances: [],
      egress: e < 0.3 ? 'public' : e < 0.4 ? 'eip' : e < 0.8 ? 'endpoint' : 'nat',
      asg: null,
      template: null,
      keys: [],
      active: [WINDOW_FROM + r.int(3) * DAY, WINDOW_TO - r.int(3) * DAY],
    };
    units.push(unit);
    return unit;
  };
  const newTemplate = (name: string, region: string): LaunchTemplate => {
    const latest = r.range(1, 12);
    const t: LaunchTemplate = {
      id: unique(() => `lt-0${r.hex(16)}`),
      name,
      region,
      defaultVersion: r.chance(0.8) ? latest : Math.max(1, latest - 1),
      latestVersion: latest,
      tags: {},
      versions: [],
    };
    for (let v = Math.max(1, latest - 2); v <= latest; v++) {
      t.versions.push({ version: v, instanceProfile: null, metadataOptions: r.chance(0.6) ? { httpTokens: 'optional' } : { httpTokens: 'required', hopLimit: 2 }, userData: { present: true, parts: r.range(1, 2) } });
    }
    templates.push(t);
    return t;
  };

  let placed = 0;
  // Auto Scaling groups (40%)
  for (let g = 0; placed < 0.4 * N; g++) {
    const size = Math.min(r.range(5, 20), Math.ceil(0.4 * N - placed));
    const unit = newUnit('asg', '');
    unit.name = `${unit.team.name}-${r.pick(['web', 'api', 'worker', 'consumer', 'render', 'etl'])}-asg-${g}`;
    const cfn = r.chance(0.1) ? `${unit.team.name}-stack-${g}` : undefined;
    const lc = r.chance(0.05);
    const template = lc ? null : newTemplate(`${unit.name}-lt`, unit.region);
    if (lc) launchConfigurations.push({ name: `${unit.name}-lc`, region: unit.region, instanceProfile: null, metadataOptions: null, userData: { present: true, parts: 1 } });
    unit.template = template;
    const group: AutoScalingGroup = {
      name: unit.name,
      arn: `arn:aws:autoscaling:${unit.region}:${ACCOUNT}:autoScalingGroup:${uuid()}:autoScalingGroupName/${unit.name}`,
      region: unit.region,
      launchTemplate: template ? { id: template.id, name: template.name, version: r.pick(['$Default', '$Latest', String(template.latestVersion)]) } : null,
      launchConfigurationName: lc ? `${unit.name}-lc` : null,
      mixedInstancesPolicy: r.chance(0.05),
      instances: [],
      minSize: Math.max(1, size - 3),
      maxSize: size + 5,
      desiredCapacity: size,
      tags: cfn ? { 'aws:cloudformation:stack-name': cfn, team: unit.team.name } : { team: unit.team.name },
    };
    unit.asg = group;
    asgs.push(group);
    for (let i = 0; i < size; i++) {
      const inst = newInstance(unit, {
        owner: { autoScalingGroup: unit.name, ...(cfn ? { cloudFormationStack: cfn } : {}) },
        launchTemplate: template ? { id: template.id, version: String(template.defaultVersion) } : null,
        tags: { team: unit.team.name, 'aws:autoscaling:groupName': unit.name, ...(r.chance(0.3) ? { app: unit.name } : {}) },
      });
      group.instances.push(inst.instanceId);
    }
    placed += size;
  }
  // launch templates outside any group (10%)
  for (let g = 0; placed < 0.5 * N; g++) {
    const size = Math.min(r.range(1, 6), Math.ceil(0.5 * N - placed));
    const unit = newUnit('lt', '');
    unit.name = `${unit.team.name}-${r.pick(['batch', 'bastion', 'jenkins', 'kafka', 'redis'])}-${g}`;
    const template = newTemplate(`${unit.name}-lt`, unit.region);
    unit.template = template;
    for (let i = 0; i < size; i++) newInstance(unit, { launchTemplate: { id: template.id, version: String(template.latestVersion) }, name: `${unit.name}-${i}`, tags: { team: unit.team.name, Name: `${unit.name}-${i}` } });
    placed += size;
  }
  // application-tagged groups (25%)
  for (let g = 0; placed < 0.75 * N; g++) {
    const size = Math.min(r.range(2, 12), Math.ceil(0.75 * N - placed));
    const unit = newUnit('app', '');
    unit.name = `${unit.team.name}-${r.pick(['reports', 'cron', 'mailer', 'scraper', 'legacy', 'importer'])}-${g}`;
    const tagKey = r.pick(appTagKeys);
    for (let i = 0; i < size; i++) newInstance(unit, { name: `${unit.name}-${i}`, tags: { team: unit.team.name, [tagKey]: unit.name, Name: `${unit.name}-${i}` } });
    placed += size;
  }
  // single instances (25%)
  for (let g = 0; placed < N; g++) {
    const unit = newUnit('single', '');
    unit.name = `${unit.team.name}-${r.pick(['box', 'dev', 'tools', 'ftp', 'vpn', 'db-admin'])}-${g}`;
    newInstance(unit, { name: unit.name, tags: { team: unit.team.name, Name: unit.name }, ...(r.chance(0.01) ? { state: 'terminated' } : r.chance(0.03) ? { state: 'stopped' } : {}) });
    placed += 1;
  }

  // ---- existing instance profiles
  const roles: IamRole[] = [];
  const profiles: InstanceProfile[] = [];
  const profileArnOf = (name: string): string => `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`;
  const makeRoleAndProfile = (name: string, attached: string[], inline: boolean): InstanceProfile => {
    roles.push({
      roleName: name,
      roleId: unique(() => `AROA${r.chars(BASE32, 16)}`),
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      path: '/',
      trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      attachedPolicies: attached.map((policyArn) => ({ policyName: policyArn.split('/').at(-1) ?? policyArn, policyArn })),
      inlinePolicies: inline ? [{ policyName: 'agent-extra', document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-agent-config/*' }) }] : [],
      instanceProfiles: [name],
      tags: {},
    });
    const p: InstanceProfile = { name, id: unique(() => `AIPA${r.chars(BASE32, 16)}`), arn: profileArnOf(name), path: '/', roles: [name], instances: [] };
    profiles.push(p);
    return p;
  };
  const sharedProfiles: InstanceProfile[] = [];
  for (let s = 0; s < SHARED_PROFILES; s++) sharedProfiles.push(makeRoleAndProfile(`ec2-ssm-core-${s}`, s % 2 === 0 ? [SSM_CORE] : [SSM_CORE, CW_AGENT], s < 2));
  const give = (inst: Ec2Instance, p: InstanceProfile): void => {
    inst.instanceProfile = { arn: p.arn, id: p.id, associationId: unique(() => `iip-assoc-0${r.hex(16)}`) };
    p.instances.push(inst.instanceId);
  };
  for (const unit of units) {
    const live = unit.instances.filter((i) => i.state !== 'terminated');
    const roll = r.next();
    if (roll < 0.12) {
      const p = r.pick(sharedProfiles);
      for (const i of live) give(i, p);
      const version = unit.template?.versions.at(-1);
      if (version) version.instanceProfile = { arn: p.arn, name: p.name };
    } else if (roll < 0.27) {
      const p = makeRoleAndProfile(`${unit.name}-role`.slice(0, 64), r.chance(0.5) ? [SSM_CORE] : [SSM_CORE, policyArn(`${unit.team.name}-access`)], r.chance(0.2));
      for (const i of live) give(i, p);
      for (const v of unit.template?.versions ?? []) v.instanceProfile = r.chance(0.5) ? { arn: p.arn, name: null } : { arn: null, name: p.name };
    } else if (roll < 0.3 && live.length > 1) {
      const p = r.pick(sharedProfiles);
      for (const i of live.slice(0, Math.ceil(live.length / 2))) give(i, p);
    }
  }

  // ---- which workloads use which keys
  const keyed = r.shuffle(units.filter((u) => u.instances.some((i) => i.state !== 'terminated') && r.chance(0.7)));
  const ownKeys = keys.filter((k) => k.category === 'own');
  let ki = 0;
  for (const unit of keyed) {
    if (ki >= ownKeys.length) break;
    const n = r.chance(0.8) ? 1 : 2;
    for (let j = 0; j < n && ki < ownKeys.length; j++) {
      const key = ownKeys[ki++] as Key;
      key.units.push(unit);
      unit.keys.push(key.id);
      unit.team = key.team; // the workload works on its key holder's team resources
    }
  }
  // own keys left over (fewer keyed workloads than keys): a second workload of the team
  for (; ki < ownKeys.length; ki++) {
    const key = ownKeys[ki] as Key;
    const unit = r.pick(keyed);
    key.units.push(unit);
    unit.keys.push(key.id);
  }
  const liveUnits = units.filter((u) => u.instances.some((i) => i.state !== 'terminated'));
  for (const key of keys.filter((k) => k.category === 'shared')) {
    // one key copied onto many unrelated machines
    for (const unit of r.some(liveUnits, r.range(2, 8))) {
      key.units.push(unit);
      unit.keys.push(key.id);
    }
  }

  // copies of the keys where the scan found them: launch templates and user data
  const credentials: Finding[] = [];
  const finding = (keyIdValue: string, location: Finding['location']): void => {
    const fingerprint = `ks1:${createHash('sha256').update(`${keyIdValue} ${JSON.stringify(location)}`).digest('hex').slice(0, 16)}`;
    credentials.push({ fingerprint, rule: 'aws-access-key-pair', severity: 'critical', keyId: keyIdValue, keyKind: 'long-term', secretFingerprint: `sha256:${r.hex(12)}`, account: { id: ACCOUNT, source: 'decoded' }, location });
  };
  for (const unit of units) {
    for (const k of unit.keys) {
      if (unit.template && r.chance(0.6)) {
        finding(k, { type: 'launch-template', launchTemplateId: unit.template.id, launchTemplateName: unit.template.name, version: unit.template.defaultVersion, region: unit.region, part: 0, contentType: 'text/x-shellscript', line: r.range(3, 40) });
      } else if (!unit.template && r.chance(0.4)) {
        for (const i of unit.instances) if (i.state !== 'terminated') finding(k, { type: 'user-data', instanceId: i.instanceId, region: unit.region, part: 0, line: r.range(3, 40) });
      }
    }
  }
  // a key in the user data of a terminated machine, and one in a launch configuration
  const gone = instances.find((i) => i.state === 'terminated');
  const someKey = ownKeys[0];
  if (gone && someKey) finding(someKey.id, { type: 'user-data', instanceId: gone.instanceId, region: gone.region, part: 0 });
  const lcGroup = asgs.find((g) => g.launchConfigurationName !== null);
  const lcUnit = units.find((u) => u.asg === lcGroup);
  if (lcGroup && lcUnit?.keys[0]) finding(lcUnit.keys[0], { type: 'launch-configuration', name: lcGroup.launchConfigurationName ?? '', region: lcGroup.region, part: 0 });

  // ---- usage
  const userAgents: UserAgentUse[] = [
    { userAgent: 'aws-sdk-java/1.12.529 Linux/5.10.219 OpenJDK_64-Bit_Server_VM/17.0.11', tool: { name: 'aws-sdk-java', version: '1.12.529' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10 lang/python#3.11.8', tool: { name: 'boto3', version: '1.34.69' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'Boto3/1.9.86 Python/2.7.18 Linux/4.14 Botocore/1.12.86', tool: { name: 'boto3', version: '1.9.86' }, imdsv2Capable: false, calls: 1 },
    { userAgent: 'aws-cli/1.16.300 Python/2.7.18 Linux/4.14 botocore/1.13.36', tool: { name: 'aws-cli', version: '1.16.300' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'aws-cli/1.14.30 Python/2.7.5 Linux/3.10 botocore/1.8.34', tool: { name: 'aws-cli', version: '1.14.30' }, imdsv2Capable: false, calls: 1 },
    { userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/5.10 exe/x86_64.amzn.2', tool: { name: 'aws-cli', version: '2.15.30' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'aws-sdk-go/1.44.298 (go1.20.5; linux; amd64)', tool: { name: 'aws-sdk-go', version: '1.44.298' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'aws-sdk-nodejs/2.1550.0 linux/v18.19.1 promise', tool: { name: 'aws-sdk-js', version: '2.1550.0' }, imdsv2Capable: true, calls: 1 },
    { userAgent: 'aws-sdk-nodejs/2.400.0 linux/v8.17.0', tool: { name: 'aws-sdk-js', version: '2.400.0' }, imdsv2Capable: false, calls: 1 },
    { userAgent: 's3fs/1.91 (commit hash unknown; OpenSSL)', tool: null, imdsv2Capable: null, calls: 1 },
    { userAgent: 'rclone/v1.62.2', tool: null, imdsv2Capable: null, calls: 1 },
  ];
  const offices = ['203.0.113.10', '203.0.113.11', '198.51.100.7', '198.51.100.8', '192.0.2.44'];
  const ciRunners = Array.from({ length: 20 }, (_, i) => `35.180.${i}.${10 + i}`);
  const usageKeys: KeyUsage[] = [];
  const gaps: EvidenceGap[] = [];
  const resourceGrants: ResourceGrant[] = [];
  const assumableRoles: AssumableRole[] = [];
  const trustGrants = new Set<string>();
  const keyLastSeen = new Map<string, string>();

  const within = (from: number, to: number): [number, number] => {
    const a = from + r.int(Math.max(1, to - from));
    const b = a + r.int(Math.max(1, to - a));
    return [a, Math.max(a + 60_000, b)];
  };

  for (const key of keys) {
    if (key.category !== 'own' && key.category !== 'shared' && key.category !== 'offsite') continue;
    const team = key.team;
    // time slices for half the shared keys: each workload used it in its own part of the window
    const sliced = key.category === 'shared' && r.chance(0.5);
    const slices = new Map<Unit, [number, number]>();
    key.units.forEach((u, i) => {
      if (!sliced) return slices.set(u, u.active);
      const span = (WINDOW_TO - WINDOW_FROM) / key.units.length;
      return slices.set(u, [WINDOW_FROM + i * span + 3_600_000, WINDOW_FROM + (i + 1) * span - 3_600_000]);
    });

    const sources = new Map<string, SourceUse>();
    const addSource = (source: string, interval: [number, number], attribution: SourceUse['attribution'], vpcEndpointId: string | null = null): void => {
      if (sources.has(source)) return;
      sources.set(source, { source, vpcEndpointId, calls: r.calls(), firstSeen: iso(interval[0]), lastSeen: iso(interval[1]), attribution });
    };
    for (const unit of key.units) {
      const slice = slices.get(unit) ?? unit.active;
      for (const inst of unit.instances.slice(0, 25)) {
        if (inst.state === 'terminated' && r.chance(0.5)) continue;
        const at = (reason: string, confidence: SourceUse['attribution']['confidence']): SourceUse['attribution'] => ({ kind: 'instance', instanceId: inst.instanceId, region: inst.region, confidence, reason });
        if (unit.egress === 'eip') addSource(inst.publicIps[0] ?? '', slice, at(`Elastic IP of ${inst.instanceId}`, 'high'));
        else if (unit.egress === 'public') addSource(inst.publicIps[0] ?? '', slice, at(`public IP of ${inst.instanceId} (auto-assigned, may have changed)`, 'medium'));
        else if (unit.egress === 'endpoint') addSource(inst.privateIps[0] ?? '', slice, at(`private IP of ${inst.instanceId} through ${unit.vpc.endpoint.id}`, 'high'), unit.vpc.endpoint.id);
        else addSource(unit.vpc.nat.publicIps[0] ?? '', slice, { kind: 'vpc', vpcId: unit.vpc.id, region: unit.region, confidence: 'low', reason: `NAT gateway ${unit.vpc.nat.id} of ${unit.vpc.id}: any instance behind it` });
      }
    }
    if (key.category === 'offsite' || r.chance(0.1)) {
      const n = key.category === 'offsite' ? r.range(1, 3) : 1;
      for (let s = 0; s < n; s++) {
        const roll = r.next();
        if (roll < 0.4) addSource(r.pick(offices), [WINDOW_FROM, WINDOW_TO - DAY], { kind: 'uncovered', confidence: 'none', reason: 'public address of no known instance (an office?)' });
        else if (roll < 0.75) addSource(r.pick(ciRunners), within(WINDOW_FROM, WINDOW_TO), { kind: 'uncovered', confidence: 'none', reason: 'address outside the account (a CI runner?)' });
        else {
          const vpc = r.pick(vpcs);
          addSource(vpc.nat.publicIps[0] ?? '', within(WINDOW_FROM, WINDOW_TO), { kind: 'vpc', vpcId: vpc.id, region: vpc.region, confidence: 'low', reason: `NAT gateway ${vpc.nat.id}` });
        }
      }
    }
    if (r.chance(0.03)) {
      const other = r.pick(instances);
      addSource(other.privateIps[0] ?? '', within(WINDOW_FROM, WINDOW_TO), { kind: 'instance', instanceId: other.instanceId, region: other.region, confidence: 'low', reason: `private IP once held by ${other.instanceId}` }, r.pick(vpcs).endpoint.id);
    }

    // (action, resource) pairs, each from one of the key's workloads' time slices
    const pairs = new Map<string, ActionUse>();
    const want = r.range(3, 30);
    for (let tries = 0; pairs.size < want && tries < want * 4; tries++) {
      const { action, resource } = r.chance(0.05) ? teamResource(r.pick(teams), r.pick(SERVICES), r) : teamResource(team, r.pick(SERVICES), r);
      const id = `${action} ${resource}`;
      if (pairs.has(id)) continue;
      const slice: [number, number] = key.units.length > 0 ? (slices.get(r.pick(key.units)) ?? [WINDOW_FROM, WINDOW_TO]) : [WINDOW_FROM, WINDOW_TO];
      const [a, b] = within(slice[0], slice[1]);
      pairs.set(id, { action, resource, calls: r.calls(), firstSeen: iso(a), lastSeen: iso(b) });
    }
    // operations scripts: describe calls, key rotation, handing a role to new instances (lint material)
    if (r.chance(0.03)) {
      const [a, b] = within(WINDOW_FROM, WINDOW_TO);
      const extra = [
        { action: 'ec2:DescribeInstances', resource: '*' },
        { action: 'sts:GetCallerIdentity', resource: '*' },
        { action: 'iam:CreateAccessKey', resource: key.user.arn },
        { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/*` },
        { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${team.region}:${ACCOUNT}:instance/*` },
      ];
      for (const x of r.some(extra, r.range(2, 5))) pairs.set(`${x.action} ${x.resource}`, { ...x, calls: r.range(1, 200), firstSeen: iso(a), lastSeen: iso(b) });
    }
    const actions = [...pairs.values()];
    const denied: DeniedUse[] = [];
    if (r.chance(0.2)) {
      for (let d = r.range(1, 3); d > 0; d--) {
        const other = r.pick(teams);
        const [a, b] = within(WINDOW_FROM, WINDOW_TO);
        const pick = r.pick([
          { action: 's3:DeleteBucket', resource: `arn:aws:s3:::${r.pick(team.buckets)}` },
          { action: 'kms:Decrypt', resource: `arn:aws:kms:${other.region}:${ACCOUNT}:key/${r.pick(other.kmsKeys)}` },
          { action: 'dynamodb:DeleteTable', resource: `arn:aws:dynamodb:${team.region}:${ACCOUNT}:table/${r.pick(team.tables)}` },
          { action: 's3:GetObject', resource: `arn:aws:s3:::${r.pick(other.buckets)}/exports/*` },
          { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:${team.region}:${ACCOUNT}:secret:${other.name}/prod/db-AbCdEf` },
          { action: 'iam:ListRoles', resource: '*' },
        ]);
        if (!denied.some((x) => x.action === pick.action && x.resource === pick.resource)) denied.push({ ...pick, calls: r.range(1, 50), firstSeen: iso(a), lastSeen: iso(b), errorCode: r.pick(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']) });
      }
    }
    const sessions: TemporarySession[] = [];
    if (r.chance(0.03)) {
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/${team.etlRole}`;
      const [a, b] = within(WINDOW_FROM, WINDOW_TO);
      sessions.push({
        accessKeyId: `ASIA${r.chars(BASE32, 16)}`,
        via: 'AssumeRole',
        roleArn,
        actions: [
          { action: 's3:GetObject', resource: `arn:aws:s3:::${r.pick(team.buckets)}/exports/*`, calls: r.calls(), firstSeen: iso(a), lastSeen: iso(b) },
          { action: 'dynamodb:Query', resource: `arn:aws:dynamodb:${team.region}:${ACCOUNT}:table/${r.pick(team.tables)}`, calls: r.calls(), firstSeen: iso(a), lastSeen: iso(b) },
        ],
        denied: [],
      });
      const grantId = `${roleArn} ${key.user.userName}`;
      if (!trustGrants.has(grantId)) {
        trustGrants.add(grantId);
        assumableRoles.push({ userName: key.user.userName, roleArn, via: r.pick(['trust-policy', 'both']) });
        if (r.chance(0.7)) resourceGrants.push({ resourceArn: roleArn, resourceType: 'role-trust', region: null, userName: key.user.userName, statements: [{ Effect: 'Allow', Principal: { AWS: key.user.arn }, Action: 'sts:AssumeRole' }] });
      }
    }
    // resource policies naming the user, for resources its evidence names
    if (r.chance(0.05)) {
      const bucket = actions.find((x) => x.resource.startsWith('arn:aws:s3:::'))?.resource.split('/')[0];
      if (bucket) resourceGrants.push({ resourceArn: bucket, resourceType: 's3-bucket', region: team.region, userName: key.user.userName, statements: [{ Sid: 'AppAccess', Effect: 'Allow', Principal: { AWS: key.user.arn }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucket}/*` }] });
    }
    if (r.chance(0.02)) {
      const kmsUse = actions.find((x) => x.action.startsWith('kms:') && x.resource !== '*');
      if (kmsUse) resourceGrants.push({ resourceArn: kmsUse.resource, resourceType: 'kms-key', region: team.region, userName: key.user.userName, statements: [{ Effect: 'Allow', Principal: { AWS: key.user.arn }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' }] });
    }
    if (r.chance(0.005)) {
      const resource = `arn:aws:kms:${team.region}:${PARTNER_ACCOUNT}:key/${uuid()}`;
      const [a, b] = within(WINDOW_FROM, WINDOW_TO);
      actions.push({ action: 'kms:Decrypt', resource, calls: r.calls(), firstSeen: iso(a), lastSeen: iso(b) });
      resourceGrants.push({ resourceArn: resource, resourceType: 'kms-key', region: team.region, userName: key.user.userName, statements: [{ Effect: 'Allow', Principal: { AWS: key.user.arn }, Action: 'kms:Decrypt', Resource: '*' }] });
    }

    const agents = r.some(userAgents, r.pick([1, 1, 1, 2, 3])).map((a) => ({ ...a, calls: r.calls() }));
    const all = [...actions, ...denied, ...sessions.flatMap((s) => s.actions)];
    const first = Math.min(...all.map((x) => Date.parse(x.firstSeen)));
    const last = Math.max(...all.map((x) => Date.parse(x.lastSeen)));
    keyLastSeen.set(key.id, iso(last));
    const regions = new Map<string, number>();
    for (const x of actions) {
      const region = x.resource.split(':')[3] || team.region;
      regions.set(region, (regions.get(region) ?? 0) + x.calls);
    }
    const sourceList = [...sources.values()];
    usageKeys.push({
      accessKeyId: key.id,
      principal: { type: 'IAMUser', arn: key.user.arn, userName: key.user.userName, accountId: ACCOUNT },
      totalCalls: actions.reduce((n, x) => n + x.calls, 0),
      firstSeen: iso(first),
      lastSeen: iso(last),
      longestGapSeconds: r.chance(0.15) ? r.range(7, 20) * 86_400 : r.range(60, 3 * 86_400),
      actions,
      denied,
      sources: sourceList,
      userAgents: agents,
      regions: [...regions].map(([region, calls]) => ({ region, calls })),
      sessions,
      uncovered: sourceList.some((s) => s.attribution.kind !== 'instance' || s.attribution.confidence === 'low' || s.attribution.confidence === 'none'),
    });

    // evidence gaps
    const gapRoll = r.next();
    if (gapRoll < 0.05) {
      const service = r.pick(['s3', 'dynamodb', 'sqs']);
      gaps.push({ accessKeyId: key.id, userName: key.user.userName, service, reason: 'data-events-not-recorded', detail: `${service} data events are not selected by the trail in ${team.region}` });
    } else if (gapRoll < 0.07) {
      gaps.push({ accessKeyId: key.id, userName: key.user.userName, service: 'ec2', reason: 'region-not-covered', detail: 'service last accessed shows use in sa-east-1, a region the evidence does not cover' });
    } else if (gapRoll < 0.09) {
      gaps.push({ accessKeyId: key.id, userName: key.user.userName, service: 'sns', reason: 'service-last-accessed-not-in-evidence', detail: 'IAM service last accessed shows sns use that the evidence lacks' });
    } else if (gapRoll < 0.1) {
      gaps.push({ accessKeyId: key.id, userName: key.user.userName, service: 's3', reason: 'last-used-after-evidence', detail: 'GetAccessKeyLastUsed is later than the evidence ends' });
    }
  }
  // the root user's key, in use
  const rootKey = keyId();
  usageKeys.push({
    accessKeyId: rootKey,
    principal: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, userName: null, accountId: ACCOUNT },
    totalCalls: 4,
    firstSeen: iso(WINDOW_FROM + 3 * DAY),
    lastSeen: iso(WINDOW_FROM + 9 * DAY),
    longestGapSeconds: 6 * 86_400,
    actions: [{ action: 's3:ListAllMyBuckets', resource: '*', calls: 4, firstSeen: iso(WINDOW_FROM + 3 * DAY), lastSeen: iso(WINDOW_FROM + 9 * DAY) }],
    denied: [],
    sources: [{ source: offices[0] ?? '', vpcEndpointId: null, calls: 4, firstSeen: iso(WINDOW_FROM + 3 * DAY), lastSeen: iso(WINDOW_FROM + 9 * DAY), attribution: { kind: 'uncovered', confidence: 'none', reason: 'public address of no known instance' } }],
    userAgents: [{ ...(userAgents[5] as UserAgentUse), calls: 4 }],
    regions: [{ region: 'us-east-1', calls: 4 }],
    sessions: [],
    uncovered: true,
  });

  // ---- the inventory's view of the keys
  const accessKeys: AccessKey[] = keys.map((k) => {
    const created = Date.parse('2019-06-01T00:00:00Z') + r.int(5 * 365) * DAY;
    const ageDays = Math.floor((Date.parse(INVENTORY_AS_OF) - created) / DAY);
    const seenAt = keyLastSeen.get(k.id);
    let lastUsed: AccessKey['lastUsed'];
    if (seenAt) lastUsed = { date: seenAt, serviceName: 's3', region: k.team.region };
    else {
      const roll = r.next();
      lastUsed =
        roll < 0.5 ? { date: iso(WINDOW_FROM - r.range(5, 400) * DAY), serviceName: r.pick(['s3', 'sqs', 'ec2']), region: k.team.region }
        : roll < 0.75 ? { date: null, serviceName: null, region: null }
        : roll < 0.9 ? { date: iso(WINDOW_FROM + r.int(25) * DAY), serviceName: 'sts', region: 'us-east-1' }
        : null;
    }
    return { accessKeyId: k.id, userName: k.user.userName, status: k.category === 'inactive' ? 'Inactive' : 'Active', createDate: iso(created), ageDays, lastUsed };
  });
  const findings: InventoryFinding[] = [];
  for (const k of accessKeys) {
    if (k.ageDays > 90) findings.push({ rule: 'key-older-than-90-days', severity: 'medium', subject: { type: 'access-key', accessKeyId: k.accessKeyId, userName: k.userName }, message: `${k.accessKeyId} is ${k.ageDays} days old` });
  }
  for (const i of instances) {
    if (i.state === 'terminated') continue;
    if (!i.instanceProfile) findings.push({ rule: 'instance-without-profile', severity: 'medium', subject: { type: 'instance', instanceId: i.instanceId, region: i.region }, message: `${i.instanceId} has no instance profile` });
    if (i.metadataOptions.httpTokens === 'optional') findings.push({ rule: 'instance-allows-imdsv1', severity: 'high', subject: { type: 'instance', instanceId: i.instanceId, region: i.region }, message: `${i.instanceId} allows IMDSv1` });
  }

  for (const p of managedPolicies) p.attachmentCount = (attachedCount.get(p.arn) ?? 0) + roles.filter((x) => x.attachedPolicies.some((a) => a.policyArn === p.arn)).length;
  const customerPolicies = managedPolicies.filter((p) => !p.awsManaged).length;

  const inventory: InventoryDocument = {
    kind: 'inventory',
    version: 1,
    account: ACCOUNT,
    asOf: INVENTORY_AS_OF,
    generator: GENERATOR,
    caller: { arn: `arn:aws:iam::${ACCOUNT}:user/keyshift-auditor`, userId: 'AIDAKEYSHIFTAUDITOR0' },
    regions: [...REGIONS],
    quotas: {
      roles: { used: roles.length + 40, max: 5000 },
      instanceProfiles: { used: profiles.length, max: 5000 },
      policies: { used: customerPolicies, max: 5000 },
      attachedPoliciesPerRole: 20,
    },
    iam: {
      users,
      groups,
      roles,
      managedPolicies,
      instanceProfiles: profiles,
      accessKeys,
      serviceLastAccessed: users.slice(0, Math.round(users.length / 10)).map((u, i) => ({
        userName: u.userName,
        status: i % 17 === 0 ? 'FAILED' : 'COMPLETED',
        services: [
          { serviceNamespace: 's3', lastAuthenticated: iso(WINDOW_TO - (i % 20) * DAY), lastAuthenticatedRegion: 'eu-west-1' },
          { serviceNamespace: 'sqs', lastAuthenticated: i % 3 === 0 ? null : iso(WINDOW_TO - (i % 9) * DAY), lastAuthenticatedRegion: null },
        ],
      })),
      rootKeys: { keys: [{ slot: 1, active: true, lastRotated: null, lastUsed: iso(WINDOW_FROM + 9 * DAY) }] },
    },
    resourceGrants,
    assumableRoles,
    ec2: {
      instances,
      autoScalingGroups: asgs,
      launchTemplates: templates,
      launchConfigurations,
      elasticIps,
      natGateways: vpcs.map((v) => v.nat),
      vpcEndpoints: vpcs.map((v) => v.endpoint),
    },
    credentials,
    hostScans: [],
    findings,
    incomplete: [],
  };

  const usage: UsageDocument = {
    kind: 'usage',
    version: 1,
    account: ACCOUNT,
    asOf: USAGE_AS_OF,
    generator: GENERATOR,
    window: { since: iso(WINDOW_FROM), until: iso(WINDOW_TO) },
    sources: [{ type: 's3', location: `s3://org-trail-${ACCOUNT}/AWSLogs/${ACCOUNT}/CloudTrail/`, files: 43_200, events: usageKeys.reduce((n, k) => n + k.totalCalls, 0) }],
    skipped: { 'not-cloudtrail': 3, 'invalid-ip': 12 },
    inventoryAsOf: INVENTORY_AS_OF,
    keys: usageKeys,
    coverage: {
      basis: 'trail-selectors',
      managementEvents: 'all',
      dataEvents: 'recorded',
      regions: [...REGIONS],
      span: { from: iso(WINDOW_FROM), to: iso(WINDOW_TO) },
      notes: ['data events recorded for S3 objects, DynamoDB tables and SQS queues by the organization trail, except where a gap says otherwise'],
      gaps,
    },
  };

  const count = (c: Key['category']): number => keys.filter((k) => k.category === c).length;
  const manifest = {
    instances: instances.length,
    autoScalingGroups: asgs.length,
    launchTemplates: templates.length,
    deploymentUnits: units.length,
    unitsWithKeys: units.filter((u) => u.keys.length > 0).length,
    users: users.length,
    groups: groups.length,
    managedPolicies: managedPolicies.length,
    distinctPolicyDocuments: new Set([...managedPolicies.map((p) => JSON.stringify(p.document)), ...users.flatMap((u) => u.inlinePolicies.map((p) => JSON.stringify(p.document))), ...groups.flatMap((g) => g.inlinePolicies.map((p) => JSON.stringify(p.document)))]).size,
    instanceProfiles: profiles.length,
    accessKeys: accessKeys.length,
    keysOwn: count('own'),
    keysShared: count('shared'),
    keysOffsite: count('offsite'),
    keysUnused: count('unused') + count('spare'),
    keysInactive: count('inactive'),
    usageKeys: usageKeys.length,
    actionPairs: usageKeys.reduce((n, k) => n + k.actions.length, 0),
    sources: usageKeys.reduce((n, k) => n + k.sources.length, 0),
    credentials: credentials.length,
    resourceGrants: resourceGrants.length,
    gaps: gaps.length,
  };
  return { inventory, usage, manifest };
}

// ---------------------------------------------------------------- main
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100)) {
    console.error('usage: node --experimental-strip-types bench/plan/generate.ts N... (N >= 100 instances)');
    process.exit(2);
  }
  const model = (name: string): string => pathToFileURL(join(root, 'dist', 'src', 'model', `${name}.js`)).href;
  const schemas = {
    inventory: ((await import(model('inventory'))) as { InventoryDocument: { parse(x: unknown): unknown } }).InventoryDocument,
    usage: ((await import(model('usage'))) as { UsageDocument: { parse(x: unknown): unknown } }).UsageDocument,
  };
  for (const n of sizes) {
    const t0 = performance.now();
    const { inventory, usage, manifest } = generate(n);
    schemas.inventory.parse(inventory);
    schemas.usage.parse(usage);
    const dir = join(root, 'bench', '.work', 'plan', String(n));
    mkdirSync(dir, { recursive: true });
    const inv = `${JSON.stringify(inventory, null, 2)}\n`;
    const use = `${JSON.stringify(usage, null, 2)}\n`;
    writeFileSync(join(dir, 'inventory.json'), inv);
    writeFileSync(join(dir, 'usage.json'), use);
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ n, inventoryBytes: Buffer.byteLength(inv), usageBytes: Buffer.byteLength(use), ...manifest }, null, 2)}\n`);
    console.error(`[bench plan] ${n} instances: ${manifest.accessKeys} keys, ${manifest.usageKeys} with usage, ${manifest.deploymentUnits} units (${manifest.unitsWithKeys} with keys), inventory ${(Buffer.byteLength(inv) / 2 ** 20).toFixed(1)} MiB, usage ${(Buffer.byteLength(use) / 2 ** 20).toFixed(1)} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${dir}`);
  }
}
