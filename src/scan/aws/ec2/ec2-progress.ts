// Progress of the EC2 phase in instances: user data read so far, out of the instances
// listed. The total is given once every region has listed its instances, so it never grows.
import { performance } from 'node:perf_hooks';
import type { IoHost } from '../../../io/host.js';

const INTERVAL_MS = 250;

export class Ec2Progress {
  private listed = 0;
  private regionsListed = 0;
  private done = 0;
  private last = performance.now();

  constructor(
    private readonly host: IoHost,
    private readonly regions: number,
  ) {}

  regionListed(instances: number): void {
    this.listed += instances;
    this.regionsListed++;
    this.report(false);
  }

  instanceRead(): void {
    this.done++;
    this.report(false);
  }

  finish(): void {
    this.report(true);
  }

  private report(always: boolean): void {
    const now = performance.now();
    if (!always && now - this.last < INTERVAL_MS) return;
    this.last = now;
    const total = this.regionsListed >= this.regions ? { total: this.listed } : {};
    this.host.notify({ type: 'progress', phase: 'ec2', done: this.done, ...total, unit: 'instances' });
  }
}
