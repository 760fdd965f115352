// The host cutover handlers on a plan the real planner made, carried out by the local executor
// on a fixture root (the payload runs for real under sh; the instance metadata is the IMDSv2
// emulator of src/demo). Each step is checked, run and checked again; a failed identity check
// puts the file back at once; rollback's undoers put files back and restart what read them;
// without a way to reach the host, the steps pause with the commands a person runs.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostHandlers } from '../../src/apply/handlers/host-handlers.js';
import { DescribeHostExecutor } from '../../src/apply/host/describe-executor.js';
import { backupIdOf } from '../../src/apply/host/host-target.js';
import { LocalHostExecutor } from '../../src/apply/host/local-executor.js';
import type { HostExecutor } from '../../src/apply/host-executor.js';
import type { JournaledCall, StepHandler } from '../../src/apply/step-handler.js';
import { hostUndoers } from '../../src/apply/undo/host-undoers.js';
import { startImdsEmulator, type ImdsEmulator } from '../../src/demo/imds-emulator.js';
import type { ServiceEnvLocation } from '../../src/model/location.js';
import type { PlanDocument, PlanStep, StepKind, Workload } from '../../src/model/plan.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { removeTempDirs } from '../helpers/git-repo.js';
import { ALICE, HostRoot } from '../helpers/host-root.js';
import { accessKey, did, finding, from, hostFindings, instance, keyUse, planFor, planInventory, planUsage } from '../helpers/plan-fixture.js';
import { stepContext, undoContext, type RecordedCall } from '../helpers/step-context.js';

const INSTANCE = 'i-0a1b2c3d4e5f60718';
const KEY = fakeKeyId();
const SECRET = fakeSecret();
const OTHER = { id: fakeKeyId(), secret: fakeSecret() };
// no AWS call is made by these handlers; the context still wants an endpoint
const ENDPOINT = 'http://127.0.0.1:9';

const FILES = {
  '/etc/systemd/system/app.service': `[Unit]\nDescription=The app\n\n[Service]\nEnvironment=AWS_ACCESS_KEY_ID=${KEY} "AWS_SECRET_ACCESS_KEY=${SECRET}" AWS_REGION=eu-west-1\nExecStart=/usr/bin/app\n`,
  '/home/alice/.aws/credentials': `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n\n[archive]\nregion = eu-west-1\n`,
  '/srv/shop/docker-compose.yml': 'services:\n  web:\n    image: shop/web\n    environment:\n      - AWS_ACCESS_KEY_ID\n      - AWS_SECRET_ACCESS_KEY\n',
  '/srv/shop/.env': `AWS_ACCESS_KEY_ID=${KEY}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nSHOP_MODE=live\n`,
  '/home/alice/.s3cfg': `[default]\naccess_key = ${KEY}\nsecret_key = ${SECRET}\n`,
  '/etc/passwd-s3fs': `${KEY}:${SECRET}\n`,
} as const;

let plan: PlanDocument;
let workload: Workload;
let imds: ImdsEmulator;
let role: string | null;
let root: string;
let local: LocalHostExecutor;
const outputs: string[] = [];

