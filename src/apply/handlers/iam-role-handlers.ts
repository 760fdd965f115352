// The attach stage's IAM steps: the role, its managed policies and their attachments, and the
// instance profile that carries the role to EC2. Each step reads IAM first: a resource that
// already exists exactly as planned (a resume after a crash, a re-run) is done; one that exists
// differently is drift, and nothing is changed. Everything created carries keyshift:plan=<ID>,
// the tag rollback and finalize check before they delete anything.
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  type InstanceProfile,
  type Policy,
  type Role,
  type Tag,
} from '@aws-sdk/client-iam';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { AwsContext } from '../../aws/aws-context.js';
import { badInput } from '../../errors.js';
import type { PlanStep } from '../../model/plan.js';
import { PLAN_TAG } from '../../plan/plan-id.js';
import { errorName } from '../../scan/aws/iam/expected-errors.js';
import { parsePolicyDocument, statementsOf, stringList, type PolicyDocument } from '../../scan/aws/iam/policy-document.js';
import type { CheckResult, Json, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';

// ---- what the IAM steps, and their undoers, share ----

const JsonObject = z.record(z.string(), z.unknown());
const Tags = z.record(z.string(), z.string());

/** A step's params read with the shape steps.ts gives them; anything else is a plan this version cannot carry out. */
export function stepParams<T>(schema: z.ZodType<T>, step: PlanStep): T {
  const parsed = schema.safeParse(step.params);
  if (!parsed.success) {
    throw badInput(`step ${step.id} (${step.kind}) has params keyshift cannot read: ${z.prettifyError(parsed.error)}`, 'make the plan again with this version of keyshift');
  }
  return parsed.data;
}

export function iam(aws: AwsContext): IAMClient {
  return aws.client(IAMClient);
}

export function isNoSuchEntity(e: unknown): boolean {
  const name = errorName(e);
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

/** Runs a read; IAM's "no such entity" means the resource is not there and gives null. */
export async function unlessMissing<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (isNoSuchEntity(e)) return null;
    throw e;
  }
}

const reading = (signal: AbortSignal) => ({ abortSignal: signal });

export async function readRole(aws: AwsContext, roleName: string, signal: AbortSignal): Promise<Role | null> {
  return unlessMissing(async () => (await iam(aws).send(new GetRoleCommand({ RoleName: roleName }), reading(signal))).Role ?? null);
}

export async function readPolicy(aws: AwsContext, policyArn: string, signal: AbortSignal): Promise<Policy | null> {
  return unlessMissing(async () => (await iam(aws).send(new GetPolicyCommand({ PolicyArn: policyArn }), reading(signal))).Policy ?? null);
}

export async function readInstanceProfile(aws: AwsContext, name: string, signal: AbortSignal): Promise<InstanceProfile | null> {
  return unlessMissing(async () => (await iam(aws).send(new GetInstanceProfileCommand({ InstanceProfileName: name }), reading(signal))).InstanceProfile ?? null);
}

/** The managed policies attached to a role; null when the role does not exist. */
export async function attachedPolicyArns(aws: AwsContext, roleName: string, signal: AbortSignal): Promise<string[] | null> {
  return unlessMissing(async () => {
    const arns: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam(aws) }, { RoleName: roleName }, reading(signal))) {
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
    }
    return arns;
  });
}

export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

export function planTagged(tags: readonly Tag[] | undefined, planId: string): boolean {
  return tagValue(tags, PLAN_TAG) === planId;
}

/** The tags a created resource gets: the plan's, and always the plan tag, which rollback depends on. */
function tagsFor(tags: Record<string, string>, planId: string): Tag[] {
  return Object.entries({ ...tags, [PLAN_TAG]: planId }).map(([Key, Value]) => ({ Key, Value }));
}

/** The name at the end of an IAM ARN (after its path). */
export function nameInArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * Two policy documents are the same when they say the same: key order does not matter, and a
 * list of one equals its element (IAM and the resource APIs return either form).
 */
export function samePolicy(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalized(a), normalized(b));
}

function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? normalized(value[0]) : value.map(normalized);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v)]));
  return value;
}

/** Parses a policy as IAM returns it (URL-encoded) or as a resource API does (plain JSON). */
export function policyDocument(raw: string | undefined): PolicyDocument {
  return parsePolicyDocument(raw);
}

