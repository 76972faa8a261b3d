#!/usr/bin/env bash
# What `make dist` and `make test-dist` need beyond the other install steps: objdump and
# readelf (binutils) for the glibc and strip checks, ip (iproute2) for the sandbox's
# loopback-only network namespace, and the packaging tools venv (.venv-dist: maturin,
# ziglang, cargo-zigbuild, auditwheel, twine, pinned in tests/dist/tools.txt, from PyPI).
# The CPython 3.9-3.13 interpreters of test-dist are pyenv's, on the machine image.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in binutils iproute2; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages for make dist: ${need[*]} (sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
make --no-print-directory dist-tools
