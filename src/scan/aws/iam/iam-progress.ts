// Progress of the IAM half, one counter per unit (users, keys, resource policies), reported
// at most every quarter second per unit and always at the end, so a host that redraws per
// event never slows the scan.
import { performance } from 'node:perf_hooks';
import type { IoHost } from '../../../io/host.js';

const INTERVAL_MS = 250;

export class IamProgress {
  private readonly last = new Map<string, number>();

  constructor(private readonly host: IoHost) {}

  report(unit: string, done: number, total: number): void {
    const now = performance.now();
    const final = done >= total;
    if (!final && now - (this.last.get(unit) ?? -Infinity) < INTERVAL_MS) return;
    this.last.set(unit, now);
    this.host.notify({ type: 'progress', phase: 'iam', done, total, unit });
  }
}

/** A counter of one unit that reports as it goes. */
export class ProgressCounter {
  private done = 0;

  constructor(
    private readonly progress: IamProgress,
    private readonly unit: string,
    private total: number,
  ) {}

  add(total: number): void {
    this.total += total;
  }

  tick(): void {
    this.done++;
    this.progress.report(this.unit, this.done, this.total);
  }
}