/** What `run` returns when the live state says there is nothing to do: done already, or drift. Null when ready. */
export function settledOutcome(check: CheckResult): StepOutcome | null {
  if (check.state === 'done') return { status: 'done', message: check.message ?? 'already done', ...(check.output ? { output: check.output } : {}) };
  if (check.state === 'drift') return { status: 'blocked', message: check.message };
  return null;
}

/** A create call found the resource already there (a race with check): done if it is the planned one. */
async function onAlreadyExists(e: unknown, handler: StepHandler, ctx: StepContext, what: string, names = ['EntityAlreadyExistsException', 'EntityAlreadyExists']): Promise<StepOutcome> {
  if (!names.includes(errorName(e))) throw e;
  return settledOutcome(await handler.check(ctx)) ?? { status: 'failed', message: `IAM said ${what} already exists, but it cannot be read back` };
}

// ---- create-role ----

const CreateRoleParams = z.object({
  roleName: z.string(),
  path: z.string(),
  assumeRolePolicyDocument: JsonObject,
  permissionsBoundaryArn: z.string().nullable(),
  tags: Tags,
});

const createRole: StepHandler = {
  async check(ctx) {
    const p = stepParams(CreateRoleParams, ctx.step);
    const role = await readRole(ctx.aws, p.roleName, ctx.signal);
    if (!role) return { state: 'ready' };
    const differences: string[] = [];
    if (!samePolicy(policyDocument(role.AssumeRolePolicyDocument), p.assumeRolePolicyDocument)) differences.push('its trust policy differs');
    if (role.Path !== p.path) differences.push(`its path is ${role.Path ?? '?'}, not ${p.path}`);
    const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn ?? null;
    if (boundary !== p.permissionsBoundaryArn) differences.push(`its permissions boundary is ${boundary ?? 'none'}, not ${p.permissionsBoundaryArn ?? 'none'}`);
    if (!planTagged(role.Tags, ctx.plan.planId)) differences.push(`it is not tagged ${PLAN_TAG}=${ctx.plan.planId}`);
    if (differences.length > 0) return { state: 'drift', message: `role ${p.roleName} already exists and is not the planned one: ${differences.join('; ')}` };
    return { state: 'done', output: { roleArn: role.Arn ?? ctx.step.target }, message: `role ${p.roleName} already exists as planned` };
  },

  async run(ctx) {
    const settled = settledOutcome(await createRole.check(ctx));
    if (settled) return settled;
    const p = stepParams(CreateRoleParams, ctx.step);
    const tags = tagsFor(p.tags, ctx.plan.planId);
    await ctx.iamWrites.take();
    try {
      const out = await ctx.mutate(
        {
          api: 'iam:CreateRole',
          region: null,
          target: ctx.step.target,
          args: { roleName: p.roleName, path: p.path, assumeRolePolicyDocument: p.assumeRolePolicyDocument, permissionsBoundaryArn: p.permissionsBoundaryArn, tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])), previous: null },
        },
        () =>
          iam(ctx.aws).send(
            new CreateRoleCommand({
              RoleName: p.roleName,
              Path: p.path,
              AssumeRolePolicyDocument: JSON.stringify(p.assumeRolePolicyDocument),
              ...(p.permissionsBoundaryArn ? { PermissionsBoundary: p.permissionsBoundaryArn } : {}),
              Tags: tags,
            }),
          ),
        (r) => ({ roleArn: r.Role?.Arn ?? ctx.step.target }),
      );
      return { status: 'done', message: `created role ${p.roleName}`, output: { roleArn: out.Role?.Arn ?? ctx.step.target } };
    } catch (e) {
      return onAlreadyExists(e, createRole, ctx, `role ${p.roleName}`);
    }
  },
};

// ---- create-policy ----

const CreatePolicyParams = z.object({ policyName: z.string(), path: z.string(), document: JsonObject, tags: Tags });

