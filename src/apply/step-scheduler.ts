// Runs the steps of a scope in dependency order, up to `concurrency` at a time across
// workloads. Each step: check the live state (done already, ready, or drift), then run. A
// workload stops at its first drift, block or failure; the others go on. A step that waits
// (a quiet period, a soak) leaves its dependents pending; `apply --resume` picks them up.
// Interrupted: no new step starts, the calls in flight finish and are journaled.
import { InterruptedError, isKeyshiftError } from '../errors.js';
import { isAccessDenied } from '../aws/aws-error.js';
import type { IoHost } from '../io/host.js';
import type { StepStatus } from '../model/journal.js';
import type { JournalSession } from './journal-session.js';
import { isFinished, type JournalState } from './journal-state.js';
import type { ScopedStep } from './scope.js';
import type { Json, StepContext, StepHandlers, StepOutcome } from './step-handler.js';

export type StepContextBase = Omit<StepContext, 'workload' | 'step' | 'mutate' | 'outputOf' | 'doneAt'>;

export interface StepReport {
  stepId: string;
  workload: string;
  stage: string;
  kind: string;
  status: StepStatus;
  message: string;
  until?: string;
  commands?: string[];
  /** failed because AWS denied a call */
  denied?: boolean;
}

export interface SchedulerInput {
  steps: readonly ScopedStep[];
  all: ReadonlyMap<string, ScopedStep>;
  state: JournalState;
  session: JournalSession;
  handlers: StepHandlers;
  base: StepContextBase;
  concurrency: number;
  host: IoHost;
  signal: AbortSignal;
  /** workloads stopped before the run (pre-flight gaps), with why */
  stopped: Map<string, string>;
  /** a gate before a workload's first cutover step; returns why the workload must stop, or null */
  beforeCutover?: (scoped: ScopedStep) => Promise<string | null>;
}

export interface SchedulerResult {
  reports: StepReport[];
  /** steps not run, with what each waits for */
  pending: { stepId: string; workload: string; waitingFor: string }[];
  interrupted: boolean;
}

