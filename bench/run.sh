#!/usr/bin/env bash
# The keyshift benchmark: one run, on one corpus repository, of
#   - the history scan: keyshift vs gitleaks (time, findings agreement)
#   - the floor: git rev-list --objects --all | git cat-file --batch  (every blob read once)
#   - the working-tree scan: keyshift vs ripgrep with the key-ID pattern
#   - peak RSS of keyshift's history scan at the small and the large corpus
#   - recall of the planted keys and documentation examples reported
# and prints a Markdown table (stdout; also bench/.work/run-<size>/results.md) to paste into
# bench/README.md. Progress goes to stderr.
#
#   bash bench/run.sh [small|large]          (default small; the corpus to compare on)
#
# Environment: RUNS (timed runs per command, median reported; default 3), GITLEAKS_RUNS
# (default RUNS; gitleaks takes minutes per run), RSS_SIZES (default "small large"),
# NO_BUILD=1 (do not rebuild dist/ first).
# Exits non-zero only when the benchmark itself cannot run; missed targets are reported.
set -euo pipefail
SIZE="${1:-small}"
RUNS="${RUNS:-3}"
GITLEAKS_RUNS="${GITLEAKS_RUNS:-$RUNS}"
RSS_SIZES="${RSS_SIZES:-small large}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
bench="$root/bench"
work="$bench/.work/run-$SIZE"
gitleaks="$bench/.work/bin/gitleaks"
repo="$bench/corpus/$SIZE"
KEY_ID_PATTERN='(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}'
log() { echo "[bench] $*" >&2; }
die() { echo "bench: $*" >&2; exit 2; }

[ -d "$repo/.git" ] && [ -f "$bench/corpus/$SIZE.planted.json" ] || die "no corpus at $repo: run bash bench/build-corpus.sh $SIZE"
[ -x "$gitleaks" ] || die "no gitleaks in bench/.work/bin: run bash bench/install-peers.sh"
command -v rg >/dev/null || die "no ripgrep: run bash bench/install-peers.sh"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package: time)"
rm -rf "$work" && mkdir -p "$work"
times="$work/times.tsv" # name, run, wall seconds, max RSS KiB
: > "$times"
cut -d" " -f1-3 /proc/loadavg > "$work/load-start" # other work on the machine skews the timings

# measure NAME N CMD... : runs CMD N times (stdout to $work/NAME.out, stderr to $work/NAME.err),
# recording wall time and peak RSS. Exit codes 0 and 1 ("found something") are success.
measure() {
  local name="$1" n="$2" i t0 t1 rc
  shift 2
  for ((i = 1; i <= n; i++)); do
    t0=$EPOCHREALTIME
    rc=0
    /usr/bin/time -f '%M' -o "$work/$name.rss" "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
    t1=$EPOCHREALTIME
    if [ "$rc" -gt 1 ]; then
      log "$name failed (exit $rc):"; tail -5 "$work/$name.err" >&2
      return 1
    fi
    printf '%s\t%s\t%s\t%s\n' "$name" "$i" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$(tail -1 "$work/$name.rss")" >> "$times"
    log "$name run $i/$n: $(tail -1 "$times" | cut -f3 | cut -c1-6) s"
  done
}

floor() { git -C "$1" rev-list --objects --all | git -C "$1" cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' > /dev/null; }
export -f floor

# keyshift: build dist/ and check that `scan repo` runs at all; without it the peers are still measured.
keyshift=(node "$root/bin/keyshift.js")
ks_ok=1
if [ "${NO_BUILD:-}" != 1 ]; then
  log "building keyshift (npx tsc -p tsconfig.build.json)"
  npx tsc -p tsconfig.build.json > "$work/build.log" 2>&1 || { log "keyshift build failed (see $work/build.log)"; ks_ok=0; }
fi
if [ "$ks_ok" = 1 ]; then
  rc=0; "${keyshift[@]}" scan repo --history --format json "$repo" > "$work/ks-probe.json" 2> "$work/ks-probe.err" || rc=$?
  if [ "$rc" -gt 1 ] || ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).findings.length' "$work/ks-probe.json" 2>/dev/null; then
    log "keyshift scan repo does not work yet (exit $rc): $(head -c 300 "$work/ks-probe.err")"; ks_ok=0
  fi
fi

log "corpus $repo; $RUNS runs each (gitleaks $GITLEAKS_RUNS)"
measure floor "$RUNS" bash -c 'floor "$1"' _ "$repo"
measure rg-tree "$RUNS" rg -uuu -c -g '!.git' "$KEY_ID_PATTERN" "$repo"
rg -uuu -o -N --no-filename -g '!.git' "$KEY_ID_PATTERN" "$repo" | sort -u > "$work/rg-tree-ids.txt" || true
if [ "$ks_ok" = 1 ]; then
  measure ks-tree "$RUNS" "${keyshift[@]}" scan repo --format json "$repo" || ks_ok=0
fi
if [ "$ks_ok" = 1 ]; then
  measure "ks-history-$SIZE" "$RUNS" "${keyshift[@]}" scan repo --history --format json "$repo" || ks_ok=0
fi
if [ "$ks_ok" = 1 ]; then
  # like for like: no size limit, so keyshift reads every byte that gitleaks and the floor read
  measure ks-history-all "$RUNS" "${keyshift[@]}" scan repo --history --max-file-size 1GiB --format json "$repo" || true
fi
measure gitleaks "$GITLEAKS_RUNS" "$gitleaks" git --no-banner --log-level error --exit-code 0 \
  --report-format json --report-path "$work/gitleaks.json" "$repo"
if [ "$ks_ok" = 1 ]; then
  for s in $RSS_SIZES; do
    [ "$s" = "$SIZE" ] && continue
    if [ -d "$bench/corpus/$s/.git" ]; then
      measure "ks-history-$s" "$RUNS" "${keyshift[@]}" scan repo --history --format json "$bench/corpus/$s" || true
    else
      log "no corpus $s: skipping its RSS figure (bash bench/build-corpus.sh $s)"
    fi
  done
fi

cut -d" " -f1-3 /proc/loadavg > "$work/load-end"
node --experimental-strip-types "$bench/summarize.ts" "$work" "$SIZE" "$ks_ok" | tee "$work/results.md"
