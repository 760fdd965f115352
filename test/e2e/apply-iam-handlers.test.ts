// The IAM steps of `keyshift apply` and their undoers against the moto AWS emulator: the role,
// policy, attachment and instance profile a real plan asks for; resource and trust policies
// that get the role next to the key's user; the key's deactivation; and rollback of each,
// compared with the state before. Where moto differs from AWS the test says so:
// - moto accepts any principal ARN at once, so IAM's propagation delay ("Invalid principal"
//   for a role created seconds ago) cannot happen here: the retry is tested with a stand-in
//   send that fails like AWS does, and the test's sleep records the waits.
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateRepositoryCommand, ECRClient, GetRepositoryPolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, GetResourcePolicyCommand, PutResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deactivateKeyHandlers } from '../../src/apply/handlers/deactivate-key-handler.js';
import { iamRoleHandlers } from '../../src/apply/handlers/iam-role-handlers.js';
import { resourcePolicyHandlers, whilePrincipalPropagates } from '../../src/apply/handlers/resource-policy-handlers.js';
import type { JournaledCall, StepHandler } from '../../src/apply/step-handler.js';
import { iamUndoers } from '../../src/apply/undo/iam-undoers.js';
import { KeyshiftError } from '../../src/errors.js';
import type { PlanDocument, PlanStep, StepKind, Workload } from '../../src/model/plan.js';
import { PLAN_TAG } from '../../src/plan/plan-id.js';
import { ACCOUNT, accessKey, did, from, instance, keyUse, MODERN_SDK, planFor, planInventory, planUsage } from '../helpers/plan-fixture.js';
import { useMoto } from '../helpers/moto.js';
import { stepContext, undoContext, type RecordedCall } from '../helpers/step-context.js';

const moto = useMoto({ stubEnv: true });

