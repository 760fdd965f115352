// The account the scan runs in and its IAM quotas. The caller identity is the one call the
// whole job depends on: when it fails there is nothing to scan (exit 4). The quotas are what
// the planner checks its headroom against; when they cannot be read they are null.
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsContext } from '../../../aws/aws-context.js';
import { asAwsRefused } from '../../../aws/aws-error.js';
import { throwIfAborted } from '../../../errors.js';
import type { InventoryDocument } from '../../../model/inventory.js';
import { sendOptions, type IamScanContext } from './iam-context.js';

export interface Caller {
  account: string;
  arn: string;
  userId: string;
}

export async function readCaller(aws: AwsContext, signal: AbortSignal | undefined): Promise<Caller> {
  try {
    const out = await aws.client(STSClient).send(new GetCallerIdentityCommand({}), sendOptions({ signal }));
    if (!out.Account || !out.Arn || !out.UserId) throw new Error('GetCallerIdentity returned no account');
    return { account: out.Account, arn: out.Arn, userId: out.UserId };
  } catch (e) {
    throwIfAborted(signal);
    throw asAwsRefused(e, 'sts:GetCallerIdentity');
  }
}

/** The partition of an ARN: `aws` in arn:aws:sts::… */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}

type Quota = NonNullable<InventoryDocument['quotas']['roles']>;

function quota(summary: Record<string, number>, used: string, max: string): Quota | null {
  const u = summary[used];
  const m = summary[max];
  return u === undefined || m === undefined ? null : { used: u, max: m };
}

export const NO_QUOTAS: InventoryDocument['quotas'] = { roles: null, instanceProfiles: null, policies: null, attachedPoliciesPerRole: null };

export async function readQuotas(ctx: IamScanContext): Promise<InventoryDocument['quotas']> {
  const summary = await ctx.incomplete.attempt({ action: 'iam:GetAccountSummary', region: null, part: 'IAM quotas (roles, instance profiles, policies)' }, async () => {
    const out = await ctx.aws.client(IAMClient).send(new GetAccountSummaryCommand({}), sendOptions(ctx));
    return out.SummaryMap ?? {};
  });
  if (!summary) return NO_QUOTAS;
  return {
    roles: quota(summary, 'Roles', 'RolesQuota'),
    instanceProfiles: quota(summary, 'InstanceProfiles', 'InstanceProfilesQuota'),
    policies: quota(summary, 'Policies', 'PoliciesQuota'),
    attachedPoliciesPerRole: summary.AttachedPoliciesPerRoleQuota ?? null,
  };
}
