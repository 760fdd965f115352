#!/usr/bin/env bash
# Profiles `keyshift plan` at N instances (default 10000; inputs from bench/plan/generate.ts):
#   - CPU: node --cpu-prof on the real CLI, summarised per function (self and inclusive) and file;
#   - allocation: V8's sampling heap profiler, garbage included (bench/plan/alloc-profile.ts);
#   - memory phase by phase: heap and peak RSS after read, JSON.parse, zod, buildPlan, stringify.
# Writes bench/.work/plan/prof/{cpu,alloc,phases}-N.md and prints where they are.
#
#   bash bench/plan/profile.sh [N]
set -euo pipefail
n="${1:-10000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
in="bench/.work/plan/$n"
prof="bench/.work/plan/prof"
[ -f "$in/inventory.json" ] || node --experimental-strip-types bench/plan/generate.ts "$n"
rm -rf "$prof/cpu-$n" && mkdir -p "$prof/cpu-$n"
node --cpu-prof --cpu-prof-dir="$prof/cpu-$n" bin/keyshift.js plan --inventory "$in/inventory.json" --usage "$in/usage.json" > /dev/null 2> /dev/null
node --experimental-strip-types bench/plan/cpu-summary.ts "$prof"/cpu-"$n"/*.cpuprofile 40 > "$prof/cpu-$n.md"
node --experimental-strip-types bench/plan/alloc-profile.ts "$n" "$prof/alloc-$n.heapprofile" > /dev/null 2> /dev/null
node --experimental-strip-types bench/plan/cpu-summary.ts "$prof/alloc-$n.heapprofile" 40 > "$prof/alloc-$n.md"
node --expose-gc --experimental-strip-types bench/plan/phases.ts "$n" > "$prof/phases-$n.md"
echo "[bench plan] profiles of $n instances: $prof/cpu-$n.md, $prof/alloc-$n.md, $prof/phases-$n.md" >&2
