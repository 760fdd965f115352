#!/usr/bin/env bash
# The `keyshift plan` benchmark: plans for 1,000 and 10,000 instances (500 and 5,000 keys with
# realistic usage, from bench/plan/generate.ts), each timed RUNS times, and prints a Markdown
# table (stdout; also bench/.work/plan/results.md): median wall time, the 10,000 / 1,000 ratio
# (target <= 12), the highest peak RSS (target < 500 MiB at 10,000), and what was planned.
# Progress goes to stderr.
#
#   bash bench/plan/run.sh
#
# Environment: RUNS (timed runs per size, median reported; default 3), SIZES (default
# "1000 10000"; the ratio needs both), NO_BUILD=1 (do not rebuild dist/ first).
# The plan goes to stdout and stdout to /dev/null. Not `-o /dev/null`: --output writes a
# temporary file next to the target and renames it over the target, which as root replaces the
# /dev/null device with a regular file (see bench/README.md, "keyshift plan").
# Exits non-zero only when the benchmark cannot run; missed targets are reported, not failed.
set -euo pipefail
RUNS="${RUNS:-3}"
SIZES="${SIZES:-1000 10000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
work="$root/bench/.work/plan"
log() { echo "[bench plan] $*" >&2; }
die() { echo "bench plan: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package: time)"

if [ "${NO_BUILD:-}" != 1 ]; then
  log "building dist/ (npx tsc -p tsconfig.build.json)"
  npx tsc -p tsconfig.build.json
fi
log "generating the inputs (deterministic): $SIZES"
# shellcheck disable=SC2086
node --experimental-strip-types bench/plan/generate.ts $SIZES
mkdir -p "$work"
times="$work/times.tsv" # size, run, wall seconds, max RSS KiB
: > "$times"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

for n in $SIZES; do
  in="$work/$n"
  for ((i = 1; i <= RUNS; i++)); do
    rc=0
    /usr/bin/time -f '%e %M' -o "$work/time.out" \
      node bin/keyshift.js plan --inventory "$in/inventory.json" --usage "$in/usage.json" > /dev/null 2> "$work/plan-$n.err" || rc=$?
    [ "$rc" = 0 ] || die "keyshift plan failed at $n instances (exit $rc): $(tail -5 "$work/plan-$n.err")"
    read -r wall rss < <(tail -1 "$work/time.out")
    printf '%s\t%s\t%s\t%s\n' "$n" "$i" "$wall" "$rss" >> "$times"
    log "$n instances, run $i/$RUNS: ${wall} s, peak RSS $((rss / 1024)) MiB"
  done
  # one more run, untimed, keeping the plan to count what was planned
  node bin/keyshift.js plan --inventory "$in/inventory.json" --usage "$in/usage.json" > "$in/plan.json" 2> /dev/null
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

node - "$work" "$times" "$SIZES" "$RUNS" "$load_start" "$load_end" <<'EOF' | tee "$work/results.md"
const fs = require('node:fs');
const [work, timesFile, sizesText, runs, loadStart, loadEnd] = process.argv.slice(2);
const sizes = sizesText.split(/\s+/).filter(Boolean);
const rows = fs.readFileSync(timesFile, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stat = {};
for (const n of sizes) {
  const mine = rows.filter((r) => r[0] === n);
  const plan = JSON.parse(fs.readFileSync(`${work}/${n}/plan.json`, 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(`${work}/${n}/manifest.json`, 'utf8'));
  const count = (xs, f) => xs.reduce((m, x) => ((m[f(x)] = (m[f(x)] ?? 0) + 1), m), {});
  stat[n] = {
    wall: median(mine.map((r) => Number(r[2]))),
    walls: mine.map((r) => Number(r[2]).toFixed(2)).join(', '),
    rss: Math.max(...mine.map((r) => Number(r[3]))) / 1024,
    manifest,
    workloads: plan.workloads.length,
    status: count(plan.workloads, (w) => w.status),
    steps: plan.workloads.reduce((a, w) => a + w.steps.length, 0),
    policies: plan.workloads.reduce((a, w) => a + w.policies.length, 0),
    statements: plan.workloads.reduce((a, w) => a + w.policies.reduce((b, p) => b + p.statements.length, 0), 0),
    lint: plan.workloads.reduce((a, w) => a + w.lint.length, 0),
    decisions: count(plan.keys, (k) => k.decision),
    unattributed: plan.unattributed.length,
    planMiB: fs.statSync(`${work}/${n}/plan.json`).size / 2 ** 20,
  };
}
const mib = (b) => (b / 2 ** 20).toFixed(1);
const out = [];
out.push(`keyshift plan, ${runs} runs per size; load average ${loadStart} at the start, ${loadEnd} at the end (${require('node:os').cpus().length} cores)`, '');
out.push('| instances | keys (with usage) | units (with keys) | inventory + usage | median wall (runs) | peak RSS | workloads planned (ready / blocked / export-only) | steps | policies (statements) | lint findings | keys: deactivate / needs confirmation / blocked / report-only | plan.json |');
out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes) {
  const s = stat[n];
  const m = s.manifest;
  const d = s.decisions;
  out.push(`| ${Number(n).toLocaleString('en')} | ${m.accessKeys.toLocaleString('en')} (${m.usageKeys.toLocaleString('en')}) | ${m.deploymentUnits.toLocaleString('en')} (${m.unitsWithKeys.toLocaleString('en')}) | ${mib(m.inventoryBytes)} + ${mib(m.usageBytes)} MiB | ${s.wall.toFixed(2)} s (${s.walls}) | ${s.rss.toFixed(0)} MiB | ${s.workloads.toLocaleString('en')} (${s.status.ready ?? 0} / ${s.status.blocked ?? 0} / ${s.status['export-only'] ?? 0}) | ${s.steps.toLocaleString('en')} | ${s.policies.toLocaleString('en')} (${s.statements.toLocaleString('en')}) | ${s.lint} | ${d.deactivate ?? 0} / ${d['needs-confirmation'] ?? 0} / ${d.blocked ?? 0} / ${d['report-only'] ?? 0} | ${s.planMiB.toFixed(1)} MiB |`);
}
out.push('');
const [a, b] = [sizes[0], sizes.at(-1)];
if (sizes.length >= 2 && stat[a] && stat[b]) {
  const ratio = stat[b].wall / stat[a].wall;
  const big = stat[b].rss;
  out.push('| target | measured | met |', '| --- | --- | --- |');
  out.push(`| time ${Number(b).toLocaleString('en')} / ${Number(a).toLocaleString('en')} instances ≤ 12 (near-linear) | ${ratio.toFixed(1)} (${stat[b].wall.toFixed(2)} s / ${stat[a].wall.toFixed(2)} s) | ${ratio <= 12 ? 'yes' : '**no**'} |`);
  out.push(`| peak RSS at ${Number(b).toLocaleString('en')} instances < 500 MiB | ${big.toFixed(0)} MiB | ${big < 500 ? 'yes' : '**no**'} |`);
}
console.log(out.join('\n'));
EOF
