// The whole pipeline of `keyshift demo` on an emulated account: the local moto server with two
// applications seeded, their hosts as fixture root filesystems changed through the local
// executor, CloudTrail written by the demo. Plan, apply (three runs as the demo's clock moves:
// attach and cutover; verification once the roles are seen in use; the quiet period, IMDSv2
// and deactivation), check the live state, roll back, check that everything is as before.
// It tells its story through `narrate`; it never prints.
import { DescribeIamInstanceProfileAssociationsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsContext } from '../aws/aws-context.js';
import { trailRoleEvidence } from '../apply/evidence/trail-role-evidence.js';
import { allStepHandlers } from '../apply/handlers/index.js';
import { LocalHostExecutor } from '../apply/host/local-executor.js';
import { runApply, type ApplyResult } from '../apply/run-apply.js';
import { runRollback } from '../apply/run-rollback.js';
import { allUndoers } from '../apply/undo/index.js';
import type { IoHost } from '../io/host.js';
import { DEMO_REGION, EMULATOR_CREDENTIALS } from './demo-account.js';
import { writeRoleTrail } from './demo-trail.js';
import { startImdsEmulator } from './imds-emulator.js';
import { motoRoleResolver } from './instance-role-resolver.js';
import type { MotoServer } from './moto-server.js';
import { prepareDemoPlan, type DemoPlan } from './prepare-demo-plan.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface PipelineDemoOptions {
  moto: MotoServer;
  dir: string;
  host: IoHost;
  signal: AbortSignal;
  narrate: (line: string) => void;
}

export interface PipelineDemoResult {
  prepared: DemoPlan;
  runs: ApplyResult[];
  /** what the account and hosts looked like after apply, and whether rollback restored them */
  checks: { name: string; ok: boolean; detail: string }[];
}

interface LiveState {
  profiles: Map<string, string | null>;
  tokens: Map<string, string>;
  keys: Map<string, string>;
}

