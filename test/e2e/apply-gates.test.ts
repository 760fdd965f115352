// The gates of `keyshift apply` (and finalize), each with its exit code and what it says, on
// the real moto server with the real binary: a ready account (two applications on two
// instances, their hosts as fixture roots, a plan) from test/helpers/apply-fixture.ts. A gate
// that holds before any change leaves the account (IAM, EC2) and every host file as they were,
// and writes no journal.
import { AssociateIamInstanceProfileCommand, DescribeIamInstanceProfileAssociationsCommand, EC2Client, ReplaceIamInstanceProfileAssociationCommand } from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanDocument } from '../../src/model/plan.js';
import { stampPlanId } from '../../src/plan/plan-id.js';
import { accountSnapshot, DAY, HOUR, hostFiles, useApplyFixture, type ApplyFixture } from '../helpers/apply-fixture.js';
import { useMoto } from '../helpers/moto.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// each group builds its own account; the reset happens when a group starts, not before each test
const moto = useMoto({ resetEach: false });
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const TRUST_EC2 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** A fresh account for a group of cases: moto forgets the last group's, then the fixture seeds one. */
const useFixture = (): (() => ApplyFixture) => useApplyFixture(moto);

/** `keyshift <args>` as the fixture runs it (moto's credentials, the clock at `at`), with the args as given: no --yes added. */
function cli(f: ApplyFixture, args: string[], at: Date, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { ...f.moto.env, KEYSHIFT_NOW: at.toISOString(), ...env }, timeoutMs: 120_000 });
}

const out = (r: CliResult) => r.stdout + r.stderr;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function readPlan(path: string): Promise<PlanDocument> {
  return PlanDocument.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** A plan document re-stamped after an edit, so its ID is again the one its content gives. */
async function writeRestamped(path: string, plan: PlanDocument): Promise<PlanDocument> {
  const { planId: _old, ...content } = plan;
  const stamped = stampPlanId(content);
  await writeFile(path, `${JSON.stringify(stamped, null, 2)}\n`);
  return stamped;
}

function clients(endpoint: string) {
  return { iam: new IAMClient({ region: 'us-east-1', endpoint, credentials }), ec2: new EC2Client({ region: 'us-east-1', endpoint, credentials }) };
}

/** An instance profile with a role of its own, made out of band (not by keyshift, not in the plan). */
async function otherProfile(iam: IAMClient, name: string): Promise<void> {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
}

async function keyStatus(iam: IAMClient, userName: string): Promise<string[]> {
  return ((await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId} ${k.Status}`);
}

function apps(f: ApplyFixture) {
  return { reports: f.account.apps.find((a) => a.name === 'reports')!, billing: f.account.apps.find((a) => a.name === 'billing')! };
}

/** One CloudTrail log file in the fixture's trail folder: calls made with an app's old key. */
async function writeKeyCalls(f: ApplyFixture, file: string, app: ApplyFixture['account']['apps'][number], at: Date, ip: string): Promise<void> {
  const identity = { type: 'IAMUser', principalId: `AIDA${app.accessKeyId.slice(4)}`, arn: `arn:aws:iam::123456789012:user/${app.userName}`, accountId: '123456789012', accessKeyId: app.accessKeyId, userName: app.userName };
  const records = app.calls.map((call, i) => ({
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: new Date(at.getTime() + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: 'aws-cli/2.15.0',
    requestParameters: call.requestParameters,
    responseElements: null,
    requestID: `req-${file}-${i}`,
    eventID: `evt-${file}-${i}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: call.dataEvent !== true,
    recipientAccountId: '123456789012',
    eventCategory: call.dataEvent ? 'Data' : 'Management',
  }));
  await writeFile(join(f.trailDir, file), JSON.stringify({ Records: records }));
}

