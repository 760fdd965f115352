// The plan document: what `keyshift plan` writes and `keyshift apply` carries out. A pure
// function of the inventory, the usage and the options: the same inputs give the same plan,
// byte for byte, and its ID is derived from its content. Deletion is never in a plan.
import { z } from 'zod';
import { envelopeShape } from './envelope.js';
import { EvidenceGap } from './usage.js';
import { STAGES } from './stages.js';

export const PLAN_VERSION = 1;

const isoDate = z.iso.datetime({ offset: true });
const Json = z.record(z.string(), z.unknown());

export const StepKind = z.enum([
  // attach
  'create-role',
  'create-policy',
  'attach-role-policy',
  'create-instance-profile',
  'add-role-to-instance-profile',
  'extend-resource-policy',
  'extend-trust-policy',
  'associate-instance-profile',
  'replace-instance-profile-association',
  'create-launch-template-version',
  'update-auto-scaling-group',
  // cutover
  'remove-host-credential',
  'restart-service',
  'update-tool-config',
  'manual-action',
  // verify
  'verify-role-in-use',
  'verify-key-quiet',
  'require-imdsv2',
  // deactivate
  'deactivate-access-key',
]);
export type StepKind = z.infer<typeof StepKind>;

export const PlanStep = z.object({
  /** unique within the plan, stable for the same inputs */
  id: z.string(),
  stage: z.enum(STAGES),
  kind: StepKind,
  /** what the step acts on: an ARN, an instance ID, a host location, a key ID */
  target: z.string(),
  /** what the step will do, for people */
  description: z.string(),
  /** the arguments of the change */
  params: Json,
  /** the live state the step expects to find before it runs; anything else is drift */
  expect: Json,
  /** steps that must be done first (IDs) */
  after: z.array(z.string()),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const PlannedStatement = z.object({
  sid: z.string(),
  actions: z.array(z.string()),
  resources: z.array(z.string()),
  /** observed in the evidence; unobserved (data events not recorded); tried and denied, granted on request */
  basis: z.enum(['observed', 'unobserved', 'denied-requested', 'assume-role']),
  /** why `*` or why unobserved, when it is */
  note: z.string().optional(),
});

export const PlannedPolicy = z.object({
  name: z.string(),
  document: Json,
  statements: z.array(PlannedStatement),
  /** characters of the minified document; IAM's limit for a managed policy is 6,144 */
  size: z.number().int().nonnegative(),
});
export type PlannedPolicy = z.infer<typeof PlannedPolicy>;

export const LintFinding = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  policy: z.string(),
  sid: z.string().optional(),
  /** an error-level finding is applied only when explicitly accepted (plan option) */
  accepted: z.boolean(),
});
export type LintFinding = z.infer<typeof LintFinding>;

export const WorkloadInstance = z.object({
  instanceId: z.string(),
  region: z.string(),
  /** what the instance has today: never taken away (its role may feed SSM or CloudWatch agents) */
  currentProfile: z.object({ arn: z.string(), roleName: z.string().nullable(), associationId: z.string().nullable() }).nullable(),
  httpTokens: z.enum(['optional', 'required']),
});

export const Workload = z.object({
  id: z.string(),
  kind: z.enum(['auto-scaling-group', 'launch-template', 'application', 'instance']),
  name: z.string(),
  region: z.string(),
  deploymentUnit: z.object({
    autoScalingGroup: z.string().optional(),
    launchTemplate: z.object({ id: z.string(), version: z.string() }).optional(),
    cloudFormationStack: z.string().optional(),
    applicationTag: z.object({ key: z.string(), value: z.string() }).optional(),
  }),
  instances: z.array(WorkloadInstance),
  keys: z.array(z.string()),
  /** changes belong in the owner's template (CloudFormation); the plan exports them instead */
  exportOnly: z.boolean(),
  evidence: z.object({
    topActions: z.array(z.object({ action: z.string(), resource: z.string(), calls: z.number().int(), lastSeen: isoDate })),
    /** every (action, resource) the workload's share of the evidence shows: apply's pre-flight checks the role allows each */
    observed: z.array(z.object({ action: z.string(), resource: z.string() })).optional(),
    gaps: z.array(EvidenceGap),
    notes: z.array(z.string()),
  }),
  role: z.object({
    name: z.string(),
    path: z.string(),
    arn: z.string(),
    /** new role; the instances' existing role extended (no one else uses it); or a new role carrying the existing role's policies */
    mode: z.enum(['new', 'extend-existing', 'new-with-carried-policies']),
    existingRoleName: z.string().nullable(),
    carriedPolicyArns: z.array(z.string()),
    trustPolicy: Json,
    permissionsBoundaryArn: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
  }),
  instanceProfileName: z.string(),
  policies: z.array(PlannedPolicy),
  lint: z.array(LintFinding),
  /** conditions in the key's current policies that do not hold for a role session */
  nonPortableConditions: z.array(z.object({ policy: z.string(), key: z.string(), reason: z.string() })),
  steps: z.array(PlanStep),
  risks: z.array(z.string()),
  status: z.enum(['ready', 'blocked', 'export-only']),
  blockedReasons: z.array(z.string()),
});
export type Workload = z.infer<typeof Workload>;

export const KeyPlan = z.object({
  accessKeyId: z.string(),
  userName: z.string().nullable(),
  /** deactivate after verification; blocked (with reasons); report-only (root keys); needs explicit confirmation (no recorded usage) */
  decision: z.enum(['deactivate', 'blocked', 'report-only', 'needs-confirmation']),
  reasons: z.array(z.string()),
  workloads: z.array(z.string()),
  /** the old key's last use must not advance for at least this long before deactivation */
  quietPeriodSeconds: z.number().int().nonnegative(),
});
export type KeyPlan = z.infer<typeof KeyPlan>;

export const PlanOptions = z.object({
  rolePrefix: z.string(),
  rolePath: z.string(),
  permissionsBoundaryArn: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  hopLimit: z.number().int().min(1).max(64),
  /** days on role credentials before IMDSv2 is required */
  imdsv2SoakDays: z.number().int().nonnegative(),
  /** minimum quiet period of the old key before deactivation, in days */
  minQuietDays: z.number().int().nonnegative(),
  includeDenied: z.boolean(),
  keys: z.array(z.string()).nullable(),
  workloads: z.array(z.string()).nullable(),
  allowCloudFormation: z.boolean(),
  acceptLintErrors: z.boolean(),
});
export type PlanOptions = z.infer<typeof PlanOptions>;

export const PlanDocument = z.object({
  ...envelopeShape,
  kind: z.literal('plan'),
  account: z.string().regex(/^\d{12}$/),
  /** derived from the content: plan- + 16 hex */
  planId: z.string().regex(/^plan-[0-9a-f]{16}$/),
  inputs: z.object({
    inventory: z.object({ sha256: z.string(), asOf: isoDate }),
    usage: z.object({ sha256: z.string(), asOf: isoDate }),
  }),
  options: PlanOptions,
  workloads: z.array(Workload),
  keys: z.array(KeyPlan),
  /** usage of a shared key that could not be attributed to one workload: listed, never granted to all */
  unattributed: z.array(z.object({ accessKeyId: z.string(), source: z.string(), actions: z.array(z.string()), reason: z.string() })),
  quotas: z.array(z.object({ name: z.string(), used: z.number().int(), planned: z.number().int(), max: z.number().int() })),
  warnings: z.array(z.string()),
});
export type PlanDocument = z.infer<typeof PlanDocument>;
