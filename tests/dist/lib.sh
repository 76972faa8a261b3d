# shellcheck shell=bash
# Shared by the `make test-dist` scripts (sourced): where things are, and `offline`, the
# sandbox every installed artifact is installed and run in.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIST=${DIST:-$ROOT/dist}
DIST_TEST=${DIST_TEST:-$ROOT/target/dist-test}
# shellcheck disable=SC2034 # used by the scripts that source this file
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)

say() { printf '== %s\n' "$*"; }
fail() {
  printf 'test-dist: FAIL: %s\n' "$*" >&2
  exit 1
}

# The one file of dist/ that matches a glob, or a failure naming the missing artifact.
artifact() {
  local matches=()
  for f in $DIST/$1; do [ -e "$f" ] && matches+=("$f"); done
  [ ${#matches[@]} -eq 1 ] || fail "expected one dist/$1, found ${#matches[@]}: run \`make dist\` first"
  printf '%s\n' "${matches[0]}"
}

# A PATH of the system directories less any that holds cargo, rustc or rustup.
clean_path() {
  local dirs=() dir
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    [ -d "$dir" ] || continue
    [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/rustup" ] && continue
    dirs+=("$dir")
  done
  local IFS=:
  printf '%s\n' "${dirs[*]}"
}
OFFLINE_PATH=$(clean_path)

# A network namespace with only loopback (as root) is the proof that nothing is fetched;
# elsewhere the installs still run with --no-index / --offline / --local and no toolchain.
if unshare --net -- true 2>/dev/null; then
  NETNS=1
elif [ "${CI:-}" = true ]; then
  fail "unshare --net is not available: CI must run test-dist without a network"
else
  NETNS=0
  echo "test-dist: no network namespace here (not root?): relying on --no-index, --offline and --local" >&2
fi

# offline CMD...: CMD with no Rust toolchain on PATH, no Rust or hooksig variables, and
# (NETNS=1) no network interface but loopback.
offline() {
  local envs=(env -u HOOKSIG_LIB -u CARGO_HOME -u RUSTUP_HOME -u RUSTC -u CARGO -u RUSTUP_TOOLCHAIN
    -u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME -u NODE_PATH -u RUBYLIB -u RUBYOPT -u GEM_PATH
    PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_offline=true "PATH=$OFFLINE_PATH")
  if [ "$NETNS" = 1 ]; then
    "${envs[@]}" unshare --net -- /bin/sh -c 'ip link set lo up && exec "$@"' sh "$@"
  else
    "${envs[@]}" "$@"
  fi
}

# The sandbox itself: no cargo, rustc or rustup can be found, and no interface but loopback.
check_sandbox() {
  # shellcheck disable=SC2016
  offline /bin/sh -c '
    for tool in cargo rustc rustup; do
      if command -v "$tool" >/dev/null 2>&1; then echo "$tool is on PATH: $(command -v "$tool")"; exit 1; fi
    done
    if [ "$1" = 1 ]; then
      links=$(ip -o link show | wc -l); routes=$(ip route show | wc -l)
      if [ "$links" != 1 ] || [ "$routes" != 0 ]; then echo "network: $links links, $routes routes"; exit 1; fi
      echo "sandbox: PATH=$PATH (no cargo, rustc, rustup); network: loopback only, no route"
    else
      echo "sandbox: PATH=$PATH (no cargo, rustc, rustup); network: not isolated"
    fi' sh "$NETNS" || fail "the sandbox is not closed"
}

# expect_failure LOG CMD...: CMD must fail; LOG keeps its output.
expect_failure() {
  local log=$1
  shift
  if "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "expected a failure: $*"
  fi
}
