// The in-house IAM policy evaluator for `keyshift plan`: parse identity policies, decide what they
// allow for one request, find the conditions that will not hold for a role session, and look
// actions up in the IAM action catalog.
export type {
  ActionElement,
  ConditionClause,
  ConditionOperatorName,
  Effect,
  Policy,
  PolicyVersion,
  ResourceElement,
  SetOperator,
  Statement,
} from './policy.js';
export { parsePolicy } from './parse-policy.js';
export {
  evaluateIdentityPolicies,
  type Decision,
  type EvaluationRequest,
  type EvaluationResult,
  type MatchedStatement,
} from './evaluate-identity-policies.js';
export type { ContextValues } from './request-context.js';
export { conditionsThatDoNotCarryOver, type NonPortableCondition } from './conditions-that-do-not-carry-over.js';
export { actionInfo, expandActionPattern, type AccessLevel, type ActionInfo, type ActionResourceType } from './action-catalog.js';
