#!/usr/bin/env bash
# Installs the CloudFormation linter the export tests validate templates with: a pinned
# cfn-lint from PyPI in a virtual environment under .cache/cfn-lint (created once, reused).
# Prints the path of the cfn-lint executable. Fails with a message saying why when Python
# or PyPI is missing.
set -euo pipefail
CFN_LINT_VERSION="${KEYSHIFT_CFN_LINT_VERSION:-1.58.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/cfn-lint"
stamp="$venv/.installed-$CFN_LINT_VERSION"
if [ ! -f "$stamp" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "keyshift: the CloudFormation linter (cfn-lint) needs python3, which is not installed" >&2; exit 1; }
  echo "keyshift: installing cfn-lint==$CFN_LINT_VERSION into .cache/cfn-lint (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { echo "keyshift: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" >&2 \
    || { echo "keyshift: pip could not install cfn-lint==$CFN_LINT_VERSION from PyPI" >&2; exit 1; }
  touch "$stamp"
fi
echo "$venv/bin/cfn-lint"
