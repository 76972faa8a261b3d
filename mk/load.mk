# Load and leak evidence (issue 7): `make load` (wrk against the FastAPI, Express and Sinatra
# examples and their provider-docs twins, RSS before/after) and `make soak` (10^6 verifications
# per language in one process, RSS sampled). Benchmarks, not CI tests: nothing is added to
# TEST_TARGETS. Results and how to read them: load/README.md.

LOAD_SECONDS ?= 20
LOAD_WARMUP ?= 10
LOAD_THREADS ?= 2
LOAD_CONNECTIONS ?= 32
# e.g. LOAD_ARGS="--only express,express-snippet --mix valid" (see python3 load/run.py --help)
LOAD_ARGS ?=
SOAK_N ?= 1000000
LOAD_LIB := $(abspath target/release/libhooksig_c.so)

.PHONY: load load-ab load-deps load-native soak

## load-deps: wrk (Debian package), installed when missing and running as root.
load-deps:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	else echo "make load needs wrk (Debian package): sudo apt-get install -y wrk" >&2; exit 1; fi

# The release CLI (signs the requests) and the release C library (the Ruby gem loads it).
load-native:
	cargo build --release -p hooksig-cli -p hooksig-c

## load: wrk, $(LOAD_SECONDS) s per app after a $(LOAD_WARMUP) s warm-up, 127.0.0.1 only.
load: load-deps load-native python-build python-redis node-build ruby-deps
	python3 load/run.py --seconds $(LOAD_SECONDS) --warmup $(LOAD_WARMUP) \
		--threads $(LOAD_THREADS) --connections $(LOAD_CONNECTIONS) $(LOAD_ARGS)

## load-ab: requests/s of each app vs its snippet twin, both servers up, wrk alternating
## between them ($(LOAD_AB_ROUNDS) rounds of $(LOAD_AB_SECONDS) s each): less drift on a shared machine.
LOAD_AB_ROUNDS ?= 6
LOAD_AB_SECONDS ?= 5
# e.g. LOAD_AB_ARGS="--only express" (see python3 load/ab.py --help)
LOAD_AB_ARGS ?=
load-ab: load-deps load-native python-build node-build ruby-deps
	python3 load/ab.py --rounds $(LOAD_AB_ROUNDS) --seconds $(LOAD_AB_SECONDS) --warmup $(LOAD_WARMUP) \
		--threads $(LOAD_THREADS) --connections $(LOAD_CONNECTIONS) $(LOAD_AB_ARGS)

## soak: $(SOAK_N) verifications in one process per language, RSS at start and end.
soak: load-native python-build node-build ruby-deps
	$(PY) load/soak.py $(SOAK_N)
	node --expose-gc load/soak.js $(SOAK_N)
	HOOKSIG_LIB=$(LOAD_LIB) ruby load/soak.rb $(SOAK_N)