describe('gates before any change (one account, left as it was by each)', () => {
  const fixture = useFixture();

  /** runs `check` against the untouched account and asserts that nothing in it, on the hosts or in the journal changed */
  async function unchangedBy(check: () => Promise<void>): Promise<void> {
    const f = fixture();
    const before = await accountSnapshot(f.moto.endpoint);
    const files = await hostFiles(f.hostsRoot);
    await check();
    expect(await accountSnapshot(f.moto.endpoint)).toEqual(before);
    expect(await hostFiles(f.hostsRoot)).toEqual(files);
    expect(await exists(f.journalPath)).toBe(false);
  }

  it('without --yes and without a terminal: exit 2, asks for --yes', async () => {
    const f = fixture();
    await unchangedBy(async () => {
      const r = await cli(f, ['apply', f.planPath, ...f.executorArgs], f.t0);
      expect(r.code, out(r)).toBe(2);
      expect(r.stderr).toContain('pass --yes to confirm when no one can answer a question');
    });
  });

  it('usage errors: --resume without a journal, --only an unknown workload, --until an unknown stage: exit 2', async () => {
    const f = fixture();
    await unchangedBy(async () => {
      const resume = await f.run('apply', f.t0, ['--resume']);
      expect(resume.code, out(resume)).toBe(2);
      expect(resume.stderr).toContain(`--resume: there is no journal at ${f.journalPath}`);

      const only = await f.run('apply', f.t0, ['--only', 'no-such-workload']);
      expect(only.code, out(only)).toBe(2);
      expect(only.stderr).toContain('--only no-such-workload: no such workload');
      expect(only.stderr).toContain('app-billing, app-reports');

      const until = await f.run('apply', f.t0, ['--until', 'bogus']);
      expect(until.code, out(until)).toBe(2);
      expect(until.stderr).toMatch(/'bogus' is invalid.*Allowed choices are/s);
    });
  });

  it('running with a key the plan deactivates: exit 5, names the key, before any change', async () => {
    const f = fixture();
    const { reports } = apps(f);
    await unchangedBy(async () => {
      // moto does not check signatures: any secret signs for the key ID, and STS answers as its user
      const r = await f.run('apply', f.t0, [], { AWS_ACCESS_KEY_ID: reports.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-real-secret' });
      expect(r.code, out(r)).toBe(5);
      expect(r.stderr).toContain(`keyshift is running with ${reports.accessKeyId}, which this plan deactivates`);
      expect(r.stderr).toContain('--until verify');
    });
  });

  it('a plan made for another account: exit 3, names both accounts', async () => {
    const f = fixture();
    const plan = await readPlan(f.planPath);
    const otherPath = join(f.dir, 'other-account.json');
    const other = await writeRestamped(otherPath, { ...plan, account: '210987654321' });
    expect(other.planId).not.toBe(plan.planId);
    await unchangedBy(async () => {
      const r = await cli(f, ['apply', otherPath, '--yes', ...f.executorArgs], f.t0);
      expect(r.code, out(r)).toBe(3);
      expect(r.stderr).toContain(`plan ${other.planId} was made for account 210987654321, but the credentials are for account 123456789012`);
      expect(await exists(join(f.dir, 'other-account.journal.ndjson'))).toBe(false);
    });
  });

  it('a stale plan (the reports instance got a profile since): exit 5, lists the drift, nothing changed for any workload', async () => {
    const f = fixture();
    const { reports } = apps(f);
    const { iam, ec2 } = clients(f.moto.endpoint);
    try {
      await otherProfile(iam, 'out-of-band');
      await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: reports.instanceId, IamInstanceProfile: { Name: 'out-of-band' } }));
      await unchangedBy(async () => {
        const r = await f.run('apply', f.t0);
        expect(r.code, out(r)).toBe(5);
        expect(r.stdout).toContain(`drift app-reports/associate-instance-profile/${reports.instanceId}: ${reports.instanceId} has instance profile out-of-band`);
        expect(r.stdout).toContain('the plan expected none and would associate keyshift-app-reports');
        expect(r.stdout).toContain('the account changed since the plan was made: nothing was changed; make a new plan');

        const json = await f.run('apply', f.t0, ['--json']);
        expect(json.code, out(json)).toBe(5);
        const result = JSON.parse(json.stdout) as { outcome: string; drift: { stepId: string; workload: string }[]; mutatingCalls: number };
        expect(result.outcome).toBe('drift');
        expect(result.drift.map((d) => d.stepId)).toEqual([`app-reports/associate-instance-profile/${reports.instanceId}`]);
        expect(result.mutatingCalls).toBe(0);
      });
    } finally {
      iam.destroy();
      ec2.destroy();
    }
  });

  // The billing workload extends the role of the profile its instance already has (ssm-agent):
  // no step re-associates it, so the drift pass compares its live profile with the plan's.
  it('the billing instance on another profile than the plan expects: drift, exit 5, nothing changed', async () => {
    const f = fixture();
    const { billing } = apps(f);
    const { iam, ec2 } = clients(f.moto.endpoint);
    try {
      await otherProfile(iam, 'billing-other');
      const assoc = (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [billing.instanceId] }] }))).IamInstanceProfileAssociations ?? [];
      const current = assoc.find((a) => a.State === 'associated')!;
      await ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: current.AssociationId!, IamInstanceProfile: { Name: 'billing-other' } }));
      const before = await accountSnapshot(f.moto.endpoint);
      const files = await hostFiles(f.hostsRoot);

      const r = await f.run('apply', f.t0, ['--only', 'app-billing']);
      expect(r.code, out(r)).toBe(5);
      expect(r.stdout).toContain(`drift app-billing/instance/${billing.instanceId}: ${billing.instanceId} has instance profile billing-other, but the plan was made when it had ssm-agent`);
      expect(r.stdout).toContain('0 mutating call(s)');
      expect(await accountSnapshot(f.moto.endpoint)).toEqual(before);
      expect(await hostFiles(f.hostsRoot)).toEqual(files);
    } finally {
      iam.destroy();
      ec2.destroy();
    }
  });
});

