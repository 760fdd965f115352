// Calls that go out once per item (user data per instance, versions per launch template).
// The first AccessDenied is recorded once for the whole set and the calls not yet sent are
// skipped: a missing permission would otherwise cost a refused call and an incomplete part
// per instance. Other failures are recorded per item; job-wide ones (credentials) rethrow.
import { isAccessDenied } from '../../../aws/aws-error.js';
import { throwIfAborted } from '../../../errors.js';
import type { RegionContext } from './region-context.js';

export type ItemRead<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface EachRead<I> {
  action: string;
  /** the part named when the action is denied for the whole set, e.g. "user data of instances" */
  wholeSet: string;
  /** the part named when one item fails */
  oneItem: (item: I) => string;
}

export async function readEach<I, T>(ctx: RegionContext, items: readonly I[], what: EachRead<I>, read: (item: I) => Promise<T>, onDone?: () => void): Promise<ItemRead<T>[]> {
  let denied = false;
  // a job-wide failure (credentials, Ctrl-C) ends the whole set: the queued calls are not sent
  let fatal: { error: unknown } | undefined;
  const deniedRead: ItemRead<T> = { ok: false, problem: `not read: ${what.action} was denied` };
  const readOne = async (item: I): Promise<ItemRead<T>> => {
    if (fatal) throw fatal.error;
    if (denied) return deniedRead;
    throwIfAborted(ctx.signal);
    try {
      return { ok: true, value: await read(item) };
    } catch (e) {
      throwIfAborted(ctx.signal);
      if (isAccessDenied(e)) {
        if (denied) return deniedRead;
        denied = true;
        await ctx.incomplete.attempt({ action: what.action, region: ctx.region, part: `${what.wholeSet} in ${ctx.region}` }, () => Promise.reject(e));
        return deniedRead;
      }
      await ctx.incomplete.attempt({ action: what.action, region: ctx.region, part: what.oneItem(item) }, () => Promise.reject(e));
      return { ok: false, problem: `not read: ${what.action} failed (${(e as { name?: string } | null)?.name ?? 'error'})` };
    }
  };
  return Promise.all(
    items.map((item) =>
      ctx.limiter.run(async () => {
        try {
          return await readOne(item);
        } catch (e) {
          fatal ??= { error: e };
          throw e;
        } finally {
          onDone?.();
        }
      }),
    ),
  );
}
