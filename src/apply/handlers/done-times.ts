// When the steps a step waits for were recorded done: the verify steps measure from the latest.
import type { StepContext } from '../step-handler.js';

/** The latest done time of `stepIds`; undefined when none has one recorded. */
export function latestDoneAt(ctx: Pick<StepContext, 'doneAt'>, stepIds: readonly string[]): Date | undefined {
  let latest: Date | undefined;
  for (const id of stepIds) {
    const at = ctx.doneAt(id);
    if (at !== undefined && (latest === undefined || at.getTime() > latest.getTime())) latest = at;
  }
  return latest;
}

/** When the last of `stepIds` was done; undefined while any of them has no done time. */
export function allDoneAt(ctx: Pick<StepContext, 'doneAt'>, stepIds: readonly string[]): Date | undefined {
  if (stepIds.some((id) => ctx.doneAt(id) === undefined)) return undefined;
  return latestDoneAt(ctx, stepIds);
}
