// Runs an async function over a stream of items with at most `limit` calls in flight. Workers
// pull from one shared iterator, so memory holds `limit` items however long the stream is.
// After the first failure no new item is started; the calls in flight finish (nothing keeps
// running behind the caller's back) and the first error is thrown.
import { throwIfAborted } from '../../errors.js';

export async function forEachConcurrent<T>(items: Iterable<T> | AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a whole number, 1 or more (got ${limit})`);
  const it: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let failure: { error: unknown } | null = null;
  let done = false;

  async function worker(): Promise<void> {
    while (failure === null && !done) {
      let next: IteratorResult<T>;
      try {
        throwIfAborted(signal);
        next = await it.next();
      } catch (e) {
        failure ??= { error: e };
        return;
      }
      if (next.done) {
        done = true;
        return;
      }
      try {
        await fn(next.value);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  }

  await Promise.all(Array.from({ length: limit }, worker));
  if (failure !== null) {
    await it.return?.();
    throw (failure as { error: unknown }).error;
  }
}
