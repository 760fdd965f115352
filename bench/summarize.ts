// Turns the measurements of bench/run.sh into the Markdown table of bench/README.md.
//   node --experimental-strip-types bench/summarize.ts <work dir> <size> <keyshift ok: 1|0>
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [workDir = '', size = 'small', ksFlag = '0'] = process.argv.slice(2);
const benchDir = dirname(fileURLToPath(import.meta.url));
const ksOk = ksFlag === '1';

interface Planted { id: string; keyId: string; path: string; commit: string; atHead: boolean }
interface CorpusFacts { commits: number; uniqueBlobs: number; uniqueBlobBytes: number; headFiles: number; headBytes: number; planted: Planted[] }
interface KsStats { files: number; bytes: number; blobs: number; skipped: { binary: number; tooLarge: number } }
interface KsDocument { stats: KsStats; problems: unknown[]; findings: KsFinding[] }
interface KsFinding { rule: string; keyId?: string; location: { path?: string; git?: { commit: string } } }
interface GitleaksFinding { RuleID: string; Match: string; File: string; Commit: string }

const readJson = <T>(path: string): T | null => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as T : null);
const corpus = (s: string): CorpusFacts | null => readJson<CorpusFacts>(join(benchDir, 'corpus', `${s}.planted.json`));
const facts = corpus(size);
if (!facts) throw new Error(`no bench/corpus/${size}.planted.json`);

