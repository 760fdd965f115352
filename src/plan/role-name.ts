// Role, instance profile and policy names for workloads: rolePrefix + workload ID, in IAM's
// character set and within its 64 characters for a role. A name that would be longer is cut and
// given 8 hex of the SHA-256 of the full name, so it stays deterministic and unique.
import { createHash } from 'node:crypto';
import { safeName } from './workloads.js';

export const ROLE_NAME_MAX = 64;

export function roleNameFor(rolePrefix: string, workloadId: string): string {
  const full = safeName(`${rolePrefix}${workloadId}`);
  if (full.length <= ROLE_NAME_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, ROLE_NAME_MAX - 9)}-${hash}`;
}

export function roleArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:role${path}${name}`;
}

export function policyArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:policy${path}${name}`;
}

export function instanceProfileArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:instance-profile${path}${name}`;
}
