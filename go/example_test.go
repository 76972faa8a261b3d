package hooksig_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	hooksig "example.invalid/hooksig/go"
)

// The bodies of these examples are the code blocks of docs/go.md (TestDocsBlocksRun):
// `go test` runs them and checks their output.

func Example_verify() {
	// GitHub's documented example ("Validating webhook deliveries").
	verifier, err := hooksig.NewVerifier("github", hooksig.Secret("It's a Secret to Everybody"))
	if err != nil {
		panic(err) // a configuration error: an unknown preset, an empty secret, ...
	}
	defer verifier.Close()
	body := []byte("Hello, World!")
	header := http.Header{}
	header.Set("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")

	verified, err := verifier.Verify(body, header)
	fmt.Println(verified.SecretIndex, err) // which secret matched (rotation)

	_, err = verifier.Verify([]byte("Hello, World?"), header)
	fmt.Println(errors.Is(err, hooksig.ErrSignatureMismatch), errors.Is(err, hooksig.ErrVerification))
	var e *hooksig.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code()) // the same code in every language
	}
	// Output:
	// 0 <nil>
	// true true
	// signature_mismatch
}

func Example_options() {
	// Rotation (current secret first), a replay window of your own, params, a scheme as JSON:
	noyo, _ := hooksig.NewVerifier("noyo", hooksig.Secrets("new-secret", "old-secret"),
		hooksig.Tolerance(10*time.Minute))
	defer noyo.Close()
	sigma, _ := hooksig.NewVerifier("sigma", hooksig.Secret("api-key"+"secret-key"),
		hooksig.Param("business_id", "b-1"))
	defer sigma.Close()
	custom, _ := hooksig.NewVerifier(`{"signature_header": "x-signature", "timestamp_header": "x-timestamp",
		"message": "{timestamp}.{body}", "encoding": "hex"}`, hooksig.Secret("..."))
	defer custom.Close()
	fmt.Println(noyo, custom.HeaderNames())

	_, err := hooksig.NewVerifier("github") // no secret
	fmt.Println(errors.Is(err, hooksig.ErrInvalidSecret), errors.Is(err, hooksig.ErrConfiguration))
	// Output:
	// hooksig.Verifier("noyo", 2 secrets, 0 public keys) [x-signature x-timestamp]
	// true true
}

func Example_publicKey() {
	// Discord signs with Ed25519: the verifier takes its public key as the developer portal
	// shows it, never as a secret.
	discord, _ := hooksig.NewVerifier("discord",
		hooksig.PublicKey("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
	defer discord.Close()
	header := http.Header{}
	header.Set("X-Signature-Ed25519", "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228"+
		"ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f")
	header.Set("X-Signature-Timestamp", "1700000000")
	// A recorded request: verified at its own time.
	verified, err := discord.Verify([]byte(`{"type":1}`), header, hooksig.Now(time.Unix(1700000000, 0)))
	fmt.Println(verified.Timestamp.Unix(), err)

	_, err = hooksig.NewVerifier("discord", hooksig.PublicKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	fmt.Println(errors.Is(err, hooksig.ErrInvalidKey))
	// Output:
	// 1700000000 <nil>
	// true
}

func Example_urlSigned() {
	// Square signs the URL it calls (behind a proxy: the public one) and the body. The
	// Middleware passes the request's URL and method itself (or PublicURL).
	square, _ := hooksig.NewVerifier("square", hooksig.Secret("signature-key"))
	defer square.Close()
	body := []byte(`{"data":{"type":"webhooks","id":"fake_id"}}`)
	header := http.Header{}
	header.Set("X-Square-Hmacsha256-Signature", "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=")

	_, err := square.Verify(body, header, hooksig.URL("https://webhook.site/webhooks"))
	fmt.Println(err)
	_, err = square.Verify(body, header) // a programming error, not a bad request
	fmt.Println(errors.Is(err, hooksig.ErrMissingParam), errors.Is(err, hooksig.ErrConfiguration))
	// Output:
	// <nil>
	// true true
}

func ExampleSigner() {
	// The headers a provider would send, for tests and for sending webhooks.
	signer, _ := hooksig.NewSigner("standard-webhooks", hooksig.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	defer signer.Close()
	headers, _ := signer.Sign([]byte(`{"type":"ping"}`), hooksig.Now(time.Unix(1700000000, 0)), hooksig.ID("msg_1"))
	for _, h := range headers {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
	req, _ := http.NewRequest("POST", "http://127.0.0.1:8000/webhooks", bytes.NewReader([]byte(`{"type":"ping"}`)))
	req.Header = hooksig.HTTPHeader(headers)
	// Output:
	// webhook-id: msg_1
	// webhook-timestamp: 1700000000
	// webhook-signature: v1,ZGruTt1kmeVgS1L6vkIcpIWEIdG/TLlxd9MAGkepMJY=
}

// TestDocsBlocksRun: every ```go block of docs/go.md is the body of an example above, or
// examples/aghanim/main.go (which its own test runs).
func TestDocsBlocksRun(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "docs", "go.md"))
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	aghanim, err := os.ReadFile(filepath.Join("examples", "aghanim", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]bool{string(aghanim): true}
	for _, m := range regexp.MustCompile(`(?ms)^func Example\w*\(\) \{\n(.*?)^}\n`).FindAllStringSubmatch(string(source), -1) {
		body := m[1]
		if i := strings.Index(body, "\t// Output:"); i >= 0 {
			body = body[:i]
		}
		lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
		for i, line := range lines {
			lines[i] = strings.TrimPrefix(line, "\t")
		}
		bodies[strings.Join(lines, "\n")+"\n"] = true
	}
	blocks := regexp.MustCompile("(?ms)^```go\n(.*?)^```\n").FindAllStringSubmatch(string(docs), -1)
	if len(blocks) < 3 {
		t.Fatalf("docs/go.md has %d go blocks", len(blocks))
	}
	for _, block := range blocks {
		if !bodies[block[1]] {
			t.Errorf("this block of docs/go.md is not an example that runs:\n%s", block[1])
		}
	}
}

// TestREADMEBlock: each line of the README's Go example is a line of code that runs here
// (examples/aghanim/main.go or an example above), comments aside.
func TestREADMEBlock(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?ms)^## Go \\(net/http\\)\n\n```go\n(.*?)^```\n").FindSubmatch(readme)
	if section == nil {
		t.Fatal("README.md has no Go section with a go block")
	}
	comment := regexp.MustCompile(`(^|\s+)//.*$`)
	code := map[string]bool{}
	for _, file := range []string{"example_test.go", filepath.Join("examples", "aghanim", "main.go")} {
		source, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(source), "\n") {
			code[strings.TrimSpace(comment.ReplaceAllString(line, ""))] = true
		}
	}
	for _, line := range strings.Split(string(section[1]), "\n") {
		if line = strings.TrimSpace(comment.ReplaceAllString(line, "")); line != "" && !code[line] {
			t.Errorf("README.md's Go example has a line no test runs: %s", line)
		}
	}
}
