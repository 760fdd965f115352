// The `keyshift apply` benchmark's table: reads the JSON results bench/apply/drive.ts wrote (one
// per concurrency and repetition) and prints Markdown: wall time per run and the speed-up of
// the highest concurrency over 1 (medians over repetitions), where the CPU went, the mutating
// calls by API counted from the journal, per instance and per workload, and the targets.
//
//   node --experimental-strip-types bench/apply/summarize.ts "load at start" bench/.work/apply/run1-c1.json ...
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { RunResult } from './drive.js';

/** one run's figures, as drive.ts records them */
type Run = Omit<RunResult, 'at' | 'steps' | 'pending'>;

interface Result {
  concurrency: number;
  apps: number;
  instancesPerApp: number;
  sharedProfileApps: number;
  simulator: string;
  instances: number;
  workloads: number;
  workloadStatuses: Record<string, number>;
  roleModes: Record<string, number>;
  planSteps: Record<string, number>;
  keyDecisions: Record<string, number>;
  elasticIpsForClashingAddresses: number;
  preparation: Record<string, number>;
  runs: Run[];
  journal: { intents: number; failedResults: number; byApi: Record<string, number>; byStepKind: Record<string, Record<string, number>> };
  spread: Record<'awsPerInstance' | 'awsPerWorkload' | 'hostOpsPerInstance' | 'payloadRunsPerInstance', Record<string, number>>;
  endState: { inactiveKeys: number; keys: number; keyshiftProfiles: number; imdsv2Required: number; instances: number };
  secretsInOutput: number;
  loadAfter: string;
}

const [loadStart = '?', ...files] = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: summarize.ts "LOAD AT START" RESULT.json...');
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
const levels = [...new Set(results.map((r) => r.concurrency))].sort((a, b) => a - b);
const at = (c: number) => results.filter((r) => r.concurrency === c);
const low = levels[0]!;
const high = levels.at(-1)!;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (x: number) => `${x.toFixed(1)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const fixed = (x: number) => x.toFixed(2);
const lines: string[] = [];
const say = (l = '') => lines.push(l);
const row = (cells: (string | number)[]) => say(`| ${cells.join(' | ')} |`);
const table = (head: string[], align: string[]) => {
  row(head);
  row(align);
};

const first = results[0]!;
const runNames = first.runs.map((r) => r.name);
say(`Machine: ${cpus().length} cores, load average ${loadStart} at the start, ${results.at(-1)!.loadAfter} at the end. Node ${process.versions.node}.`);
say();
say(
  `Account: ${first.apps} applications × ${first.instancesPerApp} instances = ${first.instances} instances, ${first.workloads} workloads (${Object.entries(first.workloadStatuses)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}; roles: ${Object.entries(first.roleModes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}), ${first.keyDecisions.deactivate ?? 0} of ${Object.values(first.keyDecisions).reduce((a, b) => a + b, 0)} keys to deactivate; plan steps: ${Object.entries(first.planSteps)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}. Preparation (in-process, not timed below): ${Object.entries(first.preparation)
    .map(([k, v]) => `${k} ${sec(v)}`)
    .join(', ')}.`,
);
say();

// wall time and speed-up
const reps = (c: number) => at(c).length;
say(`Wall time of each \`keyshift apply\` process (median of ${levels.map((c) => `${reps(c)} at ${c}`).join(', ')}):`);
say();
table(['run', ...levels.map((c) => `--concurrency ${c}`), `speed-up (${low} / ${high})`, 'outcomes', 'mutating calls (--json)'], ['---', ...levels.map(() => '---:'), '---:', '---', '---:']);
const wall = (c: number, i: number) => median(at(c).map((r) => r.runs[i]!.seconds));
const total = (c: number) => median(at(c).map((r) => r.runs.reduce((n, x) => n + x.seconds, 0)));
for (const [i, name] of runNames.entries()) {
  const outcomes = [...new Set(results.map((r) => `${r.runs[i]!.outcome} (exit ${r.runs[i]!.exitCode})`))].join(' / ');
  const calls = [...new Set(results.map((r) => r.runs[i]!.mutatingCalls))].join(' / ');
  row([name, ...levels.map((c) => sec(wall(c, i))), ratio(wall(low, i), wall(high, i)), outcomes, calls]);
}
row(['all three', ...levels.map((c) => sec(total(c))), ratio(total(low), total(high)), '', [...new Set(results.map((r) => r.runs.reduce((n, x) => n + x.mutatingCalls, 0)))].join(' / ')]);
say();