const KEY = 'AKIAIAMSTEPSEXAMPLE1';
const REGION = 'eu-west-1';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/app`;
const BOUNDARY = 'arn:aws:iam::aws:policy/PowerUserAccess';
const handlers = { ...iamRoleHandlers, ...resourcePolicyHandlers, ...deactivateKeyHandlers };
const IAM_KINDS: StepKind[] = ['create-role', 'create-policy', 'attach-role-policy', 'create-instance-profile', 'add-role-to-instance-profile'];

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const iam = () => new IAMClient({ region: 'us-east-1', endpoint: moto().endpoint, credentials });
const s3 = () => new S3Client({ region: REGION, endpoint: moto().endpoint, credentials, forcePathStyle: true });
const sqs = () => new SQSClient({ region: REGION, endpoint: moto().endpoint, credentials });
const sns = () => new SNSClient({ region: REGION, endpoint: moto().endpoint, credentials });
const kms = () => new KMSClient({ region: REGION, endpoint: moto().endpoint, credentials });
const secrets = () => new SecretsManagerClient({ region: REGION, endpoint: moto().endpoint, credentials });
const ecr = () => new ECRClient({ region: REGION, endpoint: moto().endpoint, credentials });

// one plan from the real planner: an instance whose key reads one bucket, with a permissions boundary and a tag
let plan: PlanDocument;
let workload: Workload;
beforeAll(async () => {
  const inventory = planInventory({ instances: [instance('i-a', { privateIps: ['10.0.0.1'] })], accessKeys: [accessKey(KEY, 'app', { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: REGION })] });
  const usage = planUsage({ keys: [keyUse(KEY, { actions: [did('s3:GetObject', 'arn:aws:s3:::assets/*')], sources: [from('10.0.0.1', 'i-a')], userAgents: [MODERN_SDK] })] });
  plan = await planFor(inventory, usage, { permissionsBoundaryArn: BOUNDARY, tags: { team: 'payments' } });
  workload = plan.workloads[0]!;
});

const iamSteps = (): PlanStep[] => workload.steps.filter((s) => IAM_KINDS.includes(s.kind));
const stepOf = (kind: StepKind): PlanStep => {
  const step = workload.steps.find((s) => s.kind === kind);
  if (!step) throw new Error(`the plan has no ${kind} step`);
  return step;
};
const handlerOf = (step: PlanStep): StepHandler => {
  const h = handlers[step.kind];
  if (!h) throw new Error(`no handler for ${step.kind}`);
  return h;
};
const ctxFor = (step: PlanStep) => stepContext(plan, workload, step, { endpoint: moto().endpoint });
const check = (step: PlanStep) => handlerOf(step).check(ctxFor(step));

/** Runs a step as the executor does (check, then run) and returns the calls it made. */
async function apply(step: PlanStep): Promise<RecordedCall[]> {
  const ctx = ctxFor(step);
  expect(await handlerOf(step).check(ctx), step.id).toEqual({ state: 'ready' });
  const outcome = await handlerOf(step).run(ctx);
  expect(outcome.status, `${step.id}: ${outcome.message}`).toBe('done');
  return ctx.calls;
}

/** The calls as the journal gives them back to rollback. */
const journaled = (calls: RecordedCall[]): JournaledCall[] =>
  calls.map((c, i) => ({ seq: i + 1, api: c.api, region: c.region, target: c.target, args: c.args, stepId: null, result: { ok: c.ok, output: c.output } }));

/** Undoes the calls in reverse order, as rollback does; returns the messages and the undo calls made. */
async function rollback(calls: RecordedCall[], planId = plan.planId): Promise<{ messages: string[]; calls: RecordedCall[] }> {
  const ctx = undoContext({ planId, account: ACCOUNT }, { endpoint: moto().endpoint });
  const messages: string[] = [];
  for (const call of journaled(calls).reverse()) {
    const undoer = iamUndoers[call.api];
    if (!undoer) throw new Error(`no undoer for ${call.api}`);
    messages.push(await undoer.undo(call, ctx));
  }
  return { messages, calls: ctx.calls };
}

const decoded = (doc: string | undefined): unknown => JSON.parse(doc?.startsWith('%') ? decodeURIComponent(doc) : (doc ?? '{}'));

/** Every role, customer policy and instance profile in the account, with what hangs on them. */
async function iamSnapshot() {
  const c = iam();
  const roles = await Promise.all(
    ((await c.send(new ListRolesCommand({}))).Roles ?? []).map(async (r) => ({
      name: r.RoleName,
      trust: decoded(r.AssumeRolePolicyDocument),
      attached: ((await c.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn).sort(),
    })),
  );
  const policies = ((await c.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.Arn).sort();
  const profiles = ((await c.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map((p) => ({ name: p.InstanceProfileName, roles: (p.Roles ?? []).map((r) => r.RoleName) }));
  return { roles: roles.sort((a, b) => String(a.name).localeCompare(String(b.name))), policies, profiles };
}

const tagsOf = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

describe('the IAM steps of a plan', () => {
  it('create the planned role, policy, attachment and profile; a second pass finds each done and calls nothing', async () => {
    const steps = iamSteps();
    expect(steps.map((s) => s.kind)).toEqual(expect.arrayContaining(IAM_KINDS));
    const outputs: Record<string, unknown> = {};
    for (const step of steps) {
      const calls = await apply(step);
      expect(calls.map((c) => [c.api, c.ok])).toEqual([[`iam:${pascal(step.kind)}`, true]]);
      outputs[step.kind] = calls[0]!.output;
    }

    const createRole = stepOf('create-role');
    const role = (await iam().send(new GetRoleCommand({ RoleName: String(createRole.params.roleName) }))).Role!;
    expect(role.Arn).toBe(createRole.target);
    expect(role.Path).toBe('/keyshift/');
    expect(decoded(role.AssumeRolePolicyDocument)).toEqual(createRole.params.assumeRolePolicyDocument);
    expect(role.PermissionsBoundary?.PermissionsBoundaryArn).toBe(BOUNDARY);
    expect(tagsOf(role.Tags)).toEqual({ ...(createRole.params.tags as Record<string, string>), [PLAN_TAG]: plan.planId, team: 'payments' });
    expect(outputs['create-role']).toEqual({ roleArn: createRole.target });

    const createPolicy = stepOf('create-policy');
    const policy = (await iam().send(new GetPolicyCommand({ PolicyArn: createPolicy.target }))).Policy!;
    const version = (await iam().send(new GetPolicyVersionCommand({ PolicyArn: createPolicy.target, VersionId: policy.DefaultVersionId }))).PolicyVersion!;
    expect(decoded(version.Document)).toEqual(createPolicy.params.document);
    expect(tagsOf(policy.Tags)[PLAN_TAG]).toBe(plan.planId);
    expect(outputs['create-policy']).toEqual({ policyArn: createPolicy.target });

    const attached = (await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }))).AttachedPolicies ?? [];
    expect(attached.map((p) => p.PolicyArn)).toEqual([createPolicy.target]);

    const profileStep = stepOf('create-instance-profile');
    const profile = (await iam().send(new GetInstanceProfileCommand({ InstanceProfileName: String(profileStep.params.instanceProfileName) }))).InstanceProfile!;
    expect(profile.Arn).toBe(profileStep.target);
    expect(profile.Path).toBe('/keyshift/');
    expect(profile.Roles?.map((r) => r.RoleName)).toEqual([role.RoleName]);
    expect(tagsOf(profile.Tags)[PLAN_TAG]).toBe(plan.planId);
    expect(outputs['create-instance-profile']).toEqual({ instanceProfileArn: profileStep.target });

    // a resume, or apply run again: every step is done, with the same outputs, and nothing is sent
    for (const step of steps) {
      const ctx = ctxFor(step);
      const result = await handlerOf(step).check(ctx);
      expect(result.state, step.id).toBe('done');
      const outcome = await handlerOf(step).run(ctx);
      expect(outcome.status).toBe('done');
      expect(ctx.calls).toEqual([]);
    }
    expect(await check(createRole)).toMatchObject({ state: 'done', output: { roleArn: createRole.target } });
    expect(await check(createPolicy)).toMatchObject({ state: 'done', output: { policyArn: createPolicy.target } });
    expect(await check(profileStep)).toMatchObject({ state: 'done', output: { instanceProfileArn: profileStep.target } });
  });

  it('rollback deletes what apply created and leaves the account as it was; running it twice is fine', async () => {
    // something that was there before and must stay
    await iam().send(new CreateRoleCommand({ RoleName: 'existing', AssumeRolePolicyDocument: JSON.stringify(ec2Trust()) }));
    const before = await iamSnapshot();
    const calls: RecordedCall[] = [];
    for (const step of iamSteps()) calls.push(...(await apply(step)));
    expect(await iamSnapshot()).not.toEqual(before);

    const first = await rollback(calls);
    expect(await iamSnapshot()).toEqual(before);
    expect(first.messages.some((m) => m.startsWith('deleted role'))).toBe(true);
    expect(first.calls.map((c) => c.api)).toEqual(['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:DetachRolePolicy', 'iam:DeletePolicy', 'iam:DeleteRole']);

    const second = await rollback(calls);
    expect(second.calls).toEqual([]);
    for (const m of second.messages) expect(m).toMatch(/^nothing to undo/);
    expect(await iamSnapshot()).toEqual(before);
  });

  it('an existing role with another trust policy, path or no plan tag is drift, and run changes nothing', async () => {
    const step = stepOf('create-role');
    const roleName = String(step.params.roleName);
    await iam().send(new CreateRoleCommand({ RoleName: roleName, Path: '/keyshift/', AssumeRolePolicyDocument: JSON.stringify({ ...ec2Trust(), Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }] }), PermissionsBoundary: BOUNDARY, Tags: [{ Key: PLAN_TAG, Value: plan.planId }] }));
    const drift = await check(step);
    expect(drift.state).toBe('drift');
    expect(drift.state === 'drift' && drift.message).toMatch(/trust policy differs/);
    const ctx = ctxFor(step);
    expect((await handlerOf(step).run(ctx)).status).toBe('blocked');
    expect(ctx.calls).toEqual([]);

    await moto().reset();
    // the planned trust policy, but made by someone else (no plan tag)
    await iam().send(new CreateRoleCommand({ RoleName: roleName, Path: '/keyshift/', AssumeRolePolicyDocument: JSON.stringify(step.params.assumeRolePolicyDocument), PermissionsBoundary: BOUNDARY }));
    const untagged = await check(step);
    expect(untagged.state === 'drift' && untagged.message).toMatch(new RegExp(`not tagged ${PLAN_TAG}`));
  });

  it('a policy with another document, and a profile holding another role, are drift', async () => {
    const policyStep = stepOf('create-policy');
    await iam().send(new CreatePolicyCommand({ PolicyName: String(policyStep.params.policyName), Path: '/keyshift/', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }), Tags: [{ Key: PLAN_TAG, Value: plan.planId }] }));
    const policyDrift = await check(policyStep);
    expect(policyDrift.state === 'drift' && policyDrift.message).toMatch(/another document/);

    const addStep = stepOf('add-role-to-instance-profile');
    await iam().send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: JSON.stringify(ec2Trust()) }));
    await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: String(addStep.params.instanceProfileName), Path: '/keyshift/' }));
    await iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: String(addStep.params.instanceProfileName), RoleName: 'other' }));
    const profileDrift = await check(addStep);
    expect(profileDrift.state === 'drift' && profileDrift.message).toMatch(/holds role other/);
    // and the profile, untagged, is not the planned one either
    expect((await check(stepOf('create-instance-profile'))).state).toBe('drift');
  });

  it('attaching to an existing role (extend-existing) needs that role, still trusting EC2', async () => {
    const step: PlanStep = {
      ...stepOf('attach-role-policy'),
      target: `arn:aws:iam::${ACCOUNT}:role/ssm`,
      params: { roleName: 'ssm', policyArn: stepOf('create-policy').target },
      expect: { role: { exists: true, trustsService: 'ec2.amazonaws.com' }, attachedPolicyArns: { excludes: stepOf('create-policy').target } },
    };
    expect(await check(step)).toEqual({ state: 'drift', message: 'role ssm no longer exists' });
    await iam().send(new CreateRoleCommand({ RoleName: 'ssm', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }] }) }));
    expect(await check(step)).toEqual({ state: 'drift', message: 'role ssm no longer trusts ec2.amazonaws.com' });
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ssm', PolicyDocument: JSON.stringify(ec2Trust()) }));
    await apply(stepOf('create-policy'));
    await apply(step);
    expect(await check(step)).toMatchObject({ state: 'done', output: { roleName: 'ssm', policyArn: stepOf('create-policy').target } });
  });

  it('rollback leaves a role without the plan tag, and deletes a tagged one even with its policy and profile still on it', async () => {
    const step = stepOf('create-role');
    const roleName = String(step.params.roleName);
    await iam().send(new CreateRoleCommand({ RoleName: roleName, Path: '/keyshift/', AssumeRolePolicyDocument: JSON.stringify(step.params.assumeRolePolicyDocument) }));
    const call: RecordedCall = { api: 'iam:CreateRole', region: null, target: step.target, args: { roleName, previous: null }, ok: true, output: { roleArn: step.target } };
    const left = await rollback([call]);
    expect(left.messages[0]).toMatch(new RegExp(`^left role ${roleName}: it is not tagged ${PLAN_TAG}=${plan.planId}`));
    expect(left.calls).toEqual([]);
    expect((await iam().send(new GetRoleCommand({ RoleName: roleName }))).Role?.RoleName).toBe(roleName);

    // a crash mid-rollback: only the role's own record is left to undo
    await moto().reset();
    const calls: RecordedCall[] = [];
    for (const s of iamSteps()) calls.push(...(await apply(s)));
    const roleOnly = await rollback(calls.filter((c) => c.api === 'iam:CreateRole'));
    expect(roleOnly.messages).toEqual([`deleted role ${roleName}`]);
    expect(roleOnly.calls.map((c) => c.api)).toEqual(['iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteRole']);
    expect(roleOnly.calls.map((c) => c.ok)).toEqual([false, true, true, true]);
    // the rest of the rollback still finds its way
    const rest = await rollback(calls.filter((c) => c.api !== 'iam:CreateRole'));
    expect(rest.calls.map((c) => c.api)).toEqual(['iam:DeleteInstanceProfile', 'iam:DeletePolicy']);
    expect(await iamSnapshot()).toEqual({ roles: [], policies: [], profiles: [] });
  });

  it('rollback stops at a policy on the role that this plan did not create', async () => {
    const calls = await apply(stepOf('create-role'));
    const roleName = String(stepOf('create-role').params.roleName);
    const foreign = (await iam().send(new CreatePolicyCommand({ PolicyName: 'foreign', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }))).Policy!;
    await iam().send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: foreign.Arn }));
    const error = await rollback(calls).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect((error as KeyshiftError).kind).toBe('safety-gate');
    expect((error as KeyshiftError).message).toContain(foreign.Arn);
    expect((await iam().send(new GetRoleCommand({ RoleName: roleName }))).Role?.RoleName).toBe(roleName);
  });
});

// ---- resource and trust policies ----

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/keyshift/keyshift-i-a`;

