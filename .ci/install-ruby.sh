#!/usr/bin/env bash
# Ruby and the gem's libraries come from Debian (RubyGems is not reachable in CI), and
# rubocop for make lint-ruby (which skips it where it is missing).
# Idempotent: installs only what is missing; needs root when something is.
set -euo pipefail

pkgs=(ruby ruby-dev ruby-ffi ruby-minitest ruby-rack ruby-rack-test ruby-sinatra ruby-webrick rubocop valgrind gcc)
need=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages for the Ruby and C bindings: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
