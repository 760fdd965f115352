#!/usr/bin/env bash
# The `keyshift apply` benchmark: a plan of 200 instances in 50 workloads carried out on moto by
# the real binary, through every phase (run 1 at t0, run 2 at t0+2d, run 3 at t0+4d), at
# --concurrency 1 and 8, each on a freshly started and seeded moto (bench/apply/drive.ts, which
# uses bench/apply/seed.ts). Prints a Markdown table (stdout; also bench/.work/apply/results.md):
# wall time per run and the speed-up, where the CPU went, the mutating calls by API counted from
# the journal, per instance and per workload, and the targets. Progress goes to stderr.
#
#   bash bench/apply/run.sh
#
# Environment: RUNS (repetitions of each concurrency, interleaved, medians reported; default 1:
# about 3 minutes in all, 1.5 per repetition), CONCURRENCIES (default "1 8"), APPS / PER_APP /
# SHARED_PROFILE_APPS (default 50 / 4 / 10), SIMULATOR (stub, the default: the proxy in front of
# moto answers iam:SimulatePrincipalPolicy, which moto lacks, at once; moto: pass it to moto,
# whose 500 the SDK retries for seconds per workload; results then go to
# bench/.work/apply-simulator-moto), NO_BUILD=1 (do not rebuild dist/ first).
# Exits non-zero only when the benchmark cannot run; missed targets are reported, not failed.
set -euo pipefail
RUNS="${RUNS:-1}"
CONCURRENCIES="${CONCURRENCIES:-1 8}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
SIMULATOR="${SIMULATOR:-stub}"
work="$root/bench/.work/apply"
[ "$SIMULATOR" = stub ] || work="$work-simulator-$SIMULATOR"
log() { echo "[bench apply] $*" >&2; }
die() { echo "bench apply: $*" >&2; exit 2; }

if [ "${NO_BUILD:-}" != 1 ]; then
  log "building dist/ (npx tsc -p tsconfig.build.json)"
  npx tsc -p tsconfig.build.json
fi
rm -rf "$work"
mkdir -p "$work"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
results=()
for ((i = 1; i <= RUNS; i++)); do
  for c in $CONCURRENCIES; do
    out="$work/run$i-c$c.json"
    log "repetition $i/$RUNS, --concurrency $c"
    node --experimental-strip-types bench/apply/drive.ts --concurrency "$c" --out "$out" \
      --apps "${APPS:-50}" --per-app "${PER_APP:-4}" --shared-profile-apps "${SHARED_PROFILE_APPS:-10}" --simulator "$SIMULATOR" \
      || die "the run at --concurrency $c failed"
    results+=("$out")
  done
done
node --experimental-strip-types bench/apply/summarize.ts "$load_start" "${results[@]}" | tee "$work/results.md"
