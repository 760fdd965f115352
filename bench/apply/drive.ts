// One run of the `keyshift apply` benchmark at one concurrency: a fresh moto server, the account
// seeded (bench/apply/seed.ts: N applications of M instances, one workload each), then the real
// binary through every phase as test/e2e/apply-pipeline.test.ts does it, each run timed:
//   run 1 at t0 (attach, cutover; waits for verify-role-in-use),
//   the roles' calls written to the trail at t0+2h,
//   run 2 at t0+2d --resume (verify the roles; waits for verify-key-quiet),
//   run 3 at t0+4d --resume (quiet periods, IMDSv2, deactivation: done).
// Counts the mutating calls from the journal (one intent record per call sent) and from each
// run's --json `mutatingCalls`, and the runs of the host payload (each would be one
// ssm:SendCommand on real instances); measures wall and CPU time (keyshift with its payload
// processes, moto, this process's metadata emulator); checks the end state on moto and that no
// synthetic secret was printed or journaled; writes one JSON result.
//
//   node --experimental-strip-types bench/apply/drive.ts --concurrency 8 --out bench/.work/apply/c8.json
//
// keyshift reaches moto through bench/apply/moto-proxy.ts, which counts its requests and, with
// --simulator stub (the default), answers iam:SimulatePrincipalPolicy (which moto lacks) at once.
//
// Options: --apps (50), --per-app (4), --shared-profile-apps (10), --moto-seed (7), --simulator (stub | moto).
// Needs dist/ (bench/apply/run.sh builds it).
import { DescribeInstancesCommand, EC2Client, paginateDescribeIamInstanceProfileAssociations, type IamInstanceProfileAssociation } from '@aws-sdk/client-ec2';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
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
    'moto-seed': { type: 'string', default: '7' },
    simulator: { type: 'string', default: 'stub' },
    out: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const appCount = Number(values.apps);
const perApp = Number(values['per-app']);
const sharedProfileApps = Number(values['shared-profile-apps']);
const out = resolvePath(values.out ?? join(root, 'bench', '.work', 'apply', `c${concurrency}.json`));
const dir = join(dirname(out), basename(out, '.json'));
const log = (m: string) => process.stderr.write(`[bench apply c=${concurrency}] ${m}\n`);

const { installMoto, startMotoServer } = await load<typeof import('../../src/demo/moto-server.js')>('src/demo/moto-server.js');
const { startImdsEmulator } = await load<typeof import('../../src/demo/imds-emulator.js')>('src/demo/imds-emulator.js');
const { motoRoleResolver } = await load<typeof import('../../src/demo/instance-role-resolver.js')>('src/demo/instance-role-resolver.js');
const { seedApplyBench } = (await import(new URL('./seed.ts', import.meta.url).href)) as typeof import('./seed.js');
const { startMotoProxy } = (await import(new URL('./moto-proxy.ts', import.meta.url).href)) as typeof import('./moto-proxy.js');
if (values.simulator !== 'stub' && values.simulator !== 'moto') throw new Error(`--simulator ${values.simulator}: expected stub or moto`);

export interface RunResult {
  name: string;
  at: string;
  exitCode: number | null;
  outcome: string;
  /** wall clock of the process, start to exit */
  seconds: number;
  /** CPU seconds (user + sys) of keyshift's own process, of the payload processes it ran, of moto, and of this process (the metadata emulator and the proxy) */
  cpu: { keyshift: number; payload: number; moto: number; driver: number };
  /** every AWS request keyshift sent (reads, writes, retries), by service:Operation, as the proxy saw them */
  requests: Record<string, number>;
  /** the --json result's count */
  mutatingCalls: number;
  steps: Record<string, number>;
  pending: number;
  /** from the journal: intents per API, and when the IAM writes went out (seconds after the run's start record) */
  intents: Record<string, number>;
  iamWrites: { count: number; first: number | null; last: number | null; maxInOneSecond: number };
  /** the mutating calls' time from intent to result, summed, over the run's time: how many were in flight on average */
  callsInFlight: number | null;
  journalSeconds: number | null;
  /** runs of the cutover payload (each would be one ssm:SendCommand), by the ops each carried */
  payloadRuns: number;
  hostRuns: Record<string, number>;
  /** the last lines of stderr when the run ended with neither 0 (done) nor 75 (waiting) */
  stderrTail: string | null;
}

