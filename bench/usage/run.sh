#!/usr/bin/env bash
# The `keyshift usage` benchmark: one run, on the generated CloudTrail corpora, of
#   - keyshift usage (events/s; on one core with taskset, and unpinned on both cores)
#   - the floor: gunzip + JSON.parse of the same files, one thread and 2 worker threads
#   - trailscraper select | trailscraper generate (events/s, actions found, compared with keyshift),
#     on whole corpora and on one day of the small one (its time grows faster than linearly)
#   - keyshift's peak RSS at the small and the large corpus
# and prints a Markdown table (stdout; also bench/.work/usage-run/results.md) to paste into
# bench/README.md. Progress goes to stderr.
#
#   bash bench/usage/run.sh
#
# Environment: RUNS (timed runs per command, median reported; default 3), SIZES (corpora
# measured; default "small large"), TS_SIZES (corpora trailscraper runs on; default "small":
# trailscraper holds every record in memory, ≈ 4.5 GB per 0.5 M events, so large needs ≈ 20 GB),
# TS_RUNS (default RUNS), TS_TIMEOUT (seconds before a trailscraper run is stopped; default
# 7200), DAY (the day of the one-day slice; default 2026-10-06, a Tuesday), NO_BUILD=1 (do not
# rebuild dist/ first).
# Needs: the corpora (node --experimental-strip-types bench/usage/generate-corpus.ts) and
# trailscraper (bash bench/usage/install-trailscraper.sh). Exits non-zero only when the benchmark
# itself cannot run; missed targets are reported, and keyshift's cells say n/a when
# `keyshift usage` does not run yet.
set -euo pipefail
RUNS="${RUNS:-3}"
SIZES="${SIZES:-small large}"
TS_SIZES="${TS_SIZES-small}"
TS_RUNS="${TS_RUNS:-$RUNS}"
TS_TIMEOUT="${TS_TIMEOUT:-7200}"
DAY="${DAY:-2026-10-06}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
bench="$root/bench"
work="$bench/.work/usage-run"
trailscraper="$bench/.work/trailscraper-venv/bin/trailscraper"
log() { echo "[bench usage] $*" >&2; }
die() { echo "bench usage: $*" >&2; exit 2; }

for s in $SIZES $TS_SIZES; do
  [ -d "$bench/corpus/usage-$s/AWSLogs" ] && [ -f "$bench/corpus/usage-$s.manifest.json" ] \
    || die "no corpus usage-$s: run node --experimental-strip-types bench/usage/generate-corpus.ts $s"
done
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package: time)"
command -v taskset >/dev/null || die "needs taskset (Debian package: util-linux)"
rm -rf "$work" && mkdir -p "$work"
times="$work/times.tsv" # name, size, run, wall seconds, max RSS KiB, status
: > "$times"
cut -d" " -f1-3 /proc/loadavg > "$work/load-start" # other work on the machine skews the timings

# measure NAME SIZE N CMD... : runs CMD N times (stdout to $work/NAME-SIZE.out, stderr to .err),
# recording wall time and peak RSS. Exit codes 0 and 6 (keyshift: done, some input skipped) are
# success; 124 (timeout) is recorded as "stopped".
measure() {
  local name="$1" size="$2" n="$3" i t0 t1 rc status
  shift 3
  for ((i = 1; i <= n; i++)); do
    t0=$EPOCHREALTIME
    rc=0
    /usr/bin/time -f '%M' -o "$work/$name-$size.rss" "$@" > "$work/$name-$size.out" 2> "$work/$name-$size.err" || rc=$?
    t1=$EPOCHREALTIME
    status=ok
    if [ "$rc" = 124 ]; then status=stopped
    elif [ "$rc" != 0 ] && [ "$rc" != 6 ]; then
      log "$name on $size failed (exit $rc):"; tail -5 "$work/$name-$size.err" >&2
      return 1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$i" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
      "$(grep -E '^[0-9]+$' "$work/$name-$size.rss" | tail -1)" "$status" >> "$times"
    log "$name on $size, run $i/$n: $(tail -1 "$times" | cut -f4) s ($status)"
    [ "$status" = stopped ] && break
  done
  return 0
}

