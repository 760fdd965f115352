// The one table of every AWS call keyshift makes. `keyshift permissions` generates the IAM
// policy keyshift needs from it, and a test checks that every SDK command the code sends
// is listed here, so the policy cannot drift from the code.
import { APPLY_CALLS } from '../apply/apply-calls.js';
import { EC2_CALLS } from '../scan/aws/ec2/ec2-calls.js';
import { IAM_CALLS } from '../scan/aws/iam/iam-calls.js';
import { SSM_CALLS } from '../scan/aws/ssm/ssm-calls.js';
import { USAGE_CALLS } from '../usage/sources/usage-calls.js';

/**
 * scan: read-only; athena: what `usage --athena-run` adds (Athena writes its result to S3);
 * ssm: what `scan aws --ssm` adds (it runs the host payload on instances); apply: changes
 */
export type CallUse = 'scan' | 'athena' | 'ssm' | 'apply';

export interface AwsCall {
  /** the IAM action, e.g. iam:GetAccountAuthorizationDetails */
  action: string;
  /** the SDK command class names that need this action */
  commands: readonly string[];
  use: CallUse;
  why: string;
}

export const AWS_CALLS: readonly AwsCall[] = [
  { action: 'sts:GetCallerIdentity', commands: ['GetCallerIdentityCommand'], use: 'scan', why: 'which account and identity the scan runs as' },
  { action: 'sts:GetAccessKeyInfo', commands: ['GetAccessKeyInfoCommand'], use: 'scan', why: 'scan repo --resolve: the account of a found key ID' },
  ...IAM_CALLS,
  ...EC2_CALLS,
  ...USAGE_CALLS,
  ...SSM_CALLS,
  ...APPLY_CALLS,
];

export function callsFor(use: CallUse): AwsCall[] {
  // every job also needs what the read-only scan needs
  return AWS_CALLS.filter((c) => c.use === use || c.use === 'scan');
}
