package hooksig

// #include "hooksig.h"
import "C"

import (
	"net/http"
	"runtime"
	"sync"
	"unsafe"
)

// A Header is one signed header, as Sign returns them: in the order the provider sends
// them.
type Header struct {
	Name  string
	Value string
}

// A Signer produces the headers a provider would send: for tests, and for sending
// webhooks. It signs with the first secret, or for a public-key scheme the PrivateKey.
// It is safe for concurrent use; Close frees it (a finalizer does so too).
type Signer struct {
	mu       sync.RWMutex
	native   *C.hooksig_signer
	describe string
}

// NewSigner builds a signer; arguments and errors as NewVerifier, plus PrivateKey.
func NewSigner(scheme string, opts ...Option) (*Signer, error) {
	cfg, a, c, err := newConfig(scheme, opts)
	if err != nil {
		return nil, err
	}
	defer a.free()
	var native *C.hooksig_signer
	var msg *C.char
	if rc := C.hooksig_signer_new(&cfg, &native, &msg); rc != C.HOOKSIG_OK {
		return nil, errorOf(rc, takeMessage(msg))
	}
	s := &Signer{native: native, describe: describeScheme(scheme, c)}
	runtime.SetFinalizer(s, (*Signer).finalize)
	return s, nil
}

// Sign signs body and returns the headers to send, in order. opts: Now (the timestamp
// sent; default the clock), ID (default a random msg_ id, for schemes with an id), and
// for URL-signed schemes URL and Method.
func (s *Signer) Sign(body []byte, opts ...SignOption) ([]Header, error) {
	var r request
	for _, opt := range opts {
		if opt == nil {
			return nil, argumentError("a nil SignOption")
		}
		opt.applySign(&r)
	}
	if r.err != nil {
		return nil, r.err
	}
	a := &arena{}
	defer a.free()
	ctx := r.context(a)
	var id C.hooksig_bytes
	if r.hasID {
		id = a.given(r.id)
	}
	// The body holds no pointers, so it goes to C as it is; the URL, method and id went
	// to C memory, since the context struct that points to them is passed too.
	var signed *C.hooksig_signed
	var msg *C.char
	s.mu.RLock()
	if s.native == nil {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	rc := C.hooksig_sign(s.native, bytesPtr(body), C.size_t(len(body)), id.ptr, id.len, ctx, &signed, &msg)
	s.mu.RUnlock()
	if rc != C.HOOKSIG_OK {
		return nil, errorOf(rc, takeMessage(msg))
	}
	defer C.hooksig_signed_free(signed)
	n := int(C.hooksig_signed_len(signed))
	headers := make([]Header, n)
	for i := range headers {
		var h C.hooksig_header
		if rc := C.hooksig_signed_get(signed, C.size_t(i), &h); rc != C.HOOKSIG_OK {
			return nil, errorOf(rc, "")
		}
		headers[i] = Header{
			Name:  C.GoStringN((*C.char)(unsafe.Pointer(h.name)), C.int(h.name_len)),
			Value: C.GoStringN((*C.char)(unsafe.Pointer(h.value)), C.int(h.value_len)),
		}
	}
	return headers, nil
}

// HTTPHeader returns headers as an http.Header (for an http.Request).
func HTTPHeader(headers []Header) http.Header {
	h := make(http.Header, len(headers))
	for _, header := range headers {
		h.Add(header.Name, header.Value)
	}
	return h
}

// Close frees the signer; after it, Sign returns ErrClosed. Closing twice is harmless.
func (s *Signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.native != nil {
		C.hooksig_signer_free(s.native)
		s.native = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

func (s *Signer) finalize() {
	C.hooksig_signer_free(s.native)
	s.native = nil
}

// String describes the signer without its keys.
func (s *Signer) String() string { return "hooksig.Signer(" + s.describe + ")" }

// GoString is String: %#v shows no more than %v.
func (s *Signer) GoString() string { return s.String() }
