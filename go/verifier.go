package hooksig

// #include "hooksig.h"
import "C"

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// Verified is what a successful verification established.
type Verified struct {
	// Timestamp is the time the provider signed, to the second; the zero Time when the
	// scheme sends none.
	Timestamp time.Time
	// ID is the message id sent, as its bytes (not always UTF-8); "" when the scheme
	// has no id.
	ID string
	// SecretIndex says which key matched, 0 for the first secret (public keys count
	// after the secrets): watch it to finish a rotation.
	SecretIndex int
}

// A Verifier verifies webhook requests for one scheme under one or more keys.
//
// Build it once (every configuration error is reported by NewVerifier) and share it: it
// is immutable and safe for concurrent use. Close frees it; a finalizer does so too when
// it becomes unreachable.
type Verifier struct {
	mu       sync.RWMutex // Verify holds it for reading, Close for writing
	native   *C.hooksig_verifier
	names    []string // the header names the scheme reads, in lower case
	lengths  uint64   // bit n: some name is n bytes long (names of 64 bytes or more: bit 0)
	needs    uint32
	describe string
}

// NewVerifier builds a verifier for a preset ("github", "stripe", "noyo", ...) or a
// scheme given as its JSON text ({"signature_header": "x-sig", ...}).
//
//	v, err := hooksig.NewVerifier("noyo", hooksig.Secret(os.Getenv("NOYO_SECRET")))
//
// The error is an *Error of KindConfiguration (ErrUnknownPreset, ErrInvalidScheme,
// ErrInvalidSecret, ErrMissingParam, ErrInvalidKey), or ErrInvalidArgument for an Option
// hooksig cannot take.
func NewVerifier(scheme string, opts ...Option) (*Verifier, error) {
	cfg, a, c, err := newConfig(scheme, opts)
	if err != nil {
		return nil, err
	}
	defer a.free()
	var native *C.hooksig_verifier
	var msg *C.char
	if rc := C.hooksig_verifier_new(&cfg, &native, &msg); rc != C.HOOKSIG_OK {
		return nil, errorOf(rc, takeMessage(msg))
	}
	v := &Verifier{native: native, describe: describeScheme(scheme, c)}
	v.needs = uint32(C.hooksig_verifier_needs(native))
	if n := C.hooksig_verifier_header_names(native, nil, 0); n > 0 {
		names := make([]C.hooksig_bytes, n)
		C.hooksig_verifier_header_names(native, &names[0], n)
		for _, b := range names {
			name := asciiLower(C.GoStringN((*C.char)(unsafe.Pointer(b.ptr)), C.int(b.len)))
			v.names = append(v.names, name)
			v.lengths |= 1 << lengthBit(len(name))
		}
	}
	runtime.SetFinalizer(v, (*Verifier).finalize)
	return v, nil
}

// Verify verifies a request: body must be the raw request bytes exactly as received, h
// its headers (names in any case; a header the scheme reads sent twice is
// ErrInvalidHeader). opts give the time (default: the clock) and, for URL-signed schemes,
// URL and Method.
//
// The error is an *Error: KindVerification for a request to reject (ErrSignatureMismatch,
// ErrMissingHeader, ErrInvalidHeader, ErrTimestampTooOld, ErrTimestampInFuture), or
// ErrMissingParam when the scheme signs the URL or method and opts lack it (a programming
// error); ErrInvalidArgument for an option hooksig cannot take; ErrClosed after Close.
func (v *Verifier) Verify(body []byte, h http.Header, opts ...RequestOption) (Verified, error) {
	var r request
	if len(opts) > 0 {
		var err error
		if r, err = requestOf(opts); err != nil {
			return Verified{}, err
		}
	}
	s := scratchPool.Get().(*scratch)
	defer s.release()
	s.packed = v.collect(s.packed[:0], h)

	var ctx *C.hooksig_context
	if r.hasURL || r.hasMethod {
		// The URL and method go through C memory: Go memory passed to C may not hold
		// pointers to Go memory.
		a := &arena{}
		defer a.free()
		ctx = r.context(a)
	} else if r.hasNow {
		s.ctx = C.hooksig_context{now: C.uint64_t(r.now), has_now: true}
		ctx = &s.ctx
	}

	rc, err := v.call(body, s, ctx)
	if err != nil {
		return Verified{}, err
	}
	if rc != C.HOOKSIG_OK {
		return Verified{}, errorOf(rc, takeMessage(s.msg))
	}
	result := Verified{SecretIndex: int(s.out.secret_index)}
	if s.out.has_timestamp {
		result.Timestamp = time.Unix(int64(s.out.timestamp), 0)
	}
	if s.out.id != nil {
		// The id points into s.packed.
		result.ID = C.GoStringN((*C.char)(unsafe.Pointer(s.out.id)), C.int(s.out.id_len))
	}
	return result, nil
}

