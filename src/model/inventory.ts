// The inventory document: what `scan aws` writes and the usage attribution and the planner
// read. It holds everything they need to decide safely: who holds which keys and what they
// are granted, which instances exist, what they already have (profile, IMDS settings), what
// launches them, the network facts attribution needs, and what could not be read.
import { z } from 'zod';
import { envelopeShape } from './envelope.js';
import { Finding, Severity } from './finding.js';

export const INVENTORY_VERSION = 1;

const isoDate = z.iso.datetime({ offset: true });
/** IAM policy documents are kept as parsed JSON; the planner's evaluator reads them */
const PolicyDocument = z.record(z.string(), z.unknown());

export const AttachedPolicy = z.object({ policyName: z.string(), policyArn: z.string() });
export const InlinePolicy = z.object({ policyName: z.string(), document: PolicyDocument });
const Tags = z.record(z.string(), z.string());

export const IamUser = z.object({
  userName: z.string(),
  userId: z.string(),
  arn: z.string(),
  path: z.string(),
  createDate: isoDate,
  groups: z.array(z.string()),
  attachedPolicies: z.array(AttachedPolicy),
  inlinePolicies: z.array(InlinePolicy),
  permissionsBoundary: z.string().optional(),
  tags: Tags,
});

export const IamGroup = z.object({
  groupName: z.string(),
  groupId: z.string(),
  arn: z.string(),
  attachedPolicies: z.array(AttachedPolicy),
  inlinePolicies: z.array(InlinePolicy),
});

export const IamRole = z.object({
  roleName: z.string(),
  roleId: z.string(),
  arn: z.string(),
  path: z.string(),
  trustPolicy: PolicyDocument,
  attachedPolicies: z.array(AttachedPolicy),
  inlinePolicies: z.array(InlinePolicy),
  instanceProfiles: z.array(z.string()),
  permissionsBoundary: z.string().optional(),
  tags: Tags,
});

export const ManagedPolicy = z.object({
  policyName: z.string(),
  arn: z.string(),
  path: z.string(),
  defaultVersionId: z.string(),
  document: PolicyDocument,
  attachmentCount: z.number().int().nonnegative(),
  awsManaged: z.boolean(),
});

export const InstanceProfile = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  roles: z.array(z.string()),
  /** instance IDs associated with it, from EC2 */
  instances: z.array(z.string()),
});

export const AccessKey = z.object({
  accessKeyId: z.string(),
  userName: z.string(),
  status: z.enum(['Active', 'Inactive', 'Expired']),
  createDate: isoDate,
  ageDays: z.number().int().nonnegative(),
  /** from GetAccessKeyLastUsed; null when it could not be read — unknown, never "unused" */
  lastUsed: z
    .object({
      date: isoDate.nullable(),
      serviceName: z.string().nullable(),
      region: z.string().nullable(),
    })
    .nullable(),
});

export const ServiceLastAccessed = z.object({
  userName: z.string(),
  /** COMPLETED, or why there is no data: the planner treats missing data as an evidence gap */
  status: z.enum(['COMPLETED', 'FAILED', 'IN_PROGRESS', 'UNAVAILABLE']),
  services: z.array(
    z.object({
      serviceNamespace: z.string(),
      lastAuthenticated: isoDate.nullable(),
      lastAuthenticatedRegion: z.string().nullable().optional(),
    }),
  ),
});

export const RootKeys = z.object({
  /** from the credential report; null when it could not be read */
  keys: z
    .array(z.object({ slot: z.union([z.literal(1), z.literal(2)]), active: z.boolean(), lastRotated: isoDate.nullable(), lastUsed: isoDate.nullable() }))
    .nullable(),
});

export const ResourceGrant = z.object({
  resourceArn: z.string(),
  resourceType: z.enum(['s3-bucket', 'kms-key', 'role-trust', 'sqs-queue', 'sns-topic', 'secretsmanager-secret', 'ecr-repository']),
  region: z.string().nullable(),
  userName: z.string(),
  /** the statements that name the user's ARN or unique ID, verbatim */
  statements: z.array(PolicyDocument),
});

export const AssumableRole = z.object({
  userName: z.string(),
  roleArn: z.string(),
  /** the role's trust policy names the user, or the user's own policies allow sts:AssumeRole on it */
  via: z.enum(['trust-policy', 'identity-policy', 'both']),
});

