// The EC2 and Auto Scaling step handlers of `apply`, and their undoers, against the moto AWS
// emulator: the steps are the real planner's (the plan scenario of test/unit/plan), with the IDs
// of what the test plants in moto put in their params.
//
// Where moto 5.2.5 differs from AWS, and how the tests deal with it:
// - an IAM instance profile is visible to EC2 at once; AWS rejects a just-created one with
//   InvalidParameterValue ("Invalid IAM Instance Profile name") for a while, and moto answers an
//   unknown profile with NoSuchEntity instead. The retry test makes the handler's own EC2 client
//   answer the first calls as AWS would (a middleware in this test, and only there);
// - an association is `associated` as soon as Describe shows it (AWS: `associating` first); the
//   test of the bounded wait makes Describe report `associating` the same way;
// - ReplaceIamInstanceProfileAssociation keeps the association ID (AWS gives a new one), and a
//   disassociated association disappears (AWS lists it as `disassociated` for a while);
// - ModifyInstanceMetadataOptions resets every option the request leaves out (AWS keeps them),
//   and the State is `applied` at once (AWS: `pending` first). The handler sends every option,
//   which this makes visible: a dropped option would show up here as missing;
// - CreateLaunchTemplateVersion ignores SourceVersion: the new version holds only the data sent
//   (AWS copies the rest from the source). The tests check what the handler sends, not the
//   inherited fields (AMI, instance type);
// - DeleteLaunchTemplateVersions is not implemented (moto answers 500). The undoer's deletion is
//   answered by a middleware in this test (recorded, not carried out); everything around it
//   (restoring the default first, refusing while a group launches from the version, finding the
//   version by its description) runs against moto.
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DisassociateIamInstanceProfileCommand,
  EC2Client,
  ReplaceIamInstanceProfileAssociationCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireImdsv2Handler } from '../../src/apply/handlers/imdsv2-handler.js';
import { launchTemplateHandlers, removeCredentialsFromUserData, versionMarker } from '../../src/apply/handlers/launch-template-handlers.js';
import { makeProfileAssociationHandlers, type AssociationTiming } from '../../src/apply/handlers/profile-association-handlers.js';
import type { JournaledCall } from '../../src/apply/step-handler.js';
import { ec2Undoers } from '../../src/apply/undo/ec2-undoers.js';
import type { PlanDocument, PlanStep, Workload } from '../../src/model/plan.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { useMoto, type Moto } from '../helpers/moto.js';
import { planFor } from '../helpers/plan-fixture.js';
import { stepContext, undoContext, type RecordedCall } from '../helpers/step-context.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage } from '../unit/plan/scenario.js';

const REGION = 'eu-west-1';
const AMI = 'ami-760aaa0f'; // one of moto's images
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const FAST: AssociationTiming = { propagationMs: 60_000, settleMs: 60_000, firstDelayMs: 1_000, maxDelayMs: 8_000 };

// the handlers' clients take their credentials from the default chain, so from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
let plan: PlanDocument;
beforeAll(async () => {
  plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
});
beforeEach(() => {
  moto = motoServer();
});

const sdk = { region: REGION, get endpoint() { return moto.endpoint; }, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const ec2 = () => new EC2Client(sdk);
const iam = () => new IAMClient(sdk);
const autoScaling = () => new AutoScalingClient(sdk);
const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');

/** The planner's step of a kind (in the workload whose ID starts with `workload`), with moto's IDs in it. */
function plannedStep(kind: PlanStep['kind'], workload: string, params: Record<string, unknown>, expect?: Record<string, unknown>): { step: PlanStep; workload: Workload } {
  const w = plan.workloads.find((x) => x.id.startsWith(workload));
  const s = w?.steps.find((x) => x.kind === kind);
  if (!w || !s) throw new Error(`the scenario plan has no ${kind} step in ${workload}`);
  return { workload: w, step: { ...s, params: { ...s.params, ...params }, ...(expect && { expect }) } };
}

function contextFor(s: { step: PlanStep; workload: Workload }, o: { now?: Date; doneAt?: Record<string, Date>; outputs?: Record<string, Record<string, unknown>> } = {}) {
  const ctx = stepContext(plan, s.workload, s.step, { endpoint: moto.endpoint, region: REGION, ...o });
  const slept: number[] = [];
  ctx.sleep = async (ms) => {
    slept.push(ms);
  };
  return Object.assign(ctx, { slept });
}

/** A recorded call as the journal gives it to rollback; `crashed` drops its result. */
function journaled(call: RecordedCall, seq: number, crashed = false): JournaledCall {
  return { seq, api: call.api, region: call.region, target: call.target, args: call.args, stepId: null, ...(crashed ? {} : { result: { ok: call.ok, output: call.output } }) };
}

const undoCtx = () => undoContext({ planId: plan.planId, account: plan.account }, { endpoint: moto.endpoint, region: REGION });

async function undo(call: JournaledCall): Promise<{ message: string; calls: RecordedCall[] }> {
  const ctx = undoCtx();
  const undoer = ec2Undoers[call.api];
  if (!undoer) throw new Error(`no undoer for ${call.api}`);
  return { message: await undoer.undo(call, ctx), calls: ctx.calls };
}

/** Answers one EC2 command in a client's middleware: what moto cannot do, or AWS's timing that moto lacks. */
function intercept(client: EC2Client, command: string, answer: (input: Record<string, unknown>) => unknown, times = Infinity): { inputs: Record<string, unknown>[] } {
  const seen = { inputs: [] as Record<string, unknown>[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command || seen.inputs.length >= times) return next(args);
      seen.inputs.push((args as { input: Record<string, unknown> }).input);
      return { output: answer((args as { input: Record<string, unknown> }).input) } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: `test-intercept-${command}-${Math.random()}` },
  );
  return seen;
}

