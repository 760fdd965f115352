// Which steps this run considers: the plan's ready workloads (or the --only ones), up to the
// --until stage. A step whose dependency lies outside the scope waits for it; it is never run
// ahead of it.
import { usageError } from '../errors.js';
import type { PlanDocument, PlanStep, Workload } from '../model/plan.js';
import { STAGES, type Stage } from '../model/stages.js';

export interface ScopedStep {
  step: PlanStep;
  workload: Workload;
}

export interface ApplyScope {
  workloads: Workload[];
  steps: ScopedStep[];
  /** every step of the plan by ID, in scope or not, to name what a step waits for */
  all: Map<string, ScopedStep>;
  /** workloads left out because the plan does not let them be applied */
  notApplicable: { id: string; status: Workload['status']; reasons: string[] }[];
}

export function applyScope(plan: PlanDocument, only: readonly string[] | null, until: Stage | null): ApplyScope {
  const known = new Set(plan.workloads.map((w) => w.id));
  for (const id of only ?? []) {
    if (!known.has(id)) throw usageError(`--only ${id}: no such workload in plan ${plan.planId}`, `workloads: ${[...known].slice(0, 10).join(', ')}${known.size > 10 ? ', ...' : ''}`);
  }
  const last = until === null ? STAGES.length - 1 : STAGES.indexOf(until);
  const all = new Map<string, ScopedStep>();
  for (const w of plan.workloads) for (const s of w.steps) all.set(s.id, { step: s, workload: w });
  const chosen = plan.workloads.filter((w) => only === null || only.includes(w.id));
  const workloads = chosen.filter((w) => w.status === 'ready');
  const notApplicable = chosen.filter((w) => w.status !== 'ready').map((w) => ({ id: w.id, status: w.status, reasons: w.status === 'export-only' ? ['its changes belong in its CloudFormation stack: use the exported template'] : w.blockedReasons }));
  const steps = workloads.flatMap((w) => w.steps.filter((s) => STAGES.indexOf(s.stage) <= last).map((step) => ({ step, workload: w })));
  return { workloads, steps, all, notApplicable };
}
