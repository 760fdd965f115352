// Apply converges through the faults real AWS has and moto does not: the whole three-run
// migration and its rollback, with the real binary, through the fault proxy
// (test/helpers/fault-proxy.ts) in front of moto. The account, hosts and plan are prepared
// against moto directly (that part is not under test); every apply and rollback then goes
// through the proxy with --endpoint-url. Each scenario must end as the unfaulted reference run
// does: the same exit codes, the same account after the first and the last run, and rollback
// back to the pre-apply account and host files.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal-file.js';
import { foldJournal, type JournalState } from '../../src/apply/journal-state.js';
import { accountSnapshot, applyFixture, DAY, HOUR, hostFiles, type AccountSnapshot, type ApplyFixture } from '../helpers/apply-fixture.js';
import { startFaultProxy, type AwsRequestInfo, type FaultProxy, type FaultProxyOptions, type FaultStats } from '../helpers/fault-proxy.js';
import { useMoto } from '../helpers/moto.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const moto = useMoto();

/** The calls that change the account (the rest read it). */
const MUTATING = /^(iam|ec2):(Create|Attach|Add|Associate|Replace|Modify|Update|Put|Delete|Detach|Remove|Disassociate)/;

/** The fixture's executor options, with AWS reached through the proxy instead of moto. */
function throughProxy(args: readonly string[], endpoint: string): string[] {
  const i = args.indexOf('--endpoint-url');
  if (i < 0) throw new Error('the fixture no longer passes --endpoint-url');
  return [...args.slice(0, i + 1), endpoint, ...args.slice(i + 2)];
}

/** A snapshot with the IDs moto makes anew for each fixture (instances, keys) named after their app. */
function normalised(s: AccountSnapshot, f: ApplyFixture): AccountSnapshot {
  const ids = f.account.apps.flatMap((a): [string, string][] => [
    [a.instanceId, `<instance of ${a.name}>`],
    [a.accessKeyId, `<key of ${a.name}>`],
  ]);
  const norm = (line: string) => ids.reduce((text, [id, name]) => text.replaceAll(id, name), line);
  return {
    roles: s.roles.map(norm).sort(),
    policies: s.policies.map(norm).sort(),
    profiles: s.profiles.map(norm).sort(),
    keys: s.keys.map(norm).sort(),
    instances: s.instances.map(norm).sort(),
  };
}

interface Migration {
  /** the three apply runs: at t0, t0+2d and t0+4d */
  runs: CliResult[];
  rollback: CliResult;
  /** normalised: before apply, after run 1, after run 3 */
  before: AccountSnapshot;
  mid: AccountSnapshot;
  after: AccountSnapshot;
  /** after rollback, and before apply, as moto says (same fixture, so no normalising) */
  rolledBack: AccountSnapshot;
  beforeRaw: AccountSnapshot;
  filesRestored: boolean;
  /** host files that still hold an application's key ID after run 3 */
  keysOnHosts: string[];
  stats: FaultStats;
  journal: JournalState;
  ms: number;
}

let open: { f?: ApplyFixture; proxy?: FaultProxy } = {};
async function closeOpen(): Promise<void> {
  await open.proxy?.stop();
  await open.f?.close();
  open = {};
}
afterEach(closeOpen);

/**
 * On a fresh account (useMoto resets moto before each test): a proxy with `faults`, then
 * through it apply at t0, the roles seen in use two hours later, apply --resume at t0+2d and
 * t0+4d, and rollback at t0+5d.
 */
async function migrate(faults: Omit<FaultProxyOptions, 'target'>, applyArgs: string[] = []): Promise<Migration> {
  const f = await applyFixture(moto());
  open.f = f;
  const beforeRaw = await accountSnapshot(moto().endpoint);
  const files = await hostFiles(f.hostsRoot);
  const proxy = await startFaultProxy({ target: moto().endpoint, ...faults });
  open.proxy = proxy;
  const run = (command: 'apply' | 'rollback', at: Date, extra: string[]) =>
    runCli([command, command === 'apply' ? f.planPath : f.journalPath, '--yes', ...throughProxy(f.executorArgs, proxy.endpoint), ...extra], {
      env: { ...f.moto.env, KEYSHIFT_NOW: at.toISOString() },
      timeoutMs: 150_000,
    });
  const started = Date.now();
  const runs = [await run('apply', f.t0, ['--json', ...applyArgs])];
  const mid = await accountSnapshot(moto().endpoint);
  await f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR));
  runs.push(await run('apply', new Date(f.t0.getTime() + 2 * DAY), ['--resume', '--json', ...applyArgs]));
  runs.push(await run('apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--json', ...applyArgs]));
  const after = await accountSnapshot(moto().endpoint);
  const keysOnHosts = Object.entries(await hostFiles(f.hostsRoot))
    .filter(([, text]) => f.account.apps.some((a) => text.includes(a.accessKeyId)))
    .map(([path]) => path);
  const rollback = await run('rollback', new Date(f.t0.getTime() + 5 * DAY), []);
  const ms = Date.now() - started;
  return {
    runs,
    rollback,
    before: normalised(beforeRaw, f),
    mid: normalised(mid, f),
    after: normalised(after, f),
    rolledBack: await accountSnapshot(moto().endpoint),
    beforeRaw,
    filesRestored: JSON.stringify(await hostFiles(f.hostsRoot)) === JSON.stringify(files),
    keysOnHosts,
    stats: proxy.stats,
    journal: foldJournal((await readJournal(f.journalPath)).records),
    ms,
  };
}