async function seedProfile(name: string, path = '/'): Promise<string> {
  const client = iam();
  await client.send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: TRUST }));
  const profile = (await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: path }))).InstanceProfile!;
  await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
  return profile.Arn!;
}

async function runInstance(input: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const out = await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, ...input }));
  return out.Instances![0]!.InstanceId!;
}

async function associations(instanceId: string) {
  const out = await ec2().send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }));
  return (out.IamInstanceProfileAssociations ?? []).map((a) => ({ associationId: a.AssociationId, arn: a.IamInstanceProfile?.Arn, state: a.State }));
}

async function metadataOptions(instanceId: string) {
  const out = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations![0]!.Instances![0]!.MetadataOptions;
}

const associate = () => makeProfileAssociationHandlers(FAST)['associate-instance-profile'];
const replace = () => makeProfileAssociationHandlers(FAST)['replace-instance-profile-association'];

describe('associate-instance-profile', () => {
  async function seed() {
    const arn = await seedProfile('keyshift-app-worker', '/keyshift/');
    const instanceId = await runInstance();
    const s = plannedStep('associate-instance-profile', 'app-worker', { instanceId, region: REGION, instanceProfileArn: arn });
    return { arn, instanceId, s };
  }

  it('is ready on an instance without a profile, associates the plan\'s profile, and is done after', async () => {
    const { arn, instanceId, s } = await seed();
    const ctx = contextFor(s);
    expect(await associate().check(ctx)).toEqual({ state: 'ready' });

    const outcome = await associate().run(ctx);
    expect(outcome.status).toBe('done');
    const live = await associations(instanceId);
    expect(live).toEqual([{ associationId: expect.any(String), arn, state: 'associated' }]);
    expect(outcome).toMatchObject({ output: { associationId: live[0]!.associationId } });
    expect(ctx.calls).toEqual([
      expect.objectContaining({ api: 'ec2:AssociateIamInstanceProfile', region: REGION, target: instanceId, ok: true, args: expect.objectContaining({ previous: null }), output: { associationId: live[0]!.associationId } }),
    ]);

    // a resume after the call lands on done, with the same output
    const again = contextFor(s);
    expect(await associate().check(again)).toMatchObject({ state: 'done', output: { associationId: live[0]!.associationId } });
    expect(await associate().run(again)).toMatchObject({ status: 'done' });
    expect(again.calls).toEqual([]);
  });

  it('is drift when the instance has some other profile, and run touches nothing', async () => {
    await seedProfile('other');
    const { instanceId, s } = await seed().then(async (x) => {
      const other = await runInstance({ IamInstanceProfile: { Name: 'other' } });
      return { ...x, instanceId: other, s: plannedStep('associate-instance-profile', 'app-worker', { instanceId: other, region: REGION, instanceProfileArn: x.arn }) };
    });
    const ctx = contextFor(s);
    const result = await associate().check(ctx);
    expect(result.state).toBe('drift');
    expect(result).toMatchObject({ message: expect.stringMatching(/instance profile other .*expected none.*keyshift-app-worker/) });
    expect(await associate().run(ctx)).toMatchObject({ status: 'blocked' });
    expect(ctx.calls).toEqual([]);
    expect((await associations(instanceId)).map((a) => a.arn)).toEqual([expect.stringMatching(/instance-profile\/other$/)]);
  });

  it('retries while EC2 does not know the new profile yet (IAM propagation), with backoff', async () => {
    const { arn, instanceId, s } = await seed();
    const ctx = contextFor(s);
    // AWS's answer for a profile IAM has not propagated yet; moto knows the profile at once
    intercept(ctx.aws.client(EC2Client, REGION), 'AssociateIamInstanceProfileCommand', () => {
      throw Object.assign(new Error('Value (keyshift-app-worker) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'), { name: 'InvalidParameterValue' });
    }, 3);
    const outcome = await associate().run(ctx);
    expect(outcome.status).toBe('done');
    expect(ctx.slept).toEqual([1_000, 2_000, 4_000]);
    expect(ctx.calls.map((c) => c.ok)).toEqual([false, false, false, true]);
    expect((await associations(instanceId)).map((a) => a.arn)).toEqual([arn]);
  });

  it('gives up after the propagation budget and says to resume', async () => {
    const { instanceId, s } = await seed();
    const ctx = contextFor(s);
    intercept(ctx.aws.client(EC2Client, REGION), 'AssociateIamInstanceProfileCommand', () => {
      throw Object.assign(new Error('Invalid IAM Instance Profile name'), { name: 'InvalidParameterValue' });
    });
    const outcome = await associate().run(ctx);
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringMatching(/still rejects instance profile keyshift-app-worker .*after 60 s.*resume/) });
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBe(FAST.propagationMs);
    expect(await associations(instanceId)).toEqual([]);
  });

  it('waits (bounded) for the association to settle, and leaves the rest to --resume', async () => {
    const { s } = await seed();
    const ctx = contextFor(s);
    // AWS reports `associating` for a while; moto reports `associated` at once
    const client = ctx.aws.client(EC2Client, REGION);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'DescribeIamInstanceProfileAssociationsCommand') {
          for (const a of (out.output as { IamInstanceProfileAssociations?: { State?: string }[] }).IamInstanceProfileAssociations ?? []) a.State = 'associating';
        }
        return out;
      },
      { step: 'initialize', name: 'test-still-associating' },
    );
    const outcome = await associate().run(ctx);
    expect(outcome).toMatchObject({ status: 'waiting', message: expect.stringMatching(/still associating after 60 s/) });
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBe(FAST.settleMs);
    // on resume, an associating association with the plan's profile is the step's target
    expect(await associate().check(ctx)).toMatchObject({ state: 'done' });
  });

  it('undo disassociates the plan\'s profile, found from the live state when the result is missing, and is idempotent', async () => {
    const { instanceId, s } = await seed();
    const before = await associations(instanceId);
    const ctx = contextFor(s);
    await associate().run(ctx);
    const call = ctx.calls[0]!;

    const first = await undo(journaled(call, 1, true));
    expect(first.message).toMatch(/disassociated instance profile keyshift-app-worker/);
    expect(first.calls.map((c) => c.api)).toEqual(['ec2:DisassociateIamInstanceProfile']);
    expect(await associations(instanceId)).toEqual(before);

    const second = await undo(journaled(call, 1));
    expect(second.message).toMatch(/^nothing to undo/);
    expect(second.calls).toEqual([]);
  });

  it('undo leaves an association with another profile alone', async () => {
    const { instanceId, s } = await seed();
    const ctx = contextFor(s);
    await associate().run(ctx);
    // someone replaced it since
    await seedProfile('other');
    const live = (await associations(instanceId))[0]!;
    await ec2().send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: live.associationId!, IamInstanceProfile: { Name: 'other' } }));
    const result = await undo(journaled(ctx.calls[0]!, 1));
    expect(result.message).toMatch(/nothing to undo: .* has instance profile other/);
    expect(result.calls).toEqual([]);
  });
});

