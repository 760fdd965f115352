// At most N AWS calls in flight across every region of the scan: regions run side by side,
// but EC2 throttles per account, and 1,000 user data reads must not go out at once.
export class CallLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number, 1 or more (got ${max})`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // hand the slot straight to the next waiter, so `active` never overshoots
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
