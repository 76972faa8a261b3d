#!/usr/bin/env bash
# make test-dist, Ruby: the x86_64-linux platform gem installed with `gem install --local`
# into a fresh GEM_HOME (its one dependency, ffi, is Debian's), HOOKSIG_LIB unset, offline:
# the repository's vector suite (tests/ruby/test_vectors.rb) and one Rack request through
# the installed gem (tests/dist/ruby/test_installed.rb). Then the plain gem: its install
# says how to build the library, and `require "hooksig"` fails saying the same.

# shellcheck source=tests/dist/lib.sh
source "$(dirname "$0")/lib.sh"

platform_gem=$(artifact "hooksig-$VERSION-x86_64-linux.gem")
plain_gem=$(artifact "hooksig-$VERSION.gem")
check_sandbox

work=$DIST_TEST/ruby
rm -rf "$work"
mkdir -p "$work/suite/tests/ruby" "$work/suite/tests/dist"

say "Ruby $(ruby -e 'print RUBY_VERSION'): gem install --local $(basename "$platform_gem")"
offline env GEM_HOME="$work/gems" gem install --local --no-document "$platform_gem"

# The suites run from a copy: tests/ruby/test_helper.rb puts ROOT/ruby/lib on the load path,
# and the copy has none, so `require "hooksig"` activates the installed gem.
cp "$ROOT/tests/ruby/test_helper.rb" "$ROOT/tests/ruby/test_vectors.rb" "$work/suite/tests/ruby/"
cp -r "$ROOT/tests/vectors" "$work/suite/tests/"
cp "$ROOT/tests/dist/ruby/test_installed.rb" "$work/suite/tests/dist/"
(cd "$work/suite" && offline env GEM_HOME="$work/gems" HOOKSIG_DIST_VERSION="$VERSION" ruby -w \
  -e 'ARGV.each { |f| require File.expand_path(f) }' tests/ruby/test_vectors.rb tests/dist/test_installed.rb)

# The missing-artifact check: the plain gem has no library.
say "the plain gem $(basename "$plain_gem"): no library, and it says how to build one"
log=$work/plain-install.log
offline env GEM_HOME="$work/plain-gems" gem install --local --no-document "$plain_gem" >"$log" 2>&1 ||
  { cat "$log" >&2; fail "gem install $plain_gem"; }
grep -q "cargo build --release -p hooksig-c" "$log" || { cat "$log" >&2; fail "the plain gem's install does not say how to build"; }
log=$work/plain-require.log
expect_failure "$log" offline env GEM_HOME="$work/plain-gems" ruby -e 'require "hooksig"'
grep -q "cargo build --release -p hooksig-c" "$log" || { cat "$log" >&2; fail "require: unexpected error"; }
grep -m1 "native library" "$log"
say "Ruby: the gems passed"