describe('replace-instance-profile-association', () => {
  async function seed() {
    const ssmArn = await seedProfile('ssm');
    const arn = await seedProfile('keyshift-i-batch', '/keyshift/');
    const instanceId = await runInstance({ IamInstanceProfile: { Name: 'ssm' } });
    const current = (await associations(instanceId))[0]!;
    const s = plannedStep(
      'replace-instance-profile-association',
      'i-batch',
      { instanceId, region: REGION, associationId: current.associationId, instanceProfileArn: arn },
      { association: { associationId: current.associationId, instanceProfileArn: ssmArn } },
    );
    return { ssmArn, arn, instanceId, current, s };
  }

  it('replaces the current association with the plan\'s profile, keeping the instance on a profile throughout', async () => {
    const { ssmArn, arn, instanceId, current, s } = await seed();
    const ctx = contextFor(s);
    expect(await replace().check(ctx)).toEqual({ state: 'ready' });
    const outcome = await replace().run(ctx);
    expect(outcome.status).toBe('done');
    const live = await associations(instanceId);
    // one association, now with the plan's profile (which carries the old role's policies)
    expect(live).toEqual([{ associationId: expect.any(String), arn, state: 'associated' }]);
    expect(ctx.calls).toEqual([
      expect.objectContaining({
        api: 'ec2:ReplaceIamInstanceProfileAssociation',
        target: instanceId,
        args: expect.objectContaining({ associationId: current.associationId, previous: { associationId: current.associationId, instanceProfileArn: ssmArn } }),
      }),
    ]);
    expect(await replace().check(contextFor(s))).toMatchObject({ state: 'done', output: { associationId: live[0]!.associationId } });
  });

  it('is drift when the instance has another profile, another association, or none', async () => {
    const { arn, instanceId, current, s } = await seed();
    // another association ID than the plan recorded
    const stale = { ...s, step: { ...s.step, expect: { association: { associationId: 'iip-assoc-0123456789abcdef0', instanceProfileArn: current.arn } } } };
    expect(await replace().check(contextFor(stale))).toMatchObject({ state: 'drift', message: expect.stringMatching(/instance profile ssm \(iip-assoc-.*expected instance profile ssm \(iip-assoc-0123456789abcdef0\)/) });

    // another profile
    await seedProfile('other');
    await ec2().send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: current.associationId!, IamInstanceProfile: { Name: 'other' } }));
    const ctx = contextFor(s);
    expect(await replace().check(ctx)).toMatchObject({ state: 'drift', message: expect.stringMatching(/has instance profile other .*expected instance profile ssm/) });
    expect(await replace().run(ctx)).toMatchObject({ status: 'blocked' });
    expect(ctx.calls).toEqual([]);

    // none
    await ec2().send(new DisassociateIamInstanceProfileCommand({ AssociationId: current.associationId! }));
    expect(await replace().check(contextFor(s))).toMatchObject({ state: 'drift', message: expect.stringMatching(/has no instance profile/) });
    expect(arn).toMatch(/keyshift-i-batch$/);
    expect(await associations(instanceId)).toEqual([]);
  });

  it('undo replaces back to the previous profile and is idempotent', async () => {
    const { instanceId, s } = await seed();
    const before = await associations(instanceId);
    const ctx = contextFor(s);
    await replace().run(ctx);
    const call = journaled(ctx.calls[0]!, 1);
    const first = await undo(call);
    expect(first.message).toMatch(/replaced .* keyshift-i-batch with ssm again/);
    // moto keeps the association ID through a replace, so the snapshot compares whole
    expect(await associations(instanceId)).toEqual(before);
    const second = await undo(call);
    expect(second).toEqual({ message: expect.stringMatching(/^nothing to undo: .* has instance profile ssm/), calls: [] });
  });
});

