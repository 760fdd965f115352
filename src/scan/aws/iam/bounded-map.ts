// Runs an async function over items with at most `limit` in flight: one service is never
// sent more than a few requests at once (its throttling limits are per account), and results
// keep the items' order. After the first failure no new item is started.
import { throwIfAborted } from '../../../errors.js';

export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      throwIfAborted(signal);
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