export async function runSteps(input: SchedulerInput): Promise<SchedulerResult> {
  const { state, session, signal } = input;
  const finished = new Set(input.steps.filter((s) => isFinished(state, s.step.id)).map((s) => s.step.id));
  for (const id of state.markedDone) finished.add(id);
  for (const [id] of input.all) if (isFinished(state, id)) finished.add(id);
  const outputs = new Map<string, Json>();
  const doneAt = new Map<string, Date>();
  for (const [id, r] of state.steps) {
    if (r.status === 'done' || r.status === 'already-done') {
      outputs.set(id, r.output);
      doneAt.set(id, new Date(r.at));
    }
  }
  const stopped = new Map(input.stopped);
  const cutoverGate = new Map<string, Promise<string | null>>();
  const reports: StepReport[] = [];
  const stalled = new Set<string>(); // ran this run and did not finish (waiting, paused)
  const running = new Map<string, Promise<void>>();
  let interrupted = false;

  // host steps change files and services: one at a time per host, whatever the concurrency
  const hostsBusy = new Set<string>();
  const ready = (s: ScopedStep): boolean =>
    !finished.has(s.step.id) &&
    !running.has(s.step.id) &&
    !stalled.has(s.step.id) &&
    !stopped.has(s.workload.id) &&
    s.step.after.every((d) => finished.has(d)) &&
    !hostsBusy.has(hostLock(s) ?? '');

  async function record(s: ScopedStep, status: StepStatus, message: string, extra: { output?: Json; until?: Date; commands?: string[]; denied?: boolean } = {}): Promise<void> {
    const until = extra.until ? extra.until.toISOString() : null;
    await session.step({ stepId: s.step.id, workload: s.workload.id, stage: s.step.stage, status, message, output: extra.output ?? {}, until });
    const report: StepReport = { stepId: s.step.id, workload: s.workload.id, stage: s.step.stage, kind: s.step.kind, status, message };
    if (until) report.until = until;
    if (extra.commands) report.commands = extra.commands;
    if (extra.denied) report.denied = true;
    reports.push(report);
    input.host.notify({ type: 'step', step: s.step.id, status, message, workload: s.workload.id, stage: s.step.stage, kind: s.step.kind, ...(until ? { until } : {}), ...(extra.commands ? { commands: extra.commands } : {}) });
    if (status === 'done' || status === 'already-done') {
      finished.add(s.step.id);
      outputs.set(s.step.id, extra.output ?? {});
      doneAt.set(s.step.id, input.base.now());
    } else if (status === 'blocked' || status === 'failed') {
      stopped.set(s.workload.id, `${s.step.id}: ${message}`);
    } else {
      stalled.add(s.step.id);
    }
  }

  async function execute(s: ScopedStep): Promise<void> {
    const handler = input.handlers[s.step.kind];
    if (!handler) {
      await record(s, 'failed', `this keyshift cannot carry out ${s.step.kind} steps`);
      return;
    }
    const ctx: StepContext = {
      ...input.base,
      workload: s.workload,
      step: s.step,
      mutate: session.mutator({ stepId: s.step.id, workload: s.workload.id }),
      outputOf: (id) => outputs.get(id),
      doneAt: (id) => doneAt.get(id),
    };
    input.host.notify({ type: 'step', step: s.step.id, status: 'started', message: s.step.description, workload: s.workload.id, stage: s.step.stage, kind: s.step.kind });
    try {
      const check = await handler.check(ctx);
      if (check.state === 'drift') return await record(s, 'blocked', `drift: ${check.message}`);
      if (check.state === 'done') {
        // a call of this step whose result a crash lost: the live state says it took effect
        for (const c of state.calls.filter((x) => x.stepId === s.step.id && !x.result && x.intent.undoOf === null)) {
          await session.append({ type: 'result', runId: session.runId, at: input.base.now().toISOString(), seq: c.seq, ok: true, output: { ...(check.output ?? {}), reconciled: true }, error: null });
        }
        return await record(s, 'already-done', check.message ?? 'already in the planned state', check.output ? { output: check.output } : {});
      }
      if (s.step.stage === 'cutover' && input.beforeCutover) {
        let gate = cutoverGate.get(s.workload.id);
        if (!gate) cutoverGate.set(s.workload.id, (gate = input.beforeCutover(s)));
        const reason = await gate;
        if (reason) return await record(s, 'blocked', reason);
      }
      const outcome: StepOutcome = await handler.run(ctx);
      switch (outcome.status) {
        case 'done':
          return await record(s, 'done', outcome.message, outcome.output ? { output: outcome.output } : {});
        case 'waiting':
          return await record(s, 'waiting', outcome.message, outcome.until ? { until: outcome.until } : {});
        case 'paused':
          return await record(s, 'paused', outcome.message, outcome.commands ? { commands: outcome.commands } : {});
        default:
          return await record(s, outcome.status, outcome.message);
      }
    } catch (e) {
      if (e instanceof InterruptedError || signal.aborted) {
        interrupted = true;
        return;
      }
      if (isKeyshiftError(e) && e.kind === 'internal') throw e;
      const name = (e as { name?: string }).name ?? 'Error';
      await record(s, 'failed', `${name}: ${(e as Error).message ?? String(e)}`, { denied: isAccessDenied(e) });
    }
  }

  for (;;) {
    if (signal.aborted) interrupted = true;
    if (!interrupted) {
      for (const s of input.steps) {
        if (running.size >= input.concurrency) break;
        if (!ready(s)) continue;
        const lock = hostLock(s);
        if (lock) hostsBusy.add(lock);
        const p = execute(s).finally(() => {
          running.delete(s.step.id);
          if (lock) hostsBusy.delete(lock);
        });
        running.set(s.step.id, p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const pending = input.steps
    .filter((s) => !finished.has(s.step.id) && !reports.some((r) => r.stepId === s.step.id))
    .map((s) => ({ stepId: s.step.id, workload: s.workload.id, waitingFor: waitingFor(s, finished, stopped, input.all) }));
  return { reports, pending, interrupted };
}

function waitingFor(s: ScopedStep, finished: ReadonlySet<string>, stopped: ReadonlyMap<string, string>, all: ReadonlyMap<string, ScopedStep>): string {
  const stop = stopped.get(s.workload.id);
  if (stop) return `workload stopped (${stop})`;
  const open = s.step.after.filter((d) => !finished.has(d));
  if (open.length === 0) return 'not started (interrupted)';
  const other = open.map((d) => all.get(d)).filter((d) => d && d.workload.id !== s.workload.id);
  return `${open.slice(0, 3).join(', ')}${open.length > 3 ? ` and ${open.length - 3} more` : ''}${other.length > 0 ? ' (in another workload)' : ''}`;
}

/** The host a cutover step changes, or null for steps that change no host. */
function hostLock(s: ScopedStep): string | null {
  if (s.step.stage !== 'cutover') return null;
  const p = s.step.params as { instanceId?: unknown; host?: unknown; location?: { host?: unknown } };
  const host = p.instanceId ?? p.location?.host ?? p.host ?? s.step.target.split(':')[0];
  return typeof host === 'string' && host !== '' ? `host:${host}` : null;
}