describe('require-imdsv2', () => {
  const VERIFIED = new Date('2026-03-01T00:00:00Z');
  const handler = () => requireImdsv2Handler({ settleMs: 30_000, firstDelayMs: 1_000, maxDelayMs: 8_000 });

  async function seed() {
    // non-default options everywhere, so an option the handler failed to send back would show
    const instanceId = await runInstance({ MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'enabled', InstanceMetadataTags: 'enabled' } });
    const s = plannedStep('require-imdsv2', 'app-worker', { instanceId, region: REGION });
    const soak = s.step.params.soakSeconds as number;
    return { instanceId, s, soak, verify: s.step.after[0]! };
  }

  it('waits for the soak after the role was verified in use, with the right until', async () => {
    const { instanceId, s, soak, verify } = await seed();
    expect(soak).toBe(7 * 86_400);
    const ctx = contextFor(s, { doneAt: { [verify]: VERIFIED }, now: new Date(VERIFIED.getTime() + (soak - 3600) * 1000) });
    expect(await handler().check(ctx)).toEqual({ state: 'ready' });
    const outcome = await handler().run(ctx);
    expect(outcome).toMatchObject({ status: 'waiting', until: new Date(VERIFIED.getTime() + soak * 1000) });
    expect(ctx.calls).toEqual([]);
    expect((await metadataOptions(instanceId))?.HttpTokens).toBe('optional');

    // before the role is verified, there is no soak to count yet
    const early = contextFor(s, { now: VERIFIED });
    expect(await handler().run(early)).toMatchObject({ status: 'waiting', message: expect.stringMatching(/waits for .*verify-role-in-use/) });
    expect((await handler().run(early)) as { until?: Date }).not.toHaveProperty('until');
  });

  it('after the soak, requires tokens and keeps every other option as it was', async () => {
    const { instanceId, s, soak, verify } = await seed();
    const before = await metadataOptions(instanceId);
    const ctx = contextFor(s, { doneAt: { [verify]: VERIFIED }, now: new Date(VERIFIED.getTime() + soak * 1000) });
    const outcome = await handler().run(ctx);
    expect(outcome).toMatchObject({ status: 'done', output: { httpTokens: 'required', hopLimit: 2 } });
    expect(await metadataOptions(instanceId)).toEqual({ ...before, HttpTokens: 'required', HttpPutResponseHopLimit: 2, State: 'applied' });
    expect(ctx.calls).toEqual([
      expect.objectContaining({
        api: 'ec2:ModifyInstanceMetadataOptions',
        target: instanceId,
        args: expect.objectContaining({ previous: { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled', httpProtocolIpv6: 'enabled', instanceMetadataTags: 'enabled' } }),
      }),
    ]);
    expect(await handler().check(contextFor(s))).toMatchObject({ state: 'done', output: { httpTokens: 'required', hopLimit: 2 } });
  });

  it('is drift when the options are not what the plan recorded', async () => {
    const instanceId = await runInstance({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } });
    const s = plannedStep('require-imdsv2', 'app-worker', { instanceId, region: REGION });
    // tokens already required, but with a hop limit below the plan's: a person looks first
    expect(await handler().check(contextFor(s))).toMatchObject({ state: 'drift', message: expect.stringMatching(/HttpTokens required, hop limit 1; the plan expected HttpTokens optional, hop limit 1/) });
  });

  it('undo restores the options as they were and is idempotent', async () => {
    const { instanceId, s, soak, verify } = await seed();
    const before = await metadataOptions(instanceId);
    const ctx = contextFor(s, { doneAt: { [verify]: VERIFIED }, now: new Date(VERIFIED.getTime() + soak * 1000) });
    await handler().run(ctx);
    const call = journaled(ctx.calls[0]!, 1);
    const first = await undo(call);
    expect(first.message).toMatch(/restored .*metadata options \(HttpTokens optional, hop limit 1\)/);
    expect(await metadataOptions(instanceId)).toEqual(before);
    expect(await undo(call)).toEqual({ message: expect.stringMatching(/^nothing to undo/), calls: [] });
  });
});

describe('launch template version and Auto Scaling group', () => {
  const key = { id: fakeKeyId(), secret: fakeSecret() };
  // the lines around the key are kept byte for byte, non-ASCII included
  const script = [
    '#!/bin/bash',
    'set -euo pipefail',
    'mkdir -p /root/.aws',
    'cat > /root/.aws/credentials <<EOF',
    '[default]',
    `aws_access_key_id = ${key.id}`,
    `aws_secret_access_key = ${key.secret}`,
    'region = eu-west-1',
    'EOF',
    'yum install -y httpd   # café',
    'systemctl start httpd',
    '',
  ].join('\n');
  const withoutKey = script
    .split('\n')
    .filter((l) => !l.includes(key.id) && !l.includes(key.secret))
    .join('\n');

  async function seed(userData = script) {
    await seedProfile('keyshift-asg-web', '/keyshift/');
    const client = ec2();
    const template = (
      await client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: 'web',
          LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.micro', UserData: b64(userData), MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1, InstanceMetadataTags: 'enabled' } },
        }),
      )
    ).LaunchTemplate!;
    const id = template.LaunchTemplateId!;
    const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
    await autoScaling().send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MinSize: 0, MaxSize: 2, DesiredCapacity: 0, LaunchTemplate: { LaunchTemplateId: id, Version: '1' }, VPCZoneIdentifier: subnetId }));
    const version = plannedStep(
      'create-launch-template-version',
      'asg-web',
      { launchTemplateId: id, region: REGION, sourceVersion: 1, userData: { removeCredentials: [`${REGION}/${id} v1 user data part 0`], keys: [key.id] } },
      { latestVersion: 1, defaultVersion: 1 },
    );
    const group = plannedStep('update-auto-scaling-group', 'asg-web', { region: REGION, launchTemplate: { id, version: { fromStep: version.step.id } } }, { launchTemplate: { id, version: '1' } });
    return { id, version, group };
  }

  async function templateVersions(id: string) {
    const t = (await ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }))).LaunchTemplates![0]!;
    return { latest: t.LatestVersionNumber, default: t.DefaultVersionNumber };
  }

  async function versionData(id: string, version: number) {
    const out = await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: [String(version)] }));
    return out.LaunchTemplateVersions![0]!;
  }

  async function groupSpec() {
    return (await autoScaling().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0]!.LaunchTemplate;
  }

  const noSecretIn = (text: string) => {
    for (const piece of secretPieces(key.secret)) expect(text).not.toContain(piece);
  };

  it('makes a version with the profile, IMDSv2 and the user data without the key, and points the group at it', async () => {
    const { id, version, group } = await seed();
    const ctx = contextFor(version);
    const handlers = launchTemplateHandlers;
    expect(await handlers['create-launch-template-version'].check(ctx)).toEqual({ state: 'ready' });
    const outcome = await handlers['create-launch-template-version'].run(ctx);
    expect(outcome).toMatchObject({ status: 'done', output: { version: 2 } });
    expect(outcome.message).toMatch(/2 lines removed from part 0/);

    const made = await versionData(id, 2);
    expect(made.VersionDescription).toBe(versionMarker(plan.planId));
    expect(made.LaunchTemplateData?.IamInstanceProfile).toEqual({ Name: 'keyshift-asg-web' });
    // InstanceMetadataTags comes from the source version: AWS replaces MetadataOptions whole
    expect(made.LaunchTemplateData?.MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2, InstanceMetadataTags: 'enabled' });
    const userData = Buffer.from(made.LaunchTemplateData!.UserData!, 'base64');
    expect(userData.equals(Buffer.from(withoutKey))).toBe(true);
    expect(userData.toString()).not.toContain(key.id);
    noSecretIn(userData.toString());
    expect(await templateVersions(id)).toEqual({ latest: 2, default: 1 });
    expect(ctx.calls.map((c) => c.api)).toEqual(['ec2:CreateLaunchTemplateVersion']);
    expect(ctx.calls[0]!.args).toMatchObject({ previous: { latestVersion: 1, defaultVersion: 1 } });
    noSecretIn(JSON.stringify(ctx.calls));

    // a resume finds the version it made
    expect(await handlers['create-launch-template-version'].check(contextFor(version))).toMatchObject({ state: 'done', output: { version: 2 } });

    const groupCtx = contextFor(group, { outputs: { [version.step.id]: { version: 2 } } });
    expect(await handlers['update-auto-scaling-group'].check(groupCtx)).toEqual({ state: 'ready' });
    expect(await handlers['update-auto-scaling-group'].run(groupCtx)).toMatchObject({ status: 'done' });
    expect(await groupSpec()).toEqual({ LaunchTemplateId: id, LaunchTemplateName: 'web', Version: '2' });
    expect(groupCtx.calls).toEqual([expect.objectContaining({ api: 'autoscaling:UpdateAutoScalingGroup', args: expect.objectContaining({ previous: { launchTemplateId: id, launchTemplateName: 'web', version: '1' } }) })]);
    expect(await handlers['update-auto-scaling-group'].check(contextFor(group, { outputs: { [version.step.id]: { version: 2 } } }))).toMatchObject({ state: 'done' });
  });

  it('makes the new version the default when the group launches from $Default, journaling the old default', async () => {
    const { id, version } = await seed();
    const s = { ...version, step: { ...version.step, params: { ...version.step.params, setDefault: true } } };
    const ctx = contextFor(s);
    expect(await launchTemplateHandlers['create-launch-template-version'].run(ctx)).toMatchObject({ status: 'done', output: { version: 2 } });
    expect(await templateVersions(id)).toEqual({ latest: 2, default: 2 });
    expect(ctx.calls.map((c) => [c.api, c.args.previous])).toEqual([
      ['ec2:CreateLaunchTemplateVersion', { latestVersion: 1, defaultVersion: 1 }],
      ['ec2:ModifyLaunchTemplate', { defaultVersion: 1 }],
    ]);
  });

  it('after a crash between the version and the default, a resume sets the default without a second version', async () => {
    const { id, version } = await seed();
    await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '1', VersionDescription: versionMarker(plan.planId), LaunchTemplateData: { ImageId: AMI } }));
    const s = { ...version, step: { ...version.step, params: { ...version.step.params, setDefault: true } } };
    const handler = launchTemplateHandlers['create-launch-template-version'];
    expect(await handler.check(contextFor(s))).toEqual({ state: 'ready' });
    const ctx = contextFor(s);
    expect(await handler.run(ctx)).toMatchObject({ status: 'done', output: { version: 2 } });
    expect(ctx.calls.map((c) => c.api)).toEqual(['ec2:ModifyLaunchTemplate']);
    expect(await templateVersions(id)).toEqual({ latest: 2, default: 2 });
  });

  it('is blocked, and makes nothing, when the key sits inside a longer command', async () => {
    const { id, version } = await seed(`#!/bin/bash\ndocker run -e AWS_ACCESS_KEY_ID=${key.id} -e AWS_SECRET_ACCESS_KEY=${key.secret} app:latest\n`);
    const ctx = contextFor(version);
    const outcome = await launchTemplateHandlers['create-launch-template-version'].run(ctx);
    expect(outcome).toMatchObject({ status: 'blocked', message: expect.stringMatching(/part 0, line 2: the key is part of a longer command/) });
    noSecretIn(outcome.message);
    expect(ctx.calls).toEqual([]);
    expect(await templateVersions(id)).toEqual({ latest: 1, default: 1 });
  });

  it('is drift when the template has moved on since the plan, and when the group launches from another version', async () => {
    const { id, version, group } = await seed();
    await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '1', LaunchTemplateData: { ImageId: AMI } }));
    expect(await launchTemplateHandlers['create-launch-template-version'].check(contextFor(version))).toMatchObject({
      state: 'drift',
      message: expect.stringMatching(/is at version 2 \(default 1\); the plan expected 1 \(default 1\)/),
    });
    await autoScaling().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateId: id, Version: '2' } }));
    expect(await launchTemplateHandlers['update-auto-scaling-group'].check(contextFor(group, { outputs: { [version.step.id]: { version: 3 } } }))).toMatchObject({
      state: 'drift',
      message: expect.stringMatching(/launches from launch template .* version 2; the plan expected launch template .* version 1/),
    });
  });

  it('undo of the group and of the default restore the snapshot and are idempotent', async () => {
    const { id, version, group } = await seed();
    const beforeGroup = await groupSpec();
    const beforeTemplate = await templateVersions(id);
    const s = { ...version, step: { ...version.step, params: { ...version.step.params, setDefault: true } } };
    const ctx = contextFor(s);
    const handlers = launchTemplateHandlers;
    await handlers['create-launch-template-version'].run(ctx);
    const groupCtx = contextFor(group, { outputs: { [version.step.id]: { version: 2 } } });
    await handlers['update-auto-scaling-group'].run(groupCtx);

    const groupCall = journaled(groupCtx.calls[0]!, 3);
    expect((await undo(groupCall)).message).toMatch(/launches from .* version 1 again/);
    expect(await groupSpec()).toEqual(beforeGroup);
    expect(await undo(groupCall)).toEqual({ message: expect.stringMatching(/^nothing to undo/), calls: [] });

    const defaultCall = journaled(ctx.calls[1]!, 2);
    expect((await undo(defaultCall)).message).toMatch(/default version is 1 again/);
    expect(await templateVersions(id)).toEqual({ ...beforeTemplate, latest: 2 });
    expect(await undo(defaultCall)).toEqual({ message: expect.stringMatching(/^nothing to undo/), calls: [] });
  });

  it('undo of the version restores the default first, refuses while a group launches from it, and deletes only the plan\'s version', async () => {
    const { id, version, group } = await seed();
    const s = { ...version, step: { ...version.step, params: { ...version.step.params, setDefault: true } } };
    const ctx = contextFor(s);
    const handlers = launchTemplateHandlers;
    await handlers['create-launch-template-version'].run(ctx);
    const groupCtx = contextFor(group, { outputs: { [version.step.id]: { version: 2 } } });
    await handlers['update-auto-scaling-group'].run(groupCtx);
    const versionCall = journaled(ctx.calls[0]!, 1, true);

    // the group still launches from it: rollback undoes the group first, or a person does
    const blocked = undoCtx();
    await expect(ec2Undoers['ec2:CreateLaunchTemplateVersion']!.undo(versionCall, blocked)).rejects.toMatchObject({ kind: 'safety-gate', message: expect.stringMatching(/group web launches from it/) });
    expect(blocked.calls).toEqual([]);
    await undo(journaled(groupCtx.calls[0]!, 3));

    // moto has no DeleteLaunchTemplateVersions: this answers it as AWS does (recorded, not carried out)
    const uctx = undoCtx();
    const deletions = intercept(uctx.aws.client(EC2Client, REGION), 'DeleteLaunchTemplateVersionsCommand', (input) => ({
      SuccessfullyDeletedLaunchTemplateVersions: (input.Versions as string[]).map((v) => ({ LaunchTemplateId: id, VersionNumber: Number(v) })),
      UnsuccessfullyDeletedLaunchTemplateVersions: [],
      $metadata: {},
    }));
    const message = await ec2Undoers['ec2:CreateLaunchTemplateVersion']!.undo(versionCall, uctx);
    expect(message).toBe(`deleted version 2 of ${id}`);
    // found by its description (the result was missing), the default put back before the deletion
    expect(uctx.calls.map((c) => c.api)).toEqual(['ec2:ModifyLaunchTemplate', 'ec2:DeleteLaunchTemplateVersions']);
    expect(deletions.inputs).toEqual([{ LaunchTemplateId: id, Versions: ['2'] }]);
    expect(await templateVersions(id)).toEqual({ latest: 2, default: 1 });

    // a version this plan did not make is never deleted
    await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '1', VersionDescription: 'someone else', LaunchTemplateData: { ImageId: AMI } }));
    const foreign = journaled({ ...ctx.calls[0]!, output: { version: 3 } }, 1);
    expect(await undo(foreign)).toEqual({ message: expect.stringMatching(/^nothing to undo/), calls: [] });
  });
});

