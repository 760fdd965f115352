#!/usr/bin/env bash
# The working-tree pair of the benchmark alone, in seconds rather than run.sh's 20 minutes:
# `keyshift scan repo --format json <corpus>` vs `rg -uuu -c -g '!.git' PATTERN <corpus>`, the
# commands of bench/README.md, plus keyshift on an empty directory (its fixed start-up cost).
# The commands run interleaved (keyshift, rg, keyshift, rg, ...) so that load from other work
# on the machine falls on both alike, after one untimed warm-up run of each (warm page cache,
# Node's compile cache filled). Prints a Markdown table: median and fastest wall time, median
# CPU time (user + sys, all threads), and the load average before and after.
#
#   bash bench/worktree.sh [sizes...]        (default: small large)
#
# Environment: RUNS (timed runs of each command, default 9), NO_BUILD=1 (do not rebuild dist/).
set -euo pipefail
RUNS="${RUNS:-9}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small large)
KEY_ID_PATTERN='(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}'
work="$root/bench/.work/worktree"
rm -rf "$work" && mkdir -p "$work/empty"
command -v rg >/dev/null || { echo "bench: no ripgrep: run bash bench/install-peers.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
if [ "${NO_BUILD:-}" != 1 ]; then npx tsc -p tsconfig.build.json >&2; fi

# run NAME CMD... : one timed run; appends "NAME wall cpu" to $work/times
run() {
  local name="$1" t0 t1 rc=0
  shift
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" > "$work/out" 2> /dev/null || rc=$?
  t1=$EPOCHREALTIME
  [ "$rc" -le 1 ] || { echo "bench: $name failed (exit $rc)" >&2; exit 2; }
  # the last line: time prefixes one about a non-zero exit status (keyshift exits 1 on findings)
  tail -n 1 "$work/cpu" | awk -v n="$name" -v a="$t0" -v b="$t1" '{ printf "%s %.3f %.3f\n", n, b - a, $1 + $2 }' >> "$work/times"
}

: > "$work/times"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for size in "${sizes[@]}"; do
  repo="bench/corpus/$size"
  [ -d "$repo" ] || { echo "bench: no corpus at $repo: run bash bench/build-corpus.sh $size" >&2; exit 2; }
  node bin/keyshift.js scan repo --format json "$repo" > "$work/keyshift-$size.json" 2> /dev/null || [ $? -le 1 ]
  rg -uuu -c -g '!.git' "$KEY_ID_PATTERN" "$repo" > /dev/null
  for ((i = 1; i <= RUNS; i++)); do
    run "keyshift-$size" node bin/keyshift.js scan repo --format json "$repo"
    run "rg-$size" rg -uuu -c -g '!.git' "$KEY_ID_PATTERN" "$repo"
  done
done
node bin/keyshift.js scan repo --format json "$work/empty" > /dev/null 2>&1 || true
for ((i = 1; i <= RUNS; i++)); do run empty node bin/keyshift.js scan repo --format json "$work/empty"; done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stat() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/times"; }
echo "Load average before: $load_before; after: $load_after. $RUNS runs each, interleaved; $(nproc) cores."
echo
echo "| corpus | keyshift median (fastest) | keyshift CPU | ripgrep median (fastest) | ripgrep CPU | ratio of medians (fastest) | keyshift findings, files |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for size in "${sizes[@]}"; do
  km="$(stat "keyshift-$size" 2 | median)"; kf="$(stat "keyshift-$size" 2 | sort -n | head -1)"; kc="$(stat "keyshift-$size" 3 | median)"
  rm_="$(stat "rg-$size" 2 | median)"; rf="$(stat "rg-$size" 2 | sort -n | head -1)"; rc="$(stat "rg-$size" 3 | median)"
  found="$(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${d.findings.length} findings, ${d.stats.files} files, ${d.stats.skipped.tooLarge} too large, ${d.problems.length} problems`)' "$work/keyshift-$size.json")"
  awk -v s="$size" -v km="$km" -v kf="$kf" -v kc="$kc" -v rm="$rm_" -v rf="$rf" -v rc="$rc" -v f="$found" \
    'BEGIN { printf "| %s | %.2f s (%.2f) | %.2f s | %.3f s (%.3f) | %.2f s | %.1fx (%.1fx) | %s |\n", s, km, kf, kc, rm, rf, rc, km / rm, kf / rf, f }'
done
em="$(stat empty 2 | median)"; ef="$(stat empty 2 | sort -n | head -1)"; ec="$(stat empty 3 | median)"
awk -v m="$em" -v f="$ef" -v c="$ec" 'BEGIN { printf "| empty directory | %.2f s (%.2f) | %.2f s | | | | |\n", m, f, c }'
