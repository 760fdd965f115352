#!/usr/bin/env bash
# Source this file: it puts a Node >= 22 first on PATH. keyshift needs Node 22; machines
# that only have an older system Node get a pinned Node from the npm registry (the `node`
# package), installed once into .cache/node inside the project.
KEYSHIFT_NODE_VERSION="${KEYSHIFT_NODE_VERSION:-22.23.3}"
_ks_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ks_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null 2>&1 && [ "$(_ks_major node)" -ge 22 ]; then
  :
else
  _ks_cache="$_ks_root/.cache/node"
  if [ ! -x "$_ks_cache/node_modules/.bin/node" ] || [ "$(_ks_major "$_ks_cache/node_modules/.bin/node")" -lt 22 ]; then
    command -v npm >/dev/null 2>&1 || { echo "keyshift: needs Node >= 22, or npm to install it" >&2; return 1 2>/dev/null || exit 1; }
    echo "keyshift: system Node is $(node -v 2>/dev/null || echo missing); installing Node $KEYSHIFT_NODE_VERSION into .cache/node" >&2
    mkdir -p "$_ks_cache"
    (cd "$_ks_cache" && echo '{"private":true}' > package.json && \
      npm install --no-save --no-audit --no-fund --loglevel=error "node@$KEYSHIFT_NODE_VERSION" >&2) \
      || { echo "keyshift: could not install Node $KEYSHIFT_NODE_VERSION from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_ks_cache/node_modules/.bin:$PATH"
fi
unset -f _ks_major
