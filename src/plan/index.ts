// The planner: `buildPlan` and what reads and shows its output. Exporters, the policy builder
// and the evaluator have their own entry points.
export { buildPlan, DEFAULT_PLAN_OPTIONS, type PlanInput } from './build-plan.js';
export { computePlanId, PLAN_TAG } from './plan-id.js';
export { canonicalJson } from './canonical-json.js';
export { APPLICATION_TAG_KEYS } from './workloads.js';
export { formatPlanMarkdown } from './report/plan-markdown.js';
export { planSummaryRows, type PlanSummary } from './report/plan-summary-rows.js';