interface JournalLine {
  type: string;
  runId?: string;
  at?: string;
  api?: string;
  stepId?: string | null;
  workload?: string | null;
  target?: string;
  seq?: number;
  ok?: boolean;
}

/**
 * A `sh` first on the binary's PATH that logs the ops of every run of keyshift's cutover payload
 * (one line per run: the host root's name, which is the instance ID, a tab, the op names
 * comma-separated) and hands them on to /bin/sh unchanged. The local
 * host executor starts `sh cutover.sh` once per HostExecutor.run(), which through SSM is one
 * ssm:SendCommand: so the log counts the SendCommands a run on real instances would send. dash
 * and shell built-ins only: about a millisecond per payload run.
 */
async function payloadCounter(binDir: string, logPath: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  const script = [
    '#!/bin/sh',
    'case "$1" in',
    '*/cutover.sh)',
    "  input=''; ops=''",
    '  while IFS= read -r line; do input="$input$line',
    '"; ops="$ops${ops:+,}${line%%\t*}"; done',
    `  printf '%s\\t%s\\n' "\${3##*/}" "$ops" >> '${logPath}'`,
    `  printf '%s' "$input" | exec /bin/sh "$@" ;;`,
    '*) exec /bin/sh "$@" ;;',
    'esac',
    '',
  ].join('\n');
  await writeFile(join(binDir, 'sh'), script);
  await chmod(join(binDir, 'sh'), 0o755);
}

/** This process's child running moto_server. */
async function motoPid(): Promise<number> {
  const children = (await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  for (const pid of children) {
    if ((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('moto_server')) return pid;
  }
  throw new Error('moto_server is not a child of this process');
}

/** CPU seconds of a process itself and of the children it has waited for, from /proc/PID/stat; null once it is gone. */
async function cpuOf(pid: number): Promise<{ self: number; children: number } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // utime, stime, cutime, cstime: fields 14 to 17 of stat, in clock ticks (100 per second on Linux)
    return { self: (f[11]! + f[12]!) / 100, children: (f[13]! + f[14]!) / 100 };
  } catch {
    return null;
  }
}

/**
 * Runs the binary, timing its wall clock; its CPU (its own, and its payload processes') is read
 * from /proc every 50 ms while it runs, so up to the last 50 ms of it is missed.
 */
function runBinary(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number; cpu: { self: number; children: number } }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'keyshift.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let cpu = { self: 0, children: 0 };
    const poll = setInterval(() => {
      if (child.pid !== undefined) void cpuOf(child.pid).then((c) => c && (cpu = c));
    }, 50);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, cpu });
    });
  });
}

const seconds = (from: string | undefined, to: string | undefined): number | null => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);