describe('waiting, the journal gates, a key used again after the cutover, then finalize', () => {
  const fixture = useFixture();

  it('the first run waits for the roles to be seen in use: exit 75, status says for what', async () => {
    const f = fixture();
    const r = await f.run('apply', f.t0);
    expect(r.code, out(r)).toBe(75);
    expect(r.stdout).toMatch(/waiting app-reports\/verify-role-in-use\/keyshift-app-reports: waiting for the workload's calls under role keyshift-app-reports/);
    expect(r.stdout).toMatch(/waiting app-billing\/verify-role-in-use\/ssm-agent: waiting for the workload's calls under role ssm-agent/);
    expect(r.stdout).toContain('run `keyshift apply --resume` later');

    const status = await f.run('status', f.t0, ['--json']);
    expect(status.code, out(status)).toBe(0);
    const s = JSON.parse(status.stdout) as { runs: { outcome: string }[]; workloads: { id: string; state: string; stageDone: string; detail: string | null }[]; keys: { state: string }[] };
    expect(s.runs.map((x) => x.outcome)).toEqual(['waiting']);
    expect(s.workloads.map((w) => [w.id, w.state, w.stageDone])).toEqual([
      ['app-billing', 'waiting', 'cutover'],
      ['app-reports', 'waiting', 'cutover'],
    ]);
    for (const w of s.workloads) expect(w.detail).toMatch(/verify-role-in-use\/.*: waiting for the workload's calls under role/);
    expect(s.keys.map((k) => k.state)).toEqual(['active', 'active']);
  });

  it('apply again without --resume: exit 2; with the journal of another plan: exit 3; nothing changed', async () => {
    const f = fixture();
    const before = await accountSnapshot(f.moto.endpoint);
    const journal = await readFile(f.journalPath, 'utf8');

    const again = await f.run('apply', f.t0);
    expect(again.code, out(again)).toBe(2);
    expect(again.stderr).toContain(`${f.journalPath} exists: this plan has been applied before`);

    const plan = await readPlan(f.planPath);
    const otherPath = join(f.dir, 'other-plan.json');
    const other = await writeRestamped(otherPath, { ...plan, asOf: new Date(Date.parse(plan.asOf) + HOUR).toISOString() });
    const wrong = await cli(f, ['apply', otherPath, '--yes', '--resume', '--journal', f.journalPath, ...f.executorArgs], f.t0);
    expect(wrong.code, out(wrong)).toBe(3);
    expect(wrong.stderr).toContain(`${f.journalPath} is the journal of plan ${plan.planId}, not of ${other.planId}`);

    expect(await accountSnapshot(f.moto.endpoint)).toEqual(before);
    expect(await readFile(f.journalPath, 'utf8')).toBe(journal);
  });

  it('the old key used again after the cutover: verify-key-quiet blocks, exit 5, the key stays active', async () => {
    const f = fixture();
    const { reports, billing } = apps(f);
    await f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR));
    // something still signs with the reports key, from the reports instance, after its cutover
    // (moto does not record a key's last use, so the evidence is the trail's calls)
    await writeKeyCalls(f, 'stray-use.json', reports, new Date(f.t0.getTime() + 3 * HOUR), f.ipOf(reports.instanceId));

    const r = await f.run('apply', new Date(f.t0.getTime() + 2 * DAY), ['--resume']);
    expect(r.code, out(r)).toBe(5);
    expect(r.stdout).toContain(`blocked app-reports/verify-key-quiet/${reports.accessKeyId}: ${reports.accessKeyId} is still used after the cutover finished`);
    expect(r.stdout).toContain(`2 calls in trail directory`);
    expect(r.stdout).toContain(`from ${f.ipOf(reports.instanceId)}`);
    expect(r.stdout).toContain('Deactivating it would break whatever still uses it');
    expect(r.stdout).toMatch(/waiting app-billing\/verify-key-quiet\//);
    const { iam } = clients(f.moto.endpoint);
    try {
      expect(await keyStatus(iam, reports.userName)).toEqual([`${reports.accessKeyId} Active`]);
      expect(await keyStatus(iam, billing.userName)).toEqual([`${billing.accessKeyId} Active`]);
    } finally {
      iam.destroy();
    }
  });

  it('finalize refuses while the deactivating run has not ended (it crashed): exit 5, and again when tried again', async () => {
    const f = fixture();
    const { reports, billing } = apps(f);
    await rm(join(f.trailDir, 'stray-use.json'));
    // the run that requires IMDSv2 and deactivates the keys, one step at a time (billing's
    // IMDSv2 and key, then reports'), dies after its third call (reports' IMDSv2) returned: the
    // billing key is deactivated, and the run's end record is never written
    const crashed = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--concurrency', '1'], { KEYSHIFT_CRASH_AFTER_CALL: '3' });
    expect(crashed.signal, out(crashed)).toBe('SIGKILL');
    const { iam } = clients(f.moto.endpoint);
    try {
      expect(await keyStatus(iam, billing.userName)).toEqual([`${billing.accessKeyId} Inactive`]);
      expect(await keyStatus(iam, reports.userName)).toEqual([`${reports.accessKeyId} Active`]);
    } finally {
      iam.destroy();
    }
    const before = await accountSnapshot(f.moto.endpoint);
    const files = await hostFiles(f.hostsRoot);

    for (const attempt of [1, 2]) {
      const r = await f.run('finalize', new Date(f.t0.getTime() + 10 * DAY), ['--soak', '1d']);
      expect(r.code, `attempt ${attempt}: ${out(r)}`).toBe(5);
      expect(r.stderr).toMatch(new RegExp(`access key ${billing.accessKeyId} was deactivated by apply run \\S+ \\(started [^)]+\\), which has not ended: it may still be going`));
    }
    expect(await accountSnapshot(f.moto.endpoint)).toEqual(before);
    expect(await hostFiles(f.hostsRoot)).toEqual(files);
    // the refused finalize runs are over, and say why
    const status = await f.run('status', f.t0, ['--json']);
    const s = JSON.parse(status.stdout) as { runs: { command: string; ended: boolean; outcome: string | null }[] };
    expect(s.runs.slice(-3).map((x) => [x.command, x.ended, x.outcome])).toEqual([
      ['apply', false, null],
      ['finalize', true, 'blocked'],
      ['finalize', true, 'blocked'],
    ]);
  });

  it('resumed, the run completes; finalize waits for the soak (75), then deletes the keys (0)', async () => {
    const f = fixture();
    const { reports, billing } = apps(f);
    // first the worst crash: right after the reports key's UpdateAccessKey returned, before its
    // result is journaled; the resume finds the key inactive and records the lost result
    const lost = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY + HOUR), ['--resume', '--concurrency', '1'], { KEYSHIFT_CRASH_AFTER_CALL: '1' });
    expect(lost.signal, out(lost)).toBe('SIGKILL');
    const done = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY + HOUR), ['--resume']);
    expect(done.code, out(done)).toBe(0);
    expect(await readFile(f.journalPath, 'utf8')).toContain('"reconciled":true');
    const deactivated = await accountSnapshot(f.moto.endpoint);
    expect(deactivated.keys.map((k) => k.split(' ')[2])).toEqual(['Inactive', 'Inactive']);

    const early = await f.run('finalize', new Date(f.t0.getTime() + 4 * DAY + 2 * HOUR), ['--soak', '1d']);
    expect(early.code, out(early)).toBe(75);
    expect(early.stdout).toContain('keyshift finalize: waiting');
    expect(early.stdout).toContain(`${reports.accessKeyId}  waiting`);
    expect(await accountSnapshot(f.moto.endpoint)).toEqual(deactivated);

    const late = await f.run('finalize', new Date(f.t0.getTime() + 10 * DAY), ['--soak', '1d']);
    expect(late.code, out(late)).toBe(0);
    expect(late.stdout).toContain('keyshift finalize: done');
    expect(late.stdout).toContain(`${reports.accessKeyId}  deleted`);
    expect(late.stdout).toContain(`${billing.accessKeyId}  deleted`);
    expect((await accountSnapshot(f.moto.endpoint)).keys).toEqual([]);
  });
});