// ---- timings: median wall time, highest peak RSS over the runs ----
const runs = new Map<string, { wall: number[]; rssKiB: number[] }>();
for (const line of readFileSync(join(workDir, 'times.tsv'), 'utf8').split('\n')) {
  const [name, , wall, rss] = line.split('\t');
  if (!name || wall === undefined || rss === undefined) continue;
  const r = runs.get(name) ?? { wall: [], rssKiB: [] };
  r.wall.push(Number(wall));
  r.rssKiB.push(Number(rss));
  runs.set(name, r);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const wall = (name: string): number | null => { const r = runs.get(name); return r ? median(r.wall) : null; };
const rss = (name: string): number | null => { const r = runs.get(name); return r ? Math.max(...r.rssKiB) / 1024 : null; };
const count = (name: string): number => runs.get(name)?.wall.length ?? 0;
const sec = (x: number | null): string => (x === null ? 'n/a' : x < 10 ? `${x.toFixed(2)} s` : `${x.toFixed(1)} s`);
const mib = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
const ratio = (a: number | null, b: number | null): string => (a === null || b === null ? 'n/a' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x`);
const met = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'yes' : '**no**');
const version = (cmd: string, args: string[]): string => {
  try { return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '?'; } catch { return '?'; }
};

// ---- findings ----
const planted = facts.planted;
const ksHistoryDoc = ksOk ? readJson<KsDocument>(join(workDir, `ks-history-${size}.out`)) : null;
const ksHistory = ksHistoryDoc?.findings ?? null;
const ksAllDoc = ksOk ? readJson<KsDocument>(join(workDir, 'ks-history-all.out')) : null;
const ksTree = ksOk ? readJson<{ findings: KsFinding[] }>(join(workDir, 'ks-tree.out'))?.findings ?? null : null;
const gitleaks = readJson<GitleaksFinding[]>(join(workDir, 'gitleaks.json')) ?? [];
const glAws = gitleaks.filter((f) => f.RuleID === 'aws-access-token');
const keyIds = (fs: { keyId?: string | undefined }[]): Set<string> => new Set(fs.flatMap((f) => (f.keyId ? [f.keyId] : [])));
const glIds = new Set(glAws.map((f) => f.Match));
const ksIds = ksHistory ? keyIds(ksHistory) : null;
const ksTreeIds = ksTree ? keyIds(ksTree) : null;
const found = (ids: Set<string> | null, of: Planted[]): string =>
  (ids ? `${of.filter((p) => ids.has(p.keyId)).length}/${of.length}` : 'n/a');
const allFound = (ids: Set<string> | null, of: Planted[]): boolean | null => (ids ? of.every((p) => ids.has(p.keyId)) : null);
const examples = (ids: Set<string> | null): number | null => (ids ? [...ids].filter((id) => id.endsWith('EXAMPLE')).length : null);
const atHead = planted.filter((p) => p.atHead);
const firstCommitRight = ksHistory
  ? planted.filter((p) => ksHistory.some((f) => f.keyId === p.keyId && f.location.path === p.path && f.location.git?.commit === p.commit)).length
  : null;
const rgIds = existsSync(join(workDir, 'rg-tree-ids.txt'))
  ? readFileSync(join(workDir, 'rg-tree-ids.txt'), 'utf8').split('\n').filter(Boolean) : [];

// ---- the table ----
const ksH = wall(`ks-history-${size}`), gl = wall('gitleaks'), fl = wall('floor');
const ksT = wall('ks-tree'), rgT = wall('rg-tree');
const large = corpus('large'), small = corpus('small');
const rssLarge = rss('ks-history-large'), rssSmall = rss('ks-history-small');
const m = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const describe = (s: string, f: CorpusFacts | null): string => (f
  ? `\`${s}\`: ${f.commits} commits, ${f.uniqueBlobs} unique blobs, ${m(f.uniqueBlobBytes)} of blob content; HEAD ${f.headFiles} files, ${m(f.headBytes)}` : `\`${s}\`: not built`);

const out: string[] = [];
out.push(`### Corpus \`${size}\` — ${new Date().toISOString().slice(0, 10)}, 2 cores; wall time is the median of the runs, RSS the highest`, '');
out.push(`- ${describe('small', small)}`, `- ${describe('large', large)}`);
out.push(`- keyshift ${ksOk ? version('node', [join(benchDir, '..', 'bin', 'keyshift.js'), '--version']) : '(not runnable yet)'}, ` +
  `gitleaks ${version(join(benchDir, '.work', 'bin', 'gitleaks'), ['version'])}, ${version('rg', ['--version'])}, ${version('git', ['--version'])}, node ${process.version}`);
const load = (f: string): string => (existsSync(join(workDir, f)) ? readFileSync(join(workDir, f), 'utf8').trim() : '?');
out.push(`- load average (1, 5, 15 min) at the start: ${load('load-start')}, at the end: ${load('load-end')} (2 cores: above 0 means other work shared the machine)`, '');
out.push('| measure | runs | median wall | peak RSS | ratio | target | met |', '| --- | ---: | ---: | ---: | ---: | --- | --- |');
out.push(`| history: keyshift | ${count(`ks-history-${size}`)} | ${sec(ksH)} | ${mib(rss(`ks-history-${size}`))} | | | |`);
out.push(`| history: gitleaks | ${count('gitleaks')} | ${sec(gl)} | ${mib(rss('gitleaks'))} | gitleaks / keyshift = ${ratio(gl, ksH)} | keyshift ≥ 5x faster | ${met(ksH === null || gl === null ? null : gl / ksH >= 5)} |`);
out.push(`| history: keyshift, no size limit | ${count('ks-history-all')} | ${sec(wall('ks-history-all'))} | ${mib(rss('ks-history-all'))} | gitleaks / keyshift = ${ratio(gl, wall('ks-history-all'))} | (like for like) | |`);
out.push(`| floor: rev-list \\| cat-file --batch | ${count('floor')} | ${sec(fl)} | ${mib(rss('floor'))} | keyshift / floor = ${ratio(ksH, fl)} | ≤ 3x | ${met(ksH === null || fl === null ? null : ksH / fl <= 3)} |`);
out.push(`| floor vs keyshift, no size limit | | | | keyshift / floor = ${ratio(wall('ks-history-all'), fl)} | (like for like) | |`);
out.push(`| working tree: keyshift | ${count('ks-tree')} | ${sec(ksT)} | ${mib(rss('ks-tree'))} | | | |`);
out.push(`| working tree: ripgrep | ${count('rg-tree')} | ${sec(rgT)} | ${mib(rss('rg-tree'))} | keyshift / rg = ${ratio(ksT, rgT)} | ≤ 3x | ${met(ksT === null || rgT === null ? null : ksT / rgT <= 3)} |`);
out.push(`| peak RSS, keyshift history, small | ${count('ks-history-small')} | ${sec(wall('ks-history-small'))} | ${mib(rssSmall)} | | | |`);
out.push(`| peak RSS, keyshift history, large | ${count('ks-history-large')} | ${sec(wall('ks-history-large'))} | ${mib(rssLarge)} | large / small = ${ratio(rssLarge, rssSmall)} | < 300 MiB | ${met(rssLarge === null ? null : rssLarge < 300)} |`);
out.push(`| recall of planted keys, history | | ${found(ksIds, planted)} | | gitleaks: ${found(glIds, planted)} | 100% | ${met(allFound(ksIds, planted))} |`);
out.push(`| recall of planted keys at HEAD, working tree | | ${found(ksTreeIds, atHead)} | | rg: ${found(new Set(rgIds), atHead)} | 100% | ${met(allFound(ksTreeIds, atHead))} |`);
out.push(`| documentation examples reported (…EXAMPLE) | | ${examples(ksIds) ?? 'n/a'} history, ${examples(ksTreeIds) ?? 'n/a'} tree | | gitleaks: ${examples(glIds)}, rg: ${examples(new Set(rgIds))} | 0 | ${met(examples(ksIds) === null ? null : examples(ksIds) === 0 && examples(ksTreeIds) === 0)} |`);
out.push('');

const list = (xs: string[]): string => (xs.length === 0 ? 'none' : xs.slice(0, 8).join(', ') + (xs.length > 8 ? `, … (${xs.length})` : ''));
const byRule = new Map<string, number>();
for (const f of gitleaks) byRule.set(f.RuleID, (byRule.get(f.RuleID) ?? 0) + 1);
out.push('Findings agreement (history):', '');
out.push(`- gitleaks: ${gitleaks.length} findings in all (${[...byRule].map(([r, c]) => `${r} ${c}`).join(', ')}); ` +
  `AWS rule \`aws-access-token\`: ${glAws.length} findings, ${glIds.size} distinct key IDs, planted found ${found(glIds, planted)}.`);
if (ksHistory && ksIds) {
  const rules = new Map<string, number>();
  for (const f of ksHistory) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
  out.push(`- keyshift: ${ksHistory.length} findings (${[...rules].map(([r, c]) => `${r} ${c}`).join(', ')}), ${ksIds.size} distinct key IDs, ` +
    `planted found ${found(ksIds, planted)}, first-introducing commit right for ${firstCommitRight}/${planted.length}.`);
  out.push(`- key IDs found by both: ${[...glIds].filter((id) => ksIds.has(id)).length}; ` +
    `only gitleaks: ${list([...glIds].filter((id) => !ksIds.has(id)))}; only keyshift: ${list([...ksIds].filter((id) => !glIds.has(id)))}.`);
  const missed = planted.filter((p) => !ksIds.has(p.keyId));
  if (missed.length > 0) out.push(`- planted keys keyshift missed: ${missed.map((p) => `${p.id} (${p.path})`).join(', ')}.`);
  const stats = (d: KsDocument | null): string => (d
    ? `${d.stats.files} files + ${d.stats.blobs} blobs, ${m(d.stats.bytes)} scanned, ${d.stats.skipped.tooLarge} too large, ${d.stats.skipped.binary} binary, ${d.problems.length} problems` : 'n/a');
  out.push(`- keyshift stats: default (1 MiB file limit): ${stats(ksHistoryDoc)}; no size limit: ${stats(ksAllDoc)}; ` +
    `planted found with no size limit: ${found(ksAllDoc ? keyIds(ksAllDoc.findings) : null, planted)}, documentation examples: ${examples(ksAllDoc ? keyIds(ksAllDoc.findings) : null) ?? 'n/a'}.`);
} else {
  out.push('- keyshift: not measured (`keyshift scan repo` not runnable yet).');
}
out.push(`- ripgrep, key-ID pattern on the HEAD tree: ${rgIds.length} distinct matches, of which ${examples(new Set(rgIds))} documentation examples (the pattern alone cannot tell them apart).`);
console.log(out.join('\n'));
