// Crash at every step: the demo migration (two applications, three apply runs as the clock
// moves) with the real binary on moto, killed by SIGKILL right after its k-th mutating call
// returned and before the result was journaled (KEYSHIFT_CRASH_AFTER_CALL, the worst moment),
// for every k. `apply --resume` at the same clock, then the remaining runs, must land on the
// very state an uninterrupted migration reaches: the same account, the same host files, no
// call sent again, nothing made twice, every workload done. For a few k a rollback follows,
// some of them killed after their j-th call and run again: the pre-apply account and hosts
// come back.
//
// The run to be killed uses --concurrency 1, so that k names one call, the same every time,
// and the one intent without a result is a call that did reach AWS: with concurrency, calls in
// flight at the kill also lack results though they may never have got there. The other runs
// use the default concurrency (4), as users do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixture, DAY, type ApplyFixture } from '../helpers/apply-fixture.js';
import { APPLY_PHASES, crashPoint, duplicatedCreates, journalCalls, repeatedAfterCrash, runPhase, settledState, type SettledState } from '../helpers/crash-runs.js';
import { startMoto, type Moto } from '../helpers/moto.js';

/**
 * The mutating calls each apply run of the demo plan sends uninterrupted: roles, policies,
 * profile, attachments, association and the host cutover (13); verification only reads (0);
 * IMDSv2 on both instances and both keys deactivated (4). The tests are made from these
 * numbers (vitest names its tests before any hook runs); the first test checks that the
 * uninterrupted run still sends exactly these, so a changed plan fails loudly there.
 */
const CALLS_PER_PHASE = [13, 0, 4];
const TOTAL_CALLS = CALLS_PER_PHASE.reduce((a, b) => a + b, 0);
const SERIAL = ['--concurrency', '1'];

/**
 * After which k a rollback follows (each costs a run or two), and where that rollback is
 * killed, given how many calls it sends: not at all, after its first call, its middle one,
 * its last one.
 */
const ROLLBACKS = new Map<number, { says: string; killAfter: (rollbackCalls: number) => number | null }>([
  [1, { says: ', then rolled back', killAfter: () => null }],
  [Math.ceil(TOTAL_CALLS / 2), { says: ', then rolled back, the rollback killed after its first call', killAfter: () => 1 }],
  [CALLS_PER_PHASE[0]!, { says: ', then rolled back, the rollback killed after its middle call', killAfter: (n) => Math.ceil(n / 2) }],
  [TOTAL_CALLS, { says: ', then rolled back, the rollback killed after its last call', killAfter: (n) => n }],
]);
const CASES = Array.from({ length: TOTAL_CALLS }, (_, i) => ({ k: i + 1, rollback: ROLLBACKS.get(i + 1)?.says ?? '' }));

interface Reference {
  callsPerPhase: number[];
  pre: SettledState;
  final: SettledState;
  /** the mutating calls an uninterrupted rollback of the finished migration sends */
  rollbackCalls: number;
}

let moto: Moto;
let reference: Reference;
const rollbackAt = (f: ApplyFixture) => new Date(f.t0.getTime() + 5 * DAY);