describe('pre-flight gap', () => {
  const fixture = useFixture();

  it('a role that would not allow an observed action stops its workload before any change; the other goes on; exit 5', async () => {
    const f = fixture();
    const { reports, billing } = apps(f);
    // the plan, edited: the reports role no longer grants sqs:SendMessage, which the workload was seen calling
    // (re-stamped: apply refuses a plan whose content does not give its ID)
    const plan = JSON.parse(await readFile(f.planPath, 'utf8')) as PlanDocument;
    const w = plan.workloads.find((x) => x.id === 'app-reports')!;
    const withoutSend = (doc: unknown) => {
      const d = doc as { Statement: { Sid?: string }[] };
      return { ...d, Statement: d.Statement.filter((s) => s.Sid !== 'ObservedSqs') };
    };
    for (const p of w.policies) p.document = withoutSend(p.document) as typeof p.document;
    for (const s of w.steps) if (s.kind === 'create-policy') s.params = { ...s.params, document: withoutSend(s.params.document) };
    await writeRestamped(f.planPath, plan);
    const reportsFiles = async () => Object.entries(await hostFiles(f.hostsRoot)).filter(([p]) => p.startsWith(reports.instanceId));
    const billingFiles = async () => Object.entries(await hostFiles(f.hostsRoot)).filter(([p]) => p.startsWith(billing.instanceId));
    const reportsBefore = await reportsFiles();
    const billingBefore = await billingFiles();

    const r = await f.run('apply', f.t0);
    expect(r.code, out(r)).toBe(5);
    expect(r.stdout).toContain('pre-flight app-reports: the role would not allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:report-jobs');
    // its first step is journaled blocked; the summary lists the rest as waiting for the stopped workload
    expect(r.stdout).toContain('pending app-reports/create-role/keyshift-app-reports: waits for workload stopped (pre-flight: the role would not allow sqs:SendMessage');
    expect(r.stdout).toMatch(/waiting app-billing\/verify-role-in-use\/ssm-agent/);

    // reports: nothing created, nothing on its host touched; billing: attached and cut over
    expect(await reportsFiles()).toEqual(reportsBefore);
    expect(await billingFiles()).not.toEqual(billingBefore);
    const after = await accountSnapshot(f.moto.endpoint);
    expect(after.roles.some((x) => x.includes('keyshift-app-reports'))).toBe(false);
    expect(after.policies.some((x) => x.includes('keyshift-app-reports'))).toBe(false);
    expect(after.instances.find((i) => i.startsWith(reports.instanceId))).toContain('profile=none');
    expect(after.roles.find((x) => x.startsWith('/ssm-agent'))).toContain('policy/keyshift/keyshift-app-billing');
    expect(after.keys.every((k) => k.endsWith('Active'))).toBe(true);

    const status = await f.run('status', f.t0, ['--json']);
    const s = JSON.parse(status.stdout) as { workloads: { id: string; state: string }[] };
    expect(s.workloads.map((x) => [x.id, x.state])).toEqual([
      ['app-billing', 'waiting'],
      ['app-reports', 'blocked'],
    ]);
  });
});

