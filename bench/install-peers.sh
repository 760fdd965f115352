#!/usr/bin/env bash
# Installs the peers the benchmark compares keyshift against. Idempotent.
#   gitleaks  - built from source with `go install` (pinned) into bench/.work/bin.
#               npm's gitleaks wrappers download prebuilt binaries, which fails here.
#   ripgrep   - the Debian package (`rg` on PATH).
set -euo pipefail
GITLEAKS_VERSION="${GITLEAKS_VERSION:-v8.30.1}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/.work/bin"
mkdir -p "$bin"

if [ -x "$bin/gitleaks" ] && "$bin/gitleaks" version 2>/dev/null | grep -qx "${GITLEAKS_VERSION#v}"; then
  echo "gitleaks $("$bin/gitleaks" version) already in $bin"
else
  command -v go >/dev/null || { echo "install-peers: go is required to build gitleaks" >&2; exit 1; }
  echo "building gitleaks $GITLEAKS_VERSION with go install (a minute or two)..."
  # -ldflags sets the version string gitleaks prints (it is empty for plain go install).
  GOBIN="$bin" go install \
    -ldflags "-X github.com/zricethezav/gitleaks/v8/version.Version=${GITLEAKS_VERSION#v}" \
    "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
  echo "gitleaks $("$bin/gitleaks" version) installed in $bin"
fi

if command -v rg >/dev/null; then
  echo "$(rg --version | head -1) already installed"
else
  echo "installing ripgrep from Debian..."
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y ripgrep >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y ripgrep >/dev/null; }
  echo "$(rg --version | head -1) installed"
fi
