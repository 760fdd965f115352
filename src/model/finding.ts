// A finding: one credential at one place. Key IDs are identifiers and appear in full; a
// secret access key never does: it is referred to by its fingerprint (sha256: + 12 hex).
import { z } from 'zod';
import { Location } from './location.js';

export const Severity = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof Severity>;

export const RuleId = z.enum([
  /** a key ID and a secret close together: a usable credential */
  'aws-access-key-pair',
  /** a key ID alone */
  'aws-access-key-id',
  /** a secret access key alone, recognised by its name or its neighbourhood */
  'aws-secret-access-key',
  /** an AWS profile whose credentials come from an external program (credential_process) */
  'aws-credential-process',
  /** an AWS profile that assumes a role with another profile's credentials (source_profile) */
  'aws-source-profile',
  /** AWS_PROFILE (or AWS_DEFAULT_PROFILE) in an environment selects a profile with static keys: the instance role is never reached */
  'aws-profile-selects-static-keys',
  /** AWS_SHARED_CREDENTIALS_FILE in an environment points at a file with static keys: the instance role is never reached */
  'aws-credentials-file-has-static-keys',
  /** AWS_EC2_METADATA_DISABLED=true in an environment: the SDKs cannot fetch the instance role's credentials */
  'aws-ec2-metadata-disabled',
]);
export type RuleId = z.infer<typeof RuleId>;

/** What a key ID's prefix says the credential is (AWS IAM "unique ID prefixes"). */
export const KeyKind = z.enum([
  'long-term', // AKIA: an IAM user's or the root user's access key
  'temporary', // ASIA: STS temporary credentials
  'bearer-token', // ABIA: AWS STS service bearer token
  'context-specific', // ACCA: context-specific credential
  'legacy', // A3T?: an early access key format
]);
export type KeyKind = z.infer<typeof KeyKind>;

export const SecretFingerprint = z.string().regex(/^sha256:[0-9a-f]{12}$/);

export const AccountAttribution = z.object({
  id: z.string().regex(/^\d{12}$/).nullable(),
  /** decoded from the key ID; resolved with sts:GetAccessKeyInfo; or not decodable (older IDs) */
  source: z.enum(['decoded', 'resolved', 'not-decodable']),
});
export type AccountAttribution = z.infer<typeof AccountAttribution>;

export const Finding = z.object({
  /** stable across edits that move lines: rule + key ID or secret hash + path */
  fingerprint: z.string().regex(/^ks1:[0-9a-f]{16}$/),
  rule: RuleId,
  severity: Severity,
  keyId: z.string().optional(),
  keyKind: KeyKind.optional(),
  secretFingerprint: SecretFingerprint.optional(),
  account: AccountAttribution.optional(),
  location: Location,
});
export type Finding = z.infer<typeof Finding>;
