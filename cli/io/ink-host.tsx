// The interactive host: an ink view on stderr, redrawn at most ten times a second. Loaded
// lazily, only when resolveMode() chose ink, so pipelines never pay for React. Once apply
// announces its scope, the apply view (per workload stages and steps) replaces the phase view.
import { render, type Instance } from 'ink';
import type { ConfirmQuestion, IoEvent, IoHost } from '../../src/io/host.js';
import { isStage, STAGES } from '../../src/model/stages.js';
import { ApplyProgressView, type WorkloadProgress } from '../views/apply-progress-view.js';
import { ProgressView, type ProgressState } from '../views/progress-view.js';
import { askYesNo } from './ask.js';
import type { Streams } from './streams.js';

export class InkHost implements IoHost {
  private readonly state: ProgressState;
  /** set by the apply-scope event: the workloads apply considers, updated by step events */
  private workloads: WorkloadProgress[] | undefined;
  private instance: Instance | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** apply: redraws once a second so elapsed time moves while a long step runs */
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly streams: Streams) {
    const now = Date.now();
    this.state = { phase: 'starting', progress: [], findings: 0, warnings: [], startedAt: now, now };
  }

  notify(e: IoEvent): void {
    switch (e.type) {
      case 'phase':
        this.state.phase = e.message;
        break;
      case 'progress': {
        const i = this.state.progress.findIndex((p) => p.phase === e.phase);
        if (i === -1) this.state.progress.push(e);
        else this.state.progress[i] = e;
        break;
      }
      case 'finding':
        this.state.findings++;
        break;
      case 'warning':
        this.state.warnings.push(e.message);
        break;
      case 'apply-scope':
        this.workloads = workloadsOf(e);
        if (!this.heartbeat) {
          this.heartbeat = setInterval(() => this.schedule(), 1000);
          this.heartbeat.unref();
        }
        break;
      case 'step':
        if (!this.workloads || !trackStep(this.workloads, e)) this.state.phase = `${e.step}: ${e.message}`;
        break;
    }
    this.schedule();
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    this.release(false);
    return askYesNo(q, this.streams);
  }

  /** Draw the final state and let go of the terminal. */
  close(): void {
    // a run shorter than one redraw still leaves its final state on the screen
    this.release(true);
  }

  private release(drawPending: boolean): void {
    const pending = this.timer !== undefined;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
    if (!this.instance && !(pending && drawPending)) return;
    this.draw();
    this.instance?.unmount();
    this.instance = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 100);
    this.timer.unref();
  }

  private draw(): void {
    this.state.now = Date.now();
    const view = this.workloads ? (
      <ApplyProgressView state={{ ...this.state, warnings: [...this.state.warnings], workloads: this.workloads.map((w) => ({ ...w, inFlight: [...w.inFlight], notes: [...w.notes] })) }} />
    ) : (
      <ProgressView state={{ ...this.state, progress: [...this.state.progress] }} />
    );
    if (this.instance) this.instance.rerender(view);
    else
      this.instance = render(view, {
        stdout: this.streams.stderr as NodeJS.WriteStream,
        stdin: this.streams.stdin as NodeJS.ReadStream,
        exitOnCtrlC: false,
        patchConsole: false,
      });
  }
}

type StepEvent = Extract<IoEvent, { type: 'step' }>;

export function workloadsOf(e: Extract<IoEvent, { type: 'apply-scope' }>): WorkloadProgress[] {
  return e.workloads.map((w) => ({ id: w.id, name: w.name, steps: w.steps, finished: w.finished, inFlight: [], notes: [] }));
}

/**
 * Folds one step event into its workload's progress: a start puts the step in flight, its end
 * takes it out and counts it done or keeps why it did not finish. Returns false when the event
 * belongs to no workload in scope (rollback's undo steps, finalize's keys).
 */
export function trackStep(workloads: WorkloadProgress[], e: StepEvent): boolean {
  const w = e.workload === undefined ? undefined : workloads.find((x) => x.id === e.workload);
  if (!w) return false;
  w.inFlight = w.inFlight.filter((s) => s.step !== e.step);
  w.notes = w.notes.filter((n) => n.step !== e.step);
  if (e.stage !== undefined && isStage(e.stage) && (w.stage === undefined || STAGES.indexOf(e.stage) > STAGES.indexOf(w.stage))) w.stage = e.stage;
  const where = { step: e.step, ...(e.stage !== undefined ? { stage: e.stage } : {}), ...(e.kind !== undefined ? { kind: e.kind } : {}) };
  switch (e.status) {
    case 'started':
      w.inFlight.push({ ...where, message: e.message });
      break;
    case 'done':
    case 'already-done':
      w.finished = Math.min(w.steps, w.finished + 1);
      break;
    case 'waiting':
    case 'paused':
    case 'blocked':
    case 'failed':
      w.notes.push({ ...where, status: e.status, message: e.message, ...(e.until !== undefined ? { until: e.until } : {}), ...(e.commands !== undefined ? { commands: e.commands } : {}) });
      break;
    case 'skipped':
    case 'undone':
      break;
  }
  return true;
}
