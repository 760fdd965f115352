// The floor of the `keyshift usage` benchmark: read every CloudTrail log file under a folder,
// gunzip it and JSON.parse it, with no other work, and count the records. In one Node process
// (one thread: the floor), or split over N worker threads (`--workers N`, for reference:
// the most two cores can do before any real work).
//
//   node --experimental-strip-types bench/usage/floor.ts <dir> [--workers N]
//
// Prints one JSON line: files, events, gzipped and JSON bytes, seconds, events per second.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

interface Tally { files: number; events: number; gzBytes: number; jsonBytes: number }

function readAll(paths: string[]): Tally {
  const t: Tally = { files: 0, events: 0, gzBytes: 0, jsonBytes: 0 };
  for (const path of paths) {
    const raw = readFileSync(path);
    const json = path.endsWith('.gz') ? gunzipSync(raw) : raw;
    const doc = JSON.parse(json.toString('utf8')) as { Records?: unknown[] };
    t.files++;
    t.events += doc.Records?.length ?? 0;
    t.gzBytes += raw.length;
    t.jsonBytes += json.length;
  }
  return t;
}

if (!isMainThread) {
  parentPort?.postMessage(readAll(workerData as string[]));
} else {
  const args = process.argv.slice(2);
  let dir = '';
  let workers = 0; // 0: in this thread
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--workers') workers = Math.max(1, Number(args[++i]));
    else dir = args[i] ?? '';
  }
  if (!dir) {
    console.error('usage: floor.ts <dir> [--workers N]');
    process.exit(2);
  }
  const started = performance.now();
  // the log files (what keyshift reads): *.json.gz in name order; digests are not events
  const paths = (readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    .filter((p) => /\.json(?:\.gz)?$/.test(p) && !p.includes('CloudTrail-Digest'))
    .sort()
    .map((p) => join(dir, p));
  let total: Tally;
  if (workers === 0) total = readAll(paths);
  else {
    const parts: string[][] = Array.from({ length: workers }, () => []);
    paths.forEach((p, i) => parts[i % workers]?.push(p));
    const tallies = await Promise.all(parts.map((part) => new Promise<Tally>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: part });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    total = tallies.reduce((a, b) => ({ files: a.files + b.files, events: a.events + b.events, gzBytes: a.gzBytes + b.gzBytes, jsonBytes: a.jsonBytes + b.jsonBytes }));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...total, workers: workers || 1, seconds: Math.round(seconds * 1000) / 1000, eventsPerSecond: Math.round(total.events / seconds) }));
}
