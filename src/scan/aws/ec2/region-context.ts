// What every reader of one region needs: its clients, the shared call limiter, the record
// of incomplete parts, and the abort signal. `readPart` is how a reader makes one call (or
// one paged listing): bounded, and on AccessDenied an incomplete part instead of a failure.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { throwIfAborted } from '../../../errors.js';
import type { IncompleteParts } from '../partial-access.js';
import type { CallLimiter } from './call-limiter.js';

export interface RegionContext {
  region: string;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  limiter: CallLimiter;
  incomplete: IncompleteParts;
  signal?: AbortSignal | undefined;
}

/** One part of the region's inventory; undefined when it could not be read (recorded). */
export function readPart<T>(ctx: RegionContext, what: { action: string; part: string }, read: () => Promise<T>): Promise<T | undefined> {
  // a paged listing holds one slot: its pages go out one after another anyway
  return ctx.incomplete.attempt({ ...what, region: ctx.region }, () => ctx.limiter.run(read));
}

/** Every item of every page, checking for Ctrl-C between pages. */
export async function collectPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    throwIfAborted(signal);
    for (const item of items(page) ?? []) out.push(item);
  }
  return out;
}
