#!/usr/bin/env bash
# Installs a pinned Python tool the tests need into its own virtual environment under
# .cache/<name> (created once, reused) and prints the path of its executable. Fails with a
# message saying why when Python, venv or PyPI is missing.
#   ensure-pip-tool.sh NAME PIP-REQUIREMENT EXECUTABLE WHAT
set -euo pipefail
name="$1" requirement="$2" executable="$3" what="$4"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/$name"
stamp="$venv/.installed-$(printf '%s' "$requirement" | tr -c 'A-Za-z0-9.=_-' '_')"
if [ ! -f "$stamp" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "keyshift: $what needs python3, which is not installed" >&2; exit 1; }
  echo "keyshift: installing $requirement into .cache/$name (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { echo "keyshift: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2 \
    || { echo "keyshift: pip could not install $requirement from PyPI" >&2; exit 1; }
  touch "$stamp"
fi
echo "$venv/bin/$executable"
