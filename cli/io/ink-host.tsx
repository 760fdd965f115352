// The interactive host: an ink view on stderr, redrawn at most ten times a second. Loaded
// lazily, only when resolveMode() chose ink, so pipelines never pay for React.
import { render, type Instance } from 'ink';
import type { ConfirmQuestion, IoEvent, IoHost } from '../../src/io/host.js';
import { ProgressView, type ProgressState } from '../views/progress-view.js';
import { askYesNo } from './ask.js';
import type { Streams } from './streams.js';

export class InkHost implements IoHost {
  private readonly state: ProgressState;
  private instance: Instance | undefined;
  private timer: NodeJS.Timeout | undefined;

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
      case 'step':
        this.state.phase = `${e.step}: ${e.message}`;
        break;
    }
    this.schedule();
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    this.close();
    return askYesNo(q, this.streams);
  }

  /** Draw the final state and let go of the terminal. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.instance) {
      this.draw();
      this.instance.unmount();
      this.instance = undefined;
    }
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
    const view = <ProgressView state={{ ...this.state, progress: [...this.state.progress] }} />;
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
