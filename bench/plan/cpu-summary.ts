// Summarises a V8 profile (.cpuprofile from `node --cpu-prof`, or a sampling heap profile
// .heapprofile written by bench/plan/alloc-profile.ts): the functions with the most self and
// total (inclusive) time or bytes, as file:line function, and the share per project file.
//
//   node --experimental-strip-types bench/plan/cpu-summary.ts PROFILE [TOP]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
if (!file) {
  console.error('usage: cpu-summary.ts PROFILE [TOP]');
  process.exit(2);
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes?: CpuNode[]; samples?: number[]; timeDeltas?: number[]; head?: HeapNode };

// dist/ positions back to the TypeScript source, through dist's source maps
const maps = new Map<string, SourceMap | null>();
const sourceMap = (path: string): SourceMap | null => {
  if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null);
  return maps.get(path) ?? null;
};
const where = (f: CallFrame): string => {
  let url = f.url.replace(/^file:\/\//, '');
  let line = f.lineNumber + 1;
  const map = url.startsWith(join(root, 'dist')) ? sourceMap(url) : null;
  const entry = map?.findEntry(f.lineNumber, f.columnNumber);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    url = resolve(dirname(url), entry.originalSource.replace(/^file:\/\//, ''));
    line = entry.originalLine + 1;
  }
  if (url.startsWith(root)) url = relative(root, url);
  else if (url.includes('node_modules/')) url = url.slice(url.lastIndexOf('node_modules/') + 13);
  return url === '' ? `(${f.functionName || 'native'})` : `${url}:${line} ${f.functionName || '(anonymous)'}`;
};
const fileOf = (label: string): string => label.split(':')[0] ?? label;

/** Weighted stacks: each an array of frame labels from root to leaf, and its weight. */
const stacks: { frames: string[]; weight: number }[] = [];
let unit = 'ms';
if (profile.nodes && profile.samples && profile.timeDeltas) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    const hit = cache.get(id);
    if (hit) return hit;
    const p = parent.get(id);
    const node = byId.get(id);
    const frames = [...(p === undefined ? [] : stackOf(p)), ...(node ? [where(node.callFrame)] : [])];
    cache.set(id, frames);
    return frames;
  };
  profile.samples.forEach((id, i) => stacks.push({ frames: stackOf(id), weight: (profile.timeDeltas?.[i] ?? 0) / 1000 }));
} else if (profile.head) {
  unit = 'MiB';
  const walk = (n: HeapNode, path: string[]): void => {
    const frames = [...path, where(n.callFrame)];
    if (n.selfSize > 0) stacks.push({ frames, weight: n.selfSize / 2 ** 20 });
    for (const c of n.children) walk(c, frames);
  };
  walk(profile.head, []);
} else throw new Error(`${file}: neither a .cpuprofile nor a .heapprofile`);

const total = stacks.reduce((n, s) => n + s.weight, 0);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const fileSelf = new Map<string, number>();
for (const s of stacks) {
  const leaf = s.frames.at(-1) ?? '(root)';
  self.set(leaf, (self.get(leaf) ?? 0) + s.weight);
  fileSelf.set(fileOf(leaf), (fileSelf.get(fileOf(leaf)) ?? 0) + s.weight);
  for (const f of new Set(s.frames)) inclusive.set(f, (inclusive.get(f) ?? 0) + s.weight);
}
const pct = (x: number): string => `${((100 * x) / total).toFixed(1)}%`;
const fmt = (x: number): string => (unit === 'ms' ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} MiB`);
const table = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true): void => {
  console.log(`\n${title}\n\n| ${unit === 'ms' ? 'time' : 'allocated'} | share | where |\n| ---: | ---: | --- |`);
  for (const [k, v] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${fmt(v)} | ${pct(v)} | \`${k}\` |`);
};
console.log(`${file}: ${fmt(total)} in all`);
table('Self, by function', self);
table('Total (inclusive), project functions', inclusive, (k) => /^(src|cli)\//.test(k));
table('Self, by file', fileSelf);
