#!/usr/bin/env bash
# make test-dist, the CLI: the release tarball unpacked, the binary run offline with no Rust
# on PATH: `hooksig sign` then `hooksig verify` of what it signed (ok), of a changed body
# (signature_mismatch) and of a stale timestamp (timestamp_too_old).

# shellcheck source=tests/dist/lib.sh
source "$(dirname "$0")/lib.sh"

name=hooksig-cli-$VERSION-x86_64-unknown-linux-gnu
tarball=$(artifact "$name.tar.gz")
check_sandbox
work=$DIST_TEST/cli
rm -rf "$work"
mkdir -p "$work"
tar -xzf "$tarball" -C "$work"
for file in hooksig README.md LICENSE-MIT LICENSE-APACHE; do
  [ -f "$work/$name/$file" ] || fail "$name.tar.gz has no $file"
done
hooksig=$work/$name/hooksig
say "$($hooksig --version) from $(basename "$tarball")"

run() { offline env HOOKSIG_DIST_SECRET=dist-test-secret "$hooksig" "$@"; }
body='{"type":"invoice.paid"}'
header=$(run sign --preset stripe --secret-env HOOKSIG_DIST_SECRET --data "$body")
echo "sign: $header" | sed -E 's/(v1=)[0-9a-f]+/\1.../'
out=$(run verify --preset stripe --secret-env HOOKSIG_DIST_SECRET --data "$body" -H "$header") ||
  fail "verify of a signed body: $out"
[[ $out == "ok "* ]] || fail "verify of a signed body: $out"
echo "verify: exit 0, $out"

out=$(run verify --preset stripe --secret-env HOOKSIG_DIST_SECRET --data "${body/paid/void}" -H "$header") &&
  fail "a changed body verified"
[[ $out == *signature_mismatch* ]] || fail "a changed body: $out"
echo "verify of a changed body: exit 1, $out"

stale=$(run sign --preset stripe --secret-env HOOKSIG_DIST_SECRET --data "$body" --timestamp 1000000000)
out=$(run verify --preset stripe --secret-env HOOKSIG_DIST_SECRET --data "$body" -H "$stale") &&
  fail "a stale timestamp verified"
[[ $out == *timestamp_too_old* ]] || fail "a stale timestamp: $out"
echo "verify of a stale timestamp: exit 1, $out"
say "CLI: the tarball passed"
