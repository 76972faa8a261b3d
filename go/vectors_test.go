package hooksig_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	hooksig "example.invalid/hooksig/go"
)

// vectorsDir is tests/vectors of the repository this module lives in.
var vectorsDir = filepath.Join("..", "tests", "vectors")

type vectorCase struct {
	File       string
	Name       string            `json:"name"`
	Preset     *string           `json:"preset"`
	Scheme     json.RawMessage   `json:"scheme"`
	Secrets    []json.RawMessage `json:"-"`
	SecretsRaw json.RawMessage   `json:"secrets"`
	Public     json.RawMessage   `json:"public_keys"`
	Private    json.RawMessage   `json:"private_key"`
	Params     json.RawMessage   `json:"params"`
	Tolerance  json.RawMessage   `json:"tolerance"`
	Op         string            `json:"op"`
	Body       json.RawMessage   `json:"body"`
	Headers    json.RawMessage   `json:"headers"`
	Now        json.RawMessage   `json:"now"`
	URL        json.RawMessage   `json:"url"`
	Method     json.RawMessage   `json:"method"`
	Sign       *struct {
		Timestamp *int64
		ID        *string
	} `json:"sign"`
	RawArgs  bool   `json:"raw_args"`
	Contains string `json:"message_contains"`
	Expect   struct {
		Error         string          `json:"error"`
		OK            bool            `json:"ok"`
		SecretIndex   int             `json:"secret_index"`
		Timestamp     *int64          `json:"timestamp"`
		ID            json.RawMessage `json:"id"`
		Headers       [][2]string     `json:"headers"`
		ArgumentError bool            `json:"argument_error"`
		Reply         json.RawMessage `json:"reply"`
	} `json:"expect"`
}

// loadVectors reads every tests/vectors/**/*.json but http.json (the helper contract,
// run by TestHTTPContract).
func loadVectors(t testing.TB) []vectorCase {
	var files []string
	err := filepath.Walk(vectorsDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(path, ".json") && filepath.Base(path) != "http.json" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var all []vectorCase
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Cases []vectorCase }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i := range doc.Cases {
			doc.Cases[i].File, _ = filepath.Rel(vectorsDir, file)
		}
		all = append(all, doc.Cases...)
	}
	return all
}

// byteString decodes a vector's byte string: a JSON string, {"hex": ...} or
// {"repeat": unit, "length": n}.
func byteString(t testing.TB, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Hex    *string
		Repeat string
		Length int
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("not a byte string: %s", raw)
	}
	if obj.Hex != nil {
		b, err := hex.DecodeString(*obj.Hex)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return strings.Repeat(obj.Repeat, obj.Length/len(obj.Repeat)+1)[:obj.Length]
}

func (c *vectorCase) scheme() string {
	if c.Preset != nil {
		return *c.Preset
	}
	return string(c.Scheme)
}

func (c *vectorCase) options(t testing.TB) []hooksig.Option {
	var opts []hooksig.Option
	if err := json.Unmarshal(c.SecretsRaw, &c.Secrets); len(c.SecretsRaw) > 0 && err != nil {
		t.Fatalf("%s: secrets: %v", c.Name, err)
	}
	for _, s := range c.Secrets {
		opts = append(opts, hooksig.Secret(byteString(t, s)))
	}
	if len(c.Public) > 0 {
		var keys []string
		if err := json.Unmarshal(c.Public, &keys); err != nil {
			t.Fatalf("%s: public_keys: %v", c.Name, err)
		}
		opts = append(opts, hooksig.PublicKeys(keys...))
	}
	if key, ok := optionalString(c.Private); ok {
		opts = append(opts, hooksig.PrivateKey(key))
	}
	if len(c.Params) > 0 {
		var params map[string]string
		if err := json.Unmarshal(c.Params, &params); err != nil {
			t.Fatalf("%s: params: %v", c.Name, err)
		}
		opts = append(opts, hooksig.Params(params))
	}
	switch string(c.Tolerance) {
	case "":
	case "null":
		opts = append(opts, hooksig.NoTolerance())
	default:
		var seconds int64
		if err := json.Unmarshal(c.Tolerance, &seconds); err != nil {
			t.Fatalf("%s: tolerance: %v", c.Name, err)
		}
		opts = append(opts, hooksig.Tolerance(time.Duration(seconds)*time.Second))
	}
	return opts
}

