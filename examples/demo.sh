#!/usr/bin/env bash
# `make demo`: the FastAPI example receives webhooks from five providers; the `hooksig`
# command sends each one a valid webhook and tampered ones, and a table shows the answers.
# Exits 0 only when every valid webhook got 200 and every tampered one 403.
#
# Expects the release CLI ($CARGO_TARGET_DIR/release/hooksig, target/ by default) and the
# project venv (.venv) with the package installed: `make demo` builds both first.
set -euo pipefail
cd "$(dirname "$0")/.."

HOOKSIG=${HOOKSIG:-${CARGO_TARGET_DIR:-target}/release/hooksig}
PY=${PY:-.venv/bin/python}
PROVIDERS=(aqid aghanim anycoins sigma noyo)

# The secrets both sides use: local test values, never real ones.
export AQID_SECRET=demo-aqid-secret
export AGHANIM_SECRET=demo-aghanim-s2s-key
export ANYCOINS_SECRET=demo-anycoins-secret
export SIGMA_SECRET=demo-sigma-api-keydemo-sigma-secret-key
export NOYO_SECRET=demo-noyo-secret
secret_env() { echo "$(echo "$1" | tr '[:lower:]' '[:upper:]')_SECRET"; }

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$PY" examples/fastapi/server.py --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"' EXIT

echo "Starting examples/fastapi/server.py on http://127.0.0.1:$port ..."
for _ in $(seq 1 100); do
  if "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
    break
  fi
  kill -0 $server 2>/dev/null || { cat "$log"; echo "the server exited" >&2; exit 1; }
  sleep 0.1
done

# send PROVIDER [--tamper KIND]: prints "STATUS CODE" (CODE from {"error": ...}, or -).
send() {
  local provider=$1
  shift
  local out status code
  out=$("$HOOKSIG" send "http://127.0.0.1:$port/webhooks/$provider" --preset "$provider" \
    --secret-env "$(secret_env "$provider")" --data-file "examples/payloads/$provider.json" "$@") \
    || true # send exits 1 when the endpoint misbehaves: the table shows it

  status=$(echo "$out" | sed -n '1s/^HTTP //p')
  code=$(echo "$out" | sed -n '2p' | sed -n 's/.*"error":"\([a-z_]*\)".*/\1/p')
  echo "$status ${code:--}"
}

failures=0
# check WANT "STATUS CODE": prints a cell and counts a failure when STATUS is not WANT.
check() {
  local want=$1 status=${2%% *} code=${2#* }
  if [ "$status" != "$want" ]; then
    failures=$((failures + 1))
    printf '%-24s ' "$status $code  (want $want)"
  elif [ "$code" = "-" ]; then
    printf '%-24s ' "$status"
  else
    printf '%-24s ' "$status $code"
  fi
}

echo
printf '%-10s %-24s %-24s %-24s %s\n' provider "valid" "tampered body" "tampered signature" "stale timestamp"
printf '%-10s %-24s %-24s %-24s %s\n' -------- ----- ------------- ------------------ ---------------
for provider in "${PROVIDERS[@]}"; do
  printf '%-10s ' "$provider"
  check 200 "$(send "$provider")"
  check 403 "$(send "$provider" --tamper body)"
  check 403 "$(send "$provider" --tamper signature)"
  if "$HOOKSIG" presets "$provider" --json | grep -q '"timestamp_header"'; then
    check 403 "$(send "$provider" --tamper timestamp)"
  else
    printf "%s" "- (none in this scheme)"
  fi
  echo
done
echo

if [ "$failures" -ne 0 ]; then
  echo "demo: $failures answer(s) not as expected; server log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "demo: every valid webhook got 200 and every tampered one 403."