const motoPath = await installMoto(process.env);
const moto = await startMotoServer(motoPath);
let closeImds: (() => Promise<void>) | undefined;
const proxy = await startMotoProxy({ target: moto.endpoint, stubSimulator: values.simulator === 'stub' });
try {
  const motoProcess = await motoPid();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // as test/helpers/apply-fixture.ts: the documents 15 days ahead (moto launches instances "now"), apply an hour later
  const asOf = new Date(Math.ceil((Date.now() + 15 * DAY) / HOUR) * HOUR);
  log(`seeding moto at ${moto.endpoint}: ${appCount} applications x ${perApp} instances, in ${dir}`);
  const seeded: SeededBench = await seedApplyBench({
    endpoint: moto.endpoint,
    dir,
    apps: appCount,
    instancesPerApp: perApp,
    sharedProfileApps,
    motoSeed: Number(values['moto-seed']),
    asOf,
    env: { ...process.env, ...moto.env },
  });
  const { plan } = seeded;
  const count = <T>(xs: readonly T[], key: (x: T) => string): Record<string, number> => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [key(x)]: (m[key(x)] ?? 0) + 1 }), {});
  const statuses = count(plan.workloads, (w) => w.status);
  const planSteps = count(
    plan.workloads.flatMap((w) => w.steps),
    (s) => s.kind,
  );
  log(`plan: ${plan.workloads.length} workloads ${JSON.stringify(statuses)}, ${Object.values(planSteps).reduce((a, b) => a + b, 0)} steps`);

  const resolver = motoRoleResolver(moto.endpoint, 'us-east-1');
  const imds = await startImdsEmulator(resolver);
  closeImds = async () => {
    await imds.close();
    resolver.close();
  };
  const t0 = new Date(asOf.getTime() + HOUR);
  // keyshift talks to moto through the proxy; the seeding, the metadata emulator's lookups and the end-state checks do not
  const executorArgs = ['--endpoint-url', proxy.url, '--hosts-root', seeded.hostsRoot, '--imds-endpoint', imds.url, '--trail', seeded.trailDir, '--concurrency', String(concurrency), '--json'];
  const journalPath = seeded.planPath.replace(/\.json$/, '.journal.ndjson');
  const payloadLog = join(dir, 'payload-runs.log');
  await payloadCounter(join(dir, 'bin'), payloadLog);
  await writeFile(payloadLog, '');
  const runs: RunResult[] = [];
  const printed: string[] = [];
  let payloadRunsSoFar = 0;

  const apply = async (name: string, at: Date, extra: string[]): Promise<void> => {
    const motoCpu = (await cpuOf(motoProcess))!.self;
    const driverCpu = process.cpuUsage();
    proxy.take();
    const r = await runBinary(['apply', seeded.planPath, '--yes', ...executorArgs, ...extra], { ...moto.env, KEYSHIFT_NOW: at.toISOString(), PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` });
    const driver = process.cpuUsage(driverCpu);
    const requests = proxy.take();
    const cpu = { keyshift: r.cpu.self, payload: r.cpu.children, moto: (await cpuOf(motoProcess))!.self - motoCpu, driver: (driver.user + driver.system) / 1e6 };
    printed.push(r.stdout, r.stderr);
    let doc: { outcome?: string; mutatingCalls?: number; runId?: string; steps?: { status: string }[]; pending?: unknown[] } = {};
    try {
      doc = JSON.parse(r.stdout) as typeof doc;
    } catch {
      // no result document: the run failed before it; the exit code and stderr say why
    }
    // this run's part of the journal
    const lines = (await readFile(journalPath, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalLine)
      .filter((l) => l.runId !== undefined && l.runId === doc.runId);
    const intents = lines.filter((l) => l.type === 'intent');
    const iam = intents.filter((l) => l.api?.startsWith('iam:'));
    const start = lines.find((l) => l.type === 'run')?.at;
    const end = lines.find((l) => l.type === 'end')?.at;
    // the most IAM writes sent within any one second (the rate limiter allows 10 a second after a burst of 10)
    const iamTimes = iam.map((l) => Date.parse(l.at!));
    let maxInOneSecond = 0;
    for (let a = 0, b = 0; b < iamTimes.length; b++) {
      while (iamTimes[b]! - iamTimes[a]! >= 1000) a++;
      maxInOneSecond = Math.max(maxInOneSecond, b - a + 1);
    }
    const sentAt = new Map(intents.map((l) => [l.seq, Date.parse(l.at!)]));
    const busy = lines.filter((l) => l.type === 'result' && sentAt.has(l.seq)).reduce((n, l) => n + Date.parse(l.at!) - sentAt.get(l.seq)!, 0);
    const runSeconds = seconds(start, end);
    const payloadRuns = (await readFile(payloadLog, 'utf8')).split('\n').filter(Boolean).slice(payloadRunsSoFar);
    payloadRunsSoFar += payloadRuns.length;
    runs.push({
      name,
      at: at.toISOString(),
      exitCode: r.code,
      outcome: doc.outcome ?? 'no result',
      seconds: r.seconds,
      cpu,
      requests,
      mutatingCalls: doc.mutatingCalls ?? 0,
      steps: count(doc.steps ?? [], (s) => s.status),
      pending: doc.pending?.length ?? 0,
      intents: count(intents, (l) => l.api ?? '?'),
      iamWrites: { count: iam.length, first: seconds(start, iam[0]?.at), last: seconds(start, iam.at(-1)?.at), maxInOneSecond },
      callsInFlight: runSeconds ? busy / 1000 / runSeconds : null,
      journalSeconds: runSeconds,
      payloadRuns: payloadRuns.length,
      hostRuns: count(payloadRuns, (line) => line.split('\t')[1] ?? ''),
      stderrTail: r.code === 0 || r.code === 75 ? null : r.stderr.trim().split('\n').slice(-5).join('\n'),
    });
    log(`${name}: exit ${r.code}, ${doc.outcome ?? 'no result'}, ${r.seconds.toFixed(1)} s, ${doc.mutatingCalls ?? '?'} mutating calls, ${payloadRuns.length} payload runs, CPU keyshift ${cpu.keyshift.toFixed(1)} s payload ${cpu.payload.toFixed(1)} s moto ${cpu.moto.toFixed(1)} s`);
  };
  await apply('run 1 (t0)', t0, []);
  await seeded.writeRoleTrail(new Date(t0.getTime() + 2 * HOUR));
  await apply('run 2 (t0+2d)', new Date(t0.getTime() + 2 * DAY), ['--resume']);
  await apply('run 3 (t0+4d)', new Date(t0.getTime() + 4 * DAY), ['--resume']);

  // the whole journal: one intent per mutating call sent
  const journalText = await readFile(journalPath, 'utf8');
  const records = journalText
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);
  const intents = records.filter((r) => r.type === 'intent');
  const kindOf = new Map(plan.workloads.flatMap((w) => w.steps.map((s) => [s.id, s.kind] as const)));
  const byStepKind: Record<string, Record<string, number>> = {};
  for (const i of intents) {
    const kind = i.stepId ? (kindOf.get(i.stepId) ?? 'unknown step') : '(no step)';
    const apis = (byStepKind[kind] ??= {});
    apis[i.api!] = (apis[i.api!] ?? 0) + 1;
  }

  // how the calls spread: per instance (its association and metadata options; its host ops and
  // payload runs) and per workload (every other AWS call), as histograms { calls: how many }
  const PER_INSTANCE = new Set(['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation', 'ec2:ModifyInstanceMetadataOptions']);
  const allInstances = seeded.apps.flatMap((a) => a.instanceIds);
  const histogram = (keys: readonly string[], of: Map<string, number>): Record<string, number> => count(keys, (k) => String(of.get(k) ?? 0));
  const tally = (xs: readonly (string | undefined)[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) if (x !== undefined) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const targetOf = (i: JournalLine) => i.target?.split(':')[0];
  const spread = {
    awsPerInstance: histogram(allInstances, tally(intents.filter((i) => PER_INSTANCE.has(i.api!)).map(targetOf))),
    awsPerWorkload: histogram(
      plan.workloads.map((w) => w.id),
      tally(intents.filter((i) => !PER_INSTANCE.has(i.api!) && !i.api!.startsWith('host:')).map((i) => i.workload ?? undefined)),
    ),
    hostOpsPerInstance: histogram(allInstances, tally(intents.filter((i) => i.api!.startsWith('host:')).map(targetOf))),
    payloadRunsPerInstance: histogram(allInstances, tally((await readFile(payloadLog, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\t')[0]))),
  };

  // the end state on moto: keys deactivated, keyshift's profiles associated, IMDSv2 required
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
  let inactiveKeys = 0;
  for (const app of seeded.apps) {
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: app.userName }))).AccessKeyMetadata ?? [];
    inactiveKeys += keys.filter((k) => k.Status === 'Inactive').length;
  }
  const associations: IamInstanceProfileAssociation[] = [];
  for await (const page of paginateDescribeIamInstanceProfileAssociations({ client: ec2 }, {})) associations.push(...(page.IamInstanceProfileAssociations ?? []));
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

  // no synthetic secret in anything the runs printed, nor in the journal
  const everything = printed.join('\n') + journalText;
  const leaks = seeded.apps.filter((a) => everything.includes(a.secret)).length;

  const instances = seeded.apps.reduce((n, a) => n + a.instanceIds.length, 0);
  const result = {
    concurrency,
    apps: appCount,
    instancesPerApp: perApp,
    sharedProfileApps,
    simulator: values.simulator,
    instances,
    workloads: plan.workloads.length,
    workloadStatuses: statuses,
    roleModes: count(plan.workloads, (w) => w.role.mode),
    planSteps,
    keyDecisions: count(plan.keys, (k) => k.decision),
    elasticIpsForClashingAddresses: seeded.elasticIps,
    preparation: seeded.timings,
    runs,
    journal: { intents: intents.length, failedResults: records.filter((r) => r.type === 'result' && r.ok === false).length, byApi: count(intents, (i) => i.api ?? '?'), byStepKind },
    spread,
    endState: { inactiveKeys, keys: seeded.apps.length, keyshiftProfiles, imdsv2Required, instances },
    secretsInOutput: leaks,
    loadAfter: (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' '),
  };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out}`);
} finally {
  await closeImds?.();
  await proxy.close();
  await moto.stop();
}
