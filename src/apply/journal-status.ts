// `keyshift status`: where every workload and key stands according to the journal (and the plan
// it names, when it can be read), and what each is waiting for.
import type { JournalContents } from './journal-file.js';
import { foldJournal, isFinished } from './journal-state.js';
import type { PlanDocument } from '../model/plan.js';
import { STAGES } from '../model/stages.js';

export interface WorkloadStatus {
  id: string;
  /** the furthest stage all of whose steps are finished, or null */
  stageDone: string | null;
  finished: number;
  total: number | null;
  state: 'done' | 'in-progress' | 'waiting' | 'blocked' | 'failed' | 'paused' | 'rolled-back' | 'not-started';
  /** what it waits for, or why it stopped */
  detail: string | null;
  until: string | null;
}

export interface KeyStatus {
  accessKeyId: string;
  state: 'active' | 'deactivated' | 'reactivated' | 'deleted';
  at: string | null;
}

export interface JournalStatus {
  planId: string;
  account: string;
  runs: { runId: string; command: string; at: string; ended: boolean; outcome: string | null }[];
  workloads: WorkloadStatus[];
  keys: KeyStatus[];
  /** calls whose result a crash lost and that no later run has settled yet (apply --resume and rollback do) */
  unresolvedCalls: number;
}

export function journalStatus(journal: JournalContents, plan: PlanDocument | null): JournalStatus {
  const state = foldJournal(journal.records);
  const ids = new Set<string>([...(plan?.workloads.filter((w) => w.status === 'ready').map((w) => w.id) ?? []), ...[...state.steps.values()].map((s) => s.workload)]);
  const workloads: WorkloadStatus[] = [...ids].sort().map((id) => {
    const records = [...state.steps.values()].filter((s) => s.workload === id);
    const planSteps = plan?.workloads.find((w) => w.id === id)?.steps ?? null;
    const stepIds = planSteps ? planSteps.map((s) => s.id) : records.map((r) => r.stepId);
    const finished = stepIds.filter((s) => isFinished(state, s)).length;
    const open = records.filter((r) => !isFinished(state, r.stepId)).sort((a, b) => (a.at < b.at ? 1 : -1));
    const latest = open[0];
    let stageDone: string | null = null;
    for (const stage of STAGES) {
      const inStage = planSteps ? planSteps.filter((s) => s.stage === stage).map((s) => s.id) : records.filter((r) => r.stage === stage).map((r) => r.stepId);
      if (inStage.length > 0 && inStage.every((s) => isFinished(state, s))) stageDone = stage;
      else if (inStage.length > 0) break;
    }
    const rolledBack = records.length > 0 && records.every((r) => r.status === 'undone');
    const st: WorkloadStatus['state'] = rolledBack
      ? 'rolled-back'
      : records.length === 0
        ? 'not-started'
        : latest
          ? latest.status === 'undone'
            ? 'in-progress'
            : (latest.status as WorkloadStatus['state'])
          : planSteps && finished < planSteps.length
            ? 'in-progress'
            : 'done';
    return { id, stageDone, finished, total: planSteps?.length ?? null, state: st, detail: latest && latest.status !== 'undone' ? `${latest.stepId}: ${latest.message}` : null, until: latest?.until ?? null };
  });
  // a call whose result a crash lost took effect when a later run found so: apply --resume
  // found its step done (or did it again), or a rollback recorded the call it undoes as undone
  type Call = (typeof state.calls)[number];
  const foundDone = (c: Call): boolean => (c.intent.undoOf !== null ? state.undone.has(c.intent.undoOf) : c.stepId !== null && isFinished(state, c.stepId));
  const tookEffect = (c: Call): boolean => (c.result ? c.result.ok : foundDone(c));
  // and it is settled then, or once rollback has undone it (whatever it did)
  const unresolved = (c: Call): boolean => !c.result && !foundDone(c) && !state.undone.has(c.seq);
  const keys = new Map<string, KeyStatus>();
  for (const c of state.calls) {
    if (!tookEffect(c)) continue;
    if (c.api === 'iam:UpdateAccessKey') {
      const status = c.args.status ?? c.args.Status;
      keys.set(c.target, { accessKeyId: c.target, state: status === 'Inactive' ? 'deactivated' : 'reactivated', at: c.intent.at });
    }
    if (c.api === 'iam:DeleteAccessKey') keys.set(c.target, { accessKeyId: c.target, state: 'deleted', at: c.intent.at });
  }
  for (const k of plan?.keys ?? []) if (!keys.has(k.accessKeyId) && k.decision !== 'report-only') keys.set(k.accessKeyId, { accessKeyId: k.accessKeyId, state: 'active', at: null });
  return {
    planId: journal.header.planId,
    account: journal.header.account,
    runs: state.runs,
    workloads,
    keys: [...keys.values()].sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : 1)),
    unresolvedCalls: state.calls.filter(unresolved).length,
  };
}
