// Plain lines on stderr for non-TTY runs: phases, warnings, and progress at most every few
// seconds so CI logs show the job is alive without drowning in lines.
import type { ConfirmQuestion, IoEvent, IoHost } from '../../src/io/host.js';
import { progressLine } from '../views/progress-line.js';
import { askYesNo } from './ask.js';
import type { Streams } from './streams.js';

export interface PlainHostOptions {
  quiet: boolean;
  interactive: boolean;
  progressIntervalMs?: number;
  now?: () => number;
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
        if (!this.options.quiet) write(`${e.step} ${e.status}: ${e.message}`);
        return;
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
