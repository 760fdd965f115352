// The whole migration on the moto emulator, with the real binary: a seeded account with two
// applications on two instances (one already has a profile for its SSM agent), their hosts as
// fixture roots, scanned; usage from a generated trail; a plan; then apply in three runs as the
// injected clock moves (attach and cutover, then verification once the roles are seen in use,
// then the quiet period, IMDSv2 and deactivation); the live state checked; then rollback, and
// the pre-apply state is back: IAM, EC2 and every host file, byte for byte.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanDocument } from '../../src/model/plan.js';
import { secretPieces } from '../../src/demo/synthetic-credentials.js';
import { accountSnapshot, DAY, HOUR, hostFiles, useApplyFixture } from '../helpers/apply-fixture.js';
import { useMoto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

const moto = useMoto({ resetEach: false });
const fixture = useApplyFixture(moto);

describe('scan -> usage -> plan -> apply -> rollback (moto, fixture hosts)', () => {
  it('migrates both applications onto roles, deactivates the keys, and rolls everything back', async () => {
    const f = fixture();
    // the CLI makes the same plan from the same documents, byte for byte
    const findings = f.hosts.map((h) => ['--host-findings', join(f.dir, `findings-${h.instanceId}.json`)]).flat();
    const planCli = await runCli(['plan', '--inventory', join(f.dir, 'inventory.json'), '--usage', join(f.dir, 'usage.json'), ...findings, '--min-quiet-days', '1', '--imdsv2-soak-days', '1']);
    expect(planCli.code, planCli.stderr).toBe(0);
    expect(planCli.stdout).toBe(await readFile(f.planPath, 'utf8'));
    const plan = PlanDocument.parse(JSON.parse(planCli.stdout));
    expect(plan.workloads.map((w) => w.status)).toEqual(['ready', 'ready']);

    const before = await accountSnapshot(moto().endpoint);
    const filesBefore = await hostFiles(f.hostsRoot);

    // run 1: roles, profiles, host cutover; the roles have not been seen in use yet
    const run1 = await f.run('apply', f.t0);
    expect(run1.code, run1.stderr + run1.stdout).toBe(75);
    expect(run1.stdout).toMatch(/waiting .*verify-role-in-use/);
    const mid = await accountSnapshot(moto().endpoint);
    const reports = f.account.apps.find((a) => a.name === 'reports')!;
    const billing = f.account.apps.find((a) => a.name === 'billing')!;
    expect(mid.instances.find((i) => i.startsWith(reports.instanceId))).toMatch(/profile=arn:aws:iam::123456789012:instance-profile\/keyshift\/keyshift-app-reports /);
    // the billing instance keeps its own profile (its SSM agent's), now carrying the new policy
    expect(mid.instances.find((i) => i.startsWith(billing.instanceId))).toMatch(/profile=arn:aws:iam::123456789012:instance-profile\/ssm-agent /);
    expect(mid.roles.find((r) => r.startsWith('/ssm-agent'))).toContain('policy/keyshift/keyshift-app-billing');
    for (const [path, text] of Object.entries(await hostFiles(f.hostsRoot))) {
      for (const app of f.account.apps) expect(text, path).not.toContain(app.accessKeyId);
    }
    // no key is touched before verification
    expect(mid.keys.every((k) => k.endsWith('Active'))).toBe(true);

    // the applications run on their roles (simulated calls in the trail), two days later
    await f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR));
    const run2 = await f.run('apply', new Date(f.t0.getTime() + 2 * DAY), ['--resume']);
    expect(run2.code, run2.stderr + run2.stdout).toBe(75);
    expect(run2.stdout).toMatch(/waiting .*verify-key-quiet/);

    const run3 = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--json']);
    expect(run3.code, run3.stderr + run3.stdout).toBe(0);
    const result = JSON.parse(run3.stdout) as { outcome: string; pending: unknown[] };
    expect(result.outcome).toBe('done');
    expect(result.pending).toEqual([]);
    const after = await accountSnapshot(moto().endpoint);
    expect(after.keys.filter((k) => k.endsWith('Inactive'))).toHaveLength(2);
    for (const app of f.account.apps) expect(after.instances.find((i) => i.startsWith(app.instanceId))).toContain('tokens=required');

    const status = await f.run('status', f.t0, ['--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { workloads: { state: string }[]; keys: { state: string }[] };
    expect(s.workloads.map((w) => w.state)).toEqual(['done', 'done']);
    expect(s.keys.map((k) => k.state)).toEqual(['deactivated', 'deactivated']);

    // a re-run changes nothing
    const again = await f.run('apply', new Date(f.t0.getTime() + 4 * DAY), ['--resume', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { mutatingCalls: number }).mutatingCalls).toBe(0);

    const rollback = await f.run('rollback', new Date(f.t0.getTime() + 5 * DAY));
    expect(rollback.code, rollback.stderr + rollback.stdout).toBe(0);
    expect(await accountSnapshot(moto().endpoint)).toEqual(before);
    expect(await hostFiles(f.hostsRoot)).toEqual(filesBefore);

    // no secret in anything the runs printed or wrote
    const journal = await readFile(f.journalPath, 'utf8');
    for (const h of f.hosts) {
      for (const piece of secretPieces(h.secret)) {
        for (const out of [run1, run2, run3, status, rollback]) expect(out.stdout + out.stderr).not.toContain(piece);
        expect(journal).not.toContain(piece);
      }
    }
  }, 240_000);
});
