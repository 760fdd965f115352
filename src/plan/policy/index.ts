// The policy builder of `keyshift plan`: least-privilege permissions for one workload's new role,
// from what it was seen doing and what its key is allowed today, split to IAM's size limit and
// linted.
export { buildWorkloadPolicies } from './build-workload-policies.js';
export type { KeyRequestContext, NonPortableConditionReport, PolicyInput, PolicyOutput, PrincipalPolicy } from './policy-input.js';
export { lintPolicies, LINTED_ACTIONS, MANAGED_POLICIES_PER_ROLE_DEFAULT, MANAGED_POLICIES_PER_ROLE_MAX } from './lint/lint-policies.js';
export { resolveActions, type ActionLookup } from './catalog.js';
export { MANAGED_POLICY_MAX_CHARS, policyJson } from './policy-document.js';
export { splitIntoPolicies } from './split-policies.js';
export type { PlannedStatement } from './statements.js';