async function liveState(endpoint: string): Promise<LiveState> {
  const ec2 = new EC2Client({ region: DEMO_REGION, endpoint, credentials: EMULATOR_CREDENTIALS });
  const iam = new IAMClient({ region: DEMO_REGION, endpoint, credentials: EMULATOR_CREDENTIALS });
  try {
    const associations = (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? [];
    const profiles = new Map<string, string | null>();
    const tokens = new Map<string, string>();
    for (const r of (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        const a = associations.find((x) => x.InstanceId === i.InstanceId && x.State !== 'disassociated');
        profiles.set(i.InstanceId!, a?.IamInstanceProfile?.Arn?.split('/').at(-1) ?? null);
        tokens.set(i.InstanceId!, i.MetadataOptions?.HttpTokens ?? '?');
      }
    }
    const keys = new Map<string, string>();
    for (const user of ['reports-app', 'billing-sync']) {
      for (const k of (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []) keys.set(k.AccessKeyId!, k.Status!);
    }
    return { profiles, tokens, keys };
  } finally {
    ec2.destroy();
    iam.destroy();
  }
}

export async function runPipelineDemo(o: PipelineDemoOptions): Promise<PipelineDemoResult> {
  const { moto, narrate } = o;
  // the demo's clock: moto launches instances "now", the documents are made two weeks later
  const asOf = new Date(Math.ceil((Date.now() + 15 * DAY) / HOUR) * HOUR);
  narrate(`seeding the emulated account (moto on ${moto.endpoint}, account 123456789012): two applications, each signing with an IAM user's key`);
  const prepared = await prepareDemoPlan({ endpoint: moto.endpoint, dir: o.dir, asOf, host: o.host, env: moto.env });
  for (const app of prepared.account.apps) {
    narrate(`  ${app.name} on ${app.instanceId}${app.existingProfile ? ` (already has profile ${app.existingProfile} for its SSM agent)` : ' (no instance profile)'}: key ${app.accessKeyId} of ${app.userName}`);
  }
  narrate(`hosts: fixture root filesystems under ${prepared.hostsRoot} (not real machines), changed through the local executor instead of SSM`);
  narrate(`scanned the hosts and the account, learned usage from 14 days of generated CloudTrail (${prepared.trailDir}), planned ${prepared.plan.planId}:`);
  for (const w of prepared.plan.workloads) narrate(`  ${w.id}: role ${w.role.name} (${w.role.mode}), ${w.steps.length} steps, ${w.status}`);
  narrate(`  (moto has no service-last-accessed API: the demo supplies what IAM would report for its two users)`);

  const before = await liveState(moto.endpoint);
  const filesBefore = await Promise.all(prepared.hosts.flatMap((h) => [...h.files.keys()].map(async (p) => ({ path: join(h.root, p), bytes: await readFile(join(h.root, p), 'latin1') }))));
  const resolver = motoRoleResolver(moto.endpoint, DEMO_REGION);
  const imds = await startImdsEmulator(resolver);
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: DEMO_REGION, credentials: EMULATOR_CREDENTIALS }, moto.env, o.signal);
  const hosts = new LocalHostExecutor({ rootFor: (t) => join(prepared.hostsRoot, t.instanceId ?? t.host), imdsEndpointFor: (t) => (t.instanceId ? imds.endpointFor(t.instanceId) : undefined) });
  const evidence = trailRoleEvidence({ from: prepared.trailDir, aws: () => aws, account: prepared.plan.account });
  const t0 = new Date(asOf.getTime() + HOUR);
  const runs: ApplyResult[] = [];
  const apply = async (at: Date, resume: boolean): Promise<ApplyResult> => {
    const r = await runApply({
      plan: prepared.plan,
      planPath: prepared.planPath,
      planSha256: createHash('sha256').update(await readFile(prepared.planPath)).digest('hex'),
      journalPath: join(o.dir, 'plan.journal.ndjson'),
      resume,
      yes: true,
      interactive: false,
      only: null,
      until: null,
      concurrency: 4,
      markDone: [],
      aws,
      hosts,
      evidence,
      handlers: allStepHandlers(),
      host: o.host,
      signal: o.signal,
      now: () => at,
      iamWritesPerSecond: 50,
    });
    runs.push(r);
    const waiting = r.steps.filter((s) => s.status === 'waiting').map((s) => s.stepId.split('/')[1]);
    narrate(`  ${r.outcome}: ${r.steps.filter((s) => s.status === 'done').length} step(s) done, ${r.callsSent} mutating call(s)${waiting.length > 0 ? `; waiting: ${[...new Set(waiting)].join(', ')}` : ''}`);
    return r;
  };
  try {
    narrate(`keyshift apply (demo clock ${t0.toISOString()}): roles and profiles, then the keys leave the hosts`);
    await apply(t0, false);
    const roleTime = new Date(t0.getTime() + 2 * HOUR);
    narrate(`simulated: the applications now run on their roles; the demo writes their calls to the trail (nothing runs on an emulated instance)`);
    await writeRoleTrail(
      prepared.trailDir,
      prepared.account.apps.map((app) => ({ app, roleName: prepared.plan.workloads.find((w) => w.instances.some((i) => i.instanceId === app.instanceId))!.role.name })),
      prepared.ipOf,
      roleTime,
    );
    narrate(`keyshift apply --resume, two days later on the demo clock: the roles are seen in use; the keys start their quiet period`);
    await apply(new Date(t0.getTime() + 2 * DAY), true);
    narrate(`keyshift apply --resume, four days later: quiet period and IMDSv2 soak over; IMDSv2 required, keys deactivated`);
    await apply(new Date(t0.getTime() + 4 * DAY), true);

    const after = await liveState(moto.endpoint);
    const checks: PipelineDemoResult['checks'] = [];
    for (const app of prepared.account.apps) {
      const w = prepared.plan.workloads.find((x) => x.instances.some((i) => i.instanceId === app.instanceId))!;
      const profile = after.profiles.get(app.instanceId);
      const expected = w.role.mode === 'extend-existing' ? app.existingProfile : w.instanceProfileName;
      checks.push({ name: `${app.instanceId} has profile ${expected}`, ok: profile === expected, detail: `profile ${profile ?? 'none'}` });
      checks.push({ name: `${app.instanceId} requires IMDSv2`, ok: after.tokens.get(app.instanceId) === 'required', detail: `HttpTokens ${after.tokens.get(app.instanceId)}` });
      checks.push({ name: `${app.accessKeyId} is inactive (not deleted)`, ok: after.keys.get(app.accessKeyId) === 'Inactive', detail: after.keys.get(app.accessKeyId) ?? 'missing' });
    }
    const hostKeys = await Promise.all(filesBefore.map(async (f) => ({ path: f.path, text: await readFile(f.path, 'latin1') })));
    const leftovers = hostKeys.filter((f) => prepared.account.apps.some((a) => f.text.includes(a.accessKeyId)));
    checks.push({ name: 'no key left in the hosts\' files', ok: leftovers.length === 0, detail: leftovers.map((f) => f.path).join(', ') || 'none' });

    narrate(`keyshift rollback: undo everything the journal records, newest first`);
    const rb = await runRollback({ journalPath: join(o.dir, 'plan.journal.ndjson'), yes: true, interactive: false, aws, hosts, undoers: allUndoers(), host: o.host, signal: o.signal, now: () => new Date(t0.getTime() + 5 * DAY) });
    narrate(`  ${rb.outcome}: ${rb.undone.length} call(s) undone`);
    const restored = await liveState(moto.endpoint);
    const same = (a: Map<string, unknown>, b: Map<string, unknown>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    checks.push({ name: 'rollback: profiles, metadata options and keys as before', ok: same(before.profiles, restored.profiles) && same(before.tokens, restored.tokens) && same(before.keys, restored.keys), detail: 'compared with the live state before apply' });
    const changed: string[] = [];
    for (const f of filesBefore) if ((await readFile(f.path, 'latin1')) !== f.bytes) changed.push(f.path);
    checks.push({ name: 'rollback: every host file back byte for byte', ok: changed.length === 0, detail: changed.join(', ') || `${filesBefore.length} files` });
    return { prepared, runs, checks };
  } finally {
    aws.destroy();
    resolver.close();
    await imds.close();
  }
}
