#!/usr/bin/env bash
# Source this file: Node >= 22 on PATH, dependencies installed, the CLI built to dist/.
# Each step is skipped when it is already up to date, so sourcing it again is cheap.
_ks_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$_ks_root/scripts/ensure-node.sh" || { return 1 2>/dev/null || exit 1; }
if [ ! -f "$_ks_root/node_modules/.package-lock.json" ] || [ "$_ks_root/package-lock.json" -nt "$_ks_root/node_modules/.package-lock.json" ]; then
  (cd "$_ks_root" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "keyshift: npm ci failed" >&2; return 1 2>/dev/null || exit 1; }
fi
if [ ! -f "$_ks_root/dist/cli/main.js" ] || [ -n "$(find "$_ks_root/cli" "$_ks_root/src" -newer "$_ks_root/dist/cli/main.js" -type f 2>/dev/null | head -1)" ]; then
  (cd "$_ks_root" && npx tsc -p tsconfig.build.json >&2) || { echo "keyshift: build failed" >&2; return 1 2>/dev/null || exit 1; }
fi
