// The plan as table rows for `plan show`: one row per workload, then one per key. Data only;
// the CLI colours rows by status or decision and lays them out.
import type { KeyPlan, PlanDocument, Workload } from '../../model/plan.js';

export interface PlanSummary {
  planId: string;
  account: string;
  workloads: { columns: string[]; rows: { status: Workload['status']; cells: string[] }[] };
  keys: { columns: string[]; rows: { decision: KeyPlan['decision']; cells: string[] }[] };
  unattributed: number;
  warnings: string[];
}

export const WORKLOAD_COLUMNS = ['Workload', 'Kind', 'Region', 'Instances', 'Keys', 'Role', 'Mode', 'Policies', 'Steps', 'Status'];
export const KEY_COLUMNS = ['Key', 'User', 'Decision', 'Workloads', 'Quiet period', 'Why'];

export function planSummaryRows(plan: PlanDocument): PlanSummary {
  return {
    planId: plan.planId,
    account: plan.account,
    workloads: {
      columns: [...WORKLOAD_COLUMNS],
      rows: plan.workloads.map((w) => ({
        status: w.status,
        cells: [w.id, w.kind, w.region, String(w.instances.length), w.keys.join(' '), w.role.name, w.role.mode, String(w.policies.length), String(w.steps.length), w.status],
      })),
    },
    keys: {
      columns: [...KEY_COLUMNS],
      rows: plan.keys.map((k) => ({
        decision: k.decision,
        cells: [k.accessKeyId, k.userName ?? '-', k.decision, k.workloads.join(' ') || '-', formatSeconds(k.quietPeriodSeconds), k.reasons[0] ?? ''],
      })),
    },
    unattributed: plan.unattributed.length,
    warnings: [...plan.warnings],
  };
}

export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.ceil(seconds / 60)}m`;
}
