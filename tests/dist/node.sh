#!/usr/bin/env bash
# make test-dist, Node.js: dist/'s two npm tarballs (hooksig and hooksig-linux-x64-gnu)
# installed into a fresh app, offline with an empty npm cache, then: the repository's
# vector suite (tests/node/vectors.test.js) as it is and turned into an ES module
# (tests/dist/node/to-esm.js), the CommonJS and ESM tests of tests/dist/node (one Express
# request each), and tsc --strict on the repository's typed usage files against the
# installed .d.ts. Without the platform tarball, require must fail with the message that
# names the missing package.

# shellcheck source=tests/dist/lib.sh
source "$(dirname "$0")/lib.sh"

main=$(artifact "hooksig-$VERSION.tgz")
platform=$(artifact "hooksig-linux-x64-gnu-$VERSION.tgz")
check_sandbox

work=$DIST_TEST/node
rm -rf "$work"
app=$work/app
mkdir -p "$app" "$work/cache-app" "$work/cache-missing"

locked() { node -p "require('$ROOT/package-lock.json').packages['node_modules/$1'].version"; }
printf '{ "name": "hooksig-dist-app", "version": "1.0.0", "private": true }\n' >"$app/package.json"

# Online, before the sandbox: the framework and the type checker at the repository's locked
# versions, never hooksig.
say "Node $(node --version): Express and TypeScript from the registry"
(cd "$app" && npm install --no-audit --no-fund --loglevel=error \
  "express@$(locked express)" "typescript@$(locked typescript)" \
  "@types/express@$(locked @types/express)" "@types/node@$(locked @types/node)")

say "npm install --offline (empty cache): $(basename "$main") $(basename "$platform")"
(cd "$app" && offline npm install --offline --cache "$work/cache-app" --no-audit --no-fund --loglevel=error "$main" "$platform")

# The suites run in the app, against node_modules/hooksig.
mkdir -p "$app/tests/node" "$app/tests/dist" "$app/types"
cp "$ROOT/tests/node/vectors.test.js" "$app/tests/node/"
cp -r "$ROOT/tests/vectors" "$app/tests/"
cp "$ROOT"/tests/dist/node/*.test.* "$app/tests/dist/"
node "$ROOT/tests/dist/node/to-esm.js" "$app/tests/node/vectors.test.js" "$app/tests/node/vectors.test.mjs"
(cd "$app" && offline env HOOKSIG_DIST_VERSION="$VERSION" node --test \
  tests/node/vectors.test.js tests/node/vectors.test.mjs tests/dist/express.test.cjs tests/dist/esm.test.mjs)

say "tsc --strict: tests/node/types/usage.ts and usage-esm.mts against the installed .d.ts"
cp "$ROOT"/tests/node/types/usage.ts "$ROOT"/tests/node/types/usage-esm.mts "$app/types/"
node -e '
  const config = require(process.argv[1])
  config.files = ["types/usage.ts", "types/usage-esm.mts"]
  require("fs").writeFileSync(process.argv[2], JSON.stringify(config, null, 2))
' "$ROOT/tsconfig.json" "$app/tsconfig.json"
(cd "$app" && offline node node_modules/typescript/bin/tsc -p tsconfig.json --strict)
echo "tsc --strict: no error"

# The missing-artifact check: the main tarball alone, offline. npm cannot fetch the platform
# package, so hooksig must not load, and its error must say which package to install.
say "without $(basename "$platform"): require('hooksig') must fail and name it"
missing=$work/missing
mkdir -p "$missing"
printf '{ "name": "hooksig-dist-missing", "version": "1.0.0", "private": true }\n' >"$missing/package.json"
log=$work/missing.log
if (cd "$missing" && offline npm install --offline --cache "$work/cache-missing" --no-audit --no-fund "$main") >"$log" 2>&1; then
  expect_failure "$log" offline node -e "require('$missing/node_modules/hooksig')"
  grep -q "the package hooksig-linux-x64-gnu is not installed" "$log" || { cat "$log" >&2; fail "require: unexpected error"; }
  grep -q "npm install hooksig-linux-x64-gnu@$VERSION" "$log" || { cat "$log" >&2; fail "require: the error does not say what to install"; }
  grep -m1 '^Error: hooksig:' "$log"
else
  grep -q "hooksig-linux-x64-gnu" "$log" || { cat "$log" >&2; fail "npm failed without naming the platform package"; }
  echo "npm install failed without the platform tarball: $(grep -m1 'hooksig-linux-x64-gnu' "$log")"
fi
say "Node: the npm packages passed"
