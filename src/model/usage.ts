// The usage document: what `keyshift usage` learns from CloudTrail about each access key —
// the IAM actions on which resources it really used, from which sources and software, what
// it tried and was denied — and, as carefully, where the evidence is blind (coverage, gaps,
// uncovered sources). The planner reads it; it never guesses a key unused.
import { z } from 'zod';
import { envelopeShape } from './envelope.js';

export const USAGE_VERSION = 1;

const isoDate = z.iso.datetime({ offset: true });

export const ActionUse = z.object({
  /** IAM action, service:Action */
  action: z.string(),
  /** resource ARN or ARN pattern (object keys generalised to prefixes); '*' when the event names none */
  resource: z.string(),
  calls: z.number().int().positive(),
  firstSeen: isoDate,
  lastSeen: isoDate,
});

export const DeniedUse = ActionUse.extend({ errorCode: z.string() });

export const Attribution = z.object({
  /** an instance, a VPC (through a NAT gateway or an endpoint, not one instance), or nothing */
  kind: z.enum(['instance', 'vpc', 'uncovered']),
  instanceId: z.string().optional(),
  vpcId: z.string().optional(),
  region: z.string().optional(),
  confidence: z.enum(['high', 'medium', 'low', 'none']),
  /** why this attribution, in words a reviewer can check */
  reason: z.string(),
});

export const SourceUse = z.object({
  /** sourceIPAddress as recorded; an AWS service name (e.g. "ec2.amazonaws.com") when AWS called on the key's behalf */
  source: z.string(),
  vpcEndpointId: z.string().nullable(),
  calls: z.number().int().positive(),
  firstSeen: isoDate,
  lastSeen: isoDate,
  attribution: Attribution,
});

export const UserAgentUse = z.object({
  userAgent: z.string(),
  /** the SDK or CLI and its version, when recognised */
  tool: z.object({ name: z.string(), version: z.string() }).nullable(),
  /** whether that version supports IMDSv2; null when unknown */
  imdsv2Capable: z.boolean().nullable(),
  calls: z.number().int().positive(),
});

export const TemporarySession = z.object({
  /** the temporary (ASIA) key issued to this key */
  accessKeyId: z.string(),
  via: z.enum(['AssumeRole', 'GetSessionToken', 'GetFederationToken']),
  roleArn: z.string().nullable(),
  actions: z.array(ActionUse),
  denied: z.array(DeniedUse),
});

export const KeyUsage = z.object({
  accessKeyId: z.string(),
  principal: z.object({
    type: z.string(),
    arn: z.string().nullable(),
    userName: z.string().nullable(),
    accountId: z.string().nullable(),
  }),
  totalCalls: z.number().int().nonnegative(),
  firstSeen: isoDate.nullable(),
  lastSeen: isoDate.nullable(),
  /** the longest quiet period between two calls: a weekly job needs a quiet period longer than a week */
  longestGapSeconds: z.number().nonnegative().nullable(),
  actions: z.array(ActionUse),
  denied: z.array(DeniedUse),
  sources: z.array(SourceUse),
  userAgents: z.array(UserAgentUse),
  regions: z.array(z.object({ region: z.string(), calls: z.number().int().positive() })),
  /** work done under temporary keys this key obtained (role chains) */
  sessions: z.array(TemporarySession),
  /** some source could not be matched to an instance with confidence: deactivating would break it */
  uncovered: z.boolean(),
});

export const EvidenceGap = z.object({
  accessKeyId: z.string(),
  userName: z.string().nullable(),
  /** the service namespace (e.g. s3, dynamodb) the evidence cannot see */
  service: z.string(),
  reason: z.enum(['service-last-accessed-not-in-evidence', 'last-used-after-evidence', 'data-events-not-recorded', 'region-not-covered', 'service-last-accessed-unavailable']),
  detail: z.string(),
});

export const Coverage = z.object({
  /** trail event selectors read from AWS, or what the data itself suggests */
  basis: z.enum(['trail-selectors', 'inferred']),
  managementEvents: z.enum(['all', 'read-only', 'write-only', 'none', 'unknown']),
  dataEvents: z.enum(['recorded', 'partial', 'not-recorded', 'unknown']),
  /** regions the evidence covers */
  regions: z.array(z.string()),
  span: z.object({ from: isoDate.nullable(), to: isoDate.nullable() }),
  notes: z.array(z.string()),
  gaps: z.array(EvidenceGap),
});

export const UsageSource = z.object({
  type: z.enum(['directory', 's3', 'lookup-events', 'athena']),
  location: z.string(),
  files: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
});

export const UsageDocument = z.object({
  ...envelopeShape,
  kind: z.literal('usage'),
  window: z.object({ since: isoDate.nullable(), until: isoDate.nullable() }),
  sources: z.array(UsageSource),
  /** events skipped, by reason (corrupt-gzip, not-cloudtrail, missing-fields, invalid-ip, …) */
  skipped: z.record(z.string(), z.number().int().nonnegative()),
  /** set when attribution used an inventory */
  inventoryAsOf: isoDate.nullable(),
  keys: z.array(KeyUsage),
  coverage: Coverage,
});

export type UsageDocument = z.infer<typeof UsageDocument>;
export type KeyUsage = z.infer<typeof KeyUsage>;
export type ActionUse = z.infer<typeof ActionUse>;
export type DeniedUse = z.infer<typeof DeniedUse>;
export type SourceUse = z.infer<typeof SourceUse>;
export type Attribution = z.infer<typeof Attribution>;
export type UserAgentUse = z.infer<typeof UserAgentUse>;
export type TemporarySession = z.infer<typeof TemporarySession>;
export type EvidenceGap = z.infer<typeof EvidenceGap>;
export type Coverage = z.infer<typeof Coverage>;
export type UsageSource = z.infer<typeof UsageSource>;
