// The verify steps of `keyshift apply` against moto (the key's owner, status and last use) and a
// real trail directory on disk as the CloudTrail evidence, with the plan made by the real
// planner. The clock is injected: the quiet period passes by moving it, not by waiting.
//
// moto records an access key's last use (any request signed with the key sets it, at moto's
// own wall-clock time), so "used after the cutover" is shown by really signing a request with
// the key. What moto cannot do is lag: IAM's last-used date trails the real use by hours, which
// is why the quiet period never goes below four hours; the test checks that floor by the clock.
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, GetUserCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trailRoleEvidence } from '../../src/apply/evidence/trail-role-evidence.js';
import { verifyHandlers } from '../../src/apply/handlers/verify-handlers.js';
import type { StepHandler } from '../../src/apply/step-handler.js';
import type { PlanDocument, PlanStep, StepKind, Workload } from '../../src/model/plan.js';
import { assumedRole, ctEvent, iamUser, tempDir, writeTrailFile } from '../helpers/cloudtrail.js';
import { useMoto } from '../helpers/moto.js';
import { ACCOUNT, accessKey, did, from, instance, keyUse, MODERN_SDK, planFor, planInventory, planUsage } from '../helpers/plan-fixture.js';
import { stepContext } from '../helpers/step-context.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage, SHARED_KEY } from '../unit/plan/scenario.js';

const moto = useMoto({ stubEnv: true });

const REGION = 'eu-west-1';
const WEB = 'i-0123456789abcdef0';
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`;
const HOUR = 3600_000;

const iam = () => new IAMClient({ region: 'us-east-1', endpoint: moto().endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

let trail: string;
let keyId: string;
let keySecret: string;
let plan: PlanDocument;
let workload: Workload;

beforeEach(async () => {
  trail = await tempDir('keyshift-verify-e2e-');
  await iam().send(new CreateUserCommand({ UserName: 'app' }));
  const created = await iam().send(new CreateAccessKeyCommand({ UserName: 'app' }));
  keyId = created.AccessKey!.AccessKeyId!;
  keySecret = created.AccessKey!.SecretAccessKey!;
  // the real planner, for the key moto made: the workload reads a bucket and sends to a queue
  const inventory = planInventory({ instances: [instance(WEB, { privateIps: ['10.0.0.1'] })], accessKeys: [accessKey(keyId, 'app', { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: REGION })] });
  const usage = planUsage({ keys: [keyUse(keyId, { actions: [did('s3:GetObject', 'arn:aws:s3:::assets/*'), did('sqs:SendMessage', QUEUE_ARN)], sources: [from('10.0.0.1', WEB)], userAgents: [MODERN_SDK] })] });
  plan = await planFor(inventory, usage);
  workload = plan.workloads[0]!;
});
afterEach(async () => {
  await rm(trail, { recursive: true, force: true });
});

const stepOf = (kind: StepKind): PlanStep => {
  const step = workload.steps.find((s) => s.kind === kind);
  if (!step) throw new Error(`the plan has no ${kind} step`);
  return step;
};
const handlerOf = (kind: StepKind): StepHandler => verifyHandlers[kind]!;
/** The trail directory as evidence (a local trail needs no AWS connection). */
const evidence = () =>
  trailRoleEvidence({
    from: trail,
    aws: () => {
      throw new Error('a local trail needs no AWS connection');
    },
    account: ACCOUNT,
  });

function stepContextFor(step: PlanStep, now: Date, doneAt: Record<string, Date>) {
  return stepContext(plan, workload, step, { endpoint: moto().endpoint, now, doneAt, evidence: evidence() });
}

/** Every step verify-role-in-use waits for, done at `at`. */
function roleStepsDone(at: Date): Record<string, Date> {
  return Object.fromEntries(stepOf('verify-role-in-use').after.map((id) => [id, at]));
}

const roleSession = () => assumedRole('ASIAVERIFYSESSION001', workload.role.name, WEB);

async function deliver(at: Date, records: unknown[]): Promise<void> {
  await writeTrailFile(trail, { region: REGION, delivered: at, records });
}

describe('verify-role-in-use', () => {
  const cutover = new Date('2025-06-10T12:00:00Z');

  it("waits while only the instance's agents use the role, and is done once the workload's own calls show", async () => {
    const step = stepOf('verify-role-in-use');
    expect(step.params).toEqual({ roleName: workload.role.name, instances: [WEB] });
    const handler = handlerOf('verify-role-in-use');
    const ctx = stepContextFor(step, new Date('2025-06-10T12:10:00Z'), roleStepsDone(cutover));
    expect(await handler.check(ctx)).toEqual({ state: 'ready' });

    // the SSM agent switched to the role at once; a call before the cutover does not count
    await deliver(new Date('2025-06-10T12:05:00Z'), [
      ctEvent({ identity: roleSession(), eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation', time: '2025-06-10T12:01:00Z', region: REGION }),
      ctEvent({ identity: roleSession(), eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: '2025-06-10T11:59:00Z', region: REGION, requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/jobs` } }),
    ]);
    const waiting = await handler.run(ctx);
    expect(waiting.status).toBe('waiting');
    expect(waiting.message).toContain('s3:GetObject on arn:aws:s3:::assets/*');
    expect(waiting.message).toContain(`sqs:SendMessage on ${QUEUE_ARN}`);
    expect(waiting.message).toContain(`no workload calls yet from ${WEB}`);
    expect(waiting.message).toContain(`trail directory ${trail}`);
    // verification only reads
    expect(ctx.calls).toEqual([]);

    // one of the two actions arrives
    await deliver(new Date('2025-06-10T12:15:00Z'), [
      ctEvent({ identity: roleSession(), eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: '2025-06-10T12:09:00Z', region: REGION, requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/jobs` } }),
    ]);
    const half = await handler.run(stepContextFor(step, new Date('2025-06-10T12:20:00Z'), roleStepsDone(cutover)));
    expect(half.status).toBe('waiting');
    expect(half.message).toContain('not yet seen: s3:GetObject on arn:aws:s3:::assets/*');
    expect(half.message).not.toContain('sqs:SendMessage');
    expect(half.message).toContain(`seen from ${WEB}`);

    await deliver(new Date('2025-06-10T12:25:00Z'), [
      ctEvent({ identity: roleSession(), eventName: 'GetObject', time: '2025-06-10T12:21:00Z', region: REGION, requestParameters: { bucketName: 'assets', key: 'logo.png' }, dataEvent: true }),
    ]);
    const done = await handler.run(stepContextFor(step, new Date('2025-06-10T12:30:00Z'), roleStepsDone(cutover)));
    expect(done).toMatchObject({ status: 'done', output: { instances: [WEB], seenActions: ['s3:GetObject on arn:aws:s3:::assets/*', `sqs:SendMessage on ${QUEUE_ARN}`] } });
  });

  it('blocks when the role was denied one of the workload calls, naming it', async () => {
    await deliver(new Date('2025-06-10T12:15:00Z'), [
      ctEvent({ identity: roleSession(), eventName: 'GetObject', time: '2025-06-10T12:05:00Z', region: REGION, requestParameters: { bucketName: 'assets', key: 'a.png' }, dataEvent: true }),
      ctEvent({ identity: roleSession(), eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: '2025-06-10T12:06:00Z', region: REGION, requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/jobs` }, errorCode: 'AccessDenied' }),
      // an agent denied is the agent's business, not the workload's
      ctEvent({ identity: roleSession(), eventSource: 'logs.amazonaws.com', eventName: 'PutLogEvents', time: '2025-06-10T12:07:00Z', region: REGION, requestParameters: { logGroupName: 'agent' }, errorCode: 'AccessDeniedException' }),
    ]);
    const outcome = await handlerOf('verify-role-in-use').run(stepContextFor(stepOf('verify-role-in-use'), new Date('2025-06-10T12:30:00Z'), roleStepsDone(cutover)));
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toContain(`denied sqs:SendMessage on ${QUEUE_ARN} (AccessDenied) from ${WEB}`);
    expect(outcome.message).not.toContain('PutLogEvents');
  });
});

