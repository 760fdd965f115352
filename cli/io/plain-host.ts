// Plain lines on stderr for non-TTY runs: phases, warnings, and progress at most every few
// seconds so CI logs show the job is alive without drowning in lines. Apply's steps: one line
// per step that ended (starts only when verbose), with what it waits for and paused commands.
import type { ConfirmQuestion, IoEvent, IoHost } from '../../src/io/host.js';
import { progressLine } from '../views/progress-line.js';
import { askYesNo } from './ask.js';
import type { Streams } from './streams.js';

export interface PlainHostOptions {
  quiet: boolean;
  interactive: boolean;
  progressIntervalMs?: number;
  now?: () => number;
  /** also print when each workload step starts (--debug) */
  verbose?: boolean;
}

export class PlainHost implements IoHost {
  private readonly lastProgress = new Map<string, number>();

  constructor(
    private readonly streams: Streams,
    private readonly options: PlainHostOptions,
  ) {}

  notify(e: IoEvent): void {
    const write = (line: string) => this.streams.stderr.write(`keyshift: ${line}\n`);
    switch (e.type) {
      case 'warning':
        if (!this.options.quiet) write(`warning: ${e.message}`);
        return;
      case 'phase':
        if (!this.options.quiet) write(e.message);
        return;
      case 'step':
        if (this.options.quiet) return;
        if (e.workload === undefined) {
          write(`${e.step} ${e.status}: ${e.message}${untilText(e)}`);
        } else {
          if (e.status === 'started' && !this.options.verbose) return;
          write(workloadStepLine(e));
        }
        for (const c of e.commands ?? []) write(`    $ ${c}`);
        return;
      case 'apply-scope':
        return; // the steps that follow say what happens
      case 'progress': {
        if (this.options.quiet) return;
        const now = (this.options.now ?? Date.now)();
        const last = this.lastProgress.get(e.phase);
        if (last !== undefined && now - last < (this.options.progressIntervalMs ?? 2000)) return;
        this.lastProgress.set(e.phase, now);
        write(progressLine(e));
        return;
      }
      case 'finding':
        return; // results go to stdout at the end
    }
  }

  confirm(q: ConfirmQuestion): Promise<boolean> {
    return this.options.interactive ? askYesNo(q, this.streams) : Promise.resolve(q.default);
  }
}

type StepEvent = Extract<IoEvent, { type: 'step' }>;

/** `[workload] stage kind status: message (until ...)`: what a CI log shows for a step of apply. */
export function workloadStepLine(e: StepEvent): string {
  const what = [`[${e.workload}]`, e.stage, e.kind ?? e.step, e.status].filter(Boolean).join(' ');
  return `${what}: ${e.message}${untilText(e)}`;
}

function untilText(e: StepEvent): string {
  return e.until === undefined ? '' : ` (until ${e.until})`;
}
