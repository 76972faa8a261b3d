package hooksig_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	hooksig "example.invalid/hooksig/go"
)

// An http.json case (tests/vectors/README.md, "the helper contract").
type httpCase struct {
	Name       string               `json:"name"`
	Preset     string               `json:"preset"`
	Secrets    []string             `json:"secrets"`
	PublicKeys []string             `json:"public_keys"`
	PrivateKey string               `json:"private_key"`
	Tolerance  json.RawMessage      `json:"tolerance"`
	MaxBody    int64                `json:"max_body"`
	PublicURL  string               `json:"public_url"`
	Body       json.RawMessage      `json:"body"`
	Headers    [][2]json.RawMessage `json:"headers"`
	Sign       *struct {
		Age int64  `json:"age"`
		URL string `json:"url"`
	} `json:"sign"`
	ContentLength json.RawMessage `json:"content_length"`
	Expect        struct {
		Status          json.RawMessage `json:"status"`
		Error           json.RawMessage `json:"error"`
		Handler         *bool           `json:"handler"`
		HandlerIfStatus int             `json:"handler_if_status"`
		JSONHelpersOnly bool            `json:"json_helpers_only"`
	} `json:"expect"`
}

// TestHTTPContract sends every case of tests/vectors/http.json to Middleware behind a
// real server on 127.0.0.1 (httptest.Server), over a raw socket so that Content-Length
// and header bytes go exactly as the case says.
func TestHTTPContract(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorsDir, "http.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases []httpCase }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	ran, jsonOnly := 0, 0
	for i := range doc.Cases {
		c := &doc.Cases[i]
		if c.Expect.JSONHelpersOnly {
			// Middleware hands the verified bytes on; it parses no JSON.
			jsonOnly++
			continue
		}
		ran++
		t.Run(c.Name, func(t *testing.T) { runHTTPCase(t, c) })
	}
	if ran < 20 {
		t.Fatalf("only %d http.json cases ran", ran)
	}
	t.Logf("http.json: %d cases ran; %d apply only to helpers that parse JSON", ran, jsonOnly)
}

