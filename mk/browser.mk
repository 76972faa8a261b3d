# The inspector (`hooksig listen --ui`) in a real browser: headless Chromium from Debian
# (/usr/bin/chromium, installed by .ci/install-browser.sh), driven by playwright-core from npm.
# tests/browser has its own package.json and lock (the root package.json is the npm
# package's); no browser is ever downloaded (`npx playwright install` is not used).

TEST_TARGETS += test-browser
LINT_TARGETS += lint-browser

.PHONY: browser-deps test-browser lint-browser inspector-screenshot

tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	@touch $@

browser-deps: tests/browser/node_modules/.package-lock.json

## test-browser: two routes, --forward-to a real app, valid and tampered deliveries shown live,
## the detail's hint without a secret, replay reaching the app byte for byte, square and
## discord, labels and contrast; writes target/browser/inspector.png.
test-browser: browser-deps
	@test -x /usr/bin/chromium || { echo "test-browser needs Debian's chromium: bash .ci/install-browser.sh" >&2; exit 1; }
	cargo build -p hooksig-cli
	cd tests/browser && node --test inspector.test.mjs

## inspector-screenshot: the same test, writing the screenshot of docs/inspector.md.
inspector-screenshot: browser-deps
	cargo build -p hooksig-cli
	cd tests/browser && HOOKSIG_SCREENSHOT=$(CURDIR)/docs/inspector.png node --test inspector.test.mjs

## lint-browser: prettier (the root's) over the page and the browser test.
lint-browser: node-deps
	npx prettier --check crates/hooksig-cli/ui tests/browser/*.mjs
