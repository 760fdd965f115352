// At most N requests per second to one endpoint, by reservation: each caller takes the next
// free slot, so callers arriving together are spaced out instead of all retrying at once.
// CloudTrail LookupEvents allows two per second per account and region; going faster only
// earns ThrottlingExceptions and the SDK's backoff.
import { throwIfAborted } from '../../errors.js';
import type { Clock } from './clock.js';

export class RateLimiter {
  private readonly intervalMs: number;
  /** the earliest time the next request may go */
  private nextSlot = -Infinity;

  constructor(
    requestsPerSecond: number,
    private readonly clock: Clock,
  ) {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) throw new RangeError(`requests per second must be a positive number (got ${requestsPerSecond})`);
    this.intervalMs = 1000 / requestsPerSecond;
  }

  /** Waits for this caller's slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now, signal);
  }
}