beforeAll(async () => {
  const key = (id: string) => accessKey(id, 'shop', { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' });
  plan = await planFor(
    planInventory({ instances: [instance(INSTANCE, { tags: { App: 'shop' }, privateIps: ['10.0.0.5'] })], accessKeys: [key(KEY)] }),
    planUsage({ keys: [keyUse(KEY, { userName: 'shop', actions: [did('s3:GetObject', 'arn:aws:s3:::shop-assets/*')], sources: [from('10.0.0.5', INSTANCE)] })] }),
    {},
    [
      hostFindings([
        finding(KEY, { type: 'service-env', host: INSTANCE, manager: 'systemd', unit: 'app.service', file: '/etc/systemd/system/app.service', variable: 'AWS_ACCESS_KEY_ID' }),
        finding(KEY, { type: 'host-file', host: INSTANCE, path: '/home/alice/.aws/credentials', format: 'aws-credentials', section: 'default' }),
        finding(KEY, { type: 'service-env', host: INSTANCE, manager: 'compose', unit: 'web', file: '/srv/shop/.env', variable: 'AWS_ACCESS_KEY_ID' }),
        finding(KEY, { type: 'host-file', host: INSTANCE, path: '/home/alice/.s3cfg', format: 'ini', section: 'default' }),
        finding(KEY, { type: 'host-file', host: INSTANCE, path: '/etc/passwd-s3fs', format: 'other' }),
      ]),
    ],
  );
  workload = plan.workloads[0]!;
  imds = await startImdsEmulator(async (id) => (id === INSTANCE ? role : null));
});
afterAll(async () => {
  await imds.close();
  removeTempDirs();
});
beforeEach(() => {
  role = workload.role.name;
  const host = new HostRoot().passwd([
    { name: 'root', uid: 0, home: '/root' },
    { name: 'alice', uid: ALICE, home: '/home/alice' },
  ]);
  for (const [path, text] of Object.entries(FILES)) host.file(path, text, { mode: path.includes('alice') || path.endsWith('.env') ? 0o600 : 0o644 });
  root = host.root;
  local = new LocalHostExecutor({ rootFor: () => root, imdsEndpointFor: (t) => (t.instanceId ? imds.endpointFor(t.instanceId) : undefined) });
});

const read = (path: string) => readFileSync(join(root, path), 'utf8');
const restartRequests = () => (existsSync(join(root, 'run/keyshift/restart-requests')) ? read('/run/keyshift/restart-requests').trim().split('\n') : []);

function step(kind: StepKind, about: string): PlanStep {
  const s = workload.steps.find((x) => x.kind === kind && x.id.includes(about));
  if (!s) throw new Error(`the plan has no ${kind} step about ${about}`);
  return s;
}

function handler(kind: StepKind): StepHandler {
  const h = hostHandlers[kind];
  if (!h) throw new Error(`no handler for ${kind}`);
  return h;
}

/** By default every other step counts as finished, so this removal is the host's last and runs the identity check. */
function context(s: PlanStep, hosts: HostExecutor = local, othersDone = true) {
  const outputs = othersDone ? Object.fromEntries(workload.steps.filter((x) => x.id !== s.id).map((x) => [x.id, {}])) : {};
  return stepContext(plan, workload, s, { endpoint: ENDPOINT, hosts, outputs });
}

async function checkAndRun(s: PlanStep, hosts: HostExecutor = local) {
  const ctx = context(s, hosts);
  const h = handler(s.kind);
  const before = await h.check(ctx);
  const outcome = await h.run(ctx);
  const after = await h.check(context(s, hosts));
  outputs.push(JSON.stringify([before, outcome, after, ctx.calls]));
  return { before, outcome, after, calls: ctx.calls };
}

const journaled = (call: RecordedCall, seq: number, crashed = false): JournaledCall => ({
  seq,
  api: call.api,
  region: call.region,
  target: call.target,
  args: call.args,
  stepId: null,
  ...(crashed ? {} : { result: { ok: call.ok, output: call.output } }),
});

describe('remove-host-credential', () => {
  it('takes the key out of a unit file, checks the service now resolves the role, and is done on a second check', async () => {
    const s = step('remove-host-credential', 'app.service');
    const { before, outcome, after, calls } = await checkAndRun(s);
    expect(before).toEqual({ state: 'ready' });
    expect(outcome).toMatchObject({ status: 'done', output: { backupId: backupIdOf(plan.planId, s.id), identity: `role:${workload.role.name}` } });
    expect(after).toMatchObject({ state: 'done' });
    expect(read('/etc/systemd/system/app.service')).toBe('[Unit]\nDescription=The app\n\n[Service]\nEnvironment=AWS_REGION=eu-west-1\nExecStart=/usr/bin/app\n');
    // one journaled call: where, which key, which backup, what to restart; no content
    expect(calls).toEqual([
      {
        api: 'host:remove-credential',
        region: null,
        target: `${INSTANCE}:/etc/systemd/system/app.service`,
        args: {
          host: INSTANCE,
          instanceId: INSTANCE,
          region: 'eu-west-1',
          path: '/etc/systemd/system/app.service',
          format: 'systemd',
          accessKeyId: KEY,
          backupId: backupIdOf(plan.planId, s.id),
          services: [{ manager: 'systemd', unit: 'app.service' }],
          previous: { path: '/etc/systemd/system/app.service', backupId: backupIdOf(plan.planId, s.id) },
        },
        ok: true,
        output: { status: 'changed', backupPath: `/var/lib/keyshift/backups/${backupIdOf(plan.planId, s.id)}/etc/systemd/system/app.service` },
      },
    ]);
    // a second run (a resume) changes nothing and keeps the backup of the original
    const again = await handler(s.kind).run(context(s));
    expect(again).toMatchObject({ status: 'done' });
    expect(readFileSync(join(root, 'var/lib/keyshift/backups', backupIdOf(plan.planId, s.id), 'etc/systemd/system/app.service'), 'utf8')).toBe(FILES['/etc/systemd/system/app.service']);
  });

  it("takes the key out of a user's profile and a compose project's .env", async () => {
    const creds = await checkAndRun(step('remove-host-credential', '.aws/credentials'));
    expect(creds.outcome).toMatchObject({ status: 'done', message: expect.stringContaining(`user alice resolves role ${workload.role.name}`) });
    expect(read('/home/alice/.aws/credentials')).toBe('[default]\n\n[archive]\nregion = eu-west-1\n');
    // the services restarted after it are named, for rollback to restart them again
    expect(creds.calls[0]!.args.services).toEqual([
      { manager: 'compose', unit: 'web', file: '/srv/shop/.env' },
      { manager: 'systemd', unit: 'app.service' },
    ]);

    const web = await checkAndRun(step('remove-host-credential', ':web:'));
    expect(web.outcome).toMatchObject({ status: 'done', message: expect.stringContaining('compose service web') });
    expect(read('/srv/shop/.env')).toBe('SHOP_MODE=live\n');
  });

  it('puts the file back at once when the service would still hold a static key, and fails', async () => {
    // another key reaches the user's chain through /etc/environment
    new HostRoot(root).file('/etc/environment', `AWS_ACCESS_KEY_ID=${OTHER.id}\nAWS_SECRET_ACCESS_KEY=${OTHER.secret}\n`);
    const s = step('remove-host-credential', '.aws/credentials');
    const ctx = context(s);
    const outcome = await handler(s.kind).run(ctx);
    outputs.push(JSON.stringify([outcome, ctx.calls]));
    expect(outcome).toEqual({ status: 'failed', message: expect.stringContaining(`resolves static:${OTHER.id}`) });
    expect(outcome.message).toContain('put back from backups');
    expect(read('/home/alice/.aws/credentials')).toBe(FILES['/home/alice/.aws/credentials']);
    // its own file back, and the host's other removals (none had run here: each restore is harmless)
    expect(ctx.calls.map((c) => [c.api, c.ok])[0]).toEqual(['host:remove-credential', true]);
    expect(ctx.calls.filter((c) => c.api === 'host:restore').length).toBeGreaterThanOrEqual(1);
  });

  it('puts the file back and fails when the instance has no role yet', async () => {
    role = null;
    const s = step('remove-host-credential', 'app.service');
    const { outcome } = await checkAndRun(s);
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('resolves none') });
    expect(read('/etc/systemd/system/app.service')).toBe(FILES['/etc/systemd/system/app.service']);
  });

  it('is not done after a crash between the removal and the identity check, until the check holds', async () => {
    const s = step('remove-host-credential', 'app.service');
    const backupId = backupIdOf(plan.planId, s.id);
    // the removal happened (its journal record may be missing); the instance has no role
    const location = (s.params as { location: ServiceEnvLocation }).location;
    await local.run({ host: INSTANCE, instanceId: INSTANCE, region: 'eu-west-1' }, [{ op: 'remove-credential', location, accessKeyId: KEY, backupId }], new AbortController().signal);
    role = null;
    expect(await handler(s.kind).check(context(s))).toEqual({ state: 'ready' });
    const outcome = await handler(s.kind).run(context(s));
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('put back from backups') });
    expect(read('/etc/systemd/system/app.service')).toBe(FILES['/etc/systemd/system/app.service']);

    role = workload.role.name;
    await handler(s.kind).run(context(s));
    expect(await handler(s.kind).check(context(s))).toMatchObject({ state: 'done', output: { backupId, identity: `role:${workload.role.name}` } });
  });

  it('judges the identity only after the last removal on the host, and then puts back every file it changed there', async () => {
    const unit = step('remove-host-credential', 'app.service');
    const creds = step('remove-host-credential', '.aws/credentials');
    // the first removal, with others still to come: no identity check yet (another file would still answer)
    const first = await handler(unit.kind).run(context(unit, local, false));
    expect(first).toMatchObject({ status: 'done', message: expect.stringContaining('the identity check runs once the other') });
    expect(read('/etc/systemd/system/app.service')).not.toContain(KEY);
    // the last one: the instance has no role, so the check fails and both files go back
    role = null;
    const last = await handler(creds.kind).run(context(creds));
    expect(last).toMatchObject({ status: 'failed', message: expect.stringContaining('were put back from backups') });
    expect(read('/etc/systemd/system/app.service')).toBe(FILES['/etc/systemd/system/app.service']);
    expect(read('/home/alice/.aws/credentials')).toBe(FILES['/home/alice/.aws/credentials']);
  });

  it('drifts when the file is gone, and fails without touching anything when the host cannot edit it', async () => {
    const s = step('remove-host-credential', ':web:');
    rmSync(join(root, 'srv/shop/.env'));
    expect(await handler(s.kind).check(context(s))).toEqual({ state: 'drift', message: `/srv/shop/.env no longer exists on ${INSTANCE}` });

    const creds = step('remove-host-credential', '.aws/credentials');
    writeFileSync(join(root, 'home/alice/.aws/credentials'), `[default]\ncredential_process = /usr/bin/fetch --key ${KEY}\n`);
    const ctx = context(creds);
    expect(await handler(creds.kind).run(ctx)).toMatchObject({ status: 'failed', message: expect.stringContaining('needs a person') });
    expect(ctx.calls).toMatchObject([{ api: 'host:remove-credential', ok: false, output: { error: 'HostOpFailed' } }]);
  });
});

