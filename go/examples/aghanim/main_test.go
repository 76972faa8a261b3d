package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const secretKey = "aghanim-s2s-key-for-tests"

// The test request of Aghanim's docs ("Testing").
const event = `{
"event_id": "whevt_eAeXhOxLwxy",
"event_type": "player.verify",
"idempotency_key": null,
"event_data": {
"player_id": "testplayer"
},
"context": null
}`

// sign computes the headers as Aghanim's docs do (verifySignature in its Go example):
// hex HMAC-SHA256 of "{timestamp}.{payload}" with the S2S key, independently of hooksig.
func sign(key, body string, at time.Time) http.Header {
	timestamp := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(timestamp + "." + body))
	return http.Header{
		"X-Aghanim-Signature-Timestamp": {timestamp},
		"X-Aghanim-Signature":           {hex.EncodeToString(mac.Sum(nil))},
		"User-Agent":                    {"Aghanim/0.1.0"},
		"Content-Type":                  {"application/json"},
		"Accept":                        {"*/*"},
	}
}

func TestAghanimServer(t *testing.T) {
	handler, err := newHandler(secretKey)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(handler)
	defer server.Close()
	now := time.Now()
	post := func(body string, h http.Header) (int, string) {
		req, _ := http.NewRequest("POST", server.URL+"/webhook", strings.NewReader(body))
		req.Header = h
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b))
	}
	errorOf := func(answer string) string {
		var e map[string]string
		_ = json.Unmarshal([]byte(answer), &e)
		return e["error"]
	}
	for _, c := range []struct {
		name   string
		body   string
		header http.Header
		status int
		answer string
	}{
		{"the docs' test request", event, sign(secretKey, event, now), 200, `{"status":"ok"}`},
		{"a tampered body", strings.Replace(event, "testplayer", "otherplayer", 1), sign(secretKey, event, now), 403, "signature_mismatch"},
		{"another key", event, sign("another-key", event, now), 403, "signature_mismatch"},
		{"an hour-old delivery", event, sign(secretKey, event, now.Add(-time.Hour)), 403, "timestamp_too_old"},
		{"no signature", event, http.Header{"Content-Type": {"application/json"}}, 403, "missing_header"},
		{"an unknown event, signed", `{"event_type":"item.sold"}`, sign(secretKey, `{"event_type":"item.sold"}`, now), 400, "Unknown event type"},
	} {
		status, answer := post(c.body, c.header)
		if status == 403 {
			answer = errorOf(answer)
		}
		if status != c.status || answer != c.answer {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, answer, c.status, c.answer)
		}
	}
}

// TestDocsShowThisExample: docs/go.md shows this very file.
func TestDocsShowThisExample(t *testing.T) {
	source, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "go.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(docs, append(append([]byte("```go\n"), source...), "```\n"...)) {
		t.Fatal("docs/go.md does not show examples/aghanim/main.go as it is")
	}
}

// TestBinaryIsSelfContained: cgo links libhooksig_c.a, so the server needs no shared
// hooksig library at run time.
func TestBinaryIsSelfContained(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "aghanim")
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command("ldd", binary).CombinedOutput()
	if err != nil {
		t.Fatalf("ldd: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("hooksig")) || !bytes.Contains(out, []byte("libc.so")) {
		t.Fatalf("the binary links:\n%s", out)
	}
}
