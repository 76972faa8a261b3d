# The Go module (go/) over the C ABI: cgo links the static libhooksig_c.a that mk/c.mk
# builds; its tests (every vector, http.json against the net/http Middleware on httptest,
# the Aghanim example, concurrent verifies) under the race detector; the benchmark.

TEST_TARGETS += test-go
LINT_TARGETS += lint-go
BENCH_TARGETS += bench-go

# cgo finds libhooksig_c.a through CGO_LDFLAGS (the package links -l:libhooksig_c.a).
GO_DEBUG_ENV = CGO_ENABLED=1 CGO_LDFLAGS=-L$(abspath target/debug)
GO_RELEASE_ENV = CGO_ENABLED=1 CGO_LDFLAGS=-L$(abspath target/release)

.PHONY: go-deps go-header test-go lint-go bench-go

## go-deps: Go from Debian (golang-go, installed when missing, as root).
go-deps:
	@if command -v go >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then bash .ci/install-go-php.sh; \
	else echo "test-go needs Go 1.19 or later (Debian: apt-get install -y golang-go)" >&2; exit 1; fi

## go-header: copy the C ABI's header into the Go package (a test fails when they differ).
go-header:
	cp bindings/c/include/hooksig.h go/hooksig.h

## test-go: go vet, then every Go test with -race on the debug library; the benchmark
## code runs once (-benchtime 1x: not timed).
test-go: go-deps c-lib
	cd go && $(GO_DEBUG_ENV) go vet ./...
	cd go && $(GO_DEBUG_ENV) go test -race -count=1 ./...
	cd go && $(GO_DEBUG_ENV) go test -count=1 -run '^$$' -bench . -benchtime 1x . >/dev/null

## lint-go: gofmt -l (no file may need formatting) and go vet.
lint-go: go-deps c-lib
	@out=$$(gofmt -l go); [ -z "$$out" ] || { echo "gofmt -l would reformat: $$out" >&2; exit 1; }
	cd go && $(GO_DEBUG_ENV) go vet ./...
	@echo "gofmt, go vet: clean"

## bench-go: hooksig vs crypto/hmac + hmac.Equal, interleaved, on the release library
## (bench/go.md).
bench-go: go-deps
	cargo build --release -p hooksig-c
	cd go && $(GO_RELEASE_ENV) go run -buildvcs=false ./internal/bench/report
