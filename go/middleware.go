package hooksig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// DefaultMaxBody is the Middleware's body limit unless MaxBody says otherwise: 1 MiB, as
// every hooksig helper.
const DefaultMaxBody = 1 << 20

// ErrBodyTooLarge is the error the Middleware gives its OnError function for a body over
// its limit (answered 413 {"error": "body_too_large"} by default).
var ErrBodyTooLarge = errors.New("hooksig: body_too_large: the request body is over the limit")

// A MiddlewareOption configures Middleware.
type MiddlewareOption func(*middleware)

// MaxBody sets the body limit in bytes (default DefaultMaxBody); n must be at least 1.
// A longer body is answered 413 before any of it is hashed.
func MaxBody(n int64) MiddlewareOption {
	if n < 1 {
		panic("hooksig: MaxBody must be at least 1 byte (NoBodyLimit turns the limit off)")
	}
	return func(m *middleware) { m.maxBody = n }
}

// NoBodyLimit turns the body limit off.
func NoBodyLimit() MiddlewareOption {
	return func(m *middleware) { m.maxBody = 0 }
}

// PublicURL is the URL the provider calls, exactly as its dashboard has it, for
// URL-signed schemes behind a proxy (where the URL the server sees differs).
func PublicURL(url string) MiddlewareOption {
	return func(m *middleware) { m.publicURL = func(*http.Request) string { return url } }
}

// PublicURLFunc is PublicURL computed per request (several endpoints behind one proxy).
func PublicURLFunc(f func(*http.Request) string) MiddlewareOption {
	return func(m *middleware) { m.publicURL = f }
}

// OnError replaces the Middleware's answer to a request it refuses. status is 413 with
// ErrBodyTooLarge, 403 with an *Error of KindVerification, 400 when the body could not be
// read, else 500. The default writes status and {"error": code} as JSON.
func OnError(f func(w http.ResponseWriter, r *http.Request, status int, err error)) MiddlewareOption {
	return func(m *middleware) { m.onError = f }
}

// OnSecret stores the secret a provider hands over in its handshake (Asana's
// X-Hook-Secret) before the Middleware answers it; an error from it answers 500. Without
// OnSecret such a handshake answers 500 {"error": "handshake_secret_not_stored"}.
func OnSecret(f func(r *http.Request, secret string) error) MiddlewareOption {
	return func(m *middleware) { m.onSecret = f }
}

// ErrSecretNotStored is the error the Middleware gives its OnError function for a
// handshake that hands over a secret when no OnSecret stores it, or OnSecret failed.
var ErrSecretNotStored = errors.New("hooksig: handshake_secret_not_stored: the provider handed over a secret and no OnSecret stored it")

type middleware struct {
	verifier  *Verifier
	next      http.Handler
	maxBody   int64
	publicURL func(*http.Request) string
	onError   func(http.ResponseWriter, *http.Request, int, error)
	onSecret  func(*http.Request, string) error
}

type contextKey struct{}

// Middleware verifies each request before next sees it: it reads the raw body (at most
// MaxBody bytes, else 413 {"error": "body_too_large"}), verifies it with v, the request's
// headers and, for URL-signed schemes, its URL (or PublicURL) and method, and answers a
// request that does not verify 403 {"error": code}. A verified request reaches next with
// its body restored and the Verified in its context (FromContext). A provider's handshake
// (Slack, Zoom, Twitch, Discord, Meta, Dropbox, Asana, Okta; see Verifier.Handshake) is
// answered here and never reaches next.
func Middleware(v *Verifier, next http.Handler, opts ...MiddlewareOption) http.Handler {
	if v == nil || next == nil {
		panic("hooksig: Middleware needs a Verifier and a next Handler")
	}
	m := &middleware{verifier: v, next: next, maxBody: DefaultMaxBody, onError: writeError}
	for _, opt := range opts {
		opt(m)
	}
	return m
}

// FromContext returns what the Middleware verified about the request whose context this
// is.
func FromContext(ctx context.Context) (Verified, bool) {
	v, ok := ctx.Value(contextKey{}).(Verified)
	return v, ok
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// net/http has already refused a Content-Length that is not digits.
	if m.maxBody > 0 && r.ContentLength > m.maxBody {
		m.onError(w, r, http.StatusRequestEntityTooLarge, ErrBodyTooLarge)
		return
	}
	body, err := m.read(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			m.onError(w, r, http.StatusRequestEntityTooLarge, ErrBodyTooLarge)
		} else {
			m.onError(w, r, http.StatusBadRequest, err)
		}
		return
	}
	if m.verifier.NeedsHandshake() {
		reply, err := m.verifier.Handshake(body, r.Header, URL(m.url(r)), Method(r.Method))
		if err != nil {
			m.refuse(w, r, err)
			return
		}
		if reply != nil {
			m.answer(w, r, reply)
			return
		}
	}
	var opts []RequestOption
	if m.verifier.NeedsURL() {
		opts = append(opts, URL(m.url(r)))
	}
	if m.verifier.NeedsMethod() {
		opts = append(opts, Method(r.Method))
	}
	verified, err := m.verifier.Verify(body, r.Header, opts...)
	if err != nil {
		m.refuse(w, r, err)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), contextKey{}, verified))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	m.next.ServeHTTP(w, r)
}

// refuse answers a request that did not verify (403), or a programming error (500).
func (m *middleware) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	var e *Error
	if errors.As(err, &e) && e.Kind() == KindVerification {
		status = http.StatusForbidden
	}
	m.onError(w, r, status, err)
}

// answer sends a handshake's reply, once OnSecret has stored a secret it hands over.
func (m *middleware) answer(w http.ResponseWriter, r *http.Request, reply *Reply) {
	if reply.Secret != "" && (m.onSecret == nil || m.onSecret(r, reply.Secret) != nil) {
		m.onError(w, r, http.StatusInternalServerError, ErrSecretNotStored)
		return
	}
	reply.Write(w)
}

// read reads the whole body, or fails with *http.MaxBytesError past the limit (which
// also tells the server to close the connection rather than read the rest).
func (m *middleware) read(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	reader := r.Body
	if m.maxBody > 0 {
		reader = http.MaxBytesReader(w, r.Body, m.maxBody)
	}
	// Room for the declared length, up to DefaultMaxBody: a client may declare far more
	// than it sends (1 TiB, without a limit), and the buffer grows past that as bytes come.
	size := int64(bytes.MinRead)
	if r.ContentLength > DefaultMaxBody {
		size += DefaultMaxBody
	} else if r.ContentLength > 0 {
		size += r.ContentLength
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(reader)
	return buf.Bytes(), err
}

// url is the URL the provider called: PublicURL, or the one this request was made to.
func (m *middleware) url(r *http.Request) string {
	if m.publicURL != nil {
		return m.publicURL(r)
	}
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	} else if uri[0] != '/' && uri != "*" {
		return uri // absolute form, as a client sends it to a proxy
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + uri
}

func writeError(w http.ResponseWriter, _ *http.Request, status int, err error) {
	code := "internal_error"
	var e *Error
	switch {
	case errors.As(err, &e):
		code = e.Code()
	case errors.Is(err, ErrBodyTooLarge):
		code = "body_too_large"
	case errors.Is(err, ErrSecretNotStored):
		code = "handshake_secret_not_stored"
	case status == http.StatusBadRequest:
		code = "unreadable_body"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}