// where the time went
say(
  "Where the time of each run went (median): CPU seconds of keyshift's Node process, of the cutover payload processes it ran (`sh cutover.sh`, with the counting wrapper), of moto and of the driver process (the metadata emulator and the counting proxy); all CPU over wall time (the machine's cores are the ceiling); the mutating calls in flight on average (their time from intent to result record, summed, over the run's time in the journal); the IAM writes, when they went out (seconds after the run started, from the journal) and the most sent within one second; the least time the IAM rate limit allows for them (10 writes/s after a burst of 10).",
);
say();
table(['run', 'concurrency', 'wall', 'CPU keyshift', 'CPU payload', 'CPU moto', 'CPU driver', 'CPU / wall', 'calls in flight', 'IAM writes', 'first → last IAM write', 'most in 1 s', 'IAM floor', 'payload runs'], ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:']);
for (const [i, name] of runNames.entries()) {
  for (const c of levels) {
    const rs = at(c).map((r) => r.runs[i]!);
    const m = (f: (r: Run) => number) => median(rs.map(f));
    const cpu = m((r) => r.cpu.keyshift) + m((r) => r.cpu.payload) + m((r) => r.cpu.moto) + m((r) => r.cpu.driver);
    const iam = rs[0]!.iamWrites.count;
    const span = rs[0]!.iamWrites.first === null ? '' : `${sec(m((r) => r.iamWrites.first ?? 0))} → ${sec(m((r) => r.iamWrites.last ?? 0))}`;
    row([name, c, sec(m((r) => r.seconds)), sec(m((r) => r.cpu.keyshift)), sec(m((r) => r.cpu.payload)), sec(m((r) => r.cpu.moto)), sec(m((r) => r.cpu.driver)), fixed(cpu / m((r) => r.seconds)), fixed(m((r) => r.callsInFlight ?? 0)), iam, span, iam > 0 ? m((r) => r.iamWrites.maxInOneSecond) : '', iam > 10 ? sec((iam - 10) / 10) : '0 s', rs[0]!.payloadRuns]);
  }
}
say();

// every request, reads included
const requestTotal = (r: Run) => Object.values(r.requests).reduce((a, b) => a + b, 0);
const shown = at(high)[0]!;
const ops = [...new Set(shown.runs.flatMap((r) => Object.keys(r.requests)))].sort((a, b) => shown.runs.reduce((n, r) => n + (r.requests[b] ?? 0) - (r.requests[a] ?? 0), 0) || a.localeCompare(b));
say(
  `Every AWS request keyshift sent (reads, writes and retries, counted by the proxy in front of moto${first.simulator === 'stub' ? '; `iam:SimulatePrincipalPolicy` answered by the proxy' : ''}): ${levels
    .map((c) => `at --concurrency ${c}: ${at(c)[0]!.runs.map((r) => requestTotal(r)).join(' + ')} = ${at(c)[0]!.runs.reduce((n, r) => n + requestTotal(r), 0)}`)
    .join('; ')}. By operation, at --concurrency ${high}:`,
);
say();
table(['operation', ...runNames, 'per instance'], ['---', ...runNames.map(() => '---:'), '---:']);
for (const op of ops) row([`\`${op}\``, ...shown.runs.map((r) => r.requests[op] ?? 0), fixed(shown.runs.reduce((n, r) => n + (r.requests[op] ?? 0), 0) / shown.instances)]);
say();

// the calls, counted
const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const same = (f: (r: Result) => Record<string, unknown>) => new Set(results.map((r) => sorted(f(r)))).size === 1;
const byApi = first.journal.byApi;
const PER_INSTANCE = ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation', 'ec2:ModifyInstanceMetadataOptions'];
const apis = Object.keys(byApi).sort((a, b) => {
  const rank = (x: string) => (PER_INSTANCE.includes(x) ? 0 : x.startsWith('host:') ? 2 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
});
const sum = (pred: (api: string) => boolean) => apis.filter(pred).reduce((n, a) => n + byApi[a]!, 0);
const perInstance = sum((a) => PER_INSTANCE.includes(a));
const perWorkload = sum((a) => !PER_INSTANCE.includes(a) && !a.startsWith('host:'));
const host = sum((a) => a.startsWith('host:'));
const runsTotal = first.runs.reduce((n, x) => n + x.mutatingCalls, 0);
say(
  `Mutating calls, counted from the journal (one intent record per call sent; all three runs)${same((r) => r.journal.byApi) ? ', the same at every concurrency and repetition' : ': **they differ between runs**, first run shown'}; the journal's ${first.journal.intents} intents equal the runs' --json \`mutatingCalls\` summed (${runsTotal})${first.journal.intents === runsTotal ? '' : ' — **they do not**'}; ${first.journal.failedResults} failed:`,
);
say();
table(['API', 'calls', 'counted', `per instance (÷ ${first.instances})`, `per workload (÷ ${first.workloads})`], ['---', '---:', '---', '---:', '---:']);
for (const api of apis) {
  const n = byApi[api]!;
  if (PER_INSTANCE.includes(api)) row([`\`${api}\``, n, 'per instance', fixed(n / first.instances), '']);
  else if (api.startsWith('host:')) row([`\`${api}\``, n, 'host op (per instance)', fixed(n / first.instances), '']);
  else row([`\`${api}\``, n, 'per workload', '', fixed(n / first.workloads)]);
}
row(['**AWS, per instance**', perInstance, '', `**${fixed(perInstance / first.instances)}**`, '']);
row(['**AWS, per workload**', perWorkload, '', '', `**${fixed(perWorkload / first.workloads)}**`]);
row(['host ops (`host:*`)', host, '', fixed(host / first.instances), '']);
row(['all', first.journal.intents, '', '', '']);
say();
const hist = (h: Record<string, number>) =>
  Object.entries(h)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([calls, n]) => `${n} × ${calls}`)
    .join(', ');
say(`Spread (how many instances or workloads made how many calls): AWS per instance ${hist(first.spread.awsPerInstance)}; AWS per workload ${hist(first.spread.awsPerWorkload)}; host ops per instance ${hist(first.spread.hostOpsPerInstance)}; payload runs per instance ${hist(first.spread.payloadRunsPerInstance)}.`);
say();
say(
  `Host payload runs (each would be one \`ssm:SendCommand\`, a mutating call, with the SSM executor), by the ops each carried: ${Object.entries(
    first.runs.reduce<Record<string, number>>((m, r) => {
      for (const [k, v] of Object.entries(r.hostRuns)) m[k] = (m[k] ?? 0) + v;
      return m;
    }, {}),
  )
    .map(([k, v]) => `${v} \`${k}\``)
    .join(', ')} = ${first.runs.reduce((n, r) => n + r.payloadRuns, 0)}, ${fixed(first.runs.reduce((n, r) => n + r.payloadRuns, 0) / first.instances)} per instance.`,
);
say();

// targets
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const hiInstance = Math.max(...Object.keys(first.spread.awsPerInstance).map(Number));
const hiWorkload = Math.max(...Object.keys(first.spread.awsPerWorkload).map(Number));
table(['target', 'measured', 'met'], ['---', '---', '---']);
row(['≤ 2 mutating AWS calls per instance (association + metadata options)', `${fixed(perInstance / first.instances)} (${perInstance} / ${first.instances}; at most ${hiInstance} on any instance)`, met(hiInstance <= 2)]);
row(['≤ 10 mutating AWS calls per workload besides those', `${fixed(perWorkload / first.workloads)} (${perWorkload} / ${first.workloads}; at most ${hiWorkload} in any workload)`, met(hiWorkload <= 10)]);
row([`speed-up of --concurrency ${high} over ${low}, all three runs`, `${ratio(total(low), total(high))} (${sec(total(low))} → ${sec(total(high))})`, '(no number set)']);
say();
const ends = results.map((r) => r.endState);
const allDone = ends.every((e) => e.inactiveKeys === e.keys && e.keyshiftProfiles === e.instances && e.imdsv2Required === e.instances);
say(
  `End state on moto after run 3, every repetition: ${allDone ? 'all' : '**not all**'} keys inactive (${ends.map((e) => `${e.inactiveKeys}/${e.keys}`).join(', ')}), instances on keyshift's profiles (${ends.map((e) => `${e.keyshiftProfiles}/${e.instances}`).join(', ')}), IMDSv2 required (${ends.map((e) => `${e.imdsv2Required}/${e.instances}`).join(', ')}); synthetic secrets in output or journal: ${results.reduce((n, r) => n + r.secretsInOutput, 0)}; Elastic IPs given for clashing moto addresses: ${results.map((r) => r.elasticIpsForClashingAddresses).join(', ')}.`,
);
for (const r of results) for (const x of r.runs) if (x.stderrTail) say(`\nconcurrency ${r.concurrency}, ${x.name} ended ${x.exitCode}:\n\n\`\`\`\n${x.stderrTail}\n\`\`\``);
process.stdout.write(`${lines.join('\n')}\n`);