# keyshift: build dist/ and check that `usage` runs at all; without it the rest is still measured.
keyshift=(node "$root/bin/keyshift.js")
ks_ok=1
if [ "${NO_BUILD:-}" != 1 ]; then
  log "building keyshift (npx tsc -p tsconfig.build.json)"
  npx tsc -p tsconfig.build.json > "$work/build.log" 2>&1 || { log "keyshift build failed (see $work/build.log)"; ks_ok=0; }
fi
if [ "$ks_ok" = 1 ] && ! "${keyshift[@]}" usage --help > /dev/null 2>&1; then
  log "keyshift usage does not exist yet: its cells say n/a"; ks_ok=0
fi

for s in $SIZES; do
  dir="$bench/corpus/usage-$s"
  log "corpus $dir: $RUNS runs each"
  measure floor-1 "$s" "$RUNS" taskset -c 0 node --experimental-strip-types "$bench/usage/floor.ts" "$dir"
  measure floor-2 "$s" "$RUNS" node --experimental-strip-types "$bench/usage/floor.ts" "$dir" --workers 2
  if [ "$ks_ok" = 1 ]; then
    measure ks-1 "$s" "$RUNS" taskset -c 0 "${keyshift[@]}" usage --from "$dir" --json \
      && measure ks-2 "$s" "$RUNS" "${keyshift[@]}" usage --from "$dir" --json \
      || { log "keyshift usage failed on $s: its cells say n/a"; ks_ok=0; }
  fi
done

# one week of the large corpus (2 cores): the same files sizes as the whole of it, a quarter of the
# events, so the peak RSS of the two shows whether memory grows with the number of events
if [ "$ks_ok" = 1 ] && [[ " $SIZES " == *" large "* ]]; then
  measure ks-week large "$RUNS" "${keyshift[@]}" usage --from "$bench/corpus/usage-large" --since "${WEEK:-2026-10-05}T00:00:00Z" --until "$(node -p "new Date(Date.parse('${WEEK:-2026-10-05}T00:00:00Z') + 7 * 864e5).toISOString().slice(0, 10)")T00:00:00Z" --json || true
fi

# one day of the small corpus, the same for both: keyshift --since/--until, trailscraper --from/--to
day_end=$(node -p "new Date(Date.parse('${DAY}T00:00:00Z') + 864e5).toISOString().slice(0, 10)")
echo "$DAY $day_end" > "$work/day"
if [ "$ks_ok" = 1 ]; then
  measure ks-day small "$RUNS" "${keyshift[@]}" usage --from "$bench/corpus/usage-small" --since "${DAY}T00:00:00Z" --until "${day_end}T00:00:00Z" --json || true
fi
if [ -x "$trailscraper" ]; then
  log "trailscraper on one day of small ($DAY): $TS_RUNS run(s)"
  measure ts-day small "$TS_RUNS" timeout "$TS_TIMEOUT" bash -c \
    'set -o pipefail; "$1" select --log-dir "$2" --from "$3" --to "$4" | "$1" generate' _ "$trailscraper" "$bench/corpus/usage-small" "$DAY" "$day_end" || true
  for s in $TS_SIZES; do
    dir="$bench/corpus/usage-$s"
    # the corpus's time range, widened by a day: select keeps files delivered from --from to --to + 1 h
    from=$(node -p "new Date(Date.parse(require('$bench/corpus/usage-$s.manifest.json').since) - 864e5).toISOString().slice(0, 10)")
    to=$(node -p "new Date(Date.parse(require('$bench/corpus/usage-$s.manifest.json').until) + 864e5).toISOString().slice(0, 10)")
    echo "$from $to" > "$work/ts-range-$s"
    log "trailscraper on $s ($TS_RUNS run(s), stopped after $TS_TIMEOUT s): select --from $from --to $to | generate"
    measure ts "$s" "$TS_RUNS" timeout "$TS_TIMEOUT" bash -c \
      'set -o pipefail; "$1" select --log-dir "$2" --from "$3" --to "$4" | "$1" generate' _ "$trailscraper" "$dir" "$from" "$to" || true
  done
else
  log "no trailscraper in bench/.work/trailscraper-venv: run bash bench/usage/install-trailscraper.sh; its cells say n/a"
fi

cut -d" " -f1-3 /proc/loadavg > "$work/load-end"
node --experimental-strip-types "$bench/usage/summarize.ts" "$work" "$ks_ok" "$SIZES" "$TS_SIZES" | tee "$work/results.md"
