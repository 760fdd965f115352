// IoHost: how the engine reports progress and asks questions. The engine never prints;
// the CLI supplies a host (ink, plain stderr lines, NDJSON) and library users their own.
import type { Finding } from '../model/finding.js';

export type IoEvent =
  | { type: 'phase'; phase: string; message: string }
  | {
      type: 'progress';
      phase: string;
      /** units done so far (files, blobs, instances, ...) */
      done: number;
      /** total units when known in advance */
      total?: number;
      unit: string;
      bytes?: number;
    }
  | { type: 'finding'; finding: Finding }
  | {
      type: 'step';
      step: string;
      status: 'started' | 'done' | 'failed' | 'skipped' | 'already-done' | 'waiting' | 'paused' | 'blocked' | 'undone';
      message: string;
      /** apply, rollback and finalize: the workload and stage the step belongs to */
      workload?: string;
      stage?: string;
      kind?: string;
      /** waiting: when the gate can pass, if known (ISO 8601) */
      until?: string;
      /** paused: what a person runs */
      commands?: string[];
    }
  /** apply: the steps this run will consider, before it starts, so views can show totals */
  | { type: 'apply-scope'; workloads: { id: string; name: string; steps: number; finished: number }[] }
  | { type: 'warning'; code: string; message: string };

export interface ConfirmQuestion {
  id: string;
  message: string;
  /** the answer a non-interactive run takes */
  default: boolean;
}

export interface IoHost {
  notify(event: IoEvent): void;
  confirm(question: ConfirmQuestion): Promise<boolean>;
}

/** A host that drops events and answers every question with its default. */
export const silentHost: IoHost = {
  notify() {},
  confirm: async (q) => q.default,
};

/** A host that keeps every event, for tests and library callers that inspect them afterwards. */
export class RecordingHost implements IoHost {
  readonly events: IoEvent[] = [];
  notify(event: IoEvent): void {
    this.events.push(event);
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    return q.default;
  }
}
