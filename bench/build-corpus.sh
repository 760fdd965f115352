#!/usr/bin/env bash
# Builds the benchmark corpus (bench/corpus/<size>, git-ignored, never committed).
#   bash bench/build-corpus.sh [small|large]...   (default: both)
# See build-corpus.ts for what goes into it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/ensure-node.sh
exec node --experimental-strip-types bench/build-corpus.ts "$@"
