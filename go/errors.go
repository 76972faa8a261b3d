package hooksig

// #include "hooksig.h"
import "C"

import (
	"errors"
	"fmt"
)

// Kind says whom an error is about: the request (answer it with a 4xx) or the
// configuration (a programming or deployment error).
type Kind int

// The kinds of the core's error table, as the C ABI numbers them.
const (
	// KindVerification: the request does not verify; reject it.
	KindVerification Kind = C.HOOKSIG_KIND_VERIFICATION
	// KindConfiguration: the verifier or signer cannot be built from what was given, or
	// verify lacks the request URL or method its scheme signs.
	KindConfiguration Kind = C.HOOKSIG_KIND_CONFIGURATION
)

// String returns "verification" or "configuration".
func (k Kind) String() string {
	switch k {
	case KindVerification:
		return "verification"
	case KindConfiguration:
		return "configuration"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is every error hooksig reports about a request or a configuration. Code is the
// stable string shared by every language ("signature_mismatch", "missing_header", ...);
// the message says what is wrong and what to check, and never holds a secret, a key or an
// expected signature.
//
// Match it with errors.Is against a sentinel: a code (ErrSignatureMismatch, ...) or a
// kind (ErrVerification, ErrConfiguration):
//
//	if errors.Is(err, hooksig.ErrVerification) { /* answer 403 */ }
type Error struct {
	code    string
	kind    Kind
	message string
}

// Code returns the stable error code, e.g. "signature_mismatch".
func (e *Error) Code() string { return e.code }

// Kind returns KindVerification or KindConfiguration.
func (e *Error) Kind() Kind { return e.kind }

// Message returns the detailed message, without the "hooksig: code: " prefix of Error.
func (e *Error) Message() string { return e.message }

// Error returns "hooksig: <code>: <message>".
func (e *Error) Error() string {
	if e.message == "" {
		return "hooksig: " + e.code
	}
	return "hooksig: " + e.code + ": " + e.message
}

// Is reports whether target is the sentinel of e's code, or of e's kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.code == "" {
		return t.kind == e.kind
	}
	return t.code == e.code
}

// The core's error table (hooksig::CODES), read from the C ABI at load:
// hooksig_code_name and hooksig_code_kind for 1, 2, ... until the kind is 0.
var codes = readCodes()

type code struct {
	name string
	kind Kind
}

func readCodes() []code {
	table := []code{{name: "ok"}} // indexed by the C number
	for n := C.int32_t(1); ; n++ {
		kind := Kind(C.hooksig_code_kind(n))
		if kind == 0 {
			return table
		}
		table = append(table, code{C.GoString(C.hooksig_code_name(n)), kind})
	}
}

// Codes returns the core's error codes in their C order, each with its kind.
func Codes() map[string]Kind {
	m := make(map[string]Kind, len(codes)-1)
	for _, c := range codes[1:] {
		m[c.name] = c.kind
	}
	return m
}

// sentinel returns the sentinel of a code, with the kind the table gives it.
func sentinel(name string) *Error {
	for _, c := range codes[1:] {
		if c.name == name {
			return &Error{code: name, kind: c.kind}
		}
	}
	// A library older than this package: the sentinel matches nothing it reports.
	return &Error{code: name}
}

// The sentinels, one per code of the core's table (TestSentinelsCoverTheTable checks that
// none is missing), and one per kind.
var (
	// ErrVerification matches every verification error (the request: answer 4xx).
	ErrVerification = &Error{kind: KindVerification}
	// ErrConfiguration matches every configuration error.
	ErrConfiguration = &Error{kind: KindConfiguration}

	// ErrMissingHeader: a required header (signature, timestamp, id) or body field is
	// absent or empty.
	ErrMissingHeader = sentinel("missing_header")
	// ErrInvalidHeader: a header is present but cannot be used (malformed, repeated, too
	// long, ...).
	ErrInvalidHeader = sentinel("invalid_header")
	// ErrTimestampTooOld: the timestamp is older than the tolerance allows (a replay, or
	// a slow clock).
	ErrTimestampTooOld = sentinel("timestamp_too_old")
	// ErrTimestampInFuture: the timestamp is further ahead than the tolerance allows.
	ErrTimestampInFuture = sentinel("timestamp_in_future")
	// ErrSignatureMismatch: no signature matched under any secret or public key: check the
	// secret and that the body is the raw request bytes.
	ErrSignatureMismatch = sentinel("signature_mismatch")
	// ErrUnknownPreset: no preset has this name.
	ErrUnknownPreset = sentinel("unknown_preset")
	// ErrInvalidScheme: the scheme's JSON is not a valid scheme.
	ErrInvalidScheme = sentinel("invalid_scheme")
	// ErrInvalidSecret: no secret, an empty one, one not in the scheme's secret encoding,
	// or a key given as a secret.
	ErrInvalidSecret = sentinel("invalid_secret")
	// ErrMissingParam: a param the scheme's message needs, or the URL or method a verify
	// or sign of a URL-signed scheme needs, was not given.
	ErrMissingParam = sentinel("missing_param")
	// ErrInvalidKey: a public or private key is malformed, or of the wrong kind.
	ErrInvalidKey = sentinel("invalid_key")
)

// ErrInvalidArgument is wrapped by the errors for arguments hooksig cannot take at all
// (a negative time, a tolerance that is not whole seconds, a param that is not UTF-8):
// Go's counterpart of the TypeError / ValueError of the other languages. They are not
// *Error and have no code.
var ErrInvalidArgument = errors.New("hooksig: invalid argument")

// ErrClosed is returned by the methods of a Verifier or Signer after Close.
var ErrClosed = errors.New("hooksig: used after Close")

func argumentError(format string, args ...interface{}) error {
	return fmt.Errorf("%w: "+format, append([]interface{}{ErrInvalidArgument}, args...)...)
}

// errorOf maps a C result code and its message to the Go error: an *Error for a code of
// the table (a code this package has no sentinel for keeps its name and kind), an
// ErrInvalidArgument for the ABI's invalid_argument.
func errorOf(rc C.hooksig_code, message string) error {
	n := int(rc)
	if n > 0 && n < len(codes) {
		return &Error{code: codes[n].name, kind: codes[n].kind, message: message}
	}
	if rc == C.HOOKSIG_INVALID_ARGUMENT {
		return argumentError("%s", message)
	}
	return fmt.Errorf("hooksig: %s (code %d, a bug in hooksig: please report it): %s",
		C.GoString(C.hooksig_code_name(C.int32_t(rc))), n, message)
}
