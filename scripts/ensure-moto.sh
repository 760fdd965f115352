#!/usr/bin/env bash
# Installs the AWS emulator the end-to-end tests run against: a pinned moto[server] in a
# virtual environment under .cache/moto (created once, reused). Prints the path of the
# moto_server executable. Fails with a message saying why when Python or PyPI is missing.
set -euo pipefail
MOTO_VERSION="${KEYSHIFT_MOTO_VERSION:-5.2.5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/moto"
stamp="$venv/.installed-$MOTO_VERSION"
if [ ! -f "$stamp" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "keyshift: the AWS emulator (moto) needs python3, which is not installed" >&2; exit 1; }
  echo "keyshift: installing moto[server]==$MOTO_VERSION into .cache/moto (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { echo "keyshift: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2 \
    || { echo "keyshift: pip could not install moto[server]==$MOTO_VERSION from PyPI" >&2; exit 1; }
  touch "$stamp"
fi
echo "$venv/bin/moto_server"
