package hooksig

import (
	"time"
	"unicode/utf8"
)

// An Option configures NewVerifier and NewSigner: the keys (Secret, PublicKey,
// PrivateKey), the scheme's params (Param) and the replay window (Tolerance).
type Option func(*config)

type toleranceMode int

const (
	toleranceDefault toleranceMode = iota
	toleranceNone
	toleranceSeconds
)

type config struct {
	secrets    []string
	publicKeys []string
	privateKey *string
	params     [][2]string
	tolerance  toleranceMode
	seconds    uint64
	err        error
}

func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Secret adds a secret (HMAC and token schemes), as text or raw bytes in a string. The
// first is the current one; give the others during a rotation (Secret(current),
// Secret(previous)), and watch Verified.SecretIndex to see when the old one stops
// being used. The core checks it against the scheme's secret_encoding (base64, whsec_).
func Secret(secret string) Option {
	return func(c *config) { c.secrets = append(c.secrets, secret) }
}

// Secrets adds several secrets, current first (see Secret).
func Secrets(secrets ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, secrets...) }
}

// PublicKey adds a provider's public key (Ed25519, ECDSA P-256, Standard Webhooks v1a),
// as the provider shows it: hex, base64, base64 SPKI, a PEM block, or whpk_.... Any may
// match; in Verified.SecretIndex they count after the secrets.
func PublicKey(key string) Option {
	return func(c *config) { c.publicKeys = append(c.publicKeys, key) }
}

// PublicKeys adds several public keys (see PublicKey).
func PublicKeys(keys ...string) Option {
	return func(c *config) { c.publicKeys = append(c.publicKeys, keys...) }
}

// PrivateKey gives a Signer of a public-key scheme its key: whsk_..., a PKCS#8 PEM
// block, or a 64-hex-digit Ed25519 seed. Tests and senders need it; a verifier does not.
func PrivateKey(key string) Option {
	return func(c *config) {
		if c.privateKey != nil {
			c.fail(argumentError("PrivateKey given twice"))
			return
		}
		c.privateKey = &key
	}
}

// Param gives a construction param: a {NAME} of the scheme's message (sigma's
// business_id), UTF-8 text.
func Param(name, value string) Option {
	return func(c *config) {
		if !utf8.ValidString(name) || !utf8.ValidString(value) {
			c.fail(argumentError("param %q: the name and value must be UTF-8 text", name))
			return
		}
		for _, p := range c.params {
			if p[0] == name {
				c.fail(argumentError("param %q given twice", name))
				return
			}
		}
		c.params = append(c.params, [2]string{name, value})
	}
}

// Params gives several construction params (see Param).
func Params(params map[string]string) Option {
	return func(c *config) {
		for name, value := range params {
			Param(name, value)(c)
		}
	}
}

// Tolerance sets the replay window, whole seconds, instead of the scheme's own (300 s for
// most schemes with a timestamp). A negative or fractional window is ErrInvalidArgument.
func Tolerance(window time.Duration) Option {
	return func(c *config) {
		if window < 0 || window%time.Second != 0 {
			c.fail(argumentError("Tolerance must be a non-negative whole number of seconds, got %v", window))
			return
		}
		c.tolerance, c.seconds = toleranceSeconds, uint64(window/time.Second)
	}
}

// NoTolerance turns the replay window off: a timestamp of any age is accepted (it is
// still signed). For replaying recorded webhooks, not for production.
func NoTolerance() Option {
	return func(c *config) { c.tolerance, c.seconds = toleranceNone, 0 }
}

// A RequestOption gives Verify (and Sign) what it needs besides the body and headers:
// the time (Now), and for URL-signed schemes the URL and method.
type RequestOption interface {
	SignOption
	applyRequest(*request)
}

// A SignOption gives Sign its timestamp (Now), id (ID), URL and method.
type SignOption interface {
	applySign(*request)
}

type request struct {
	now       uint64
	hasNow    bool
	url       string
	hasURL    bool
	method    string
	hasMethod bool
	id        string
	hasID     bool
	err       error
}

type requestOption func(*request)

func (o requestOption) applyRequest(r *request) { o(r) }
func (o requestOption) applySign(r *request)    { o(r) }

type signOption func(*request)

func (o signOption) applySign(r *request) { o(r) }

// Now sets the time: for Verify, the time of verification (default: the clock), for
// Sign, the timestamp sent. Fractions of a second are dropped; a time before 1970 is
// ErrInvalidArgument.
func Now(t time.Time) RequestOption {
	return requestOption(func(r *request) {
		if s := t.Unix(); s < 0 {
			r.fail(argumentError("Now must not be before 1970, got %v", t))
		} else {
			r.now, r.hasNow = uint64(s), true
		}
	})
}

// URL gives the URL the provider called (scheme, host, path and query; behind a proxy,
// the public one), for schemes that sign it (Square, Twilio, HubSpot, Trello). Without
// it, verifying them is ErrMissingParam.
func URL(url string) RequestOption {
	return requestOption(func(r *request) { r.url, r.hasURL = url, true })
}

// Method gives the request method ("POST"), for schemes that sign it (HubSpot v3).
func Method(method string) RequestOption {
	return requestOption(func(r *request) { r.method, r.hasMethod = method, true })
}

// ID gives Sign the message id to send (UTF-8 text), for schemes that have one
// (Standard Webhooks, Svix); default: a random msg_ id.
func ID(id string) SignOption {
	return signOption(func(r *request) {
		if !utf8.ValidString(id) {
			r.fail(argumentError("ID must be UTF-8 text"))
			return
		}
		r.id, r.hasID = id, true
	})
}

// requestOf applies opts (a function of its own: the request escapes to the heap through
// the interface calls, and Verify without options should not pay for that).
func requestOf(opts []RequestOption) (request, error) {
	var r request
	for _, opt := range opts {
		if opt == nil {
			return request{}, argumentError("a nil RequestOption")
		}
		opt.applyRequest(&r)
	}
	return r, r.err
}

func (r *request) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}
