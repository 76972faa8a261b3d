#!/usr/bin/env bash
# Redis for the replay-protection tests (issue 11): the server every suite starts on a free
# loopback port, and Ruby's client library (RubyGems is not reachable: Debian's ruby-redis).
# Python's `redis` and Node's `redis` come from PyPI and npm with the other test dependencies.
# Idempotent: installs only what is missing; needs root when something is.
set -euo pipefail

pkgs=(redis-server ruby-redis)
need=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && { echo "redis-server $(redis-server --version | awk '{print $3}'): already installed"; exit 0; }

if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages for the replay tests: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
# The package starts a system Redis on 6379; the suites start their own, so stop it.
systemctl stop redis-server 2>/dev/null || service redis-server stop 2>/dev/null || true
redis-server --version