interface PolicyResource {
  arn: string;
  region: string | null;
  read(): Promise<string>;
  write(text: string): Promise<unknown>;
}

function ec2Trust() {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
}

/** A policy with the user alone, the user in a list, and a statement that does not name it. */
function policyNamingUser(resource: string, action: string) {
  const res = resource ? { Resource: resource } : {};
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'UserAlone', Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: action, ...res },
      { Sid: 'Account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: action, ...res },
      { Sid: 'UserInList', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/ops`, USER_ARN, `arn:aws:iam::${ACCOUNT}:user/audit`] }, Action: action, ...res },
    ],
  };
}

const RESOURCES: Record<string, () => Promise<PolicyResource>> = {
  's3-bucket': async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'assets', CreateBucketConfiguration: { LocationConstraint: REGION } }));
    return {
      arn: 'arn:aws:s3:::assets',
      region: REGION,
      read: async () => (await s3().send(new GetBucketPolicyCommand({ Bucket: 'assets' }))).Policy ?? '',
      write: (text) => s3().send(new PutBucketPolicyCommand({ Bucket: 'assets', Policy: text })),
    };
  },
  'sqs-queue': async () => {
    const url = (await sqs().send(new CreateQueueCommand({ QueueName: 'jobs' }))).QueueUrl!;
    return {
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`,
      region: REGION,
      read: async () => (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes?.Policy ?? '',
      write: (text) => sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: text } })),
    };
  },
  'sns-topic': async () => {
    const arn = (await sns().send(new CreateTopicCommand({ Name: 'events' }))).TopicArn!;
    return {
      arn,
      region: REGION,
      read: async () => (await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.Policy ?? '',
      write: (text) => sns().send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: text })),
    };
  },
  'kms-key': async () => {
    const arn = (await kms().send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    return {
      arn,
      region: REGION,
      read: async () => (await kms().send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }))).Policy ?? '',
      write: (text) => kms().send(new PutKeyPolicyCommand({ KeyId: arn, PolicyName: 'default', Policy: text })),
    };
  },
  'secretsmanager-secret': async () => {
    const arn = (await secrets().send(new CreateSecretCommand({ Name: 'db', SecretString: 'not-a-real-secret' }))).ARN!;
    return {
      arn,
      region: REGION,
      read: async () => (await secrets().send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy ?? '',
      write: (text) => secrets().send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: text })),
    };
  },
  'ecr-repository': async () => {
    const arn = (await ecr().send(new CreateRepositoryCommand({ repositoryName: 'app/web' }))).repository!.repositoryArn!;
    return {
      arn,
      region: REGION,
      read: async () => (await ecr().send(new GetRepositoryPolicyCommand({ repositoryName: 'app/web' }))).policyText ?? '',
      write: (text) => ecr().send(new SetRepositoryPolicyCommand({ repositoryName: 'app/web', policyText: text })),
    };
  },
  'role-trust': async () => {
    const role = (await iam().send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: JSON.stringify(ec2Trust()) }))).Role!;
    return {
      arn: role.Arn!,
      region: null,
      read: async () => JSON.stringify(decoded((await iam().send(new GetRoleCommand({ RoleName: 'deployer' }))).Role?.AssumeRolePolicyDocument)),
      write: (text) => iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deployer', PolicyDocument: text })),
    };
  },
};

