// The attach steps that give an instance the workload's instance profile: associate it (the
// instance has none) or replace the instance's current association with it (the new role carries
// the old role's policies, so nothing the instance could do is taken away). Never anything else:
// an instance with a profile the plan did not expect is drift, not something to overwrite.
//
// IAM is eventually consistent: EC2 rejects a profile created seconds ago with
// InvalidParameterValue ("Invalid IAM Instance Profile name") until IAM has propagated it, so
// the call is retried with exponential backoff for a bounded time. An association then goes
// `associating` -> `associated`; the step waits for that, also bounded, and otherwise returns
// `waiting` so `apply --resume` comes back to it.
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  EC2Client,
  ReplaceIamInstanceProfileAssociationCommand,
  type IamInstanceProfileAssociation,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { badInput, throwIfAborted } from '../../errors.js';
import type { PlanStep } from '../../model/plan.js';
import type { CheckResult, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';

export interface AssociationTiming {
  /** how long EC2 may keep rejecting a just-created profile before the step fails (IAM propagation) */
  propagationMs: number;
  /** how long to wait for a new association to become `associated` before the step waits */
  settleMs: number;
  /** the first retry or poll delay; it doubles up to maxDelayMs */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_ASSOCIATION_TIMING: AssociationTiming = { propagationMs: 120_000, settleMs: 300_000, firstDelayMs: 2_000, maxDelayMs: 20_000 };

/** An association that is in effect or becoming so (disassociating and disassociated ones are history). */
export interface LiveAssociation {
  associationId: string;
  instanceProfileArn: string;
  state: 'associating' | 'associated';
}

const AssociateParams = z.object({ instanceId: z.string(), region: z.string(), instanceProfileName: z.string(), instanceProfileArn: z.string() });
const ReplaceParams = AssociateParams.extend({ associationId: z.string().nullable() });
const ReplaceExpect = z.object({ association: z.object({ associationId: z.string().nullable(), instanceProfileArn: z.string() }) });

export function parseStepShape<T>(step: PlanStep, part: 'params' | 'expect', schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(step[part]);
  if (!parsed.success) throw badInput(`plan step ${step.id} (${step.kind}) has malformed ${part}: ${parsed.error.issues.map((i) => `${i.path.join('.') || part}: ${i.message}`).join('; ')}`, 'make the plan again with this version of keyshift');
  return parsed.data;
}

/** The profile's name: the last segment of its ARN (the path comes before it). */
export function profileNameOf(arn: string): string {
  return arn.split('/').at(-1) ?? arn;
}

/** Whether a live profile ARN is the plan's profile. Names are unique in an account, whatever the path. */
export function isPlannedProfile(arn: string, planned: { instanceProfileName: string; instanceProfileArn: string }): boolean {
  return arn === planned.instanceProfileArn || profileNameOf(arn) === planned.instanceProfileName;
}

export async function liveAssociations(ec2: EC2Client, instanceId: string): Promise<LiveAssociation[]> {
  const found: LiveAssociation[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [
          { Name: 'instance-id', Values: [instanceId] },
          { Name: 'state', Values: ['associating', 'associated'] },
        ],
        NextToken: token,
      }),
    );
    for (const a of page.IamInstanceProfileAssociations ?? []) {
      const live = toLive(a);
      if (live && a.InstanceId === instanceId) found.push(live);
    }
    token = page.NextToken;
  } while (token);
  return found;
}

function toLive(a: IamInstanceProfileAssociation): LiveAssociation | undefined {
  if (!a.AssociationId || !a.IamInstanceProfile?.Arn) return undefined;
  if (a.State !== 'associating' && a.State !== 'associated') return undefined;
  return { associationId: a.AssociationId, instanceProfileArn: a.IamInstanceProfile.Arn, state: a.State };
}

function describeLive(live: readonly LiveAssociation[]): string {
  if (live.length === 0) return 'no instance profile';
  return live.map((a) => `instance profile ${profileNameOf(a.instanceProfileArn)} (${a.associationId}, ${a.state})`).join(' and ');
}

/** EC2's answer while IAM has not yet propagated a new profile (or its role) to EC2. */
export function isProfilePropagationError(e: unknown): boolean {
  const err = e as { name?: string; message?: string };
  return err?.name === 'InvalidParameterValue' && /iam ?instance ?profile/i.test(err.message ?? '');
}

/** Sleeps on an exponential schedule within a budget; `next()` is false when the budget is spent. */
export class Backoff {
  private slept = 0;
  private delay: number;

