// Apply converges through the faults real AWS has and moto does not: the whole three-run
// migration and its rollback, with the real binary, through the fault proxy
// (test/helpers/fault-proxy.ts) in front of moto. The account, hosts and plan are prepared
// against moto directly (that part is not under test); every apply and rollback then goes
// through the proxy with --endpoint-url. Each scenario must end as an unfaulted reference
// run does: the same exit codes, the same account after each run, and rollback back to the
// pre-apply account and host files.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal-file.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { accountSnapshot, applyFixture, DAY, HOUR, hostFiles, type AccountSnapshot, type ApplyFixture } from '../helpers/apply-fixture.js';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions, type FaultStats } from '../helpers/fault-proxy.js';
import { useMoto } from '../helpers/moto.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const moto = useMoto();

/** The fixture's executor options, with AWS reached through the proxy instead of moto. */
function throughProxy(args: readonly string[], endpoint: string): string[] {
  const i = args.indexOf('--endpoint-url');
  if (i < 0) throw new Error('the fixture no longer passes --endpoint-url');
  return [...args.slice(0, i + 1), endpoint, ...args.slice(i + 2)];
}

/** `keyshift <command> <plan or journal> --yes ...` as the fixture runs it, but through the proxy. */
function run(f: ApplyFixture, proxy: FaultProxy, command: 'apply' | 'rollback', at: Date, extra: string[] = []): Promise<CliResult> {
  const subject = command === 'apply' ? f.planPath : f.journalPath;
  return runCli([command, subject, '--yes', ...throughProxy(f.executorArgs, proxy.endpoint), ...extra], {
    env: { ...f.moto.env, KEYSHIFT_NOW: at.toISOString() },
    timeoutMs: 150_000,
  });
}

/** A snapshot with the IDs moto makes anew for each fixture replaced by the app they belong to. */
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
  f: ApplyFixture;
  runs: CliResult[];
  /** normalised: before, after run 1, after run 3 */
  before: AccountSnapshot;
  mid: AccountSnapshot;
  after: AccountSnapshot;
  stats: FaultStats;
  rolledBack: { result: CliResult; accountRestored: boolean; filesRestored: boolean; snapshot: AccountSnapshot; expected: AccountSnapshot };
}

let open: { f?: ApplyFixture; proxy?: FaultProxy } = {};
afterEach(async () => {
  await open.proxy?.stop();
  await open.f?.close();
  open = {};
});

/**
 * A fresh account (moto is reset before each test), then through a proxy with `faults`:
 * apply at t0, the roles seen in use two hours later, --resume at t0+2d and t0+4d, rollback.
 */
async function migrate(faults: Omit<FaultProxyOptions, 'target'>): Promise<Migration> {
  const f = await applyFixture(moto());
  open.f = f;
  const raw = await accountSnapshot(moto().endpoint);
  const files = await hostFiles(f.hostsRoot);
  const proxy = await startFaultProxy({ target: moto().endpoint, ...faults });
  open.proxy = proxy;
  const runs: CliResult[] = [];
  runs.push(await run(f, proxy, 'apply', f.t0, ['--json']));
  const mid = await accountSnapshot(moto().endpoint);
  await f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR));
  runs.push(await run(f, proxy, 'apply', new Date(f.t0.getTime() + 2 * DAY), ['--resume', '--json']));
  runs.push(await run(f, proxy, 'apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--json']));
  const after = await accountSnapshot(moto().endpoint);
  const result = await run(f, proxy, 'rollback', new Date(f.t0.getTime() + 5 * DAY));
  const back = await accountSnapshot(moto().endpoint);
  return {
    f,
    runs,
    before: normalised(raw, f),
    mid: normalised(mid, f),
    after: normalised(after, f),
    stats: proxy.stats,
    rolledBack: { result, accountRestored: JSON.stringify(back) === JSON.stringify(raw), filesRestored: JSON.stringify(await hostFiles(f.hostsRoot)) === JSON.stringify(files), snapshot: back, expected: raw },
  };
}

const codes = (m: Migration) => m.runs.map((r) => r.code);
const why = (m: Migration) => m.runs.map((r, i) => `run ${i + 1} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`).join('\n');

let reference: Migration;
beforeAll(async () => {
  await moto().reset();
  reference = await migrate({ rate: 0 });
  await open.proxy?.stop();
  await open.f?.close();
  open = {};
}, 120_000);

describe('apply through AWS faults (moto behind the fault proxy)', () => {
  it('the unfaulted reference: 75, 75, 0, and rollback restores the account', () => {
    expect(codes(reference), why(reference)).toEqual([75, 75, 0]);
    expect(reference.stats.faults).toEqual({ throttle: 0, '5xx': 0, drop: 0, 'lost-response': 0 });
    expect(reference.rolledBack.result.code, reference.rolledBack.result.stderr).toBe(0);
    expect(reference.rolledBack.accountRestored).toBe(true);
    console.log(JSON.stringify({ before: reference.before, mid: reference.mid, after: reference.after, requests: reference.stats.requests, ops: Object.keys(reference.stats.byOperation) }, null, 2));
  });

  it('20% throttles, 5xx and dropped connections', async () => {
    const m = await migrate({ rate: 0.2, seed: 1 });
    console.log(JSON.stringify({ faults: m.stats.faults, requests: m.stats.requests, events: m.stats.events }, null, 2));
    expect(codes(m), why(m)).toEqual([75, 75, 0]);
    expect(m.mid).toEqual(reference.mid);
    expect(m.after).toEqual(reference.after);
    expect(m.rolledBack.result.code, m.rolledBack.result.stderr + m.rolledBack.result.stdout).toBe(0);
    expect(m.rolledBack.snapshot).toEqual(m.rolledBack.expected);
    expect(m.rolledBack.filesRestored).toBe(true);
    void readFile;
    void readJournal;
    void foldJournal;
  }, 240_000);
});
