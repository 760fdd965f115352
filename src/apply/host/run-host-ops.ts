// Host ops through whichever executor the run has. The payload answers more ops than the
// HostExecutor contract names yet (cutover-ops.ts): this is the one place their types meet.
import type { CutoverOp, CutoverOpResult, HostExecutor, HostTarget } from '../host-executor.js';
import type { HostOp, HostOpResult } from './cutover-ops.js';

export async function runHostOps(hosts: HostExecutor, target: HostTarget, ops: readonly HostOp[], signal: AbortSignal): Promise<HostOpResult[]> {
  // every executor in src/apply/host encodes any HostOp; CutoverOp is the narrower contract
  return (await hosts.run(target, ops as readonly CutoverOp[], signal)) as HostOpResult[];
}

/** Results as the contract types them (an executor's run). */
export function contractResults(results: HostOpResult[]): CutoverOpResult[] {
  return results as CutoverOpResult[];
}

/** One op's result, or a failure saying the host answered nothing for it. */
export function resultOf(results: readonly HostOpResult[], op: HostOp['op']): HostOpResult {
  return results.find((r) => r.op === op) ?? { op, status: 'failed', message: `the host printed no result for ${op}` };
}

/** A host op that failed, thrown inside a journaled call so the journal records the failure. */
export class HostOpFailedError extends Error {
  constructor(readonly result: HostOpResult) {
    super(result.message);
    this.name = 'HostOpFailed';
  }
}

/** The commands a person runs for these ops (the describe-only executor's answer). */
export function describeHostOps(hosts: HostExecutor, target: HostTarget, ops: readonly HostOp[]): string[] {
  return hosts.describe(target, ops as readonly CutoverOp[]);
}
