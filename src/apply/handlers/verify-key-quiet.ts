// verify-key-quiet: the old key has gone quiet since the workload moved to its role. Two
// sources say whether it is still used: IAM's last-used date (every service, but hours late)
// and the calls CloudTrail shows made with it. Used after the cutover finished: something still
// holds the key and deactivating it would break that, so the gate blocks. Otherwise it waits
// for the quiet period, never less than the last-used date's lag, counted from when the role
// was verified in use (or from the key's last use, if later). A key several workloads share is
// judged from the last of their cutovers; until then the step waits.
//
// check(): Active is what the plan expects; Inactive means the deactivation already happened
// (a resume); a key that no longer exists is drift.
import { badInput } from '../../errors.js';
import type { Workload } from '../../model/plan.js';
import { formatDuration } from '../../plan/steps.js';
import type { KeyCall } from '../role-evidence.js';
import type { CheckResult, StepContext, StepHandler, StepOutcome } from '../step-handler.js';
import { LAST_USED_LAG_SECONDS, readAccessKeyState, type AccessKeyState } from './access-key-state.js';
import { allDoneAt, latestDoneAt } from './done-times.js';

const LIST_LIMIT = 5;

function params(ctx: StepContext): { accessKeyId: string; quietPeriodSeconds: number } {
  const { accessKeyId, quietPeriodSeconds } = ctx.step.params as { accessKeyId?: unknown; quietPeriodSeconds?: unknown };
  if (typeof accessKeyId !== 'string' || typeof quietPeriodSeconds !== 'number' || !(quietPeriodSeconds >= 0)) {
    throw badInput(`step ${ctx.step.id} lacks accessKeyId or quietPeriodSeconds in its params`, 'the plan was edited or written by another version: make it again with keyshift plan');
  }
  return { accessKeyId, quietPeriodSeconds };
}

async function check(ctx: StepContext): Promise<CheckResult> {
  const { accessKeyId } = params(ctx);
  const key = await readAccessKeyState(ctx.aws, accessKeyId, ctx.signal);
  if (key === null) return { state: 'drift', message: `access key ${accessKeyId} no longer exists (the plan expected it Active)` };
  if (key.status === 'Inactive') return { state: 'done', message: `${accessKeyId} is already inactive: it was deactivated`, output: { status: 'Inactive' } };
  if (key.status === 'Active') return { state: 'ready' };
  return { state: 'drift', message: `access key ${accessKeyId} is ${key.status}, the plan expected Active` };
}

function lastUseText(key: AccessKeyState): string {
  if (key.lastUsed === null) return 'never used, as far as IAM knows';
  const where = [key.lastUsedService, key.lastUsedRegion].filter((x) => x !== null).join(' in ');
  return `last used ${key.lastUsed.toISOString()}${where ? ` (${where})` : ''}`;
}

function callsText(calls: readonly KeyCall[], describe: string): string {
  if (calls.length === 0) return '';
  const ips = [...new Set(calls.map((c) => c.sourceIp).filter((ip): ip is string => ip !== null))];
  const actions = [...new Set(calls.map((c) => c.action))];
  const shown = (xs: string[]) => (xs.length > LIST_LIMIT ? `${xs.slice(0, LIST_LIMIT).join(', ')} and ${xs.length - LIST_LIMIT} more` : xs.join(', '));
  return `; ${calls.length} call${calls.length === 1 ? '' : 's'} in ${describe} (${shown(actions)}), the last at ${calls.at(-1)!.at.toISOString()}${ips.length > 0 ? ` from ${shown(ips)}` : ''}`;
}

/** The steps a workload's role check waits for: its cutover (or attach) steps. */
function cutoverSteps(workload: Workload): string[] | null {
  return workload.steps.find((s) => s.kind === 'verify-role-in-use')?.after ?? null;
}

/**
 * When every workload that holds the key finished its cutover: a shared key is still used by
 * the workloads not moved yet, which is no reason to block, only to wait. A workload sharing
 * the key that this plan does not move has no cutover: its use of the key blocks, as it must.
 */
