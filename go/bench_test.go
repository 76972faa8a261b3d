package hooksig_test

import (
	"testing"

	"example.invalid/hooksig/go/internal/bench"
)

// BenchmarkVerify is the matrix of bench/go.md under `go test -bench`: hooksig and
// crypto/hmac + hmac.Equal on the same request, per scheme shape, header container and
// body size. (`make bench-go` runs the interleaved report instead.)
func BenchmarkVerify(b *testing.B) {
	for _, c := range bench.Cases() {
		b.Run(c.Name()+"/hooksig", c.Hooksig)
		b.Run(c.Name()+"/stdlib", c.Stdlib)
	}
}