describe('user data without the keys', () => {
  const key = { id: fakeKeyId(), secret: fakeSecret() };
  const other = { id: fakeKeyId(), secret: fakeSecret() };
  const decode = (userData: string) => Buffer.from(userData, 'base64');

  it('rewrites a gzip part inside MIME multipart and leaves the other parts byte for byte', () => {
    const shell = `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${key.id}\nexport AWS_SECRET_ACCESS_KEY=${key.secret}\n/opt/app/start\n`;
    const cloudConfig = `#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    content: |\n      port = 8080\n      other_key = ${other.id}\n`;
    const gz = gzipSync(shell).toString('base64').replace(/(.{76})/g, '$1\n');
    const mime = [
      'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
      'MIME-Version: 1.0',
      '',
      '--==BOUNDARY==',
      'Content-Type: text/cloud-config; charset="us-ascii"',
      '',
      cloudConfig,
      '--==BOUNDARY==',
      'Content-Type: text/x-shellscript; charset="us-ascii"',
      'Content-Transfer-Encoding: base64',
      '',
      gz,
      '--==BOUNDARY==--',
      '',
    ].join('\n');
    const result = removeCredentialsFromUserData(b64(mime), [key.id]);
    expect(result).toMatchObject({ ok: true, changed: true, removedLines: 2, parts: ['part 1'] });
    if (!result.ok) return;
    const text = decode(result.userData).toString('latin1');
    // everything before the rewritten part is as it was, byte for byte, the other key included
    const head = mime.slice(0, mime.indexOf(gz));
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith('\n--==BOUNDARY==--\n')).toBe(true);
    const encoded = text.slice(head.length, text.length - '\n--==BOUNDARY==--\n'.length);
    expect(encoded.split('\n').every((l) => l.length <= 76)).toBe(true);
    expect(gunzipSync(Buffer.from(encoded.replace(/\n/g, ''), 'base64')).toString()).toBe('#!/bin/bash\n/opt/app/start\n');
  });

  it('keeps CRLF line ends and PowerShell around the removed lines', () => {
    const ps = `<powershell>\r\n$env:AWS_ACCESS_KEY_ID = "${key.id}"\r\n$env:AWS_SECRET_ACCESS_KEY = "${key.secret}"\r\nStart-Service app\r\n</powershell>\r\n`;
    const result = removeCredentialsFromUserData(b64(ps), [key.id]);
    expect(result.ok && decode(result.userData).toString()).toBe('<powershell>\r\nStart-Service app\r\n</powershell>\r\n');
  });

  it('removes a secret assigned by name near the key even when the detector paired it elsewhere', () => {
    const text = `#!/bin/sh\naws configure set aws_access_key_id ${key.id} --profile prod\naws configure set aws_secret_access_key ${key.secret} --profile prod\necho ready\n`;
    const result = removeCredentialsFromUserData(b64(text), [key.id]);
    expect(result.ok && decode(result.userData).toString()).toBe('#!/bin/sh\necho ready\n');
  });

  it('is unsafe for a line continuation, a key in a binary part, and JSON that would break', () => {
    const continued = `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${key.id} \\\n  AWS_REGION=eu-west-1\n`;
    expect(removeCredentialsFromUserData(b64(continued), [key.id])).toMatchObject({ ok: false, problem: expect.stringMatching(/continues on the next one/) });

    const binary = Buffer.concat([Buffer.from([0, 1, 2, 3, 0]), Buffer.from(key.id), Buffer.from([0, 0])]);
    expect(removeCredentialsFromUserData(b64(binary), [key.id])).toMatchObject({ ok: false, problem: expect.stringMatching(new RegExp(`holds ${key.id} but cannot be rewritten`)) });

    const json = `{\n  "region": "eu-west-1",\n  "AccessKeyId": "${key.id}"\n}\n`;
    expect(removeCredentialsFromUserData(b64(json), [key.id])).toMatchObject({ ok: false, problem: expect.stringMatching(/JSON document would not parse/) });
  });

  it('leaves user data without the keys as it is', () => {
    const text = `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${other.id}\n`;
    expect(removeCredentialsFromUserData(b64(text), [key.id])).toEqual({ ok: true, userData: b64(text), changed: false, removedLines: 0, parts: [] });
  });
});