const ACTIONS: Record<string, [string, boolean]> = {
  's3-bucket': ['s3:GetObject', true],
  'sqs-queue': ['sqs:SendMessage', true],
  'sns-topic': ['sns:Publish', true],
  'kms-key': ['kms:Decrypt', true],
  'secretsmanager-secret': ['secretsmanager:GetSecretValue', true],
  'ecr-repository': ['ecr:BatchGetImage', false],
  'role-trust': ['sts:AssumeRole', false],
};

/** The extend step as steps.ts writes it. */
function extendStep(resourceType: string, resource: PolicyResource, statements: unknown[]): PlanStep {
  const trust = resourceType === 'role-trust';
  return {
    id: `i-a/${trust ? 'extend-trust-policy' : 'extend-resource-policy'}/${resource.arn}`,
    stage: 'attach',
    kind: trust ? 'extend-trust-policy' : 'extend-resource-policy',
    target: resource.arn,
    description: `add keyshift-i-a next to ${USER_ARN}`,
    params: { resourceType, region: resource.region, addPrincipal: ROLE_ARN, nextToPrincipal: USER_ARN, statements },
    expect: { statementsNamingPrincipal: { principal: USER_ARN, count: statements.length }, principalAbsent: ROLE_ARN },
    after: [],
  };
}