  constructor(
    private readonly ctx: { sleep(ms: number): Promise<void>; signal: AbortSignal },
    private readonly budgetMs: number,
    firstDelayMs: number,
    private readonly maxDelayMs: number,
  ) {
    this.delay = firstDelayMs;
  }

  async next(): Promise<boolean> {
    if (this.slept >= this.budgetMs) return false;
    const wait = Math.min(this.delay, this.budgetMs - this.slept);
    await this.ctx.sleep(wait);
    throwIfAborted(this.ctx.signal);
    this.slept += wait;
    this.delay = Math.min(this.delay * 2, this.maxDelayMs);
    return true;
  }
}

/** Polls until the association is `associated`: true when it is, false when the budget ran out. */
export async function waitUntilAssociated(
  ec2: EC2Client,
  associationId: string,
  ctx: { sleep(ms: number): Promise<void>; signal: AbortSignal },
  timing: AssociationTiming,
): Promise<boolean> {
  const backoff = new Backoff(ctx, timing.settleMs, timing.firstDelayMs, timing.maxDelayMs);
  do {
    // right after the call, Describe may not list the new association yet: that is "not yet"
    const out = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ AssociationIds: [associationId] })).catch((e: { name?: string }) => {
      if (e?.name === 'InvalidAssociationID.NotFound') return { IamInstanceProfileAssociations: [] };
      throw e;
    });
    if (out.IamInstanceProfileAssociations?.some((a) => a.AssociationId === associationId && a.State === 'associated')) return true;
  } while (await backoff.next());
  return false;
}

/** Sends the call again while EC2 does not know the profile yet; undefined when it never did within the budget. */
async function withPropagationRetry<T>(ctx: StepContext, timing: AssociationTiming, send: () => Promise<T>): Promise<T | undefined> {
  const backoff = new Backoff(ctx, timing.propagationMs, timing.firstDelayMs, timing.maxDelayMs);
  for (;;) {
    try {
      return await send();
    } catch (e) {
      if (!isProfilePropagationError(e)) throw e;
      if (!(await backoff.next())) return undefined;
    }
  }
}

function ec2For(ctx: StepContext, region: string): EC2Client {
  return ctx.aws.client(EC2Client, region);
}

async function settled(ctx: StepContext, ec2: EC2Client, timing: AssociationTiming, associationId: string, done: string): Promise<StepOutcome> {
  if (await waitUntilAssociated(ec2, associationId, ctx, timing)) return { status: 'done', message: done, output: { associationId } };
  return { status: 'waiting', message: `${done}, but association ${associationId} is still associating after ${Math.round(timing.settleMs / 1000)} s: apply --resume checks it again` };
}

function propagationFailure(profile: string, instanceId: string, timing: AssociationTiming): StepOutcome {
  return {
    status: 'failed',
    message: `EC2 still rejects instance profile ${profile} for ${instanceId} after ${Math.round(timing.propagationMs / 1000)} s: IAM has not made it (or its role) visible to EC2 yet; run apply --resume in a few minutes`,
  };
}

function associateHandler(timing: AssociationTiming): StepHandler {
  async function check(ctx: StepContext): Promise<CheckResult> {
    const p = parseStepShape(ctx.step, 'params', AssociateParams);
    const live = await liveAssociations(ec2For(ctx, p.region), p.instanceId);
    const mine = live.find((a) => isPlannedProfile(a.instanceProfileArn, p));
    if (mine) return { state: 'done', output: { associationId: mine.associationId }, message: `${p.instanceId} already has instance profile ${p.instanceProfileName} (${mine.associationId})` };
    if (live.length === 0) return { state: 'ready' };
    return { state: 'drift', message: `${p.instanceId} has ${describeLive(live)}; the plan expected none and would associate ${p.instanceProfileName}` };
  }

  return {
    check,
    async run(ctx) {
      const p = parseStepShape(ctx.step, 'params', AssociateParams);
      const ec2 = ec2For(ctx, p.region);
      const state = await check(ctx);
      if (state.state === 'done') return { status: 'done', message: state.message ?? 'already associated', output: state.output ?? {} };
      if (state.state === 'drift') return { status: 'blocked', message: state.message };
      const response = await withPropagationRetry(ctx, timing, () =>
        ctx.mutate(
          {
            api: 'ec2:AssociateIamInstanceProfile',
            region: p.region,
            target: p.instanceId,
            args: { instanceId: p.instanceId, instanceProfileName: p.instanceProfileName, instanceProfileArn: p.instanceProfileArn, previous: null },
          },
          () => ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: p.instanceId, IamInstanceProfile: { Name: p.instanceProfileName } })),
          (r) => ({ associationId: r.IamInstanceProfileAssociation?.AssociationId ?? null }),
        ),
      ).catch(async (e: { name?: string }) => {
        // a call that went through but whose answer was lost: the association is there now
        if (e?.name !== 'IncorrectState') throw e;
        const mine = (await liveAssociations(ec2, p.instanceId)).find((a) => isPlannedProfile(a.instanceProfileArn, p));
        if (!mine) throw e;
        return { IamInstanceProfileAssociation: { AssociationId: mine.associationId } };
      });
      if (response === undefined) return propagationFailure(p.instanceProfileName, p.instanceId, timing);
      const associationId = response.IamInstanceProfileAssociation?.AssociationId;
      if (!associationId) return { status: 'failed', message: `EC2 accepted the association of ${p.instanceProfileName} with ${p.instanceId} but returned no association ID` };
      return settled(ctx, ec2, timing, associationId, `associated instance profile ${p.instanceProfileName} with ${p.instanceId}`);
    },
  };
}

