// Crash at every step: the demo migration (two applications, three apply runs as the clock
// moves) with the real binary on moto, killed by SIGKILL right after its k-th mutating call
// returned and before the result was journaled (KEYSHIFT_CRASH_AFTER_CALL, the worst moment),
// for every k. `apply --resume` at the same clock, then the remaining runs, must land on the
// very state an uninterrupted migration reaches: the same account, the same host files, no
// resource made twice, every workload done. For a few k a rollback follows (and once the
// rollback itself is killed and run again): the pre-apply account and hosts come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixture, DAY, type ApplyFixture } from '../helpers/apply-fixture.js';
import { APPLY_PHASES, crashPoint, duplicatedCreates, journalCalls, runPhase, settledState, type SettledState } from '../helpers/crash-runs.js';
import { startMoto, type Moto } from '../helpers/moto.js';

/**
 * The mutating calls each apply run of the demo plan sends uninterrupted: roles, policies,
 * profile, attachments, association and the host cutover (13); verification only reads (0);
 * IMDSv2 on both instances and both keys deactivated (4). The tests below are made from these
 * numbers (vitest names its tests before any hook runs); the reference test checks that the
 * uninterrupted run still sends exactly these, so a changed plan fails loudly there.
 */
const CALLS_PER_PHASE = [13, 0, 4];
const TOTAL_CALLS = CALLS_PER_PHASE.reduce((a, b) => a + b, 0);
const EVERY_K = Array.from({ length: TOTAL_CALLS }, (_, i) => i + 1);
/** rollback after the crash-and-resume run: the first call, the middle one and the last (each costs a run) */
const ROLLBACK_AFTER = new Set([1, Math.ceil(TOTAL_CALLS / 2), TOTAL_CALLS]);

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
    const before = (await journalCalls(f.journalPath)).length;
    const rollback = await f.run('rollback', rollbackAt(f));
    if (rollback.code !== 0) throw new Error(`reference rollback: exit ${rollback.code}\n${rollback.stderr}${rollback.stdout}`);
    const rollbackCalls = (await journalCalls(f.journalPath)).length - before;
    if (JSON.stringify(await settledState(f)) !== JSON.stringify(pre)) throw new Error('reference rollback did not bring back the pre-apply state');
    reference = { callsPerPhase, pre, final, rollbackCalls };
  } finally {
    await f.close();
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

/** A fresh account and hosts on the reset moto server; the pre-apply state is the reference's, IDs aside. */
async function freshFixture(): Promise<{ f: ApplyFixture; pre: SettledState }> {
  await moto.reset();
  const f = await applyFixture(moto);
  const pre = await settledState(f);
  expect(pre).toEqual(reference.pre);
  return { f, pre };
}

/**
 * The migration with the process killed after the k-th mutating call overall: the phases
 * before it run uninterrupted, the phase it falls in is killed and resumed at the same clock,
 * the rest follow with --resume. Checks the kill, each exit code, and returns nothing: the
 * account and hosts are what the caller checks.
 */
async function migrateWithCrash(f: ApplyFixture, k: number): Promise<void> {
  const at = crashPoint(reference.callsPerPhase, k);
  for (const [i, phase] of APPLY_PHASES.entries()) {
    await phase.before?.(f);
    if (i === at.phase) {
      const killed = await runPhase(f, i, { resume: i > 0, crashAfterCall: at.call });
      expect(killed.signal, `${phase.name} was to be killed after its call ${at.call}: ${killed.stderr}${killed.stdout}`).toBe('SIGKILL');
      // the call went out, its result never made it to the journal
      expect((await journalCalls(f.journalPath)).filter((c) => c.ok === null).length).toBeGreaterThan(0);
      const resumed = await runPhase(f, i, { resume: true });
      expect(resumed.code, `${phase.name} resumed after the crash: ${resumed.stderr}${resumed.stdout}`).toBe(phase.exitCode);
    } else {
      const r = await runPhase(f, i, { resume: i > 0 });
      expect(r.code, `${phase.name}: ${r.stderr}${r.stdout}`).toBe(phase.exitCode);
    }
  }
}

async function expectMigrated(f: ApplyFixture): Promise<void> {
  expect(await settledState(f)).toEqual(reference.final);
  expect(duplicatedCreates(await journalCalls(f.journalPath))).toEqual([]);
  const status = await f.run('status', f.t0, ['--json']);
  expect(status.code, status.stderr).toBe(0);
  const s = JSON.parse(status.stdout) as { workloads: { id: string; state: string }[]; keys: { state: string }[] };
  expect(s.workloads.map((w) => `${w.id} ${w.state}`)).toEqual(s.workloads.map((w) => `${w.id} done`));
  expect(s.workloads).toHaveLength(2);
  expect(s.keys.map((k) => k.state)).toEqual(['deactivated', 'deactivated']);
}

describe('apply killed after every mutating call, then resumed (moto, fixture hosts, the real binary)', () => {
  it(`the uninterrupted migration sends ${CALLS_PER_PHASE.join(' + ')} mutating calls and rolls back to the pre-apply state`, () => {
    expect(reference.callsPerPhase).toEqual(CALLS_PER_PHASE);
    expect(reference.final).not.toEqual(reference.pre);
    expect(reference.rollbackCalls).toBeGreaterThan(1);
  });

  it.for(EVERY_K)('killed after call %i: resumed, it ends where the uninterrupted run ends', async (k) => {
    const { f, pre } = await freshFixture();
    try {
      await migrateWithCrash(f, k);
      await expectMigrated(f);
      if (ROLLBACK_AFTER.has(k)) {
        const rollback = await f.run('rollback', rollbackAt(f));
        expect(rollback.code, rollback.stderr + rollback.stdout).toBe(0);
        expect(await settledState(f)).toEqual(pre);
      }
    } finally {
      await f.close();
    }
  }, 90_000);

  it('a rollback killed after its j-th call, run again, brings back the pre-apply state', async () => {
    // apply killed in the middle; the rollback killed after its first, middle and last call (each a fresh migration)
    const k = Math.ceil(TOTAL_CALLS / 2);
    for (const j of [...new Set([1, Math.ceil(reference.rollbackCalls / 2), reference.rollbackCalls])]) {
      const { f, pre } = await freshFixture();
      try {
        await migrateWithCrash(f, k);
        await expectMigrated(f);
        const killed = await f.run('rollback', rollbackAt(f), [], { KEYSHIFT_CRASH_AFTER_CALL: String(j) });
        expect(killed.signal, `rollback was to be killed after its call ${j}: ${killed.stderr}${killed.stdout}`).toBe('SIGKILL');
        const again = await f.run('rollback', rollbackAt(f));
        expect(again.code, `rollback after a crash at its call ${j}: ${again.stderr}${again.stdout}`).toBe(0);
        expect(await settledState(f), `rollback killed after its call ${j}, run again`).toEqual(pre);
      } finally {
        await f.close();
      }
    }
  }, 180_000);
});
