#!/usr/bin/env bash
# Python 3 with venv and pip, for `make test-python` (which creates .venv and installs the
# pinned test dependencies from PyPI into it). Skipped when python3 can already make a venv.
set -euo pipefail
if command -v python3 >/dev/null 2>&1 && python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "$(python3 --version): venv and ensurepip already available"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "python3 with venv is missing: install python3 and python3-venv (or run as root)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip
python3 --version