function replaceHandler(timing: AssociationTiming): StepHandler {
  async function classify(ctx: StepContext): Promise<{ result: CheckResult; current?: LiveAssociation }> {
    const p = parseStepShape(ctx.step, 'params', ReplaceParams);
    const expected = parseStepShape(ctx.step, 'expect', ReplaceExpect).association;
    const live = await liveAssociations(ec2For(ctx, p.region), p.instanceId);
    const mine = live.find((a) => isPlannedProfile(a.instanceProfileArn, p));
    if (mine) {
      return { result: { state: 'done', output: { associationId: mine.associationId }, message: `${p.instanceId} already has instance profile ${p.instanceProfileName} (${mine.associationId})` } };
    }
    const current = live.length === 1 ? live[0] : undefined;
    const matches =
      current !== undefined &&
      (expected.associationId === null || current.associationId === expected.associationId) &&
      (current.instanceProfileArn === expected.instanceProfileArn || profileNameOf(current.instanceProfileArn) === profileNameOf(expected.instanceProfileArn));
    if (matches) return { result: { state: 'ready' }, current };
    const planned = `instance profile ${profileNameOf(expected.instanceProfileArn)}${expected.associationId ? ` (${expected.associationId})` : ''}`;
    return { result: { state: 'drift', message: `${p.instanceId} has ${describeLive(live)}; the plan expected ${planned}, to be replaced by ${p.instanceProfileName}` } };
  }

  return {
    check: async (ctx) => (await classify(ctx)).result,
    async run(ctx) {
      const p = parseStepShape(ctx.step, 'params', ReplaceParams);
      const ec2 = ec2For(ctx, p.region);
      const { result, current } = await classify(ctx);
      if (result.state === 'done') return { status: 'done', message: result.message ?? 'already replaced', output: result.output ?? {} };
      if (result.state === 'drift') return { status: 'blocked', message: result.message };
      if (!current) return { status: 'blocked', message: `${p.instanceId} has no association to replace` };
      const response = await withPropagationRetry(ctx, timing, () =>
        ctx.mutate(
          {
            api: 'ec2:ReplaceIamInstanceProfileAssociation',
            region: p.region,
            target: p.instanceId,
            args: {
              instanceId: p.instanceId,
              associationId: current.associationId,
              instanceProfileName: p.instanceProfileName,
              instanceProfileArn: p.instanceProfileArn,
              previous: { associationId: current.associationId, instanceProfileArn: current.instanceProfileArn },
            },
          },
          () => ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: current.associationId, IamInstanceProfile: { Name: p.instanceProfileName } })),
          (r) => ({ associationId: r.IamInstanceProfileAssociation?.AssociationId ?? null }),
        ),
      );
      if (response === undefined) return propagationFailure(p.instanceProfileName, p.instanceId, timing);
      const associationId = response.IamInstanceProfileAssociation?.AssociationId;
      if (!associationId) return { status: 'failed', message: `EC2 accepted the replacement on ${p.instanceId} but returned no association ID` };
      return settled(ctx, ec2, timing, associationId, `replaced ${p.instanceId}'s instance profile ${profileNameOf(current.instanceProfileArn)} with ${p.instanceProfileName}`);
    },
  };
}

/** The two association step kinds with other timing (tests); the defaults are 2 minutes of propagation, 5 of settling. */
export function makeProfileAssociationHandlers(timing: AssociationTiming = DEFAULT_ASSOCIATION_TIMING): {
  'associate-instance-profile': StepHandler;
  'replace-instance-profile-association': StepHandler;
} {
  return { 'associate-instance-profile': associateHandler(timing), 'replace-instance-profile-association': replaceHandler(timing) };
}

export const profileAssociationHandlers: StepHandlers = makeProfileAssociationHandlers();
