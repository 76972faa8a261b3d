#!/usr/bin/env bash
# One version everywhere (make dist checks it first): Cargo's [workspace.package], the
# hooksig dependency pin in [workspace.dependencies], package.json, every npm/*/package.json,
# and the gem's Hooksig::VERSION.
set -euo pipefail
cd "$(dirname "$0")/../.."

want=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
bad=0
check() {
  if [ "$2" != "$want" ]; then
    echo "version: $1 has $2, Cargo.toml has $want" >&2
    bad=1
  fi
}
check "Cargo.toml [workspace.dependencies] hooksig" "$(sed -n 's/^hooksig = {.*version = "\([^"]*\)".*/\1/p' Cargo.toml)"
check package.json "$(node -p 'require("./package.json").version')"
for manifest in npm/*/package.json; do
  check "$manifest" "$(node -p "require('./$manifest').version")"
done
check ruby/lib/hooksig/version.rb "$(sed -n 's/.*VERSION = "\(.*\)"/\1/p' ruby/lib/hooksig/version.rb)"
[ "$bad" = 0 ] && echo "version $want everywhere"
exit "$bad"
