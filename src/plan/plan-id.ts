// The plan ID is derived from the plan's content: plan- + 16 hex of the SHA-256 of its canonical
// JSON without the ID. Everything keyshift creates is tagged keyshift:plan=<ID>, and those tags
// are in the plan too; to keep the ID a function of the content (and not of itself), it is
// computed over the plan with those tags left out, then stamped in. Anyone can re-check it with
// computePlanId, which leaves them out the same way.
import { createHash } from 'node:crypto';
import type { PlanDocument } from '../model/plan.js';
import { canonicalJsonChunks } from './canonical-json.js';

export const PLAN_TAG = 'keyshift:plan';

export function computePlanId(plan: Omit<PlanDocument, 'planId'> & { planId?: string }): string {
  const { planId: _ignored, ...content } = plan;
  // hashed piece by piece: the plan for thousands of instances is tens of MB of text
  const hash = createHash('sha256');
  for (const chunk of canonicalJsonChunks(withPlanTags(content, null))) hash.update(chunk);
  return `plan-${hash.digest('hex').slice(0, 16)}`;
}

/** The plan with its ID set and every role's and created resource's tags carrying it. */
export function stampPlanId(plan: Omit<PlanDocument, 'planId'>): PlanDocument {
  const planId = computePlanId(plan);
  const stamped = withPlanTags(plan, planId);
  // planId right after the envelope, for people reading the JSON
  const { kind, version, account, asOf, generator, ...rest } = stamped;
  return { kind, version, account, asOf, generator, planId, ...rest };
}

/** Sets (or, with null, removes) the plan tag on role tags and on the tags of create steps. */
function withPlanTags<T extends Pick<PlanDocument, 'workloads'>>(plan: T, planId: string | null): T {
  const retag = (tags: Record<string, string>): Record<string, string> => {
    const { [PLAN_TAG]: _old, ...rest } = tags;
    return planId === null ? rest : { ...rest, [PLAN_TAG]: planId };
  };
  return {
    ...plan,
    workloads: plan.workloads.map((w) => ({
      ...w,
      role: { ...w.role, tags: retag(w.role.tags) },
      steps: w.steps.map((s) => (isTags(s.params.tags) ? { ...s, params: { ...s.params, tags: retag(s.params.tags) } } : s)),
    })),
  };
}

function isTags(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
