// Whether an Action pattern (`s3:Get*`, `*`) covers an action, by asking the evaluator — an Allow
// on the pattern, a request for the action — so the linter matches actions exactly as IAM does.
import { evaluateIdentityPolicies, parsePolicy, type Policy } from '../evaluator/index.js';

const probes = new Map<string, Policy>();

export function actionCovers(pattern: string, action: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.toLowerCase() === action.toLowerCase();
  let policy = probes.get(pattern);
  if (policy === undefined) {
    policy = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: pattern, Resource: '*' }] });
    probes.set(pattern, policy);
  }
  return evaluateIdentityPolicies([policy], { action, resource: '*' }).decision === 'allow';
}
