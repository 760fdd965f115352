// Where `keyshift plan` allocates its memory: runs the real CLI (dist/cli/main.js) in this process
// under V8's sampling heap profiler, counting objects later collected by minor and major GCs too,
// so garbage that drives the peak RSS shows up, not only what is live at the end. Writes a
// .heapprofile (Chrome DevTools format; summarise with bench/plan/cpu-summary.ts).
//
//   node --experimental-strip-types bench/plan/alloc-profile.ts N OUT.heapprofile > /dev/null
//
// The plan goes to stdout (send it to /dev/null as above); progress and warnings to stderr.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [n = '10000', out = join(root, 'bench', '.work', 'plan', 'prof', `alloc-${n}.heapprofile`)] = process.argv.slice(2);
const dir = join(root, 'bench', '.work', 'plan', n);
const { main } = (await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href)) as { main(argv: string[]): Promise<number> };

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 32 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const code = await main([process.execPath, join(root, 'bin', 'keyshift.js'), 'plan', '--inventory', join(dir, 'inventory.json'), '--usage', join(dir, 'usage.json')]);
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
process.stderr.write(`[bench plan] keyshift plan exited ${code}; allocation profile in ${out}\n`);
