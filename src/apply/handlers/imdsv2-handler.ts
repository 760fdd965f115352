// The verify step that requires IMDSv2 on an instance, after a soak: the workload has run on
// its role credentials for `soakSeconds` since the role was seen in use (the step after which
// this one comes). Old SDKs that only speak IMDSv1 lose their credentials when tokens become
// required, so the soak gives them time to show up first.
//
// Only the token requirement (and a hop limit that is too low for containers) changes: every
// other metadata option is sent back as it was read, because ModifyInstanceMetadataOptions
// applies the request as a whole.
import { DescribeInstancesCommand, EC2Client, ModifyInstanceMetadataOptionsCommand, type InstanceMetadataOptionsResponse } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { formatDuration } from '../../plan/steps.js';
import type { CheckResult, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';
import { Backoff, parseStepShape } from './profile-association-handlers.js';

export interface MetadataTiming {
  /** how long to wait for the options' state to become `applied` */
  settleMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_METADATA_TIMING: MetadataTiming = { settleMs: 120_000, firstDelayMs: 2_000, maxDelayMs: 15_000 };

/** The instance metadata options as DescribeInstances gives them; what rollback restores. */
export interface MetadataOptionsSnapshot {
  httpTokens: string | null;
  httpPutResponseHopLimit: number | null;
  httpEndpoint: string | null;
  httpProtocolIpv6: string | null;
  instanceMetadataTags: string | null;
}

const Params = z.object({
  instanceId: z.string(),
  region: z.string(),
  httpTokens: z.literal('required'),
  httpPutResponseHopLimit: z.number().int().min(1).max(64),
  soakSeconds: z.number().int().nonnegative(),
});
const Expect = z.object({ metadataOptions: z.object({ httpTokens: z.enum(['optional', 'required']), hopLimit: z.number().int().nullable() }) });

/** The live options with their state, or undefined when the instance is gone. */
export async function readMetadataOptions(ec2: EC2Client, instanceId: string): Promise<(MetadataOptionsSnapshot & { state: string | null }) | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })).catch((e: { name?: string }) => {
    if (e?.name === 'InvalidInstanceID.NotFound') return { Reservations: [] };
    throw e;
  });
  const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  if (!instance || instance.State?.Name === 'terminated') return undefined;
  return { ...snapshotOf(instance.MetadataOptions), state: instance.MetadataOptions?.State ?? null };
}

function snapshotOf(o: InstanceMetadataOptionsResponse | undefined): MetadataOptionsSnapshot {
  return {
    httpTokens: o?.HttpTokens ?? null,
    httpPutResponseHopLimit: o?.HttpPutResponseHopLimit ?? null,
    httpEndpoint: o?.HttpEndpoint ?? null,
    httpProtocolIpv6: o?.HttpProtocolIpv6 ?? null,
    instanceMetadataTags: o?.InstanceMetadataTags ?? null,
  };
}

/** The request that sets exactly these options; fields never read are left out (AWS keeps them). */
export function modifyRequest(instanceId: string, o: MetadataOptionsSnapshot): ConstructorParameters<typeof ModifyInstanceMetadataOptionsCommand>[0] {
  return {
    InstanceId: instanceId,
    ...(o.httpTokens !== null && { HttpTokens: o.httpTokens as 'optional' | 'required' }),
    ...(o.httpPutResponseHopLimit !== null && { HttpPutResponseHopLimit: o.httpPutResponseHopLimit }),
    ...(o.httpEndpoint !== null && { HttpEndpoint: o.httpEndpoint as 'enabled' | 'disabled' }),
    ...(o.httpProtocolIpv6 !== null && { HttpProtocolIpv6: o.httpProtocolIpv6 as 'enabled' | 'disabled' }),
    ...(o.instanceMetadataTags !== null && { InstanceMetadataTags: o.instanceMetadataTags as 'enabled' | 'disabled' }),
  };
}

/** Polls until the options are `applied`: true when they are, false when the budget ran out. */
export async function waitUntilApplied(ec2: EC2Client, instanceId: string, ctx: { sleep(ms: number): Promise<void>; signal: AbortSignal }, timing: MetadataTiming): Promise<boolean> {
  const backoff = new Backoff(ctx, timing.settleMs, timing.firstDelayMs, timing.maxDelayMs);
  do {
    if ((await readMetadataOptions(ec2, instanceId))?.state === 'applied') return true;
  } while (await backoff.next());
  return false;
}

