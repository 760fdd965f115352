// Pre-flight, before anything is created or any host touched: the new role's policies, as the
// plan will create them (plus the policies it carries over, or the existing role's when it is
// extended), must allow every (action, resource) the workload was observed to use. A gap stops
// that workload; the others go on.
import { GetPolicyCommand, GetPolicyVersionCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { AwsContext } from '../aws/aws-context.js';
import { asAwsRefused } from '../aws/aws-error.js';
import type { Workload } from '../model/plan.js';
import { evaluateIdentityPolicies, parsePolicy, type Policy } from '../plan/evaluator/index.js';
import { parsePolicyDocument } from '../scan/aws/iam/policy-document.js';

export interface PreflightGap {
  action: string;
  resource: string;
  decision: string;
}

export interface PreflightResult {
  workload: string;
  checked: number;
  gaps: PreflightGap[];
}

/** The (action, resource) pairs the workload was seen using: the full list when the plan has it. */
export function observedUses(w: Workload): { action: string; resource: string }[] {
  return w.evidence.observed ?? w.evidence.topActions.map(({ action, resource }) => ({ action, resource }));
}

export async function preflight(w: Workload, aws: AwsContext): Promise<PreflightResult> {
  const policies: Policy[] = w.policies.map((p) => parsePolicy(p.document));
  for (const arn of w.role.carriedPolicyArns) policies.push(await managedPolicy(aws, arn));
  if (w.role.mode === 'extend-existing' && w.role.existingRoleName) policies.push(...(await rolePolicies(aws, w.role.existingRoleName)));
  const uses = observedUses(w);
  const gaps: PreflightGap[] = [];
  for (const u of uses) {
    const { decision } = evaluateIdentityPolicies(policies, { action: u.action, resource: u.resource });
    if (decision !== 'allow') gaps.push({ ...u, decision });
  }
  return { workload: w.id, checked: uses.length, gaps };
}

async function managedPolicy(aws: AwsContext, arn: string): Promise<Policy> {
  const iam = aws.client(IAMClient);
  try {
    const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy?.DefaultVersionId }));
    return parsePolicy(parsePolicyDocument(v.PolicyVersion?.Document));
  } catch (e) {
    throw asAwsRefused(e, 'iam:GetPolicyVersion');
  }
}

async function rolePolicies(aws: AwsContext, roleName: string): Promise<Policy[]> {
  const iam = aws.client(IAMClient);
  const out: Policy[] = [];
  try {
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const a of attached.AttachedPolicies ?? []) if (a.PolicyArn) out.push(await managedPolicy(aws, a.PolicyArn));
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const name of inline.PolicyNames ?? []) {
      const p = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      out.push(parsePolicy(parsePolicyDocument(p.PolicyDocument)));
    }
  } catch (e) {
    throw asAwsRefused(e, 'iam:ListAttachedRolePolicies');
  }
  return out;
}
