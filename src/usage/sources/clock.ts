// Time for the AWS sources that wait (LookupEvents' rate limit, Athena's polling): injectable,
// so tests run a fake clock and never sleep.
import { setTimeout as delay } from 'node:timers/promises';
import { throwIfAborted } from '../../errors.js';

export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** resolves after `ms`; rejects with InterruptedError when the signal fires first */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch (e) {
      throwIfAborted(signal);
      throw e;
    }
  },
};
