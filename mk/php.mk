# The PHP package (php/) over the C ABI through FFI (libhooksig_c.so from mk/c.mk): its
# PHPUnit suite (every vector, http.json and the AQID example behind `php -S`, preloading),
# the FFI declarations' staleness check, and the benchmark.

TEST_TARGETS += test-php
LINT_TARGETS += lint-php
BENCH_TARGETS += bench-php

PHP_FILES = $(shell find php -name '*.php' -not -path 'php/vendor/*') php/bin/hooksig-ffi-header

.PHONY: php-deps php-header php-autoload test-php lint-php bench-php

## php-deps: PHP with FFI, PHPUnit and Composer from Debian (installed when missing, as root).
php-deps:
	@if php -r 'exit(extension_loaded("FFI") ? 0 : 1);' 2>/dev/null && command -v phpunit >/dev/null \
		&& command -v composer >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then bash .ci/install-go-php.sh; \
	else echo "test-php needs php-cli (with FFI), phpunit and composer: apt-get install -y php-cli phpunit composer" >&2; exit 1; fi

## php-header: rewrite php/include/hooksig.ffi.h from the C header.
php-header:
	php php/tools/ffi-header.php

## php-autoload: Composer's autoloader for the package and its tests (offline).
php-autoload: php-deps
	composer dump-autoload --dev --working-dir=php --no-interaction --quiet

## test-php: the FFI declarations are current, then PHPUnit on the debug library.
test-php: php-deps c-lib php-autoload
	php php/tools/ffi-header.php --check
	cd php && HOOKSIG_LIB=$(abspath target/debug/libhooksig_c.so) phpunit

## lint-php: php -l on every file; composer.json is valid.
lint-php: php-deps
	@for f in $(PHP_FILES); do out=$$(php -l "$$f" 2>&1) || { echo "$$out" >&2; exit 1; }; done; \
	echo "php -l: $(words $(PHP_FILES)) files, no errors"
	composer validate --no-check-publish --working-dir=php --no-interaction

## bench-php: hooksig vs hash_hmac + hash_equals, interleaved, on the release library
## (bench/php.md).
bench-php: php-deps php-autoload
	cargo build --release -p hooksig-c
	HOOKSIG_LIB=$(abspath target/release/libhooksig_c.so) php php/bench/verify.php
