// Turns the measurements of bench/usage/run.sh into the Markdown tables of bench/README.md.
//   node --experimental-strip-types bench/usage/summarize.ts <work dir> <keyshift ok: 1|0> "<sizes>" "<trailscraper sizes>"
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [workDir = '', ksFlag = '0', sizesArg = 'small large', tsSizesArg = 'small'] = process.argv.slice(2);
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(benchDir, '..');
const ksOk = ksFlag === '1';
const sizes = sizesArg.split(/\s+/).filter(Boolean);
const tsSizes = tsSizesArg.split(/\s+/).filter(Boolean);

interface Manifest { size: string; since: string; until: string; files: number; events: number; gzBytes: number; jsonBytes: number; truth: Record<string, string[]> }
interface ActionUse { action: string }
interface UsageDoc { sources: { events: number; files: number }[]; skipped: Record<string, number>; keys: { actions: ActionUse[]; denied: ActionUse[]; sessions?: { actions: ActionUse[]; denied: ActionUse[] }[] }[] }
interface Policy { Statement: { Action: string | string[] }[] }

const readJson = <T>(path: string): T | null => {
  if (!existsSync(path)) return null;
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch { return null; }
};
const manifest = (s: string): Manifest => {
  const m = readJson<Manifest>(join(benchDir, 'corpus', `usage-${s}.manifest.json`));
  if (!m) throw new Error(`no bench/corpus/usage-${s}.manifest.json`);
  return m;
};

// ---- timings: median wall time, highest peak RSS over the runs
interface Runs { wall: number[]; rssKiB: number[]; stopped: boolean }
const runs = new Map<string, Runs>();
for (const line of readFileSync(join(workDir, 'times.tsv'), 'utf8').split('\n')) {
  const [name, size, , wall, rss, status] = line.split('\t');
  if (!name || !size || wall === undefined) continue;
  const k = `${name}/${size}`;
  const r = runs.get(k) ?? { wall: [], rssKiB: [], stopped: false };
  r.wall.push(Number(wall));
  if (rss) r.rssKiB.push(Number(rss));
  if (status === 'stopped') r.stopped = true;
  runs.set(k, r);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const get = (name: string, size: string) => runs.get(`${name}/${size}`);
const wall = (name: string, size: string): number | null => { const r = get(name, size); return r && !r.stopped ? median(r.wall) : null; };
const rss = (name: string, size: string): number | null => { const r = get(name, size); return r && r.rssKiB.length ? Math.max(...r.rssKiB) / 1024 : null; };
const sec = (x: number | null): string => (x === null ? 'n/a' : x < 10 ? `${x.toFixed(2)} s` : `${x.toFixed(1)} s`);
const mib = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ratio = (a: number | null, b: number | null): string => (a === null || b === null ? 'n/a' : `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}x`);
const met = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'yes' : '**no**');
const version = (cmd: string, args: string[]): string => {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim() ?? '?'; } catch { return '?'; }
};

const out: string[] = [];
const load = (f: string) => (existsSync(join(workDir, f)) ? readFileSync(join(workDir, f), 'utf8').trim() : '?');
out.push(`Machine: ${version('nproc', [])} cores, load average ${load('load-start')} at the start, ${load('load-end')} at the end. ` +
  `Node ${process.versions.node}; keyshift ${ksOk ? version('node', [join(root, 'bin/keyshift.js'), '--version']) : 'n/a'}; ` +
  `${version(join(benchDir, '.work/trailscraper-venv/bin/trailscraper'), ['--version'])} (${version(join(benchDir, '.work/trailscraper-venv/bin/python'), ['--version'])}).`);
