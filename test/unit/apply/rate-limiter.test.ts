// The account-wide IAM write limiter, on an injected clock: a burst, then one call per 1/rate
// seconds, in arrival order.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/apply/rate-limiter.js';

describe('RateLimiter', () => {
  it('lets a burst through, then spaces calls at the rate, in order', async () => {
    let t = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(2, 3, () => t, async (ms) => {
      slept.push(ms);
      t += ms;
    });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // three from the burst, then 500 ms per call at 2 per second
    expect(slept).toEqual([500, 500]);
    expect(t).toBe(1000);
  });
});
