// The decision for one request under a principal's identity policies (attached, inline and group
// policies alike): an applicable Deny wins, else an applicable Allow, else the implicit deny (IAM
// User Guide, "Policy evaluation logic"). Permissions boundaries, SCPs, session and resource
// policies are not part of this question.
//
// The planner asks what a key's principal may do without the real request in hand, so some
// conditions cannot be decided. The conservative rule: a statement whose applicability is
// unknown grants nothing (an Allow is not applied) but may forbid (a Deny is assumed to apply).
// Unknown therefore never turns into 'allow', and every key it hung on is in conditionsUnknown.
import { evaluateStatement } from './evaluate-statement.js';
import type { Effect, Policy } from './policy.js';
import { RequestContext, type ContextValues } from './request-context.js';

export interface EvaluationRequest {
  /** `service:Action`, e.g. `s3:GetObject` */
  action: string;
  /** the resource ARN, or `*` for an action that names no resource */
  resource: string;
  /** known context keys (key names compare without regard to case); a list for a multivalued key */
  context?: ContextValues;
  /**
   * Keys known NOT to be in the request — IAM's documented absent-key rules apply to them (for
   * example aws:MultiFactorAuthPresent for a call signed with an access key). '*' declares every
   * key missing from `context` absent. Any other missing key is unknown.
   */
  absentKeys?: readonly string[] | '*';
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface MatchedStatement {
  policyIndex: number;
  statementIndex: number;
  sid?: string;
  effect: Effect;
  /** true for a Deny counted only because its conditions could not be decided */
  assumed: boolean;
}

export interface EvaluationResult {
  decision: Decision;
  /** every statement that applies: Allows that hold, Denies that hold or are assumed to */
  matched: MatchedStatement[];
  /** context keys that statements matching the action and resource needed and were not given (sorted) */
  conditionsUnknown: string[];
}

export function evaluateIdentityPolicies(policies: readonly Policy[], request: EvaluationRequest): EvaluationResult {
  const context = new RequestContext(request.context, request.absentKeys);
  const matched: MatchedStatement[] = [];
  const unknown = new Map<string, string>();
  policies.forEach((policy, policyIndex) => {
    for (const statement of policy.statements) {
      const result = evaluateStatement(statement, policy, request, context);
      if (result.applies === 'unknown') for (const key of result.unknownKeys) if (!unknown.has(key.toLowerCase())) unknown.set(key.toLowerCase(), key);
      const applies = result.applies === true || (result.applies === 'unknown' && statement.effect === 'Deny');
      if (!applies) continue;
      matched.push({
        policyIndex,
        statementIndex: statement.index,
        ...(statement.sid === undefined ? {} : { sid: statement.sid }),
        effect: statement.effect,
        assumed: result.applies === 'unknown',
      });
    }
  });
  const decision: Decision = matched.some((m) => m.effect === 'Deny')
    ? 'explicit-deny'
    : matched.some((m) => m.effect === 'Allow')
      ? 'allow'
      : 'implicit-deny';
  const conditionsUnknown = [...unknown.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { decision, matched, conditionsUnknown };
}
