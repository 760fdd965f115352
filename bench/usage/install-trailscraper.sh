#!/usr/bin/env bash
# Installs trailscraper, the peer of the `keyshift usage` benchmark, from PyPI into a virtual
# environment under bench/.work (git-ignored), with every dependency pinned
# (bench/usage/trailscraper-requirements.txt: trailscraper 0.10.0 and what pip resolved for it on
# Python 3.11). Idempotent.
#
#   bash bench/usage/install-trailscraper.sh        (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/bench/.work/trailscraper-venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/trailscraper" ] || [ "$("$venv/bin/trailscraper" --version 2>/dev/null)" != "trailscraper, version 0.10.0" ]; then
  mkdir -p "$root/bench/.work"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/bench/usage/trailscraper-requirements.txt"
fi
"$venv/bin/trailscraper" --version