out.push('');
out.push('| measure | corpus | runs | median wall | events/s | peak RSS | ratio | target | met |');
out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
const count = (name: string, size: string) => get(name, size)?.wall.length ?? 0;
const eps = (events: number, w: number | null) => (w === null ? 'n/a' : int(events / w));
for (const s of sizes) {
  const m = manifest(s);
  const label = `${s} (${(m.events / 1e6).toFixed(2)} M events, ${int(m.files)} files)`;
  const f1 = wall('floor-1', s), f2 = wall('floor-2', s), k1 = ksOk ? wall('ks-1', s) : null, k2 = ksOk ? wall('ks-2', s) : null;
  out.push(`| floor: gunzip + JSON.parse, 1 thread (\`taskset -c 0\`) | ${label} | ${count('floor-1', s)} | ${sec(f1)} | ${eps(m.events, f1)} | ${mib(rss('floor-1', s))} | | | |`);
  out.push(`| floor, 2 worker threads | ${s} | ${count('floor-2', s)} | ${sec(f2)} | ${eps(m.events, f2)} | ${mib(rss('floor-2', s))} | floor 1 / floor 2 = ${ratio(f1, f2)} | (reference) | |`);
  out.push(`| keyshift usage, 1 core (\`taskset -c 0\`) | ${s} | ${count('ks-1', s)} | ${sec(k1)} | ${eps(m.events, k1)} | ${mib(ksOk ? rss('ks-1', s) : null)} | keyshift / floor = ${ratio(k1, f1)} | ≤ 1.5x the floor | ${met(k1 === null || f1 === null ? null : k1 <= 1.5 * f1)} |`);
  out.push(`| keyshift usage, 2 cores | ${s} | ${count('ks-2', s)} | ${sec(k2)} | ${eps(m.events, k2)} | ${mib(ksOk ? rss('ks-2', s) : null)} | keyshift / floor = ${ratio(k2, f1)} | < 1x: faster than the floor | ${met(k2 === null || f1 === null ? null : k2 < f1)} |`);
  if (tsSizes.includes(s)) {
    const r = get('ts', s);
    const t = wall('ts', s);
    const shown = r?.stopped ? `> ${sec(Math.max(...r.wall))} (stopped)` : sec(t);
    const tt = t ?? (r?.stopped ? Math.max(...r.wall) : null);
    const k = k2 ?? k1;
    out.push(`| trailscraper select \\| generate | ${s} | ${r?.wall.length ?? 0} | ${shown} | ${r?.stopped ? `< ${eps(m.events, tt)}` : eps(m.events, t)} | ${mib(rss('ts', s))} (largest process) | trailscraper / keyshift = ${r?.stopped ? '> ' : ''}${ratio(tt, k)} | keyshift ≥ 10x faster | ${met(tt === null || k === null ? null : tt >= 10 * k)} |`);
  }
}
{ // one day of the small corpus: the same events for both (keyshift reports how many it read)
  const day = load('day');
  const doc = readJson<UsageDoc>(join(workDir, 'ks-day-small.out'));
  const events = doc ? doc.sources.reduce((x, y) => x + y.events, 0) : null;
  const kd = wall('ks-day', 'small'), r = get('ts-day', 'small'), td = wall('ts-day', 'small');
  if (get('ks-day', 'small') || r) {
    const n = events === null ? 'n/a' : int(events);
    out.push(`| keyshift usage, one day (\`--since\`/\`--until\` ${day.replace(' ', ' … ')}) | small, one day (${n} events) | ${get('ks-day', 'small')?.wall.length ?? 0} | ${sec(kd)} | ${events === null ? 'n/a' : eps(events, kd)} | ${mib(rss('ks-day', 'small'))} | | | |`);
    out.push(`| trailscraper, the same day (\`--from\`/\`--to\`) | small, one day | ${r?.wall.length ?? 0} | ${r?.stopped ? 'stopped' : sec(td)} | ${events === null ? 'n/a' : eps(events, td)} | ${mib(rss('ts-day', 'small'))} | trailscraper / keyshift = ${ratio(td, kd)} | keyshift ≥ 10x faster | ${met(td === null || kd === null ? null : td >= 10 * kd)} |`);
  }
}
if (sizes.includes('small') && sizes.includes('large')) {
  const a = ksOk ? rss('ks-2', 'small') : null, b = ksOk ? rss('ks-2', 'large') : null;
  const grow = manifest('large').events / manifest('small').events;
  out.push(`| peak RSS, keyshift usage (2 cores), small → large | ${grow.toFixed(1)}x the events | | | | ${mib(a)} → ${mib(b)} | | < 500 MiB at large | ${met(b === null ? null : b < 500)} |`);
  out.push(`| peak RSS growth, small → large | | | | | | large / small = ${ratio(b, a)} | not growing: ≤ 1.25x | ${met(a === null || b === null ? null : b / a <= 1.25)} |`);
  const fa = rss('floor-1', 'small'), fb = rss('floor-1', 'large');
  out.push(`| (reference) peak RSS of the floor, 1 thread, small → large | (files 4x bigger) | | | | ${mib(fa)} → ${mib(fb)} | large / small = ${ratio(fb, fa)} | | |`);
}
if (sizes.includes('large') && get('ks-week', 'large')) {
  // the same files sizes as the whole of large, a quarter of the events
  const doc = readJson<UsageDoc>(join(workDir, 'ks-week-large.out'));
  const events = doc ? doc.sources.reduce((x, y) => x + y.events, 0) : null;
  const w = rss('ks-week', 'large'), b = ksOk ? rss('ks-2', 'large') : null;
  const grow = events === null ? 'n/a' : `${(manifest('large').events / events).toFixed(1)}x`;
  out.push(`| peak RSS, keyshift usage (2 cores), one week of large → all of large | ${grow} the events (${events === null ? 'n/a' : int(events)} → ${int(manifest('large').events)}), the same files | ${get('ks-week', 'large')?.wall.length ?? 0} | ${sec(wall('ks-week', 'large'))} | | ${mib(w)} → ${mib(b)} | all / week = ${ratio(b, w)} | not growing with the events: ≤ 1.25x | ${met(w === null || b === null ? null : b / w <= 1.25)} |`);
}

