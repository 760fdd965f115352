// The cross-check of pre-flight with IAM's own policy simulator, once the role exists and
// before any host is touched: iam:SimulatePrincipalPolicy on the role for every observed
// (action, resource). Where the simulator is not available (not permitted, or an emulator
// without it) the check says so and the evaluator's answer stands.
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { AwsContext } from '../aws/aws-context.js';
import { isAccessDenied } from '../aws/aws-error.js';
import type { PreflightGap } from './preflight.js';

export type SimulationResult = { available: true; gaps: PreflightGap[]; checked: number } | { available: false; reason: string };

/** at most this many resources are simulated per role (one call each, up to 100 actions per call) */
const MAX_RESOURCES = 50;

export async function simulateRole(aws: AwsContext, roleArn: string, uses: readonly { action: string; resource: string }[]): Promise<SimulationResult> {
  // one retry: when the simulator fails, the pre-flight evaluator's answer stands anyway
  const iam = aws.client(IAMClient, undefined, { maxAttempts: 2 });
  const byResource = new Map<string, string[]>();
  for (const u of uses) byResource.set(u.resource, [...(byResource.get(u.resource) ?? []), u.action]);
  const gaps: PreflightGap[] = [];
  let checked = 0;
  for (const [resource, actions] of [...byResource].slice(0, MAX_RESOURCES)) {
    for (let i = 0; i < actions.length; i += 100) {
      try {
        const out = await iam.send(
          new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: actions.slice(i, i + 100), ...(resource === '*' ? {} : { ResourceArns: [resource] }) }),
        );
        for (const r of out.EvaluationResults ?? []) {
          checked++;
          if (r.EvalDecision !== 'allowed') gaps.push({ action: r.EvalActionName ?? '?', resource, decision: r.EvalDecision ?? 'unknown' });
        }
      } catch (e) {
        const name = (e as { name?: string }).name ?? 'error';
        if (isAccessDenied(e)) return { available: false, reason: 'iam:SimulatePrincipalPolicy is not permitted' };
        return { available: false, reason: `iam:SimulatePrincipalPolicy is not available here (${name})` };
      }
    }
  }
  return { available: true, gaps, checked };
}