function sharedCutover(ctx: StepContext, accessKeyId: string): { done: Date | null; pending: string[] } {
  const sharers = ctx.plan.keys.find((k) => k.accessKeyId === accessKeyId)?.workloads ?? [];
  let done: Date | null = null;
  const pending: string[] = [];
  for (const w of ctx.plan.workloads) {
    if (w.id === ctx.workload.id || !sharers.includes(w.id)) continue;
    const steps = cutoverSteps(w);
    if (steps === null) continue;
    const at = allDoneAt(ctx, steps);
    if (at === undefined) pending.push(w.id);
    else if (done === null || at.getTime() > done.getTime()) done = at;
  }
  return { done, pending };
}

async function run(ctx: StepContext): Promise<StepOutcome> {
  const { accessKeyId, quietPeriodSeconds } = params(ctx);
  const verifyStepId = ctx.step.after[0];
  const verifiedAt = verifyStepId === undefined ? undefined : ctx.doneAt(verifyStepId);
  // the cutover finished when the steps the role check waited for were done
  const verifyStep = ctx.workload.steps.find((s) => s.id === verifyStepId);
  const ownCutoverDone = latestDoneAt(ctx, verifyStep?.after ?? []) ?? verifiedAt;
  if (verifiedAt === undefined || ownCutoverDone === undefined) {
    return { status: 'failed', message: `no done time is recorded for ${verifyStepId ?? 'the step it waits for'}: cannot tell when ${accessKeyId} should have gone quiet` };
  }
  const shared = sharedCutover(ctx, accessKeyId);
  if (shared.pending.length > 0) {
    return { status: 'waiting', message: `${accessKeyId} is shared with ${shared.pending.join(', ')}, whose cutover has not finished: the key is still theirs until then` };
  }
  const cutoverDone = shared.done !== null && shared.done.getTime() > ownCutoverDone.getTime() ? shared.done : ownCutoverDone;

  const key = await readAccessKeyState(ctx.aws, accessKeyId, ctx.signal);
  if (key === null) return { status: 'failed', message: `access key ${accessKeyId} no longer exists` };
  if (key.status === 'Inactive') return { status: 'done', message: `${accessKeyId} is already inactive`, output: { status: 'Inactive' } };

  const calls = await ctx.evidence.keyCalls(accessKeyId, cutoverDone, ctx.signal);
  const usedInIam = key.lastUsed !== null && key.lastUsed.getTime() > cutoverDone.getTime();
  if (usedInIam || calls.length > 0) {
    return {
      status: 'blocked',
      message:
        `${accessKeyId} is still used after the cutover finished (${cutoverDone.toISOString()}): ${lastUseText(key)}${callsText(calls, ctx.evidence.describe)}. ` +
        `Deactivating it would break whatever still uses it: find that and move it to the role (or roll back). IAM's last-used date lags the real use by up to 4 hours`,
    };
  }

  const quietSince = new Date(Math.max(verifiedAt.getTime(), cutoverDone.getTime(), key.lastUsed?.getTime() ?? 0));
  const waitSeconds = Math.max(quietPeriodSeconds, LAST_USED_LAG_SECONDS);
  const until = new Date(quietSince.getTime() + waitSeconds * 1000);
  const now = ctx.now();
  if (now.getTime() < until.getTime()) {
    const floor = quietPeriodSeconds < LAST_USED_LAG_SECONDS ? ` (the plan's ${formatDuration(quietPeriodSeconds)} raised to 4 hours: IAM's last-used date lags the real use by up to 4 hours)` : ' (IAM\'s last-used date lags the real use by up to 4 hours)';
    return {
      status: 'waiting',
      message: `${accessKeyId} quiet since ${quietSince.toISOString()} (${lastUseText(key)}); it must stay quiet for ${formatDuration(waitSeconds)}, until ${until.toISOString()}${floor}`,
      until,
    };
  }
  return {
    status: 'done',
    message: `${accessKeyId} has been quiet since ${quietSince.toISOString()} (${lastUseText(key)}): its ${formatDuration(waitSeconds)} quiet period has passed`,
    output: { quietSince: quietSince.toISOString(), lastUsed: key.lastUsed?.toISOString() ?? null },
  };
}

export const verifyKeyQuiet: StepHandler = { check, run };