export const MetadataOptions = z.object({
  httpTokens: z.enum(['optional', 'required']),
  httpEndpoint: z.enum(['enabled', 'disabled']),
  hopLimit: z.number().int().nullable(),
});

export const NetworkInterface = z.object({
  id: z.string(),
  subnetId: z.string().nullable(),
  vpcId: z.string().nullable(),
  privateIps: z.array(z.string()),
  publicIps: z.array(z.string()),
});

export const UserDataStatus = z.object({
  present: z.boolean(),
  /** parts after base64, gzip and MIME multipart decoding */
  parts: z.number().int().nonnegative(),
  /** why it could not be decoded or read, if so */
  problem: z.string().optional(),
});

export const Ec2Instance = z.object({
  instanceId: z.string(),
  region: z.string(),
  state: z.string(),
  name: z.string().nullable(),
  tags: Tags,
  /** who defines this machine: changes belong there, not on the running instance */
  owner: z.object({
    cloudFormationStack: z.string().optional(),
    autoScalingGroup: z.string().optional(),
    eksCluster: z.string().optional(),
  }),
  platform: z.enum(['linux', 'windows']),
  launchTime: isoDate.nullable(),
  vpcId: z.string().nullable(),
  subnetId: z.string().nullable(),
  privateIps: z.array(z.string()),
  publicIps: z.array(z.string()),
  networkInterfaces: z.array(NetworkInterface),
  instanceProfile: z.object({ arn: z.string(), id: z.string().nullable(), associationId: z.string().nullable() }).nullable(),
  metadataOptions: MetadataOptions,
  launchTemplate: z.object({ id: z.string(), version: z.string() }).nullable(),
  userData: UserDataStatus,
});

export const AutoScalingGroup = z.object({
  name: z.string(),
  arn: z.string(),
  region: z.string(),
  launchTemplate: z.object({ id: z.string().nullable(), name: z.string().nullable(), version: z.string().nullable() }).nullable(),
  launchConfigurationName: z.string().nullable(),
  mixedInstancesPolicy: z.boolean(),
  instances: z.array(z.string()),
  minSize: z.number().int(),
  maxSize: z.number().int(),
  desiredCapacity: z.number().int(),
  tags: Tags,
});

export const LaunchTemplate = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  defaultVersion: z.number().int(),
  latestVersion: z.number().int(),
  tags: Tags,
  versions: z.array(
    z.object({
      version: z.number().int(),
      instanceProfile: z.object({ arn: z.string().nullable(), name: z.string().nullable() }).nullable(),
      metadataOptions: MetadataOptions.partial().nullable(),
      userData: UserDataStatus,
    }),
  ),
});

export const LaunchConfiguration = z.object({
  name: z.string(),
  region: z.string(),
  instanceProfile: z.string().nullable(),
  metadataOptions: MetadataOptions.partial().nullable(),
  userData: UserDataStatus,
});

export const ElasticIp = z.object({
  allocationId: z.string().nullable(),
  publicIp: z.string(),
  region: z.string(),
  instanceId: z.string().nullable(),
  networkInterfaceId: z.string().nullable(),
  privateIp: z.string().nullable(),
});

export const NatGateway = z.object({
  id: z.string(),
  region: z.string(),
  vpcId: z.string().nullable(),
  subnetId: z.string().nullable(),
  state: z.string(),
  publicIps: z.array(z.string()),
  privateIps: z.array(z.string()),
});

export const VpcEndpoint = z.object({
  id: z.string(),
  region: z.string(),
  vpcId: z.string().nullable(),
  serviceName: z.string(),
  type: z.string(),
  subnetIds: z.array(z.string()),
  networkInterfaceIds: z.array(z.string()),
});

/** A fact about the account that is not a credential: an instance without a role, IMDSv1, a stale key. */
export const InventoryFinding = z.object({
  rule: z.enum([
    'root-access-key',
    'key-unused-90-days',
    'key-older-than-90-days',
    'instance-without-profile',
    'instance-allows-imdsv1',
    'instance-owned-by-cloudformation',
    'instance-owned-by-autoscaling',
    'launch-template-allows-imdsv1',
  ]),
  severity: Severity,
  subject: z.discriminatedUnion('type', [
    z.object({ type: z.literal('access-key'), accessKeyId: z.string(), userName: z.string() }),
    z.object({ type: z.literal('root') }),
    z.object({ type: z.literal('instance'), instanceId: z.string(), region: z.string() }),
    z.object({ type: z.literal('launch-template'), launchTemplateId: z.string(), version: z.number().int(), region: z.string() }),
  ]),
  message: z.string(),
});

