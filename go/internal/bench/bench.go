// Package bench holds the Go benchmark matrix (bench/go.md): hooksig against crypto/hmac
// + hmac.Equal, as a provider's snippet uses them, for three scheme shapes, two header
// containers and three body sizes. go/bench_test.go runs it under `go test -bench`;
// report/ runs it interleaved and prints the table.
package bench

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	hooksig "example.invalid/hooksig/go"
)

// A Case is one cell: the same request verified by hooksig and by the standard library.
type Case struct {
	Shape     string // github (1 header), aghanim (2), standard-webhooks (3)
	Container string // "signed headers only" or "12-header request"
	Size      int
	Hooksig   func(*testing.B)
	Stdlib    func(*testing.B)
}

// Name is "shape/container/size".
func (c Case) Name() string {
	return fmt.Sprintf("%s/%s/%s", c.Shape, strings.ReplaceAll(c.Container, " ", "_"), SizeName(c.Size))
}

// Sizes are the body sizes of the matrix.
var Sizes = []int{0, 1 << 10, 1 << 20}

// SizeName is "0 B", "1 KiB", "1 MiB".
func SizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

const (
	githubSecret = "It's a Secret to Everybody"
	aghanimKey   = "aghanim-s2s-key"
	whsec        = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

// A request a server hands over besides the webhook's own headers: 9 more, canonical
// names, as net/http builds r.Header.
func withRequest(h http.Header) http.Header {
	full := http.Header{
		"Accept": {"*/*"}, "Accept-Encoding": {"gzip"}, "Content-Type": {"application/json"},
		"User-Agent": {"Provider-Webhooks/1.0"}, "X-Forwarded-For": {"203.0.113.7"},
		"X-Forwarded-Proto": {"https"}, "X-Request-Id": {"7b0c7e0e-5b9e-4b1f-9d0f-3f6f0b0c1a2b"},
		"Traceparent":    {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		"Content-Length": {"1024"},
	}
	for k, v := range h {
		full[k] = v
	}
	for len(full) < 12 {
		full.Set(fmt.Sprintf("X-Extra-%d", len(full)), "1")
	}
	return full
}

// Cases returns every cell of the matrix. It panics if a side does not verify its request.
func Cases() []Case {
	var cases []Case
	for _, size := range Sizes {
		body := bytes.Repeat([]byte("x"), size)
		for _, shape := range []func([]byte) (string, http.Header, *hooksig.Verifier, func([]byte, http.Header) bool){github, aghanim, standardWebhooks} {
			name, h, v, stdlib := shape(body)
			for _, container := range []string{"signed headers only", "12-header request"} {
				header := h
				if container == "12-header request" {
					header = withRequest(h)
				}
				if _, err := v.Verify(body, header); err != nil {
					panic(fmt.Sprintf("%s: hooksig: %v", name, err))
				}
				if !stdlib(body, header) {
					panic(name + ": the stdlib side does not verify")
				}
				header, v, stdlib := header, v, stdlib
				cases = append(cases, Case{
					Shape: name, Container: container, Size: size,
					Hooksig: func(b *testing.B) {
						b.SetBytes(int64(len(body)))
						b.ReportAllocs()
						for i := 0; i < b.N; i++ {
							if _, err := v.Verify(body, header); err != nil {
								b.Fatal(err)
							}
						}
					},
					Stdlib: func(b *testing.B) {
						b.SetBytes(int64(len(body)))
						b.ReportAllocs()
						for i := 0; i < b.N; i++ {
							if !stdlib(body, header) {
								b.Fatal("stdlib: no match")
							}
						}
					},
				})
			}
		}
	}
	return cases
}

func mustVerifier(scheme string, opts ...hooksig.Option) *hooksig.Verifier {
	v, err := hooksig.NewVerifier(scheme, opts...)
	if err != nil {
		panic(err)
	}
	return v
}

func mustSign(scheme string, body []byte, opts ...hooksig.Option) http.Header {
	s, err := hooksig.NewSigner(scheme, opts...)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	headers, err := s.Sign(body)
	if err != nil {
		panic(err)
	}
	return hooksig.HTTPHeader(headers)
}

// github: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the body (GitHub's docs).
func github(body []byte) (string, http.Header, *hooksig.Verifier, func([]byte, http.Header) bool) {
	key := []byte(githubSecret)
	stdlib := func(body []byte, h http.Header) bool {
		sig, err := hex.DecodeString(strings.TrimPrefix(h.Get("X-Hub-Signature-256"), "sha256="))
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		return hmac.Equal(mac.Sum(nil), sig)
	}
	return "github", mustSign("github", body, hooksig.Secret(githubSecret)),
		mustVerifier("github", hooksig.Secret(githubSecret)), stdlib
}

// aghanim: hex HMAC-SHA256 of "{timestamp}.{body}" (Aghanim's Go example, plus the
// replay window it leaves out).
func aghanim(body []byte) (string, http.Header, *hooksig.Verifier, func([]byte, http.Header) bool) {
	key := []byte(aghanimKey)
	stdlib := func(body []byte, h http.Header) bool {
		timestamp := h.Get("X-Aghanim-Signature-Timestamp")
		ts, err := strconv.ParseInt(timestamp, 10, 64)
		if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 300*time.Second {
			return false
		}
		sig, err := hex.DecodeString(h.Get("X-Aghanim-Signature"))
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(timestamp))
		mac.Write([]byte{'.'})
		mac.Write(body)
		return hmac.Equal(mac.Sum(nil), sig)
	}
	return "aghanim", mustSign("aghanim", body, hooksig.Secret(aghanimKey)),
		mustVerifier("aghanim", hooksig.Secret(aghanimKey)), stdlib
}

// standardWebhooks: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}", a space list of
// "v1,<sig>" (the Standard Webhooks spec; the key decoded once, as its Go library does).
func standardWebhooks(body []byte) (string, http.Header, *hooksig.Verifier, func([]byte, http.Header) bool) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(whsec, "whsec_"))
	if err != nil {
		panic(err)
	}
	stdlib := func(body []byte, h http.Header) bool {
		id, timestamp := h.Get("Webhook-Id"), h.Get("Webhook-Timestamp")
		ts, err := strconv.ParseInt(timestamp, 10, 64)
		if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 300*time.Second {
			return false
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id))
		mac.Write([]byte{'.'})
		mac.Write([]byte(timestamp))
		mac.Write([]byte{'.'})
		mac.Write(body)
		expected := mac.Sum(nil)
		for _, item := range strings.Split(h.Get("Webhook-Signature"), " ") {
			if !strings.HasPrefix(item, "v1,") {
				continue
			}
			sig, err := base64.StdEncoding.DecodeString(item[3:])
			if err == nil && hmac.Equal(expected, sig) {
				return true
			}
		}
		return false
	}
	return "standard-webhooks", mustSign("standard-webhooks", body, hooksig.Secret(whsec)),
		mustVerifier("standard-webhooks", hooksig.Secret(whsec)), stdlib
}