function describeOptions(tokens: string | null, hop: number | null): string {
  return `HttpTokens ${tokens ?? 'unknown'}, hop limit ${hop ?? 'unknown'}`;
}

/** The require-imdsv2 handler; `timing` is for tests (the default waits 2 minutes for `applied`). */
export function requireImdsv2Handler(timing: MetadataTiming = DEFAULT_METADATA_TIMING): StepHandler {
  async function check(ctx: StepContext): Promise<CheckResult> {
    const p = parseStepShape(ctx.step, 'params', Params);
    const expected = parseStepShape(ctx.step, 'expect', Expect).metadataOptions;
    const live = await readMetadataOptions(ctx.aws.client(EC2Client, p.region), p.instanceId);
    if (!live) return { state: 'drift', message: `instance ${p.instanceId} no longer exists` };
    const hop = live.httpPutResponseHopLimit;
    if (live.httpTokens === 'required' && hop !== null && hop >= p.httpPutResponseHopLimit) {
      return { state: 'done', output: { httpTokens: 'required', hopLimit: hop }, message: `${p.instanceId} already requires IMDSv2 (hop limit ${hop})` };
    }
    if (live.httpTokens === expected.httpTokens && (expected.hopLimit === null || hop === expected.hopLimit)) return { state: 'ready' };
    return {
      state: 'drift',
      message: `${p.instanceId}'s metadata options are ${describeOptions(live.httpTokens, hop)}; the plan expected ${describeOptions(expected.httpTokens, expected.hopLimit)}`,
    };
  }

  return {
    check,
    async run(ctx): Promise<StepOutcome> {
      const p = parseStepShape(ctx.step, 'params', Params);
      const state = await check(ctx);
      if (state.state === 'done') return { status: 'done', message: state.message ?? 'already required', output: state.output ?? {} };
      if (state.state === 'drift') return { status: 'blocked', message: state.message };
      const gate = soakGate(ctx, p.soakSeconds, p.instanceId);
      if (gate) return gate;
      const ec2 = ctx.aws.client(EC2Client, p.region);
      const previous = await readMetadataOptions(ec2, p.instanceId);
      if (!previous) return { status: 'blocked', message: `instance ${p.instanceId} no longer exists` };
      const { state: _state, ...snapshot } = previous;
      // a higher hop limit than planned is kept: something on the instance (containers) needs it
      const hop = Math.max(snapshot.httpPutResponseHopLimit ?? 1, p.httpPutResponseHopLimit);
      const wanted: MetadataOptionsSnapshot = { ...snapshot, httpTokens: 'required', httpPutResponseHopLimit: hop };
      await ctx.mutate(
        {
          api: 'ec2:ModifyInstanceMetadataOptions',
          region: p.region,
          target: p.instanceId,
          args: { instanceId: p.instanceId, httpTokens: 'required', httpPutResponseHopLimit: hop, previous: { ...snapshot } },
        },
        () => ec2.send(new ModifyInstanceMetadataOptionsCommand(modifyRequest(p.instanceId, wanted))),
        (r) => ({ state: r.InstanceMetadataOptions?.State ?? null }),
      );
      const done = `${p.instanceId} requires IMDSv2 now (hop limit ${hop})`;
      if (await waitUntilApplied(ec2, p.instanceId, ctx, timing)) return { status: 'done', message: done, output: { httpTokens: 'required', hopLimit: hop } };
      return { status: 'waiting', message: `${done}, but the change is still pending after ${Math.round(timing.settleMs / 1000)} s: apply --resume checks it again` };
    },
  };
}

/** Waiting until the soak has passed; undefined once it has. */
function soakGate(ctx: StepContext, soakSeconds: number, instanceId: string): StepOutcome | undefined {
  const verifyStep = ctx.step.after[0];
  const verifiedAt = verifyStep === undefined ? undefined : ctx.doneAt(verifyStep);
  if (verifiedAt === undefined) {
    return { status: 'waiting', message: `IMDSv2 on ${instanceId} waits for ${verifyStep ?? 'the role check'} to be done: the ${formatDuration(soakSeconds)} soak starts then` };
  }
  const until = new Date(verifiedAt.getTime() + soakSeconds * 1000);
  if (until.getTime() > ctx.now().getTime()) {
    return { status: 'waiting', until, message: `IMDSv2 on ${instanceId} is required after ${formatDuration(soakSeconds)} on role credentials, at ${until.toISOString()}` };
  }
  return undefined;
}

export const imdsv2Handlers: StepHandlers = { 'require-imdsv2': requireImdsv2Handler() };
