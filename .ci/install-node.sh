#!/usr/bin/env bash
# Node.js and npm for the Node binding's build and tests (skipped when already there).
set -euo pipefail
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "node $(node --version), npm $(npm --version): already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "node and npm are missing: install Node.js 20 or later (or run as root)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
node --version
