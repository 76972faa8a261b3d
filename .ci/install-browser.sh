#!/usr/bin/env bash
# Chromium from Debian for `make test-browser`: the inspector's browser test drives
# /usr/bin/chromium with playwright-core (npm); no browser build is downloaded. DejaVu fonts
# so that the page (and its screenshot) has text. Idempotent; needs root when something is
# missing.
set -euo pipefail

need=()
for pkg in chromium fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages for the browser test: ${need[*]}" >&2
    echo "install them with: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
/usr/bin/chromium --version 2>/dev/null
