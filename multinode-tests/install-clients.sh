#!/usr/bin/env bash
# Installs the node.js cluster client the multi-node specs drive (ioredis 5) into
# multinode-tests/.clients/node_modules (git-ignored). Idempotent: does nothing when present.
# redis-cli (redis-tools) and redis-py (python3-redis) come from Debian packages; ./test.sh
# installs those and then calls this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="$here/.clients"
if [ -f "$prefix/node_modules/ioredis/package.json" ]; then
  version=$(node -p "require('$prefix/node_modules/ioredis/package.json').version" 2>/dev/null || echo "?")
  case "$version" in
    5.*) echo "ioredis $version already installed in $prefix"; exit 0 ;;
  esac
fi
command -v npm >/dev/null 2>&1 || { echo "npm not found: install node.js and npm first" >&2; exit 1; }
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error ioredis@5
node -p "'installed ioredis ' + require('$prefix/node_modules/ioredis/package.json').version"