func (c *vectorCase) request(t testing.TB) []hooksig.RequestOption {
	var opts []hooksig.RequestOption
	if len(c.Now) > 0 && string(c.Now) != "null" {
		var now uint64
		if err := json.Unmarshal(c.Now, &now); err != nil {
			t.Fatalf("%s: now: %v", c.Name, err)
		}
		if now > math.MaxInt64 {
			// A time.Time ends at 2^63-1 seconds ("now at u64 max"): the last one it has.
			now = math.MaxInt64
		}
		opts = append(opts, hooksig.Now(time.Unix(int64(now), 0)))
	}
	if s, ok := optionalString(c.URL); ok {
		opts = append(opts, hooksig.URL(s))
	}
	if s, ok := optionalString(c.Method); ok {
		opts = append(opts, hooksig.Method(s))
	}
	return opts
}

func optionalString(raw json.RawMessage) (string, bool) {
	var s *string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil || s == nil {
		return "", false
	}
	return *s, true
}

// headerForms gives a case's headers as the two kinds of http.Header a program holds:
// names as sent (a map built by hand: one name may appear in several cases), and
// canonical names (as net/http's server builds it: Add merges the cases).
func (c *vectorCase) headerForms(t testing.TB) map[string]http.Header {
	var pairs [][2]json.RawMessage
	if err := json.Unmarshal(c.Headers, &pairs); err != nil {
		t.Fatalf("%s: headers: %v", c.Name, err)
	}
	asSent, canonical := http.Header{}, http.Header{}
	for _, p := range pairs {
		name, value := byteString(t, p[0]), byteString(t, p[1])
		asSent[name] = append(asSent[name], value)
		canonical.Add(name, value)
	}
	return map[string]http.Header{"as sent": asSent, "canonical": canonical}
}

// outcome is what a case gave: "ok ...", "error CODE", "headers ...", "argument error".
func outcome(v hooksig.Verified, err error) string {
	var e *hooksig.Error
	switch {
	case err == nil:
		ts := "null"
		if !v.Timestamp.IsZero() {
			ts = fmt.Sprint(v.Timestamp.Unix())
		}
		id := "null"
		if v.ID != "" {
			id = fmt.Sprintf("%q", v.ID)
		}
		return fmt.Sprintf("ok secret_index=%d timestamp=%s id=%s", v.SecretIndex, ts, id)
	case errors.As(err, &e):
		return "error " + e.Code()
	case errors.Is(err, hooksig.ErrInvalidArgument):
		return "argument error"
	}
	return "unexpected " + err.Error()
}

func (c *vectorCase) expected(t testing.TB) string {
	x := c.Expect
	switch {
	case x.ArgumentError:
		return "argument error"
	case x.Error != "":
		return "error " + x.Error
	case x.Headers != nil:
		return fmt.Sprint(x.Headers)
	}
	ts := "null"
	if x.Timestamp != nil {
		ts = fmt.Sprint(*x.Timestamp)
	}
	id := "null"
	if len(x.ID) > 0 && string(x.ID) != "null" {
		id = fmt.Sprintf("%q", byteString(t, x.ID))
	}
	return fmt.Sprintf("ok secret_index=%d timestamp=%s id=%s", x.SecretIndex, ts, id)
}

// checkMessage checks message_contains against the error's message.
func (c *vectorCase) checkMessage(t *testing.T, err error) {
	if c.Contains != "" && (err == nil || !strings.Contains(err.Error(), c.Contains)) {
		t.Errorf("%s: the message should contain %q: %v", c.Name, c.Contains, err)
	}
}