const codes = (m: Migration) => m.runs.map((r) => r.code);
/** what the runs said, for a failure message */
const said = (m: Migration) => [...m.runs, m.rollback].map((r, i) => `run ${i + 1} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`).join('\n');

/** Converged as the reference did: exit codes, the account after run 1 and run 3, and rollback. */
function expectSameAsReference(m: Migration): void {
  expect(codes(m), said(m)).toEqual([75, 75, 0]);
  expect(m.before).toEqual(reference.before);
  expect(m.mid).toEqual(reference.mid);
  expect(m.after).toEqual(reference.after);
  expect(m.keysOnHosts).toEqual([]);
  expect(m.rollback.code, said(m)).toBe(0);
  expect(m.rolledBack).toEqual(m.beforeRaw);
  expect(m.filesRestored).toBe(true);
}

let reference: Migration;
beforeAll(async () => {
  await moto().reset();
  reference = await migrate({ rate: 0 });
  await closeOpen();
}, 120_000);

describe('apply through AWS faults (moto behind the fault proxy)', () => {
  it('the unfaulted reference through the proxy: 75, 75, 0, the planned state, and rollback restores it all', () => {
    const m = reference;
    expect(codes(m), said(m)).toEqual([75, 75, 0]);
    expect(m.stats.requests).toBeGreaterThan(100);
    expect(m.stats.forwarded).toBe(m.stats.requests);
    expect(m.stats.faults).toEqual({ throttle: 0, '5xx': 0, drop: 0, 'lost-response': 0 });
    // the planned state: reports on its new profile, billing keeps the SSM agent's (whose role
    // now carries billing's policy), IMDSv2 required on both, both keys inactive
    const profile = (name: string) => `arn:aws:iam::123456789012:instance-profile/${name}`;
    expect(m.after.instances).toEqual([
      `<instance of billing> profile=${profile('ssm-agent')} tokens=required hops=2 endpoint=enabled`,
      `<instance of reports> profile=${profile('keyshift/keyshift-app-reports')} tokens=required hops=2 endpoint=enabled`,
    ]);
    expect(m.after.roles).toEqual([
      '/keyshift/keyshift-app-reports [arn:aws:iam::123456789012:policy/keyshift/keyshift-app-reports]',
      '/ssm-agent [arn:aws:iam::123456789012:policy/keyshift/keyshift-app-billing arn:aws:iam::123456789012:policy/ssm-agent-core]',
    ]);
    expect(m.after.profiles).toEqual([`${profile('keyshift/keyshift-app-reports')} [keyshift-app-reports]`, `${profile('ssm-agent')} [ssm-agent]`]);
    expect(m.after.keys).toEqual(['billing-sync <key of billing> Inactive', 'reports-app <key of reports> Inactive']);
    expect(m.keysOnHosts).toEqual([]);
    expect(m.rollback.code, said(m)).toBe(0);
    expect(m.rolledBack).toEqual(m.beforeRaw);
    expect(m.filesRestored).toBe(true);
  });

  it('20% throttles, 5xx and dropped connections on every call: the same runs, the same account, the same rollback', async () => {
    // --concurrency 1: one call at a time, so the same seed faults the same calls on every run
    // and a failure reproduces. Seed 2 faults 35 requests (7 throttles, 9 5xx, 19 drops), each
    // kind on mutating calls too (ModifyInstanceMetadataOptions, UpdateAccessKey,
    // DetachRolePolicy); it takes ~30 s here against ~15 s unfaulted, throttles costing most
    // (the SDK's backoff plus its adaptive rate limiter; at the default concurrency seeds 1-7
    // converged in 25-60 s). Another seed, or a change in the calls apply makes, may fault no
    // mutating call or throttle for minutes: pick one that keeps this file under 3 minutes.
    const m = await migrate({ rate: 0.2, seed: 2 }, ['--concurrency', '1']);
    expectSameAsReference(m);

    const { faults } = m.stats;
    expect(faults.throttle).toBeGreaterThan(0);
    expect(faults['5xx']).toBeGreaterThan(0);
    expect(faults.drop).toBeGreaterThan(0);
    expect(faults['lost-response']).toBe(0);
    const onMutating = new Set(m.stats.events.filter((e) => MUTATING.test(e.operation)).map((e) => e.kind));
    expect([...onMutating].sort()).toEqual(['5xx', 'drop', 'throttle']);
    // the SDK retried them all: every faulted request was sent again and got through
    const injected = faults.throttle + faults['5xx'] + faults.drop;
    expect(m.stats.forwarded).toBe(m.stats.requests - injected);
    // no step failed along the way, and no journaled call did either
    const statuses = new Set([...m.journal.steps.values()].map((s) => s.status));
    expect(statuses.has('failed') || statuses.has('blocked')).toBe(false);
    expect(m.journal.calls.filter((c) => c.result && !c.result.ok).map((c) => `${c.api} ${c.resultRecord?.error?.code}`)).toEqual([]);
  }, 170_000);

  it('IAM propagation (associate rejected twice) and an association stuck in associating (3 describes): the associate step still completes', async () => {
    // the executor's own backoff (2 s, then doubling) carries both: 2 + 4 s of rejections, then
    // 2 + 4 + 8 s of `associating`
    const m = await migrate({ rate: 0, rules: { iamPropagation: { failFirst: 2 }, associationPending: { describes: 3 } } });
    expectSameAsReference(m);

    expect(m.stats.rules.iamPropagation).toBe(2);
    expect(m.stats.byOperation['ec2:AssociateIamInstanceProfile']).toMatchObject({ requests: 3, forwarded: 1, iamPropagation: 2 });
    expect(m.stats.byOperation['ec2:DescribeIamInstanceProfileAssociations']?.associationPending).toBe(3);
    // the journal: two rejected attempts and the one that went through, then the step done
    const attempts = m.journal.calls.filter((c) => c.api === 'ec2:AssociateIamInstanceProfile' && c.intent.undoOf === null);
    expect(attempts.map((c) => c.resultRecord?.error?.code ?? 'ok')).toEqual(['InvalidParameterValue', 'InvalidParameterValue', 'ok']);
    const step = m.journal.steps.get(attempts[0]!.stepId!);
    // (rollback marks every step undone; the apply's record of it is in the run's result)
    expect(step?.status).toBe('undone');
    const run1 = JSON.parse(m.runs[0]!.stdout) as { steps: { kind: string; status: string; message: string }[] };
    expect(run1.steps.find((s) => s.kind === 'associate-instance-profile')).toMatchObject({ status: 'done', message: expect.stringMatching(/^associated instance profile keyshift-app-reports with i-/) });
  }, 170_000);

  it('lost responses on CreateRole, CreatePolicy and CreateInstanceProfile: the retry meets "already exists", apply converges, nothing is duplicated', async () => {
    // every other request of each create operation is answered with a closed connection after
    // moto has carried it out (half the creates: the first of each kind among them), whatever
    // order the concurrent steps send them in
    const creates = new Set(['CreateRole', 'CreatePolicy', 'CreateInstanceProfile']);
    const seen = new Map<string, number>();
    const loseEveryOther = (r: AwsRequestInfo): boolean => {
      if (r.service !== 'iam' || !creates.has(r.operation)) return false;
      const n = (seen.get(r.operation) ?? 0) + 1;
      seen.set(r.operation, n);
      return n % 2 === 1;
    };
    const m = await migrate({ rate: 1, faults: ['lost-response'], match: loseEveryOther });
    expectSameAsReference(m);

    for (const op of creates) {
      const stats = m.stats.byOperation[`iam:${op}`]!;
      expect(stats['lost-response'], op).toBeGreaterThan(0);
      // moto saw each lost call and its retry, which it refused as a duplicate
      expect(stats.forwarded, op).toBeGreaterThan(stats['lost-response']);
    }
    // the SDK's retry met "already exists"; the step read the resource back as its own
    const refused = m.journal.calls.filter((c) => c.result && !c.result.ok).map((c) => `${c.api} ${c.resultRecord?.error?.code}`);
    for (const op of creates) expect(refused).toContainEqual(expect.stringMatching(new RegExp(`^iam:${op} EntityAlreadyExists(Exception)?$`)));
    expect(refused.every((r) => / EntityAlreadyExists/.test(r)), refused.join('\n')).toBe(true);
    const run1 = JSON.parse(m.runs[0]!.stdout) as { steps: { kind: string; status: string }[] };
    expect(run1.steps.filter((s) => s.kind.startsWith('create-')).map((s) => s.status)).toEqual(run1.steps.filter((s) => s.kind.startsWith('create-')).map(() => 'done'));
  }, 170_000);
});
