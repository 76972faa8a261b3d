# The project's commands. `make demo` and `make test` are the two in the README.
# Each binding adds its own targets in mk/<language>.mk to TEST_TARGETS, LINT_TARGETS
# and BENCH_TARGETS, so this file stays short and each language has one owner.

SHELL := /bin/bash
.DEFAULT_GOAL := test

TEST_TARGETS :=
LINT_TARGETS :=
BENCH_TARGETS :=

-include mk/*.mk

.PHONY: demo test test-rust test-ct-valgrind vectors-check lint lint-rust bench bench-rust vectors

## demo: the FastAPI example receives valid and tampered webhooks from `hooksig send`.
demo: python-build
	cargo build --release -p hooksig-cli
	examples/demo.sh

## test: every suite: Rust (unit, vectors, proptests, doctests), then each binding's.
test: vectors-check test-rust $(TEST_TARGETS)
	@echo "make test: all suites passed"

test-rust:
	cargo test --workspace --all-targets
	cargo test --workspace --doc
	$(MAKE) test-ct-valgrind

## test-ct-valgrind: memcheck sees no branch or index on the expected MAC or the received
## signature in decode + compare (crates/hooksig/src/encoding.rs); release build.
test-ct-valgrind:
	@command -v valgrind >/dev/null || { echo "valgrind is required (Debian: apt-get install valgrind)"; exit 1; }
	CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="valgrind -q --error-exitcode=1" \
	  HOOKSIG_EXPECT_VALGRIND=1 cargo test --release -p hooksig --lib valgrind -- --test-threads=1

## vectors-check: the generated conformance vectors are up to date, and the generator's own
## definition of every preset is the core's (`hooksig presets --json`). The generator computes
## Ed25519 and ECDSA with `cryptography`, which the project .venv has (tests/python/requirements.txt).
vectors-check: python-venv
	$(PY) tests/vectors/generate.py --check
	$(PY) tests/vectors/hostile/generate.py --check

## vectors: regenerate the generated vectors (presets, schemes, hostile/).
vectors: python-venv
	$(PY) tests/vectors/generate.py
	$(PY) tests/vectors/hostile/generate.py

## lint: rustfmt, clippy -D warnings, then each binding's linters.
lint: lint-rust $(LINT_TARGETS)

lint-rust:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

## bench: criterion for the core, then each binding's harness (see bench/README.md).
bench: bench-rust $(BENCH_TARGETS)

bench-rust:
	cargo bench -p hooksig --bench verify

.PHONY: fuzz fuzz-smoke ct

## fuzz: each libFuzzer target for up to FUZZ_SECONDS or FUZZ_RUNS (see SECURITY.md).
FUZZ_SECONDS ?= 1200
FUZZ_RUNS ?= 10000000
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_RUNS)

## fuzz-smoke: 30 s per target, as CI runs it.
fuzz-smoke:
	fuzz/run.sh 30

## ct: Welch t-test over verify timings (dudect method); a benchmark, not a test.
ct:
	cargo bench -p hooksig --bench ct
