// What a journal says, folded: each step's latest status and output, the calls made (intent
// with its result, if any), what rollback has undone, and the next sequence number. `apply
// --resume`, `status`, `rollback` and `finalize` all start from this.
import type { IntentRecord, JournalRecord, ResultRecord, StepRecord } from '../model/journal.js';
import type { JournaledCall } from './step-handler.js';

export interface JournalState {
  steps: Map<string, StepRecord>;
  /** every call, in seq order; `result` missing when the run crashed mid-call */
  calls: (JournaledCall & { intent: IntentRecord; resultRecord?: ResultRecord })[];
  /** seqs rollback has undone (or found nothing to undo) */
  undone: Set<number>;
  /** steps a person marked done */
  markedDone: Set<string>;
  /** runs, in order, and whether each ended (an end record) */
  runs: { runId: string; command: string; at: string; ended: boolean; outcome: string | null }[];
  nextSeq: number;
}

export function foldJournal(records: readonly JournalRecord[]): JournalState {
  const steps = new Map<string, StepRecord>();
  const intents = new Map<number, IntentRecord>();
  const results = new Map<number, ResultRecord>();
  const undone = new Set<number>();
  const markedDone = new Set<string>();
  const runs: JournalState['runs'] = [];
  let maxSeq = 0;
  for (const r of records) {
    switch (r.type) {
      case 'run':
        runs.push({ runId: r.runId, command: r.command, at: r.at, ended: false, outcome: null });
        break;
      case 'end': {
        const run = runs.find((x) => x.runId === r.runId);
        if (run) {
          run.ended = true;
          run.outcome = r.outcome;
        }
        break;
      }
      case 'intent':
        intents.set(r.seq, r);
        maxSeq = Math.max(maxSeq, r.seq);
        break;
      case 'result':
        results.set(r.seq, r);
        break;
      case 'step':
        steps.set(r.stepId, r);
        break;
      case 'undone':
        undone.add(r.seq);
        break;
      case 'marked-done':
        markedDone.add(r.stepId);
        break;
      case 'header':
        break;
    }
  }
  const calls = [...intents.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((intent) => {
      const result = results.get(intent.seq);
      return {
        seq: intent.seq,
        api: intent.api,
        region: intent.region,
        target: intent.target,
        args: intent.args,
        stepId: intent.stepId,
        intent,
        ...(result ? { result: { ok: result.ok, output: result.output }, resultRecord: result } : {}),
      };
    });
  return { steps, calls, undone, markedDone, runs, nextSeq: maxSeq + 1 };
}

/** A step counts as finished when its latest record says so, or a person marked it done. */
export function isFinished(state: JournalState, stepId: string): boolean {
  const s = state.steps.get(stepId);
  return (state.markedDone.has(stepId) && s?.status !== 'undone') || s?.status === 'done' || s?.status === 'already-done';
}
