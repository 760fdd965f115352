// What every reader of the IAM half shares: the clients, the record of incomplete parts,
// cancellation, progress, the concurrency bound and an injectable sleep (tests wait for no
// one).
import { setTimeout as delay } from 'node:timers/promises';
import type { AwsContext } from '../../../aws/aws-context.js';
import { throwIfAborted } from '../../../errors.js';
import type { IncompleteParts } from '../partial-access.js';
import type { IamProgress } from './iam-progress.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface IamScanContext {
  aws: AwsContext;
  incomplete: IncompleteParts;
  signal: AbortSignal | undefined;
  progress: IamProgress;
  /** requests in flight per service */
  concurrency: number;
  sleep: Sleep;
  /** the account's partition (aws, aws-cn, aws-us-gov), for the ARNs built here */
  partition: string;
}

export const realSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, { signal });
  } catch (e) {
    throwIfAborted(signal);
    throw e;
  }
};

/** The SDK's per-call options: an aborted scan cancels its requests in flight. */
export function sendOptions(ctx: Pick<IamScanContext, 'signal'>): { abortSignal?: AbortSignal } {
  return ctx.signal ? { abortSignal: ctx.signal } : {};
}