async function seeded(resourceType: string): Promise<{ resource: PolicyResource; step: PlanStep; original: ReturnType<typeof policyNamingUser> }> {
  const resource = await RESOURCES[resourceType]!();
  const [action, withResource] = ACTIONS[resourceType]!;
  const original = policyNamingUser(withResource ? (resourceType === 's3-bucket' ? `${resource.arn}/*` : resource.arn) : '', action);
  await resource.write(JSON.stringify(original));
  const statements = original.Statement.filter((s) => s.Sid !== 'Account');
  return { resource, step: extendStep(resourceType, resource, statements), original };
}

describe('resource and trust policies naming the key user', () => {
  it.each(Object.keys(RESOURCES))('%s: the role goes next to the user, every other statement stays, and rollback puts the policy back', async (resourceType) => {
    const { resource, step, original } = await seeded(resourceType);
    const before = await resource.read();
    expect(await check(step)).toEqual({ state: 'ready' });

    const calls = await apply(step);
    expect(calls.map((c) => [c.api, c.ok])).toEqual([[iamUndoersKey(resourceType), true]]);
    expect(calls[0]!.args.previous).toBe(before);
    const after = JSON.parse(await resource.read()) as typeof original;
    expect(after.Statement).toEqual([
      { ...original.Statement[0], Principal: { AWS: [USER_ARN, ROLE_ARN] } },
      original.Statement[1],
      { ...original.Statement[2], Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/ops`, USER_ARN, ROLE_ARN, `arn:aws:iam::${ACCOUNT}:user/audit`] } },
    ]);
    expect({ ...after, Statement: undefined }).toEqual({ ...original, Statement: undefined });

    // done now, and a second run sends nothing
    expect(await check(step)).toMatchObject({ state: 'done', output: { resourceArn: resource.arn, addedPrincipal: ROLE_ARN } });
    const again = ctxFor(step);
    expect((await handlerOf(step).run(again)).status).toBe('done');
    expect(again.calls).toEqual([]);

    const undone = await rollback(calls);
    expect(undone.messages[0]).toMatch(/^put back the previous policy/);
    expect(JSON.parse(await resource.read())).toEqual(JSON.parse(before));
    const twice = await rollback(calls);
    expect(twice.calls).toEqual([]);
    expect(twice.messages[0]).toMatch(/^nothing to undo/);
  });

  it('is drift when no statement names the user any more, or the resource is gone', async () => {
    const { resource, step } = await seeded('s3-bucket');
    await resource.write(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/*' }] }));
    const drift = await check(step);
    expect(drift.state === 'drift' && drift.message).toMatch(/no statement .* names .*user\/app any more/);
    const ctx = ctxFor(step);
    expect((await handlerOf(step).run(ctx)).status).toBe('blocked');
    expect(ctx.calls).toEqual([]);

    const { step: queueStep } = await seeded('sqs-queue');
    const { step: trustStep } = await seeded('role-trust');
    await moto().reset();
    for (const s of [step, queueStep, trustStep]) {
      const gone = await check(s);
      expect(gone.state === 'drift' && gone.message, s.id).toMatch(/no longer exists/);
    }
  });

  it('rollback after someone else changed the policy takes out only the role and keeps their change', async () => {
    const { resource, step, original } = await seeded('sqs-queue');
    const calls = await apply(step);
    const changed = JSON.parse(await resource.read()) as { Statement: unknown[] };
    const theirs = { Sid: 'Theirs', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ops` }, Action: 'sqs:ReceiveMessage', Resource: resource.arn };
    await resource.write(JSON.stringify({ ...changed, Statement: [...changed.Statement, theirs] }));

    const undone = await rollback(calls);
    expect(undone.messages[0]).toMatch(/changed since apply: took out only keyshift-i-a/);
    expect(JSON.parse(await resource.read())).toEqual({ ...original, Statement: [...original.Statement, theirs] });
  });

  it('waits with backoff, for about two minutes at most, while IAM does not know a new role yet', async () => {
    // moto accepts any principal at once: this stand-in send fails the way IAM does for a new role
    const invalidPrincipal = Object.assign(new Error('Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/keyshift/keyshift-i-a"'), { name: 'MalformedPolicyDocumentException' });
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let attempts = 0;
    const ok = await whilePrincipalPropagates(async () => (++attempts < 4 ? Promise.reject(invalidPrincipal) : 'sent'), sleep, new AbortController().signal);
    expect(ok).toBe('sent');
    expect(waits).toEqual([1000, 2000, 4000]);

    waits.length = 0;
    await expect(whilePrincipalPropagates(() => Promise.reject(invalidPrincipal), sleep, new AbortController().signal)).rejects.toBe(invalidPrincipal);
    expect(Math.max(...waits)).toBe(10_000);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(120_000);
    expect(total).toBeLessThan(135_000);

    // anything else is not waited for
    waits.length = 0;
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDenied' });
    await expect(whilePrincipalPropagates(() => Promise.reject(denied), sleep, new AbortController().signal)).rejects.toBe(denied);
    expect(waits).toEqual([]);
  });
});

// ---- deactivation ----

async function userWithKey(): Promise<string> {
  await iam().send(new CreateUserCommand({ UserName: 'app' }));
  return (await iam().send(new CreateAccessKeyCommand({ UserName: 'app' }))).AccessKey!.AccessKeyId!;
}

function deactivateStep(accessKeyId: string, userName: string | null, requiresConfirmation = false): PlanStep {
  return {
    id: `i-a/deactivate-access-key/${accessKeyId}`,
    stage: 'deactivate',
    kind: 'deactivate-access-key',
    target: accessKeyId,
    description: `deactivate ${accessKeyId}`,
    params: { accessKeyId, userName, requiresConfirmation },
    expect: { status: 'Active', ...(userName ? { userName } : {}) },
    after: [],
  };
}

const keys = async () => ((await iam().send(new ListAccessKeysCommand({ UserName: 'app' }))).AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId, k.Status]);