beforeAll(async () => {
  moto = await startMoto();
  const f = await applyFixture(moto);
  try {
    const pre = await settledState(f);
    const callsPerPhase: number[] = [];
    for (const [i, phase] of APPLY_PHASES.entries()) {
      await phase.before?.(f);
      const r = await runPhase(f, i, { resume: i > 0 });
      if (r.code !== phase.exitCode || r.calls === null) throw new Error(`reference ${phase.name}: exit ${r.code}, expected ${phase.exitCode}\n${r.stderr}${r.stdout}`);
      callsPerPhase.push(r.calls);
    }
    const final = await settledState(f);
    const applied = (await journalCalls(f.journalPath)).length;
    const rollback = await f.run('rollback', rollbackAt(f));
    if (rollback.code !== 0) throw new Error(`reference rollback: exit ${rollback.code}\n${rollback.stderr}${rollback.stdout}`);
    const rollbackCalls = (await journalCalls(f.journalPath)).length - applied;
    if (JSON.stringify(await settledState(f)) !== JSON.stringify(pre)) throw new Error('the reference rollback did not bring back the pre-apply state');
    reference = { callsPerPhase, pre, final, rollbackCalls };
  } finally {
    await f.close();
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

/** A fresh account and hosts on the reset moto server; its pre-apply state is the reference's, IDs aside. */
async function freshFixture(): Promise<{ f: ApplyFixture; pre: SettledState }> {
  await moto.reset();
  const f = await applyFixture(moto);
  const pre = await settledState(f);
  expect(pre).toEqual(reference.pre);
  return { f, pre };
}

/**
 * The migration with the process killed after the k-th mutating call overall: the runs before
 * it go through, the run it falls in is killed and resumed at the same clock, the rest follow
 * with --resume.
 */
async function migrateWithCrash(f: ApplyFixture, k: number): Promise<void> {
  const at = crashPoint(reference.callsPerPhase, k);
  for (const [i, phase] of APPLY_PHASES.entries()) {
    await phase.before?.(f);
    if (i !== at.phase) {
      const r = await runPhase(f, i, { resume: i > 0 });
      expect(r.code, `${phase.name}: ${r.stderr}${r.stdout}`).toBe(phase.exitCode);
      continue;
    }
    const killed = await runPhase(f, i, { resume: i > 0, extra: SERIAL, crashAfterCall: at.call });
    expect(killed.signal, `${phase.name} was to be killed after its call ${at.call}: ${killed.stderr}${killed.stdout}`).toBe('SIGKILL');
    // the last intent is the call that went out; its result never made it to the journal
    const calls = await journalCalls(f.journalPath);
    expect(calls.filter((c) => c.ok === null)).toEqual([calls.at(-1)]);
    const crashed = `${calls.at(-1)!.api} ${calls.at(-1)!.target}`;
    const resumed = await runPhase(f, i, { resume: true });
    expect(resumed.code, `${phase.name} resumed after the crash after ${crashed}: ${resumed.stderr}${resumed.stdout}`).toBe(phase.exitCode);
  }
}

async function expectMigrated(f: ApplyFixture): Promise<void> {
  expect(await settledState(f)).toEqual(reference.final);
  const calls = await journalCalls(f.journalPath);
  expect(repeatedAfterCrash(calls)).toEqual([]);
  expect(duplicatedCreates(calls)).toEqual([]);
  const status = await f.run('status', f.t0, ['--json']);
  expect(status.code, status.stderr).toBe(0);
  const s = JSON.parse(status.stdout) as StatusJson;
  expect(s.workloads).toHaveLength(2);
  expect(s.workloads.map((w) => `${w.id} ${w.state}`)).toEqual(s.workloads.map((w) => `${w.id} done`));
  expect(s.keys.map((k) => k.state)).toEqual(['deactivated', 'deactivated']);
  // resume reconciled the call the crash left without a result
  expect(s.unresolvedCalls, JSON.stringify(calls.filter((c) => c.ok === null))).toBe(0);
}

interface StatusJson {
  workloads: { id: string; state: string }[];
  keys: { state: string }[];
  unresolvedCalls: number;
}

async function rollBack(f: ApplyFixture, pre: SettledState, crashAfterCall: number | null): Promise<void> {
  if (crashAfterCall !== null) {
    const killed = await f.run('rollback', rollbackAt(f), [], { KEYSHIFT_CRASH_AFTER_CALL: String(crashAfterCall) });
    expect(killed.signal, `rollback was to be killed after its call ${crashAfterCall}: ${killed.stderr}${killed.stdout}`).toBe('SIGKILL');
  }
  const rollback = await f.run('rollback', rollbackAt(f));
  expect(rollback.code, `rollback${crashAfterCall === null ? '' : ` again after a kill after its call ${crashAfterCall}`}: ${rollback.stderr}${rollback.stdout}`).toBe(0);
  expect(await settledState(f)).toEqual(pre);
  const status = await f.run('status', f.t0, ['--json']);
  const s = JSON.parse(status.stdout) as StatusJson;
  expect(s.workloads.map((w) => w.state)).toEqual(['rolled-back', 'rolled-back']);
  expect(s.keys.map((k) => k.state)).toEqual(['reactivated', 'reactivated']);
  expect(s.unresolvedCalls, JSON.stringify((await journalCalls(f.journalPath)).filter((c) => c.ok === null))).toBe(0);
}

describe('apply killed after every mutating call, then resumed (moto, fixture hosts, the real binary)', () => {
  it(`the uninterrupted migration sends ${CALLS_PER_PHASE.join(' + ')} mutating calls and rolls back to the pre-apply state`, () => {
    expect(reference.callsPerPhase).toEqual(CALLS_PER_PHASE);
    expect(reference.final).not.toEqual(reference.pre);
    expect(reference.rollbackCalls).toBeGreaterThan(1);
  });

  it.for(CASES)('killed after call $k: resumed, it ends where the uninterrupted run ends$rollback', { timeout: 90_000 }, async ({ k }) => {
    const { f, pre } = await freshFixture();
    try {
      await migrateWithCrash(f, k);
      await expectMigrated(f);
      const rollback = ROLLBACKS.get(k);
      if (rollback) await rollBack(f, pre, rollback.killAfter(reference.rollbackCalls));
    } finally {
      await f.close();
    }
  });
});