describe('restart-service', () => {
  it('restarts the systemd unit, and recreates the compose service from the file its key was in', async () => {
    const app = await checkAndRun(step('restart-service', 'systemd:app.service'));
    expect(app.outcome).toMatchObject({ status: 'done' });
    const web = await checkAndRun(step('restart-service', 'compose:web'));
    expect(web.outcome).toMatchObject({ status: 'done' });
    expect(web.calls).toMatchObject([{ api: 'host:restart', target: `${INSTANCE}:web`, args: { manager: 'compose', unit: 'web', file: '/srv/shop/.env' }, ok: true }]);
    expect(restartRequests()).toEqual(['systemd app.service', 'compose /srv/shop/docker-compose.yml web']);
  });
});

describe('update-tool-config and manual-action', () => {
  it("clears s3cmd's key once the role is there", async () => {
    const { before, outcome, after, calls } = await checkAndRun(step('update-tool-config', '.s3cfg'));
    expect([before.state, outcome.status, after.state]).toEqual(['ready', 'done', 'done']);
    expect(read('/home/alice/.s3cfg')).toBe('[default]\naccess_key =\nsecret_key =\n');
    expect(calls.map((c) => c.api)).toEqual(['host:update-tool-config']);
  });

  it('pauses for a person, and is done once the key has left the file', async () => {
    const s = step('manual-action', 'passwd-s3fs');
    const { before, outcome, after } = await checkAndRun(s);
    expect(before).toEqual({ state: 'ready' });
    expect(outcome).toEqual({ status: 'paused', message: s.description });
    expect(after).toEqual({ state: 'ready' });
    writeFileSync(join(root, 'etc/passwd-s3fs'), '');
    expect(await handler(s.kind).check(context(s))).toMatchObject({ state: 'done' });
  });
});

