# The Ruby gem (ruby/) over the C ABI (mk/c.mk builds libhooksig_c), its minitest suite
# (tests/ruby), the Sinatra example and the benchmark.

TEST_TARGETS += test-ruby
LINT_TARGETS += lint-ruby
BENCH_TARGETS += bench-ruby

RUBY_DEB_PACKAGES := ruby ruby-dev ruby-ffi ruby-minitest ruby-rack ruby-rack-test ruby-sinatra ruby-webrick
RUBY_FILES = $(shell find ruby tests/ruby examples/sinatra -name '*.rb') bench/ruby_bench.rb ruby/hooksig.gemspec ruby/hooksig-platform.gemspec \
	load/snippet_sinatra.rb
RUBY_RUN_TESTS := -e 'Dir[File.join(ARGV[0], "test_*.rb")].sort.each { |f| require File.expand_path(f) }'

.PHONY: ruby-deps ruby-redis test-ruby lint-ruby bench-ruby

## ruby-deps: Ruby and the gem's libraries from Debian (installed when missing, as root).
ruby-deps:
	@if ruby -e 'require "ffi"; require "minitest"; require "rack"; require "rack/test"; require "sinatra/base"; require "webrick"' 2>/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then bash .ci/install-ruby.sh; \
	else echo "test-ruby needs the Debian packages: $(RUBY_DEB_PACKAGES)" >&2; \
	     echo "install them: sudo apt-get install -y $(RUBY_DEB_PACKAGES)" >&2; exit 1; fi

## ruby-redis: redis-server and Debian's ruby-redis for the replay tests and bench (.ci/install-redis.sh,
## installed when missing, as root; otherwise it says what to install).
ruby-redis:
	@{ command -v redis-server && ruby -e 'require "redis"'; } >/dev/null 2>&1 || bash .ci/install-redis.sh

## test-ruby: the minitest suite (vectors, handshakes on a real server, the http.json contract on a real
## server, API, replay stores against a redis-server it starts, two server processes sharing it, Rack,
## Sinatra, the docs' Ruby blocks, GC) on the debug library.
test-ruby: ruby-deps ruby-redis c-lib
	HOOKSIG_LIB=$(abspath target/debug/libhooksig_c.so) ruby -w $(RUBY_RUN_TESTS) tests/ruby

## lint-ruby: syntax with warnings on every file; rubocop when installed (Debian: rubocop).
lint-ruby: ruby-deps
	@for f in $(RUBY_FILES); do \
		out=$$(ruby -wc "$$f" 2>&1 >/dev/null) && [ -z "$$out" ] || { echo "$$f: $$out" >&2; exit 1; }; \
	done; echo "ruby -wc: $(words $(RUBY_FILES)) files, no warnings"
	@if command -v rubocop >/dev/null; then rubocop --config ruby/.rubocop.yml $(RUBY_FILES); \
	else echo "rubocop not installed (apt-get install -y rubocop): skipped"; fi

## bench-ruby: the matrix of issue 14 (github, aghanim, noyo, standard-webhooks x signed headers,
## a 12-header Hash, a 25-key Rack env x 0 B, 1 KiB, 1 MiB) against OpenSSL::HMAC, Ed25519 /
## ECDSA against OpenSSL::PKey, and replay claims (the memory store; Redis on loopback, a redis-server
## it starts), on the release library (the interpreter, then YJIT when this Ruby has it).
bench-ruby: ruby-deps ruby-redis
	cargo build --release -p hooksig-c
	HOOKSIG_LIB=$(abspath target/release/libhooksig_c.so) ruby bench/ruby_bench.rb
	@if ruby --yjit -e 'exit(defined?(RubyVM::YJIT) && RubyVM::YJIT.enabled? ? 0 : 1)' 2>/dev/null; then \
		echo; echo "== again with YJIT (ruby --yjit)"; \
		HOOKSIG_LIB=$(abspath target/release/libhooksig_c.so) ruby --yjit bench/ruby_bench.rb; fi