func TestVectors(t *testing.T) {
	cases := loadVectors(t)
	if len(cases) < 3000 {
		t.Fatalf("only %d vectors: tests/vectors went missing?", len(cases))
	}
	ran := map[string]int{}
	for i := range cases {
		c := &cases[i]
		t.Run(c.File+"/"+c.Name, func(t *testing.T) {
			switch {
			case c.RawArgs:
				if runRaw(t, c) {
					ran["raw"]++
				} else {
					ran["raw, ruled out by Go's types"]++
				}
			case c.Op == "sign":
				runSign(t, c)
				ran["sign"]++
			case c.Op == "handshake":
				runHandshake(t, c)
				ran["handshake"]++
			case c.Op != "" && c.Op != "verify":
				t.Fatalf("unknown op %q", c.Op)
			default:
				for form, h := range runVerify(t, c) {
					ran["verify, headers "+form] += h
				}
			}
		})
	}
	t.Logf("hooksig vectors: %d cases; ran %v", len(cases), ran)
}

func runSign(t *testing.T, c *vectorCase) {
	body := []byte(byteString(t, c.Body))
	signer, err := hooksig.NewSigner(c.scheme(), c.options(t)...)
	var headers []hooksig.Header
	if err == nil {
		defer signer.Close()
		var opts []hooksig.SignOption
		if c.Sign != nil && c.Sign.Timestamp != nil {
			opts = append(opts, hooksig.Now(time.Unix(*c.Sign.Timestamp, 0)))
		}
		if c.Sign != nil && c.Sign.ID != nil {
			opts = append(opts, hooksig.ID(*c.Sign.ID))
		}
		for _, o := range c.request(t) {
			opts = append(opts, o)
		}
		headers, err = signer.Sign(body, opts...)
	}
	got := outcome(hooksig.Verified{}, err)
	if err == nil {
		pairs := make([][2]string, len(headers))
		for i, h := range headers {
			pairs[i] = [2]string{h.Name, h.Value}
		}
		got = fmt.Sprint(pairs)
	}
	if want := c.expected(t); got != want {
		t.Errorf("%s: got %s, want %s (%v)", c.Name, got, want, err)
	}
	c.checkMessage(t, err)
}

// runVerify runs a verify case with each header form; it returns how many ran per form.
func runVerify(t *testing.T, c *vectorCase) map[string]int {
	ran := map[string]int{}
	v, err := hooksig.NewVerifier(c.scheme(), c.options(t)...)
	want := c.expected(t)
	if err != nil {
		if got := outcome(hooksig.Verified{}, err); got != want {
			t.Errorf("%s: building the verifier: got %s, want %s (%v)", c.Name, got, want, err)
		}
		var e *hooksig.Error
		if errors.As(err, &e) && !errors.Is(err, hooksig.ErrConfiguration) {
			t.Errorf("%s: %v is not a configuration error", c.Name, err)
		}
		c.checkMessage(t, err)
		return ran
	}
	defer v.Close()
	body := []byte(byteString(t, c.Body))
	for form, h := range c.headerForms(t) {
		result, err := v.Verify(body, h, c.request(t)...)
		if got := outcome(result, err); got != want {
			t.Errorf("%s (headers %s): got %s, want %s (%v)", c.Name, form, got, want, err)
		}
		var e *hooksig.Error
		if errors.As(err, &e) {
			kind := hooksig.ErrVerification
			if e.Code() == "missing_param" {
				kind = hooksig.ErrConfiguration
			}
			if !errors.Is(err, kind) {
				t.Errorf("%s: %v should match %v", c.Name, err, kind)
			}
		}
		c.checkMessage(t, err)
		ran[form]++
	}
	return ran
}

