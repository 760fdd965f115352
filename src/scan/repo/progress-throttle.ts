// Progress events for a long phase, at most one per interval: a host that redraws or writes
// a line per event must not become the bottleneck of a scan of a million files.
import { performance } from 'node:perf_hooks';
import type { IoHost } from '../../io/host.js';

const DEFAULT_INTERVAL_MS = 250;

export class ProgressThrottle {
  private last = performance.now();

  constructor(
    private readonly host: IoHost,
    private readonly phase: string,
    private readonly unit: string,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  /** Reports the counts if the interval has passed since the last report. */
  tick(done: number, bytes: number): void {
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.host.notify({ type: 'progress', phase: this.phase, done, unit: this.unit, bytes });
  }

  /** Reports the final counts, whatever the interval. */
  finish(done: number, bytes: number): void {
    this.last = performance.now();
    this.host.notify({ type: 'progress', phase: this.phase, done, unit: this.unit, bytes });
  }
}