describe('verify-key-quiet', () => {
  /** The step's context with the role verified at `verifiedAt` and the cutover done an hour before. */
  function quietContext(now: Date, verifiedAt: Date) {
    const step = stepOf('verify-key-quiet');
    const cutoverDone = new Date(verifiedAt.getTime() - HOUR);
    return stepContextFor(step, now, { ...roleStepsDone(cutoverDone), [step.after[0]!]: verifiedAt });
  }

  it('waits out the quiet period (never under four hours) from when the role was verified, then is done', async () => {
    const step = stepOf('verify-key-quiet');
    expect(step.params).toEqual({ accessKeyId: keyId, quietPeriodSeconds: 14 * 86_400 });
    const handler = handlerOf('verify-key-quiet');
    const verifiedAt = new Date(Date.now() - 2 * HOUR);
    expect(await handler.check(quietContext(new Date(), verifiedAt))).toEqual({ state: 'ready' });

    const early = await handler.run(quietContext(new Date(verifiedAt.getTime() + 3 * HOUR), verifiedAt));
    const until = new Date(verifiedAt.getTime() + 14 * 86_400_000);
    expect(early).toMatchObject({ status: 'waiting', until });
    expect(early.message).toContain('never used, as far as IAM knows');
    expect(early.message).toContain('lags the real use by up to 4 hours');

    const late = await handler.run(quietContext(new Date(until.getTime() + 1000), verifiedAt));
    expect(late).toMatchObject({ status: 'done', output: { quietSince: verifiedAt.toISOString(), lastUsed: null } });
  });

  it('raises a short quiet period to the four hours of last-used lag', async () => {
    const step = { ...stepOf('verify-key-quiet'), params: { accessKeyId: keyId, quietPeriodSeconds: 600 } };
    const verifiedAt = new Date(Date.now() - HOUR);
    const ctx = (now: Date) => stepContext(plan, workload, step, { endpoint: moto().endpoint, now, evidence: evidence(), doneAt: { ...roleStepsDone(new Date(verifiedAt.getTime() - HOUR)), [step.after[0]!]: verifiedAt } });
    const outcome = await handlerOf('verify-key-quiet').run(ctx(new Date(verifiedAt.getTime() + HOUR)));
    expect(outcome).toMatchObject({ status: 'waiting', until: new Date(verifiedAt.getTime() + 4 * HOUR) });
    expect(outcome.message).toContain("the plan's 1 hour raised to 4 hours");
    expect((await handlerOf('verify-key-quiet').run(ctx(new Date(verifiedAt.getTime() + 4 * HOUR + 1)))).status).toBe('done');
  });

  it("blocks when IAM says the key was used after the cutover finished (moto records the key's use)", async () => {
    const verifiedAt = new Date(Date.now() - HOUR);
    // something still holds the key: a real request signed with it
    const holder = new IAMClient({ region: 'us-east-1', endpoint: moto().endpoint, credentials: { accessKeyId: keyId, secretAccessKey: keySecret } });
    await holder.send(new GetUserCommand({ UserName: 'app' }));
    holder.destroy();
    const outcome = await handlerOf('verify-key-quiet').run(quietContext(new Date(), verifiedAt));
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toContain(`${keyId} is still used after the cutover finished`);
    const lastUsed = Date.parse(/last used (\S+)/.exec(outcome.message)![1]!);
    expect(Math.abs(lastUsed - Date.now())).toBeLessThan(5 * 60_000);
    expect(outcome.message).toContain('Deactivating it would break');
    expect(outcome.message).not.toContain(keySecret);
  });

  it('blocks when the trail shows the key used after the cutover, naming where from, though IAM has not caught up', async () => {
    const verifiedAt = new Date(Date.now() - HOUR);
    const cutoverDone = new Date(verifiedAt.getTime() - HOUR);
    // IAM's last-used date lags: only the trail has the call yet (the key is unused in moto)
    const usedAt = new Date(cutoverDone.getTime() + 10 * 60_000);
    await deliver(new Date(usedAt.getTime() + 5 * 60_000), [ctEvent({ identity: iamUser(keyId, 'app'), eventName: 'PutObject', time: usedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), region: REGION, ip: '198.51.100.23', requestParameters: { bucketName: 'assets', key: 'x' }, dataEvent: true })]);
    const outcome = await handlerOf('verify-key-quiet').run(quietContext(new Date(), verifiedAt));
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toContain('never used, as far as IAM knows');
    expect(outcome.message).toContain('1 call in trail directory');
    expect(outcome.message).toContain('s3:PutObject');
    expect(outcome.message).toContain('from 198.51.100.23');
  });

  it('waits, without asking IAM, while another workload sharing the key has not finished its cutover', async () => {
    // the planner's shared-key scenario: app-worker and i-batch hold the same key
    const shared = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const worker = shared.workloads.find((w) => w.id === 'app-worker')!;
    const step = worker.steps.find((s) => s.kind === 'verify-key-quiet' && s.target === SHARED_KEY)!;
    const verify = worker.steps.find((s) => s.id === step.after[0])!;
    const at = new Date('2025-06-10T12:00:00Z');
    const doneAt = { ...Object.fromEntries(verify.after.map((id) => [id, at])), [verify.id]: at };
    const outcome = await handlerOf('verify-key-quiet').run(stepContext(shared, worker, step, { endpoint: moto().endpoint, now: new Date('2025-07-10T00:00:00Z'), doneAt, evidence: evidence() }));
    expect(outcome).toEqual({ status: 'waiting', message: `${SHARED_KEY} is shared with i-batch, whose cutover has not finished: the key is still theirs until then` });
  });

  it('check: an inactive key was already deactivated, a deleted one is drift', async () => {
    const handler = handlerOf('verify-key-quiet');
    const ctx = () => quietContext(new Date(), new Date(Date.now() - HOUR));
    await iam().send(new UpdateAccessKeyCommand({ UserName: 'app', AccessKeyId: keyId, Status: 'Inactive' }));
    expect(await handler.check(ctx())).toMatchObject({ state: 'done' });
    await iam().send(new DeleteAccessKeyCommand({ UserName: 'app', AccessKeyId: keyId }));
    const drift = await handler.check(ctx());
    expect(drift).toMatchObject({ state: 'drift' });
    expect((drift as { message: string }).message).toContain(`${keyId} no longer exists`);
  });
});
