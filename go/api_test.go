package hooksig_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	hooksig "example.invalid/hooksig/go"
)

// GitHub's documented example.
const (
	githubSecret    = "It's a Secret to Everybody"
	githubBody      = "Hello, World!"
	githubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func githubVerifier(t testing.TB, opts ...hooksig.Option) *hooksig.Verifier {
	t.Helper()
	v, err := hooksig.NewVerifier("github", append([]hooksig.Option{hooksig.Secret(githubSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func TestHeaderIsTheCABIHeader(t *testing.T) {
	ours, err := os.ReadFile("hooksig.h")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile(filepath.Join("..", "bindings", "c", "include", "hooksig.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, theirs) {
		t.Fatal("go/hooksig.h differs from bindings/c/include/hooksig.h: run `make go-header`, then check the Go code against the changed ABI")
	}
}

func TestSentinelsCoverTheTable(t *testing.T) {
	sentinels := map[string]error{
		"missing_header": hooksig.ErrMissingHeader, "invalid_header": hooksig.ErrInvalidHeader,
		"timestamp_too_old": hooksig.ErrTimestampTooOld, "timestamp_in_future": hooksig.ErrTimestampInFuture,
		"signature_mismatch": hooksig.ErrSignatureMismatch, "unknown_preset": hooksig.ErrUnknownPreset,
		"invalid_scheme": hooksig.ErrInvalidScheme, "invalid_secret": hooksig.ErrInvalidSecret,
		"missing_param": hooksig.ErrMissingParam, "invalid_key": hooksig.ErrInvalidKey,
	}
	table := hooksig.Codes()
	if len(table) != len(sentinels) {
		t.Errorf("the C ABI has %d codes, this package %d sentinels: %v", len(table), len(sentinels), table)
	}
	for code, kind := range table {
		s, ok := sentinels[code]
		if !ok {
			t.Errorf("no sentinel for %q", code)
			continue
		}
		e := s.(*hooksig.Error)
		if e.Code() != code || e.Kind() != kind {
			t.Errorf("sentinel %v: code %q kind %v, the table says %v", s, e.Code(), e.Kind(), kind)
		}
		kindSentinel := hooksig.ErrVerification
		if kind == hooksig.KindConfiguration {
			kindSentinel = hooksig.ErrConfiguration
		}
		if !errors.Is(s, kindSentinel) {
			t.Errorf("%v does not match its kind", s)
		}
	}
}

func TestErrorsMatchSentinelsAndKinds(t *testing.T) {
	v := githubVerifier(t)
	h := http.Header{"X-Hub-Signature-256": {githubSignature}}
	_, err := v.Verify([]byte("Hello, World?"), h)
	if !errors.Is(err, hooksig.ErrSignatureMismatch) || !errors.Is(err, hooksig.ErrVerification) {
		t.Fatalf("%v", err)
	}
	if errors.Is(err, hooksig.ErrMissingHeader) || errors.Is(err, hooksig.ErrConfiguration) {
		t.Fatalf("%v matches too much", err)
	}
	var e *hooksig.Error
	if !errors.As(err, &e) || e.Code() != "signature_mismatch" || e.Kind() != hooksig.KindVerification {
		t.Fatalf("%#v", err)
	}
	if !strings.HasPrefix(err.Error(), "hooksig: signature_mismatch: ") || e.Message() == "" {
		t.Fatalf("%q", err.Error())
	}
	// Wrapped, it still matches.
	wrapped := fmt.Errorf("webhook: %w", err)
	if !errors.Is(wrapped, hooksig.ErrSignatureMismatch) {
		t.Fatal("wrapped")
	}

	_, err = hooksig.NewVerifier("no-such-preset", hooksig.Secret("x"))
	if !errors.Is(err, hooksig.ErrUnknownPreset) || !errors.Is(err, hooksig.ErrConfiguration) {
		t.Fatalf("%v", err)
	}
	_, err = hooksig.NewVerifier("discord", hooksig.PublicKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	if !errors.Is(err, hooksig.ErrInvalidKey) {
		t.Fatalf("a secret given as a public key: %v", err)
	}
}

func TestVerifyResultAndHeaderForms(t *testing.T) {
	v := githubVerifier(t)
	for name, h := range map[string]http.Header{
		"canonical":  {"X-Hub-Signature-256": {githubSignature}},
		"lower case": {"x-hub-signature-256": {githubSignature}},
		"upper case": {"X-HUB-SIGNATURE-256": {githubSignature}},
		"a 12-header request": {
			"Host": {"example.com"}, "User-Agent": {"GitHub-Hookshot/1"}, "Accept": {"*/*"},
			"Content-Type": {"application/json"}, "Content-Length": {"13"}, "X-Github-Event": {"push"},
			"X-Github-Delivery": {"72d3162e"}, "X-Github-Hook-Id": {"1"}, "X-Hub-Signature": {"sha1=x"},
			"X-Hub-Signature-256": {githubSignature}, "Accept-Encoding": {"gzip"}, "X-Forwarded-For": {"1.2.3.4"},
		},
	} {
		got, err := v.Verify([]byte(githubBody), h)
		if err != nil || got.SecretIndex != 0 || !got.Timestamp.IsZero() || got.ID != "" {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	// One name in two cases of a hand-built map is a repeat.
	_, err := v.Verify([]byte(githubBody), http.Header{
		"X-Hub-Signature-256": {githubSignature}, "x-hub-signature-256": {githubSignature},
	})
	if !errors.Is(err, hooksig.ErrInvalidHeader) {
		t.Errorf("a repeat in two cases: %v", err)
	}
	if !v.IsValid([]byte(githubBody), http.Header{"X-Hub-Signature-256": {githubSignature}}) ||
		v.IsValid([]byte("tampered"), http.Header{"X-Hub-Signature-256": {githubSignature}}) {
		t.Error("IsValid")
	}
	if names := v.HeaderNames(); len(names) != 1 || names[0] != "x-hub-signature-256" {
		t.Errorf("HeaderNames %v", names)
	}
	if v.NeedsURL() || v.NeedsMethod() {
		t.Error("github signs neither URL nor method")
	}
}

func TestRotationTimestampAndID(t *testing.T) {
	signer, err := hooksig.NewSigner("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	at := time.Unix(1700000000, 0)
	headers, err := signer.Sign([]byte(`{"type":"ping"}`), hooksig.Now(at), hooksig.ID("msg_caf\u00e9"))
	if err != nil {
		t.Fatal(err)
	}
	if len(headers) != 3 || headers[0].Name != "webhook-id" || headers[0].Value != "msg_caf\u00e9" {
		t.Fatalf("%v", headers)
	}
	v, err := hooksig.NewVerifier("standard-webhooks",
		hooksig.Secrets("whsec_aG9va3NpZyByb3RhdGlvbiBuZXc=", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got, err := v.Verify([]byte(`{"type":"ping"}`), hooksig.HTTPHeader(headers), hooksig.Now(at.Add(10*time.Second)))
	if err != nil || got.SecretIndex != 1 || !got.Timestamp.Equal(at) || got.ID != "msg_caf\u00e9" {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = v.Verify([]byte(`{"type":"ping"}`), hooksig.HTTPHeader(headers), hooksig.Now(at.Add(time.Hour)))
	if !errors.Is(err, hooksig.ErrTimestampTooOld) {
		t.Fatalf("%v", err)
	}
	short, _ := hooksig.NewVerifier("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
		hooksig.Tolerance(5*time.Second))
	defer short.Close()
	if _, err := short.Verify([]byte(`{"type":"ping"}`), hooksig.HTTPHeader(headers), hooksig.Now(at.Add(10*time.Second))); !errors.Is(err, hooksig.ErrTimestampTooOld) {
		t.Fatalf("Tolerance(5s): %v", err)
	}
	none, _ := hooksig.NewVerifier("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
		hooksig.NoTolerance())
	defer none.Close()
	if _, err := none.Verify([]byte(`{"type":"ping"}`), hooksig.HTTPHeader(headers)); err != nil {
		t.Fatalf("NoTolerance: %v", err)
	}
}

func TestURLSignedPresetNeedsTheURL(t *testing.T) {
	v, err := hooksig.NewVerifier("square", hooksig.Secret("signature-key"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if !v.NeedsURL() {
		t.Fatal("square signs the URL")
	}
	body := []byte(`{"data":{"type":"webhooks","id":"fake_id"}}`)
	h := http.Header{"X-Square-Hmacsha256-Signature": {"W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="}}
	if _, err := v.Verify(body, h, hooksig.URL("https://webhook.site/webhooks")); err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(body, h)
	if !errors.Is(err, hooksig.ErrMissingParam) || !errors.Is(err, hooksig.ErrConfiguration) {
		t.Fatalf("without the URL: %v", err)
	}
}

func TestArgumentErrors(t *testing.T) {
	for name, opts := range map[string][]hooksig.Option{
		"negative tolerance":   {hooksig.Secret("s"), hooksig.Tolerance(-time.Second)},
		"fractional tolerance": {hooksig.Secret("s"), hooksig.Tolerance(1500 * time.Millisecond)},
		"a param not UTF-8":    {hooksig.Secret("s"), hooksig.Param("business_id", "\xff")},
		"a param given twice":  {hooksig.Secret("s"), hooksig.Param("a", "1"), hooksig.Param("a", "2")},
		"a nil option":         {nil},
	} {
		_, err := hooksig.NewVerifier("github", opts...)
		var e *hooksig.Error
		if !errors.Is(err, hooksig.ErrInvalidArgument) || errors.As(err, &e) {
			t.Errorf("%s: %v", name, err)
		}
	}
	v := githubVerifier(t)
	h := http.Header{"X-Hub-Signature-256": {githubSignature}}
	if _, err := v.Verify([]byte(githubBody), h, hooksig.Now(time.Unix(-1, 0))); !errors.Is(err, hooksig.ErrInvalidArgument) {
		t.Errorf("now before 1970: %v", err)
	}
	if _, err := v.Verify([]byte(githubBody), h, nil); !errors.Is(err, hooksig.ErrInvalidArgument) {
		t.Errorf("a nil option: %v", err)
	}
}

func TestNoSecretInStringsOrErrors(t *testing.T) {
	const secret = "very-secret-value-1234"
	v, err := hooksig.NewVerifier("noyo", hooksig.Secret(secret))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	s, _ := hooksig.NewSigner("noyo", hooksig.Secret(secret))
	defer s.Close()
	_, verifyErr := v.Verify([]byte("x"), http.Header{"X-Noyo-Timestamp": {"1"}, "X-Noyo-Signature": {"00"}}, hooksig.Now(time.Unix(1, 0)))
	_, configErr := hooksig.NewVerifier("standard-webhooks", hooksig.Secret(secret))
	for _, text := range []string{
		fmt.Sprint(v), fmt.Sprintf("%v %+v %#v", v, v, v), fmt.Sprintf("%v %#v", s, s),
		verifyErr.Error(), configErr.Error(),
	} {
		if strings.Contains(text, secret) || strings.Contains(text, "1234") {
			t.Errorf("shows the secret: %s", text)
		}
	}
	if got := fmt.Sprint(v); got != `hooksig.Verifier("noyo", 1 secret, 0 public keys)` {
		t.Errorf("%s", got)
	}
}

func TestCloseAndFinalizer(t *testing.T) {
	v, _ := hooksig.NewVerifier("github", hooksig.Secret(githubSecret))
	h := http.Header{"X-Hub-Signature-256": {githubSignature}}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal("a second Close")
	}
	if _, err := v.Verify([]byte(githubBody), h); !errors.Is(err, hooksig.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	s, _ := hooksig.NewSigner("github", hooksig.Secret(githubSecret))
	s.Close()
	if _, err := s.Sign([]byte("x")); !errors.Is(err, hooksig.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	// Verifiers left to the garbage collector: their finalizers free them.
	for i := 0; i < 1000; i++ {
		v, _ := hooksig.NewVerifier("github", hooksig.Secret(githubSecret))
		if !v.IsValid([]byte(githubBody), h) {
			t.Fatal("verify")
		}
	}
	runtime.GC()
	runtime.GC()
}

// TestConcurrentVerifies shares one verifier between goroutines (run with -race by make
// test-go), with Close waiting for the verifies in progress.
func TestConcurrentVerifies(t *testing.T) {
	v, err := hooksig.NewVerifier("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := hooksig.NewSigner("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	defer signer.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				body := []byte(fmt.Sprintf(`{"goroutine":%d,"i":%d}`, g, i))
				id := fmt.Sprintf("msg_%d_%d", g, i)
				headers, err := signer.Sign(body, hooksig.ID(id))
				if err != nil {
					errs <- err
					return
				}
				got, err := v.Verify(body, hooksig.HTTPHeader(headers))
				if err != nil || got.ID != id {
					errs <- fmt.Errorf("%s: %+v %v", id, got, err)
					return
				}
				if _, err := v.Verify(append(body, '!'), hooksig.HTTPHeader(headers)); !errors.Is(err, hooksig.ErrSignatureMismatch) {
					errs <- fmt.Errorf("tampered %s: %v", id, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Close while others verify: each either verifies or gets ErrClosed, never a crash.
	var wg2 sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			headers, _ := signer.Sign([]byte("x"))
			for i := 0; i < 500; i++ {
				if _, err := v.Verify([]byte("x"), hooksig.HTTPHeader(headers)); err != nil && !errors.Is(err, hooksig.ErrClosed) {
					t.Error(err)
					return
				}
			}
		}()
	}
	v.Close()
	wg2.Wait()
}

func TestMiddleware(t *testing.T) {
	v := githubVerifier(t)
	var got []byte
	var verified hooksig.Verified
	handler := hooksig.Middleware(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		verified, _ = hooksig.FromContext(r.Context())
		fmt.Fprint(w, "ok")
	}))
	server := httptest.NewServer(handler)
	defer server.Close()
	post := func(body string, sig string) *http.Response {
		req, _ := http.NewRequest("POST", server.URL+"/webhooks/github", strings.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return res
	}
	if res := post(githubBody, githubSignature); res.StatusCode != 200 || string(got) != githubBody || verified.SecretIndex != 0 {
		t.Fatalf("%d %q", res.StatusCode, got)
	}
	if res := post("Hello, World?", githubSignature); res.StatusCode != 403 {
		t.Fatalf("tampered: %d", res.StatusCode)
	}

	// OnError, MaxBody and NoBodyLimit.
	var status int
	var reported error
	limited := httptest.NewServer(hooksig.Middleware(v, http.NotFoundHandler(), hooksig.MaxBody(4),
		hooksig.OnError(func(w http.ResponseWriter, r *http.Request, s int, err error) {
			status, reported = s, err
			w.WriteHeader(499)
		})))
	defer limited.Close()
	res, err := http.Post(limited.URL, "text/plain", strings.NewReader("12345"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 499 || status != 413 || !errors.Is(reported, hooksig.ErrBodyTooLarge) {
		t.Fatalf("%d %d %v", res.StatusCode, status, reported)
	}
	big := strings.Repeat("x", hooksig.DefaultMaxBody+1)
	unlimited := httptest.NewServer(hooksig.Middleware(v, http.NotFoundHandler(), hooksig.NoBodyLimit()))
	defer unlimited.Close()
	res, _ = http.Post(unlimited.URL, "text/plain", strings.NewReader(big))
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("no limit: %d", res.StatusCode)
	}
	// Without a limit, a declared length is not trusted for the buffer: 1 TiB declared
	// and 5 bytes sent is a short body (400), not a 1 TiB allocation.
	conn, err := net.Dial("tcp", unlimited.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n12345")
	_ = conn.(*net.TCPConn).CloseWrite()
	res, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != 400 {
		t.Fatalf("no limit, 1 TiB declared, 5 bytes sent: %v %v", res, err)
	}
	res.Body.Close()
	defer func() {
		if recover() == nil {
			t.Error("MaxBody(0) should panic")
		}
	}()
	hooksig.MaxBody(0)
}

func TestMiddlewarePublicURLFunc(t *testing.T) {
	v, _ := hooksig.NewVerifier("square", hooksig.Secret("signature-key"))
	defer v.Close()
	signer, _ := hooksig.NewSigner("square", hooksig.Secret("signature-key"))
	defer signer.Close()
	public := "https://hooks.example.com/webhooks/square?tenant=7"
	server := httptest.NewServer(hooksig.Middleware(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
		hooksig.PublicURLFunc(func(r *http.Request) string {
			return "https://hooks.example.com" + r.URL.RequestURI()
		})))
	defer server.Close()
	body := []byte(`{"data":{}}`)
	headers, _ := signer.Sign(body, hooksig.URL(public))
	req, _ := http.NewRequest("POST", server.URL+"/webhooks/square?tenant=7", bytes.NewReader(body))
	req.Header = hooksig.HTTPHeader(headers)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
}

func TestVersion(t *testing.T) {
	if hooksig.Version() == "" {
		t.Fatal("no version")
	}
}
