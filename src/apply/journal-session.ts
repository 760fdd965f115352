// One run's view of the journal: it appends the run's records and implements `mutate`, the only
// way a handler sends a mutating call: intent (flushed), the call, result (flushed). The
// `afterCall` hook lets tests stop the process between a call and its result record, the
// worst moment for a crash.
import { randomUUID } from 'node:crypto';
import { InterruptedError } from '../errors.js';
import type { JournalCommand, JournalRecord, StepRecord } from '../model/journal.js';
import type { JournalWriter } from './journal-file.js';
import type { Json, MutatingCall } from './step-handler.js';

export interface SessionHooks {
  /** called after the n-th mutating call of this run returned, before its result is journaled */
  afterCall?: (n: number, call: MutatingCall) => void;
}

export class JournalSession {
  readonly runId = randomUUID();
  private seq: number;
  private sent = 0;

  constructor(
    private readonly writer: JournalWriter,
    nextSeq: number,
    private readonly now: () => Date,
    private readonly signal: AbortSignal,
    private readonly hooks: SessionHooks = {},
  ) {
    this.seq = nextSeq;
  }

  get path(): string {
    return this.writer.path;
  }

  /** mutating calls this run has sent */
  get callsSent(): number {
    return this.sent;
  }

  private at(): string {
    return this.now().toISOString();
  }

  append(record: JournalRecord): Promise<void> {
    return this.writer.append(record);
  }

  start(command: JournalCommand, options: Json, identity: { arn: string; accessKeyId: string | null }): Promise<void> {
    return this.append({ type: 'run', runId: this.runId, at: this.at(), command, options, identity });
  }

  end(command: JournalCommand, outcome: string, message: string): Promise<void> {
    return this.append({ type: 'end', runId: this.runId, at: this.at(), command, outcome, message });
  }

  step(record: Omit<StepRecord, 'type' | 'runId' | 'at'>): Promise<void> {
    return this.append({ type: 'step', runId: this.runId, at: this.at(), ...record });
  }

  undone(seq: number, message: string): Promise<void> {
    return this.append({ type: 'undone', runId: this.runId, at: this.at(), seq, message });
  }

  markedDone(stepId: string, by: string): Promise<void> {
    return this.append({ type: 'marked-done', runId: this.runId, at: this.at(), stepId, by });
  }

  /** A `mutate` bound to a step (or, for rollback, to the call it undoes). */
  mutator(ref: { stepId: string | null; workload: string | null; undoOf?: number }) {
    return async <T>(call: MutatingCall, send: () => Promise<T>, output?: (response: T) => Json): Promise<T> => {
      // an interrupted run sends nothing new; the call in flight finishes and is recorded
      if (this.signal.aborted) throw new InterruptedError();
      const seq = this.seq++;
      await this.append({
        type: 'intent',
        runId: this.runId,
        at: this.at(),
        seq,
        stepId: ref.stepId,
        workload: ref.workload,
        api: call.api,
        region: call.region,
        target: call.target,
        args: call.args,
        undoOf: ref.undoOf ?? null,
      });
      let response: T;
      try {
        response = await send();
      } catch (e) {
        this.sent++;
        const err = e as { name?: string; Code?: string; message?: string };
        await this.append({ type: 'result', runId: this.runId, at: this.at(), seq, ok: false, output: {}, error: { code: err.Code ?? err.name ?? 'Error', message: String(err.message ?? e) } });
        throw e;
      }
      this.sent++;
      this.hooks.afterCall?.(this.sent, call);
      await this.append({ type: 'result', runId: this.runId, at: this.at(), seq, ok: true, output: output ? output(response) : {}, error: null });
      return response;
    };
  }
}