describe('a key used from a source no instance accounts for', () => {
  const fixture = useFixture();

  it('the plan holds the key; apply migrates the workload but leaves the key active and says why: exit 5', async () => {
    const f = fixture();
    const { reports, billing } = apps(f);
    // the usage the plan was made from, again, with one more source of the reports key: an
    // address no instance of the account has; then the plan, made again by the CLI
    const stray = '198.51.100.23';
    await writeKeyCalls(f, 'unattributed.json', reports, new Date(f.asOf.getTime() - 3 * DAY), stray);
    const usagePath = join(f.dir, 'usage.json');
    const usage = await runCli(['usage', '--from', f.trailDir, '--inventory', join(f.dir, 'inventory.json'), '--since', new Date(f.asOf.getTime() - 30 * DAY).toISOString(), '--until', f.asOf.toISOString(), '-o', usagePath]);
    expect(usage.code, out(usage)).toBe(0);
    const findings = f.hosts.flatMap((h) => ['--host-findings', join(f.dir, `findings-${h.instanceId}.json`)]);
    const planned = await runCli(['plan', '--inventory', join(f.dir, 'inventory.json'), '--usage', usagePath, ...findings, '--min-quiet-days', '1', '--imdsv2-soak-days', '1', '-o', f.planPath]);
    expect(planned.code, out(planned)).toBe(0);
    const plan = await readPlan(f.planPath);
    const held = plan.keys.find((k) => k.accessKeyId === reports.accessKeyId)!;
    expect(held.decision).toBe('blocked');
    expect(held.reasons.join('; ')).toContain(stray);
    expect(plan.workloads.map((w) => w.status)).toEqual(['ready', 'ready']);

    const run1 = await f.run('apply', f.t0);
    expect(run1.code, out(run1)).toBe(75);
    expect(run1.stdout).toContain(`held ${reports.accessKeyId} stays active: source ${stray}`);

    await f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR));
    await f.run('apply', new Date(f.t0.getTime() + 2 * DAY), ['--resume']);
    const last = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--json']);
    expect(last.code, out(last)).toBe(5);
    const result = JSON.parse(last.stdout) as { outcome: string; pending: unknown[]; heldKeys: { accessKeyId: string; reasons: string[] }[] };
    expect(result.outcome).toBe('blocked');
    expect(result.heldKeys.map((k) => k.accessKeyId)).toEqual([reports.accessKeyId]);
    expect(result.heldKeys[0]!.reasons.join('; ')).toContain(stray);
    const after = await accountSnapshot(f.moto.endpoint);
    // the workload itself is migrated: on its role, IMDSv2 required, its key gone from its host
    expect(after.instances.find((i) => i.startsWith(reports.instanceId))).toMatch(/profile=arn:aws:iam::123456789012:instance-profile\/keyshift\/keyshift-app-reports tokens=required/);
    for (const [path, text] of Object.entries(await hostFiles(f.hostsRoot))) expect(text, path).not.toContain(reports.accessKeyId);
    expect(after.keys).toEqual([`billing-sync ${billing.accessKeyId} Inactive`, `reports-app ${reports.accessKeyId} Active`].sort());
  });
});
