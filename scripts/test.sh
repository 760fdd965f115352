#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing (Node >= 22, dependencies),
# builds, typechecks, lints (including the rule that src/ stays free of terminal code), runs
# every test, and ends with the plain line "N passed, N failed" from vitest's JSON report.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/bootstrap.sh || exit 1
# the AWS emulator for the end-to-end tests (installed once into .cache/moto)
# (when it cannot be installed, the end-to-end tests fail and say why)
if moto_server="$(bash scripts/ensure-moto.sh)"; then export KEYSHIFT_MOTO_SERVER="$moto_server"; fi
status=0
echo "== typecheck" >&2
npx tsc -p tsconfig.json --noEmit || status=1
echo "== lint" >&2
npx eslint . || status=1
echo "== tests" >&2
report="$root/.vitest-report.json"
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=1
node -e '
  const fs = require("node:fs");
  let r = { numPassedTests: 0, numFailedTests: 0 };
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.error("no vitest report was written"); }
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report"
exit $status