describe('deactivate-access-key', () => {
  it('makes the key inactive and never deletes it; a second pass is done; rollback reactivates it, twice is fine', async () => {
    const keyId = await userWithKey();
    const step = deactivateStep(keyId, 'app');
    const calls = await apply(step);
    expect(calls.map((c) => [c.api, c.args.status, c.args.previous])).toEqual([['iam:UpdateAccessKey', 'Inactive', 'Active']]);
    expect(await keys()).toEqual([[keyId, 'Inactive']]);
    expect(await check(step)).toMatchObject({ state: 'done', output: { accessKeyId: keyId, status: 'Inactive' } });
    const again = ctxFor(step);
    expect((await handlerOf(step).run(again)).status).toBe('done');
    expect(again.calls).toEqual([]);

    expect((await rollback(calls)).messages).toEqual([`reactivated access key ${keyId} of app`]);
    expect(await keys()).toEqual([[keyId, 'Active']]);
    const twice = await rollback(calls);
    expect(twice.calls).toEqual([]);
    expect(twice.messages[0]).toMatch(/^nothing to undo/);
  });

  it('finds the user from the key when the plan names none; a deleted key is drift', async () => {
    const keyId = await userWithKey();
    const step = deactivateStep(keyId, null);
    const calls = await apply(step);
    expect(calls[0]!.args.userName).toBe('app');
    expect(await keys()).toEqual([[keyId, 'Inactive']]);

    await iam().send(new DeleteAccessKeyCommand({ UserName: 'app', AccessKeyId: keyId }));
    const gone = await check(deactivateStep(keyId, 'app'));
    expect(gone.state === 'drift' && gone.message).toMatch(/no longer exists/);
    expect((await check(step)).state).toBe('drift');
    expect((await rollback(calls)).messages[0]).toMatch(/^nothing to undo: access key .* no longer exists/);
  });

  it('a key with no recorded use is deactivated only after a yes', async () => {
    const keyId = await userWithKey();
    const step = deactivateStep(keyId, 'app', true);
    // the silent host answers every question with its default: no
    const refused = ctxFor(step);
    const outcome = await handlerOf(step).run(refused);
    expect(outcome.status).toBe('blocked');
    expect(refused.calls).toEqual([]);
    expect(await keys()).toEqual([[keyId, 'Active']]);

    const asked: string[] = [];
    const yes = { ...ctxFor(step), host: { notify() {}, confirm: async (q: { id: string }) => (asked.push(q.id), true) } };
    expect((await handlerOf(step).run(yes)).status).toBe('done');
    expect(asked).toEqual(['deactivate-unused-key']);
    expect(await keys()).toEqual([[keyId, 'Inactive']]);
  });
});

function pascal(kind: string): string {
  return kind.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function iamUndoersKey(resourceType: string): string {
  const api: Record<string, string> = {
    's3-bucket': 's3:PutBucketPolicy',
    'sqs-queue': 'sqs:SetQueueAttributes',
    'sns-topic': 'sns:SetTopicAttributes',
    'kms-key': 'kms:PutKeyPolicy',
    'secretsmanager-secret': 'secretsmanager:PutResourcePolicy',
    'ecr-repository': 'ecr:SetRepositoryPolicy',
    'role-trust': 'iam:UpdateAssumeRolePolicy',
  };
  expect(Object.keys(iamUndoers)).toContain(api[resourceType]);
  return api[resourceType]!;
}