const createPolicy: StepHandler = {
  async check(ctx) {
    const p = stepParams(CreatePolicyParams, ctx.step);
    const policyArn = ctx.step.target;
    const policy = await readPolicy(ctx.aws, policyArn, ctx.signal);
    if (!policy) return { state: 'ready' };
    const differences: string[] = [];
    const version = policy.DefaultVersionId
      ? await unlessMissing(async () => (await iam(ctx.aws).send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: policy.DefaultVersionId }), reading(ctx.signal))).PolicyVersion)
      : null;
    if (!version || !samePolicy(policyDocument(version.Document), p.document)) differences.push(`its default version (${policy.DefaultVersionId ?? 'none'}) has another document`);
    if (!planTagged(policy.Tags, ctx.plan.planId)) differences.push(`it is not tagged ${PLAN_TAG}=${ctx.plan.planId}`);
    if (differences.length > 0) return { state: 'drift', message: `policy ${policyArn} already exists and is not the planned one: ${differences.join('; ')}` };
    return { state: 'done', output: { policyArn: policy.Arn ?? policyArn }, message: `policy ${p.policyName} already exists as planned` };
  },

  async run(ctx) {
    const settled = settledOutcome(await createPolicy.check(ctx));
    if (settled) return settled;
    const p = stepParams(CreatePolicyParams, ctx.step);
    const tags = tagsFor(p.tags, ctx.plan.planId);
    await ctx.iamWrites.take();
    try {
      const out = await ctx.mutate(
        { api: 'iam:CreatePolicy', region: null, target: ctx.step.target, args: { policyName: p.policyName, path: p.path, document: p.document, tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])), previous: null } },
        () => iam(ctx.aws).send(new CreatePolicyCommand({ PolicyName: p.policyName, Path: p.path, PolicyDocument: JSON.stringify(p.document), Tags: tags })),
        (r) => ({ policyArn: r.Policy?.Arn ?? ctx.step.target }),
      );
      return { status: 'done', message: `created policy ${p.policyName}`, output: { policyArn: out.Policy?.Arn ?? ctx.step.target } };
    } catch (e) {
      return onAlreadyExists(e, createPolicy, ctx, `policy ${p.policyName}`);
    }
  },
};

// ---- attach-role-policy ----

const AttachParams = z.object({ roleName: z.string(), policyArn: z.string() });
/** An existing role (extend-existing) must still be the EC2 role the plan saw. */
const AttachExpect = z.object({ role: z.object({ exists: z.literal(true), trustsService: z.string() }).optional() }).loose();

function trustsService(role: Role, service: string): boolean {
  return statementsOf(policyDocument(role.AssumeRolePolicyDocument)).some((s) => {
    const principal = s.Principal;
    const services = principal !== null && typeof principal === 'object' ? stringList((principal as Record<string, unknown>).Service) : [];
    return s.Effect === 'Allow' && services.includes(service);
  });
}

const attachRolePolicy: StepHandler = {
  async check(ctx) {
    const p = stepParams(AttachParams, ctx.step);
    const expected = AttachExpect.safeParse(ctx.step.expect).data ?? {};
    const attached = await attachedPolicyArns(ctx.aws, p.roleName, ctx.signal);
    if (attached?.includes(p.policyArn)) return { state: 'done', output: { roleName: p.roleName, policyArn: p.policyArn }, message: `${p.policyArn} is already attached to ${p.roleName}` };
    if (expected.role) {
      const role = attached === null ? null : await readRole(ctx.aws, p.roleName, ctx.signal);
      if (!role) return { state: 'drift', message: `role ${p.roleName} no longer exists` };
      if (!trustsService(role, expected.role.trustsService)) return { state: 'drift', message: `role ${p.roleName} no longer trusts ${expected.role.trustsService}` };
    }
    // a role the plan creates does not exist before its create step: that is the expected state
    return { state: 'ready' };
  },

  async run(ctx) {
    const settled = settledOutcome(await attachRolePolicy.check(ctx));
    if (settled) return settled;
    const p = stepParams(AttachParams, ctx.step);
    await ctx.iamWrites.take();
    await ctx.mutate(
      { api: 'iam:AttachRolePolicy', region: null, target: ctx.step.target, args: { roleName: p.roleName, policyArn: p.policyArn, previous: null } },
      () => iam(ctx.aws).send(new AttachRolePolicyCommand({ RoleName: p.roleName, PolicyArn: p.policyArn })),
      () => ({ roleName: p.roleName, policyArn: p.policyArn }),
    );
    return { status: 'done', message: `attached ${nameInArn(p.policyArn)} to role ${p.roleName}`, output: { roleName: p.roleName, policyArn: p.policyArn } };
  },
};

// ---- create-instance-profile ----

const CreateProfileParams = z.object({ instanceProfileName: z.string(), path: z.string(), tags: Tags });