// ---- actions found
const actionsOf = (doc: UsageDoc) => {
  const allowed = new Set<string>(), denied = new Set<string>();
  for (const k of doc.keys) {
    for (const u of [k, ...(k.sessions ?? [])]) {
      for (const a of u.actions) allowed.add(a.action);
      for (const a of u.denied) denied.add(a.action);
    }
  }
  return { allowed, denied };
};
const list = (xs: Iterable<string>, max = 12): string => {
  const a = [...xs].sort();
  if (a.length === 0) return 'none';
  return a.slice(0, max).map((x) => `\`${x}\``).join(', ') + (a.length > max ? `, … (${a.length} in all)` : '');
};
const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));
const inter = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => b.has(x)));
out.push('');
out.push('Actions found (IAM actions, `service:Action`):');
out.push('');
for (const s of sizes) {
  const m = manifest(s);
  const truthKeys = new Set(m.truth.keys ?? []), truthDenied = new Set(m.truth.keysDenied ?? []);
  const truthOther = new Set([...(m.truth.other ?? []), ...(m.truth.otherDenied ?? [])]);
  const truthAll = new Set([...truthKeys, ...truthDenied, ...truthOther]);
  out.push(`- **${s}**, ground truth (from the generator): the 50 keys and the temporary keys they obtained used ${truthKeys.size} actions and were refused ${truthDenied.size}; ` +
    `principals without a long-term key (instance profiles, AWS services, console sessions) used ${truthOther.size}, of which ${minus(truthOther, new Set([...truthKeys, ...truthDenied])).size} no key used.`);
  const doc = ksOk ? readJson<UsageDoc>(join(workDir, `ks-2-${s}.out`)) : null;
  let ks: { allowed: Set<string>; denied: Set<string> } | null = null;
  if (doc) {
    ks = actionsOf(doc);
    const read = doc.sources.reduce((a, x) => a + x.events, 0);
    out.push(`  - keyshift: read ${int(read)} of ${int(m.events)} events (skipped: ${JSON.stringify(doc.skipped)}); ${ks.allowed.size} actions used, ${ks.denied.size} refused. ` +
      `Used vs truth: ${inter(ks.allowed, truthKeys).size}/${truthKeys.size} found, missing ${list(minus(truthKeys, ks.allowed))}, extra ${list(minus(ks.allowed, truthKeys))}. ` +
      `Refused vs truth: ${inter(ks.denied, truthDenied).size}/${truthDenied.size}, missing ${list(minus(truthDenied, ks.denied))}, extra ${list(minus(ks.denied, truthDenied))}.`);
  } else out.push('  - keyshift: n/a');
  if (!tsSizes.includes(s)) continue;
  const policy = readJson<Policy>(join(workDir, `ts-${s}.out`));
  if (!policy) { out.push(`  - trailscraper: n/a (no policy: ${get('ts', s)?.stopped ? 'stopped' : 'not run or failed'})`); continue; }
  const ts = new Set(policy.Statement.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])));
  out.push(`  - trailscraper: ${ts.size} actions in its policy (it counts refused calls as allowed and reads every principal). ` +
    `Of the ground truth (all principals, used or refused: ${truthAll.size}): ${inter(ts, truthAll).size} found, missing ${list(minus(truthAll, ts))}; ` +
    `names that are no action in the truth (wrong mapping or no permission needed): ${list(minus(ts, truthAll))}.`);
  if (ks) {
    const ksAll = new Set([...ks.allowed, ...ks.denied]);
    const onlyTs = minus(ts, ksAll);
    out.push(`  - both: ${inter(ts, ksAll).size} actions found by both (keyshift used ∪ refused vs trailscraper); only keyshift: ${list(minus(ksAll, ts))}; ` +
      `only trailscraper: ${onlyTs.size}, of which used only by principals without a long-term key (keyshift reports keys): ${list(inter(onlyTs, minus(truthOther, new Set([...truthKeys, ...truthDenied]))))}; ` +
      `the rest: ${list(minus(onlyTs, truthOther))}.`);
  }
}
{ // the one-day slice: keyshift vs trailscraper on the same events (no ground truth per day)
  const doc = readJson<UsageDoc>(join(workDir, 'ks-day-small.out'));
  const policy = readJson<Policy>(join(workDir, 'ts-day-small.out'));
  if (doc && policy) {
    const ks = actionsOf(doc);
    const ksAll = new Set([...ks.allowed, ...ks.denied]);
    const ts = new Set(policy.Statement.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])));
    out.push(`- **one day of small** (${load('day').replace(' ', ' … ')}): keyshift ${ks.allowed.size} used + ${ks.denied.size} refused, trailscraper ${ts.size}; ` +
      `found by both ${inter(ts, ksAll).size}; only keyshift: ${list(minus(ksAll, ts))}; only trailscraper: ${list(minus(ts, ksAll))}.`);
  }
}
console.log(out.join('\n'));
