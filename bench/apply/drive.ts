// One run of the `keyshift apply` benchmark at one concurrency: a fresh moto server, the account
// seeded (bench/apply/seed.ts: N applications of M instances, one workload each), then the real
// binary through every phase as test/e2e/apply-pipeline.test.ts does it, each run timed:
//   run 1 at t0 (attach, cutover; waits for verify-role-in-use),
//   the roles' calls written to the trail at t0+2h,
//   run 2 at t0+2d --resume (verify the roles; waits for verify-key-quiet),
//   run 3 at t0+4d --resume (quiet periods, IMDSv2, deactivation: done).
// Counts the mutating calls from the journal (one intent record per call sent) and from each
// run's --json `mutatingCalls`, checks the end state on moto, and writes one JSON result.
//
//   node --experimental-strip-types bench/apply/drive.ts --concurrency 8 --out bench/.work/apply/c8.json
//
// Options: --apps (50), --per-app (4), --shared-profile-apps (10). Needs dist/ (bench/apply/run.sh builds it).
import { DescribeIamInstanceProfileAssociationsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SeededBench } from './seed.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '8' },
    apps: { type: 'string', default: '50' },
    'per-app': { type: 'string', default: '4' },
    'shared-profile-apps': { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const appCount = Number(values.apps);
const perApp = Number(values['per-app']);
const sharedProfileApps = Number(values['shared-profile-apps']);
const out = values.out ?? join(root, 'bench', '.work', 'apply', `c${concurrency}.json`);
const dir = join(dirname(out), `c${concurrency}`);
const log = (m: string) => process.stderr.write(`[bench apply c=${concurrency}] ${m}\n`);

const { installMoto, startMotoServer } = await load<typeof import('../../src/demo/moto-server.js')>('src/demo/moto-server.js');
const { startImdsEmulator } = await load<typeof import('../../src/demo/imds-emulator.js')>('src/demo/imds-emulator.js');
const { motoRoleResolver } = await load<typeof import('../../src/demo/instance-role-resolver.js')>('src/demo/instance-role-resolver.js');
const { seedApplyBench } = (await import(new URL('./seed.ts', import.meta.url).href)) as typeof import('./seed.js');

interface RunResult {
  name: string;
  at: string;
  exitCode: number | null;
  seconds: number;
  outcome: string;
  mutatingCalls: number;
  steps: Record<string, number>;
  pending: number;
  stderrTail: string;
}

interface Intent {
  type: 'intent';
  runId: string;
  seq: number;
  stepId: string | null;
  workload: string | null;
  api: string;
}

function runBinary(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'keyshift.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

const motoPath = await installMoto(process.env);
const moto = await startMotoServer(motoPath);
let seeded: SeededBench | undefined;
let closeImds: (() => Promise<void>) | undefined;
try {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // as test/helpers/apply-fixture.ts: the documents 15 days ahead (moto launches instances "now"), apply an hour later
  const asOf = new Date(Math.ceil((Date.now() + 15 * DAY) / HOUR) * HOUR);
  log(`seeding moto at ${moto.endpoint}: ${appCount} applications x ${perApp} instances, in ${dir}`);
  seeded = await seedApplyBench({ endpoint: moto.endpoint, dir, apps: appCount, instancesPerApp: perApp, sharedProfileApps, asOf, env: { ...process.env, ...moto.env } });
  const { plan } = seeded;
  log(`plan: ${plan.workloads.length} workloads (${plan.workloads.map((w) => w.status).join(',').replace(/(ready,)+/g, 'ready x…,')}), ${plan.workloads.reduce((n, w) => n + w.steps.length, 0)} steps`);

  const resolver = motoRoleResolver(moto.endpoint, 'us-east-1');
  const imds = await startImdsEmulator(resolver);
  closeImds = async () => {
    await imds.close();
    resolver.close();
  };
  const t0 = new Date(asOf.getTime() + HOUR);
  const executorArgs = ['--endpoint-url', moto.endpoint, '--hosts-root', seeded.hostsRoot, '--imds-endpoint', imds.url, '--trail', seeded.trailDir, '--concurrency', String(concurrency), '--json'];
  const runs: RunResult[] = [];
  const outputs: string[] = [];
  const apply = async (name: string, at: Date, extra: string[]): Promise<void> => {
    const r = await runBinary(['apply', seeded!.planPath, '--yes', ...executorArgs, ...extra], { ...moto.env, KEYSHIFT_NOW: at.toISOString() });
    outputs.push(r.stdout, r.stderr);
    let doc: { outcome?: string; mutatingCalls?: number; steps?: { status: string }[]; pending?: unknown[] } = {};
    try {
      doc = JSON.parse(r.stdout) as typeof doc;
    } catch {
      // no result document: the run failed before it; the exit code and stderr say why
    }
    const steps: Record<string, number> = {};
    for (const s of doc.steps ?? []) steps[s.status] = (steps[s.status] ?? 0) + 1;
    runs.push({ name, at: at.toISOString(), exitCode: r.code, seconds: r.seconds, outcome: doc.outcome ?? 'no result', mutatingCalls: doc.mutatingCalls ?? 0, steps, pending: doc.pending?.length ?? 0, stderrTail: r.stderr.trim().split('\n').slice(-5).join('\n') });
    log(`${name}: exit ${r.code}, ${doc.outcome ?? 'no result'}, ${r.seconds.toFixed(1)} s, ${doc.mutatingCalls ?? '?'} mutating calls, steps ${JSON.stringify(steps)}`);
  };
  await apply('run 1 (t0)', t0, []);
  await seeded.writeRoleTrail(new Date(t0.getTime() + 2 * HOUR));
  await apply('run 2 (t0+2d)', new Date(t0.getTime() + 2 * DAY), ['--resume']);
  await apply('run 3 (t0+4d)', new Date(t0.getTime() + 4 * DAY), ['--resume']);

  // the journal: one intent per mutating call sent, in the order sent
  const journalPath = seeded.planPath.replace(/\.json$/, '.journal.ndjson');
  const journalText = await readFile(journalPath, 'utf8');
  const records = journalText
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; runId?: string; ok?: boolean });
  const intents = records.filter((r): r is Intent => r.type === 'intent');
  const failedResults = records.filter((r) => r.type === 'result' && r.ok === false).length;
  const runIds = [...new Set(records.filter((r) => r.type === 'run').map((r) => r.runId!))];
  const kindOf = new Map(plan.workloads.flatMap((w) => w.steps.map((s) => [s.id, s.kind] as const)));
  const byApi: Record<string, number> = {};
  const byApiPerRun: Record<string, number>[] = runIds.map(() => ({}));
  const byStepKind: Record<string, Record<string, number>> = {};
  for (const i of intents) {
    byApi[i.api] = (byApi[i.api] ?? 0) + 1;
    const perRun = byApiPerRun[runIds.indexOf(i.runId)];
    if (perRun) perRun[i.api] = (perRun[i.api] ?? 0) + 1;
    const kind = i.stepId ? (kindOf.get(i.stepId) ?? 'unknown step') : '(no step)';
    (byStepKind[kind] ??= {})[i.api] = (byStepKind[kind]![i.api] ?? 0) + 1;
  }

  // the end state on moto: keys deactivated, profiles associated, IMDSv2 required
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
  let inactiveKeys = 0;
  for (const app of seeded.apps) {
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: app.userName }))).AccessKeyMetadata ?? [];
    inactiveKeys += keys.filter((k) => k.Status === 'Inactive').length;
  }
  const associations = (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? [];
  const profileOf = new Map(associations.filter((a) => a.State === 'associated').map((a) => [a.InstanceId!, a.IamInstanceProfile?.Arn ?? '']));
  let keyshiftProfiles = 0;
  let imdsv2Required = 0;
  for (const r of (await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }))).Reservations ?? []) {
    for (const i of r.Instances ?? []) {
      if (/:instance-profile\/keyshift\//.test(profileOf.get(i.InstanceId!) ?? '')) keyshiftProfiles++;
      if (i.MetadataOptions?.HttpTokens === 'required') imdsv2Required++;
    }
  }
  iam.destroy();
  ec2.destroy();

  // no synthetic secret in anything the runs printed or the journal
  const printed = outputs.join('\n') + journalText;
  const leaks = seeded.apps.filter((a) => printed.includes(a.secret)).length;

  const instances = seeded.apps.reduce((n, a) => n + a.instanceIds.length, 0);
  const result = {
    concurrency,
    apps: appCount,
    instancesPerApp: perApp,
    sharedProfileApps,
    instances,
    workloads: plan.workloads.length,
    workloadStatuses: plan.workloads.reduce<Record<string, number>>((m, w) => ({ ...m, [w.status]: (m[w.status] ?? 0) + 1 }), {}),
    planSteps: plan.workloads.reduce<Record<string, number>>((m, w) => {
      for (const s of w.steps) m[s.kind] = (m[s.kind] ?? 0) + 1;
      return m;
    }, {}),
    roleModes: plan.workloads.reduce<Record<string, number>>((m, w) => ({ ...m, [w.role.mode]: (m[w.role.mode] ?? 0) + 1 }), {}),
    preparation: seeded.timings,
    runs,
    journal: { intents: intents.length, failedResults, byApi, byApiPerRun, byStepKind },
    endState: { inactiveKeys, keys: seeded.apps.length, keyshiftProfiles, imdsv2Required, instances },
    secretsInOutput: leaks,
    load: (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' '),
  };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out}`);
} finally {
  await closeImds?.();
  await moto.stop();
}