const createInstanceProfile: StepHandler = {
  async check(ctx) {
    const p = stepParams(CreateProfileParams, ctx.step);
    const profile = await readInstanceProfile(ctx.aws, p.instanceProfileName, ctx.signal);
    if (!profile) return { state: 'ready' };
    const differences: string[] = [];
    if (profile.Path !== p.path) differences.push(`its path is ${profile.Path ?? '?'}, not ${p.path}`);
    if (!planTagged(profile.Tags, ctx.plan.planId)) differences.push(`it is not tagged ${PLAN_TAG}=${ctx.plan.planId}`);
    if (differences.length > 0) return { state: 'drift', message: `instance profile ${p.instanceProfileName} already exists and is not the planned one: ${differences.join('; ')}` };
    return { state: 'done', output: { instanceProfileArn: profile.Arn ?? ctx.step.target }, message: `instance profile ${p.instanceProfileName} already exists as planned` };
  },

  async run(ctx) {
    const settled = settledOutcome(await createInstanceProfile.check(ctx));
    if (settled) return settled;
    const p = stepParams(CreateProfileParams, ctx.step);
    const tags = tagsFor(p.tags, ctx.plan.planId);
    await ctx.iamWrites.take();
    try {
      const out = await ctx.mutate(
        { api: 'iam:CreateInstanceProfile', region: null, target: ctx.step.target, args: { instanceProfileName: p.instanceProfileName, path: p.path, tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])), previous: null } },
        () => iam(ctx.aws).send(new CreateInstanceProfileCommand({ InstanceProfileName: p.instanceProfileName, Path: p.path, Tags: tags })),
        (r) => ({ instanceProfileArn: r.InstanceProfile?.Arn ?? ctx.step.target }),
      );
      return { status: 'done', message: `created instance profile ${p.instanceProfileName}`, output: { instanceProfileArn: out.InstanceProfile?.Arn ?? ctx.step.target } };
    } catch (e) {
      return onAlreadyExists(e, createInstanceProfile, ctx, `instance profile ${p.instanceProfileName}`);
    }
  },
};

// ---- add-role-to-instance-profile ----

const AddRoleParams = z.object({ instanceProfileName: z.string(), roleName: z.string() });

const addRoleToInstanceProfile: StepHandler = {
  async check(ctx) {
    const p = stepParams(AddRoleParams, ctx.step);
    const profile = await readInstanceProfile(ctx.aws, p.instanceProfileName, ctx.signal);
    // a profile the plan creates does not exist before its create step
    if (!profile) return { state: 'ready' };
    const roles = (profile.Roles ?? []).map((r) => r.RoleName ?? '?');
    const output: Json = { instanceProfileArn: profile.Arn ?? ctx.step.target, roleName: p.roleName };
    if (roles.includes(p.roleName)) return { state: 'done', output, message: `instance profile ${p.instanceProfileName} already holds role ${p.roleName}` };
    if (roles.length > 0) return { state: 'drift', message: `instance profile ${p.instanceProfileName} holds role ${roles.join(', ')}, and a profile holds one role only` };
    return { state: 'ready' };
  },

  async run(ctx) {
    const settled = settledOutcome(await addRoleToInstanceProfile.check(ctx));
    if (settled) return settled;
    const p = stepParams(AddRoleParams, ctx.step);
    await ctx.iamWrites.take();
    try {
      await ctx.mutate(
        { api: 'iam:AddRoleToInstanceProfile', region: null, target: ctx.step.target, args: { instanceProfileName: p.instanceProfileName, roleName: p.roleName, previous: null } },
        () => iam(ctx.aws).send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p.instanceProfileName, RoleName: p.roleName })),
        () => ({ instanceProfileArn: ctx.step.target, roleName: p.roleName }),
      );
    } catch (e) {
      // a profile that already holds a role answers with its one-role limit
      return onAlreadyExists(e, addRoleToInstanceProfile, ctx, `role ${p.roleName} in instance profile ${p.instanceProfileName}`, ['LimitExceededException', 'EntityAlreadyExistsException']);
    }
    return { status: 'done', message: `put role ${p.roleName} in instance profile ${p.instanceProfileName}`, output: { instanceProfileArn: ctx.step.target, roleName: p.roleName } };
  },
};

export const iamRoleHandlers: StepHandlers = {
  'create-role': createRole,
  'create-policy': createPolicy,
  'attach-role-policy': attachRolePolicy,
  'create-instance-profile': createInstanceProfile,
  'add-role-to-instance-profile': addRoleToInstanceProfile,
};