func runHTTPCase(t *testing.T, c *httpCase) {
	opts := []hooksig.Option{hooksig.Secrets(c.Secrets...), hooksig.PublicKeys(c.PublicKeys...)}
	switch string(c.Tolerance) {
	case "":
	case "null":
		opts = append(opts, hooksig.NoTolerance())
	default:
		seconds, _ := strconv.Atoi(string(c.Tolerance))
		opts = append(opts, hooksig.Tolerance(time.Duration(seconds)*time.Second))
	}
	v, err := hooksig.NewVerifier(c.Preset, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var mwOpts []hooksig.MiddlewareOption
	if c.MaxBody > 0 {
		mwOpts = append(mwOpts, hooksig.MaxBody(c.MaxBody))
	}
	if c.PublicURL != "" {
		mwOpts = append(mwOpts, hooksig.PublicURL(c.PublicURL))
	}
	body := byteString(t, c.Body)
	var handled int32
	var seen string
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&handled, 1)
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	server := httptest.NewServer(hooksig.Middleware(v, handler, mwOpts...))
	defer server.Close()
	path := "/webhooks/" + c.Preset

	var headers [][2]string
	if c.Sign != nil {
		headers = signHTTPCase(t, c, body, server.URL+path)
	}
	for _, h := range c.Headers {
		headers = append(headers, [2]string{byteString(t, h[0]), byteString(t, h[1])})
	}
	res, resBody := rawPost(t, server.Listener.Addr().String(), path, headers, body, c.ContentLength)

	var statuses []int
	if json.Unmarshal(c.Expect.Status, &statuses) != nil {
		var one int
		if err := json.Unmarshal(c.Expect.Status, &one); err != nil {
			t.Fatal(err)
		}
		statuses = []int{one}
	}
	if string(c.ContentLength) == `""` && laxEmptyContentLength() && res.StatusCode != 403 {
		// net/http before Go 1.22 reads an empty Content-Length as no body (1.22 answers
		// 400): the helper verifies an empty body and refuses it.
		t.Errorf("Go before 1.22, an empty Content-Length: status %d, want 403", res.StatusCode)
	}
	if !containsInt(statuses, res.StatusCode) {
		t.Fatalf("status %d, want %v: %s", res.StatusCode, statuses, resBody)
	}
	if len(c.Expect.Error) > 0 {
		var codes []string // a code, or a list of acceptable ones
		if json.Unmarshal(c.Expect.Error, &codes) != nil {
			codes = []string{""}
			_ = json.Unmarshal(c.Expect.Error, &codes[0])
		}
		var answer map[string]string
		if err := json.Unmarshal(resBody, &answer); err != nil || len(answer) != 1 || !containsString(codes, answer["error"]) {
			t.Errorf("answer %s, want exactly {\"error\": one of %q}", resBody, codes)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	ranHandler := atomic.LoadInt32(&handled) == 1
	if c.Expect.Handler != nil && ranHandler != *c.Expect.Handler {
		t.Errorf("handler ran: %v, want %v", ranHandler, *c.Expect.Handler)
	}
	if c.Expect.HandlerIfStatus != 0 && ranHandler != (res.StatusCode == c.Expect.HandlerIfStatus) {
		t.Errorf("handler ran: %v with status %d", ranHandler, res.StatusCode)
	}
	if ranHandler && seen != body {
		t.Errorf("the handler read %d bytes, not the %d sent", len(seen), len(body))
	}
}

// signHTTPCase signs the case's body as its provider would, now minus sign.age, over the
// URL the request goes to (or the one the case gives).
func signHTTPCase(t *testing.T, c *httpCase, body, requestURL string) [][2]string {
	opts := []hooksig.Option{hooksig.Secrets(c.Secrets...)}
	if c.PrivateKey != "" {
		opts = []hooksig.Option{hooksig.PrivateKey(c.PrivateKey)}
	}
	signer, err := hooksig.NewSigner(c.Preset, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	url := c.Sign.URL
	if url == "request" {
		url = requestURL
	}
	signOpts := []hooksig.SignOption{
		hooksig.Now(time.Now().Add(-time.Duration(c.Sign.Age) * time.Second)), hooksig.Method("POST"),
	}
	if url != "" {
		signOpts = append(signOpts, hooksig.URL(url))
	}
	signed, err := signer.Sign([]byte(body), signOpts...)
	if err != nil {
		t.Fatal(err)
	}
	var headers [][2]string
	for _, h := range signed {
		headers = append(headers, [2]string{h.Name, h.Value})
	}
	return headers
}

// rawPost writes a POST on a raw socket: header bytes as they are, and Content-Length
// as the case says (absent: the body's length; null: chunked; a string: sent as is).
func rawPost(t *testing.T, addr, path string, headers [][2]string, body string, contentLength json.RawMessage) (*http.Response, []byte) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nConnection: close\r\n", path, addr)
	for _, h := range headers {
		fmt.Fprintf(&req, "%s: %s\r\n", h[0], h[1])
	}
	chunked := string(contentLength) == "null"
	var declared string
	switch {
	case chunked:
		req.WriteString("Transfer-Encoding: chunked\r\n")
	case len(contentLength) == 0:
		fmt.Fprintf(&req, "Content-Length: %d\r\n", len(body))
	default:
		if err := json.Unmarshal(contentLength, &declared); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&req, "Content-Length: %s\r\n", declared)
	}
	req.WriteString("\r\n")
	if chunked {
		for rest := body; len(rest) > 0; {
			n := len(rest)
			if n > 1000 {
				n = 1000
			}
			fmt.Fprintf(&req, "%x\r\n%s\r\n", n, rest[:n])
			rest = rest[n:]
		}
		req.WriteString("0\r\n\r\n")
	} else {
		req.WriteString(body)
	}
	// The server may answer (413) and close before it has read everything: write in the
	// background and read the answer.
	go func() { _, _ = conn.Write(req.Bytes()) }()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// laxEmptyContentLength reports whether this Go's net/http takes "Content-Length: " for
// no body: before Go 1.22 (or with GODEBUG=httplaxcontentlength=1).
func laxEmptyContentLength() bool {
	var minor int
	if _, err := fmt.Sscanf(runtime.Version(), "go1.%d", &minor); err != nil {
		return false // a development version: as the newest
	}
	return minor < 22 || strings.Contains(os.Getenv("GODEBUG"), "httplaxcontentlength=1")
}