describe('without a way to reach the host', () => {
  it('pauses each step with the commands a person runs, and changes nothing', async () => {
    const none = new DescribeHostExecutor();
    const s = step('remove-host-credential', 'app.service');
    const { before, outcome } = await checkAndRun(s, none);
    expect(before).toEqual({ state: 'ready' });
    expect(outcome.status).toBe('paused');
    const commands = outcome.status === 'paused' ? (outcome.commands ?? []) : [];
    expect(commands[0]).toMatch(/^# on i-0a1b2c3d4e5f60718, as root, after copying keyshift's cutover payload from \/.*\/cutover\.sh to \/tmp\/keyshift-cutover\.sh:$/);
    expect(commands[1]).toMatch(/^echo '[0-9a-f]{64}  \/tmp\/keyshift-cutover\.sh' \| sha256sum -c -$/);
    expect(commands.slice(2)).toEqual([
      `sudo sh /tmp/keyshift-cutover.sh remove-credential /etc/systemd/system/app.service systemd ${KEY} ${backupIdOf(plan.planId, s.id)}`,
      `sudo sh /tmp/keyshift-cutover.sh check-identity ${workload.role.name} systemd app.service /etc/systemd/system/app.service - -`,
    ]);
    expect(read('/etc/systemd/system/app.service')).toBe(FILES['/etc/systemd/system/app.service']);
    const restart = await handler('restart-service').run(context(step('restart-service', 'compose:web'), none));
    expect(restart).toMatchObject({ status: 'paused', commands: expect.arrayContaining(['sudo sh /tmp/keyshift-cutover.sh restart compose web /srv/shop/.env']) });
    await expect(none.run({ host: INSTANCE, instanceId: INSTANCE, region: 'eu-west-1' }, [], new AbortController().signal)).rejects.toThrow(/no way to reach/);
  });
});

describe('rollback', () => {
  it("puts a file back from its backup and restarts what read it; a second undo finds nothing to do", async () => {
    const s = step('remove-host-credential', '.aws/credentials');
    const { calls } = await checkAndRun(s);
    const call = journaled(calls[0]!, 1);
    const undo = undoContext({ planId: plan.planId, account: plan.account }, { endpoint: ENDPOINT, hosts: local });
    const message = await hostUndoers['host:remove-credential']!.undo(call, undo);
    expect(message).toBe(`put /home/alice/.aws/credentials on ${INSTANCE} back from backup ${backupIdOf(plan.planId, s.id)}, restarted compose web, systemd app.service`);
    expect(read('/home/alice/.aws/credentials')).toBe(FILES['/home/alice/.aws/credentials']);
    expect(undo.calls.map((c) => [c.api, c.target])).toEqual([
      ['host:restore', `${INSTANCE}:/home/alice/.aws/credentials`],
      ['host:restart', `${INSTANCE}:web`],
      ['host:restart', `${INSTANCE}:app.service`],
    ]);
    expect(restartRequests()).toEqual(['compose /srv/shop/docker-compose.yml web', 'systemd app.service']);

    const again = undoContext({ planId: plan.planId, account: plan.account }, { endpoint: ENDPOINT, hosts: local });
    expect(await hostUndoers['host:remove-credential']!.undo(call, again)).toMatch(/^nothing to undo: .* is as it was/);
    expect(again.calls).toEqual([]);
  });

  it('finds nothing to undo for a call that crashed before it changed anything, and for restarts and restores', async () => {
    const s = step('remove-host-credential', 'app.service');
    const crashed: JournaledCall = {
      seq: 3,
      api: 'host:remove-credential',
      region: null,
      target: `${INSTANCE}:/etc/systemd/system/app.service`,
      args: { host: INSTANCE, instanceId: INSTANCE, region: 'eu-west-1', path: '/etc/systemd/system/app.service', accessKeyId: KEY, backupId: backupIdOf(plan.planId, s.id) },
      stepId: s.id,
    };
    const undo = undoContext({ planId: plan.planId, account: plan.account }, { endpoint: ENDPOINT, hosts: local });
    expect(await hostUndoers['host:remove-credential']!.undo(crashed, undo)).toMatch(/^nothing to undo: .* was not changed/);
    expect(await hostUndoers['host:restart']!.undo({ ...crashed, api: 'host:restart', target: `${INSTANCE}:app.service` }, undo)).toMatch(/^nothing to undo/);
    expect(await hostUndoers['host:restore']!.undo({ ...crashed, api: 'host:restore' }, undo)).toMatch(/^nothing to undo/);
    expect(undo.calls).toEqual([]);
  });
});

describe('the journal and the messages', () => {
  it('never hold the secret', () => {
    // runs last: every outcome, check and journaled call above was collected
    const all = outputs.join('\n');
    expect(all).toContain(KEY);
    for (const secret of [SECRET, OTHER.secret]) for (const piece of secretPieces(secret)) expect(all.includes(piece)).toBe(false);
  });
});
