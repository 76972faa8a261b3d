# Node.js: the napi-rs addon (bindings/node), the npm package (node/), its tests and bench.
# `make test-node` on a fresh clone installs the npm dev dependencies, builds the addon
# in release mode and runs `node --test tests/node` (which also packs the package and
# installs it into a temp app). The replay tests and the bench start their own redis-server
# (Debian's, installed by .ci/install-redis.sh when missing).

TEST_TARGETS += test-node
LINT_TARGETS += lint-node
BENCH_TARGETS += bench-node

.PHONY: node-deps node-build node-redis test-node lint-node bench-node

# Install the locked dev dependencies when package.json or the lock changed. Not `npm ci`:
# the lock here lacks the other platforms' optional packages of @napi-rs/cli's own deps
# (the registry mirror does not list them), which `npm ci` refuses; `npm install --no-save`
# installs the same locked versions and leaves the lock alone.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund --no-save
	@touch $@

node-deps: node_modules/.package-lock.json

## node-build: the release addon, node/hooksig.<platform>.node (cargo rebuilds only on change).
node-build: node-deps
	npm run build

## node-redis: redis-server for the replay tests and bench (installed when missing, as root).
node-redis:
	@command -v redis-server >/dev/null || bash .ci/install-redis.sh

## test-node: every Node suite: vectors, API, Express and fetch servers, handshakes, replay
## (two server processes per helper sharing a real Redis), peers, tsc --strict, npm pack.
test-node: node-build node-redis
	node --test tests/node/

## lint-node: the hand-written .d.ts against typed usage (tsc --strict), prettier, clippy.
lint-node: node-deps
	npx tsc -p tsconfig.json
	npx prettier --check node tests/node examples/express bench/node_bench.mjs
	cargo clippy -p hooksig-node -- -D warnings

## bench-node: hooksig vs node:crypto and the peer libraries, replay store claims (see bench/node.md).
bench-node: node-build node-redis
	node bench/node_bench.mjs