// call is the C call, under the read lock that keeps Close from freeing the verifier
// during it.
func (v *Verifier) call(body []byte, s *scratch, ctx *C.hooksig_context) (C.hooksig_code, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.native == nil {
		return 0, ErrClosed
	}
	return C.hooksig_verify_packed(v.native, bytesPtr(body), C.size_t(len(body)),
		bytesPtr(s.packed), C.size_t(len(s.packed)), ctx, &s.out, &s.msg), nil
}

// IsValid reports whether the request verifies (see Verify). It is false for a request
// to reject and for a programming error alike: use Verify to tell them apart.
func (v *Verifier) IsValid(body []byte, h http.Header, opts ...RequestOption) bool {
	_, err := v.Verify(body, h, opts...)
	return err == nil
}

// HeaderNames returns the names of the headers the scheme reads, in lower case.
func (v *Verifier) HeaderNames() []string {
	return append([]string(nil), v.names...)
}

// NeedsURL reports whether the scheme signs the request URL: Verify then needs URL (the
// Middleware passes it).
func (v *Verifier) NeedsURL() bool { return v.needs&C.HOOKSIG_NEEDS_URL != 0 }

// NeedsMethod reports whether the scheme signs the request method.
func (v *Verifier) NeedsMethod() bool { return v.needs&C.HOOKSIG_NEEDS_METHOD != 0 }

// Close frees the verifier. It waits for the verifications in progress; after it, Verify
// returns ErrClosed. Closing twice is harmless.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.native != nil {
		C.hooksig_verifier_free(v.native)
		v.native = nil
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

func (v *Verifier) finalize() {
	C.hooksig_verifier_free(v.native)
	v.native = nil
}

// String describes the verifier without its keys, e.g. `hooksig.Verifier("github", 1 secret)`.
func (v *Verifier) String() string { return "hooksig.Verifier(" + v.describe + ")" }

// GoString is String: %#v shows no more than %v.
func (v *Verifier) GoString() string { return v.String() }

// collect appends to packed, in the C ABI's packed form, every header of h whose name is
// one the scheme reads (ASCII case ignored): the others cannot change the outcome. Every
// key is looked at, not just the canonical spelling, since an http.Header built by hand
// can hold one name in several cases, and a repeat must reach the core.
func (v *Verifier) collect(packed []byte, h http.Header) []byte {
	for key, values := range h {
		if v.lengths&(1<<lengthBit(len(key))) == 0 {
			continue
		}
		for _, name := range v.names {
			if asciiEqualLower(key, name) {
				for _, value := range values {
					packed = appendField(appendField(packed, key), value)
				}
				break
			}
		}
	}
	return packed
}

// The scratch space of one Verify, pooled so that a verify allocates nothing of its own:
// the packed headers, and the arguments passed to C by address. Those are an allocation
// of their own, since cgo checks that the Go memory a pointer argument points into holds
// no Go pointers, and packed is one.
type scratch struct {
	packed []byte
	*cargs
}

type cargs struct {
	out C.hooksig_verified
	ctx C.hooksig_context
	msg *C.char
}

var scratchPool = sync.Pool{New: func() interface{} {
	return &scratch{packed: make([]byte, 0, 512), cargs: &cargs{}}
}}

func (s *scratch) release() {
	// out.id may point into packed: a Go pointer left there would fail the next call's
	// cgo check.
	*s.cargs = cargs{}
	if cap(s.packed) <= 64<<10 {
		scratchPool.Put(s)
	}
}

// context lays the request out as a hooksig_context in C memory held by a.
func (r *request) context(a *arena) *C.hooksig_context {
	ctx := (*C.hooksig_context)(a.alloc(C.sizeof_hooksig_context))
	ctx.now, ctx.has_now = C.uint64_t(r.now), C.bool(r.hasNow)
	if r.hasURL {
		ctx.url = a.given(r.url)
	}
	if r.hasMethod {
		ctx.method = a.given(r.method)
	}
	return ctx
}

// given is bytes for an optional field: "" given is not NULL, which means "not given".
func (a *arena) given(s string) C.hooksig_bytes {
	b := a.bytes(s)
	if b.ptr == nil {
		b.ptr = (*C.uint8_t)(a.alloc(1))
	}
	return b
}

func appendField(buf []byte, s string) []byte {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
	return append(buf, s...)
}

func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

func lengthBit(n int) uint {
	if n >= 64 {
		return 0
	}
	return uint(n)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// asciiEqualLower reports whether s, ASCII letters folded to lower case, is lower.
func asciiEqualLower(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func describeScheme(scheme string, c *config) string {
	name := fmt.Sprintf("%q", scheme)
	if len(scheme) > 0 && scheme[0] == '{' {
		name = "custom scheme"
	}
	return fmt.Sprintf("%s, %s, %s", name, plural(len(c.secrets), "secret"), plural(len(c.publicKeys), "public key"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
