// Where `keyshift plan`'s time and memory go, phase by phase, in one process: the same steps as
// the CLI (cli/commands/plan.ts: read the files, parseDocument = JSON.parse + zod, buildPlan,
// JSON.stringify with 2-space indent), from dist/, with the heap measured after each phase as
// left and after a full GC (what stays live), and the process's peak RSS so far.
//
//   node --expose-gc --experimental-strip-types bench/plan/phases.ts 10000
//
// Prints a Markdown table. Needs dist/ and bench/.work/plan/<N>/ (bench/plan/generate.ts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const n = process.argv[2] ?? '10000';
const dir = join(root, 'bench', '.work', 'plan', n);
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;
type Schema = { safeParse(x: unknown): { success: boolean; data?: unknown } };
const { InventoryDocument } = await load<{ InventoryDocument: Schema }>('src/model/inventory.js');
const { UsageDocument } = await load<{ UsageDocument: Schema }>('src/model/usage.js');
const { buildPlan, DEFAULT_PLAN_OPTIONS } = await load<{ buildPlan(input: unknown): Promise<unknown>; DEFAULT_PLAN_OPTIONS: unknown }>('src/plan/build-plan.js');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const MiB = (b: number): string => (b / 2 ** 20).toFixed(0);
const rows: string[] = [];
let t = performance.now();
const mark = (phase: string): void => {
  const ms = performance.now() - t;
  const before = process.memoryUsage();
  gc();
  const after = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  rows.push(`| ${phase} | ${(ms / 1000).toFixed(2)} s | ${MiB(before.heapUsed)} | ${MiB(after.heapUsed)} | ${MiB(after.external)} | ${MiB(before.rss)} | ${MiB(peak)} |`);
  t = performance.now();
};

mark('start (modules loaded)');
// as cli/commands/plan.ts does: per document, the text, JSON.parse, then the zod schema; the text
// and the raw object are garbage once parseDocument returns
const read = (name: string, schema: Schema): unknown => {
  let text: string | undefined = readFileSync(join(dir, `${name}.json`), 'utf8');
  mark(`${name}: read (${MiB(Buffer.byteLength(text))} MiB utf8 text)`);
  let raw: unknown = JSON.parse(text);
  mark(`${name}: JSON.parse (text + raw live)`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid ${name}`);
  mark(`${name}: zod safeParse (text + raw + parsed live)`);
  text = undefined;
  raw = undefined;
  mark(`${name}: text and raw dropped (parsed live)`);
  return parsed.data;
};
const inventory = read('inventory', InventoryDocument);
const usage = read('usage', UsageDocument);
const plan = await buildPlan({ inventory, usage, hostFindings: [], options: DEFAULT_PLAN_OPTIONS, inputs: { inventorySha256: 'a'.repeat(64), usageSha256: 'b'.repeat(64) } });
mark('buildPlan (inputs + plan live)');
const text = `${JSON.stringify(plan, null, 2)}\n`;
mark(`JSON.stringify(plan, null, 2): ${MiB(Buffer.byteLength(text))} MiB of text`);

console.log(`### keyshift plan, phase by phase, ${n} instances\n`);
console.log('| phase | time | heap used after (MiB) | heap used after GC | external after GC | RSS after | peak RSS so far |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
// keep everything alive to the end, so "after GC" is what each phase left behind
if ([inventory, usage, plan, text].some((x) => x === undefined)) console.log('');