// runRaw runs a hostile/types.json case where Go's types can express it: a negative
// time, a negative or fractional tolerance. A body that is a number, a header that is
// null and the like cannot be written in Go (as in Rust): it returns false for those.
func runRaw(t *testing.T, c *vectorCase) bool {
	var now, tolerance, body, headers, secretList interface{}
	_ = json.Unmarshal(c.Now, &now)
	_ = json.Unmarshal(c.Tolerance, &tolerance)
	_ = json.Unmarshal(c.Body, &body)
	_ = json.Unmarshal(c.Headers, &headers)
	_ = json.Unmarshal(c.SecretsRaw, &secretList)
	if len(c.Params) > 0 || len(c.URL) > 0 || len(c.Method) > 0 || len(c.Public) > 0 ||
		len(c.Private) > 0 || c.Op == "sign" {
		return false
	}
	// Only strings where the API takes strings, pairs of exactly two: Go's types rule the
	// rest out (null included: a nil []byte or http.Header is a valid empty one).
	text, ok := body.(string)
	if !ok {
		return false
	}
	list, ok := headers.([]interface{})
	if !ok {
		return false
	}
	h := http.Header{}
	for _, item := range list {
		pair, ok := item.([]interface{})
		if !ok || len(pair) != 2 {
			return false
		}
		name, ok1 := pair[0].(string)
		value, ok2 := pair[1].(string)
		if !ok1 || !ok2 {
			return false
		}
		h.Add(name, value)
	}
	var secrets []string
	items, _ := secretList.([]interface{})
	for _, item := range items {
		secret, ok := item.(string)
		if !ok {
			return false
		}
		secrets = append(secrets, secret)
	}
	opts := []hooksig.Option{hooksig.Secrets(secrets...)}
	var requestOpts []hooksig.RequestOption
	n, isNumber := now.(float64)
	switch {
	case !isNumber || n != math.Trunc(n) || bytes.ContainsAny(c.Now, ".eE") || math.Abs(n) > 1<<62:
		if len(c.Now) > 0 {
			return false // not an integer: the API takes a time.Time
		}
	default:
		requestOpts = append(requestOpts, hooksig.Now(time.Unix(int64(n), 0)))
	}
	if len(c.Tolerance) > 0 {
		tol, ok := tolerance.(float64)
		if !ok || math.Abs(tol) > float64(math.MaxInt64/int64(time.Second)) {
			return false
		}
		opts = append(opts, hooksig.Tolerance(time.Duration(tol*float64(time.Second))))
	}
	var result hooksig.Verified
	v, err := hooksig.NewVerifier(c.scheme(), opts...)
	if err == nil {
		defer v.Close()
		result, err = v.Verify([]byte(text), h, requestOpts...)
	}
	if got, want := outcome(result, err), c.expected(t); got != want {
		t.Errorf("%s: got %s, want %s (%v)", c.Name, got, want, err)
	} else if !strings.HasPrefix(err.Error(), "hooksig: invalid argument: ") || len(err.Error()) < 40 {
		t.Errorf("%s: not a clear argument error: %v", c.Name, err)
	}
	return true
}

func runHandshake(t *testing.T, c *vectorCase) {
	v, err := hooksig.NewVerifier(c.scheme(), c.options(t)...)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	defer v.Close()
	h := c.headerForms(t)["canonical"]
	reply, err := v.Handshake([]byte(byteString(t, c.Body)), h, c.request(t)...)
	if c.Expect.Error != "" {
		if got := outcome(hooksig.Verified{}, err); got != "error "+c.Expect.Error {
			t.Errorf("%s: got %s, want error %s", c.Name, got, c.Expect.Error)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	got := "null"
	if reply != nil {
		headers := [][2]string{}
		for _, h := range reply.Header {
			headers = append(headers, [2]string{h.Name, h.Value})
		}
		obj := map[string]interface{}{
			"status": reply.Status, "content_type": reply.ContentType, "headers": headers, "body": string(reply.Body),
		}
		if reply.Secret != "" {
			obj["secret"] = reply.Secret
		}
		b, _ := json.Marshal(obj)
		got = string(b)
	}
	var want interface{}
	_ = json.Unmarshal(c.Expect.Reply, &want)
	wantJSON, _ := json.Marshal(want)
	if got != string(wantJSON) {
		t.Errorf("%s: reply %s, want %s", c.Name, got, wantJSON)
	}
}