/** A part of the inventory that could not be read: the planner must treat it as unknown. */
export const IncompletePart = z.object({
  /** the API action that was refused or failed, e.g. iam:GetAccountAuthorizationDetails */
  action: z.string(),
  region: z.string().nullable(),
  /** what is missing as a result, e.g. "bucket policy of my-bucket" */
  part: z.string(),
  reason: z.enum(['access-denied', 'error', 'unsupported']),
  message: z.string(),
});

export const Quota = z.object({ used: z.number().int().nonnegative(), max: z.number().int().nonnegative() });

export const InventoryDocument = z.object({
  ...envelopeShape,
  kind: z.literal('inventory'),
  account: z.string().regex(/^\d{12}$/),
  caller: z.object({ arn: z.string(), userId: z.string() }),
  regions: z.array(z.string()),
  quotas: z.object({
    roles: Quota.nullable(),
    instanceProfiles: Quota.nullable(),
    policies: Quota.nullable(),
    attachedPoliciesPerRole: z.number().int().nullable(),
  }),
  iam: z.object({
    users: z.array(IamUser),
    groups: z.array(IamGroup),
    roles: z.array(IamRole),
    managedPolicies: z.array(ManagedPolicy),
    instanceProfiles: z.array(InstanceProfile),
    accessKeys: z.array(AccessKey),
    serviceLastAccessed: z.array(ServiceLastAccessed),
    rootKeys: RootKeys,
  }),
  resourceGrants: z.array(ResourceGrant),
  assumableRoles: z.array(AssumableRole),
  ec2: z.object({
    instances: z.array(Ec2Instance),
    autoScalingGroups: z.array(AutoScalingGroup),
    launchTemplates: z.array(LaunchTemplate),
    launchConfigurations: z.array(LaunchConfiguration),
    elasticIps: z.array(ElasticIp),
    natGateways: z.array(NatGateway),
    vpcEndpoints: z.array(VpcEndpoint),
  }),
  /** static keys found in user data, launch templates and launch configurations, and on hosts (--ssm) */
  credentials: z.array(Finding),
  /** with --ssm: every instance's host scan status; never a silent "clean" */
  hostScans: z
    .array(
      z.object({
        instanceId: z.string(),
        region: z.string(),
        status: z.enum(['scanned', 'not-managed', 'not-linux', 'failed']),
        reason: z.string().optional(),
      }),
    )
    .default([]),
  findings: z.array(InventoryFinding),
  incomplete: z.array(IncompletePart),
});

export type InventoryDocument = z.infer<typeof InventoryDocument>;
export type IamUser = z.infer<typeof IamUser>;
export type IamGroup = z.infer<typeof IamGroup>;
export type IamRole = z.infer<typeof IamRole>;
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;
export type InstanceProfile = z.infer<typeof InstanceProfile>;
export type AccessKey = z.infer<typeof AccessKey>;
export type ServiceLastAccessed = z.infer<typeof ServiceLastAccessed>;
export type RootKeys = z.infer<typeof RootKeys>;
export type ResourceGrant = z.infer<typeof ResourceGrant>;
export type AssumableRole = z.infer<typeof AssumableRole>;
export type Ec2Instance = z.infer<typeof Ec2Instance>;
export type AutoScalingGroup = z.infer<typeof AutoScalingGroup>;
export type LaunchTemplate = z.infer<typeof LaunchTemplate>;
export type LaunchConfiguration = z.infer<typeof LaunchConfiguration>;
export type ElasticIp = z.infer<typeof ElasticIp>;
export type NatGateway = z.infer<typeof NatGateway>;
export type VpcEndpoint = z.infer<typeof VpcEndpoint>;
export type InventoryFinding = z.infer<typeof InventoryFinding>;
export type MetadataOptions = z.infer<typeof MetadataOptions>;
export type NetworkInterface = z.infer<typeof NetworkInterface>;
export type UserDataStatus = z.infer<typeof UserDataStatus>;
export type IncompletePart = z.infer<typeof IncompletePart>;
