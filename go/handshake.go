package hooksig

// #include "hooksig.h"
import "C"

import (
	"fmt"
	"net/http"
	"strconv"
	"unsafe"
)

// A Reply is what to answer a provider's handshake (Slack url_verification, Zoom
// endpoint.url_validation, Twitch, Discord PING, Meta and Dropbox GET challenges, Asana,
// Okta), as Verifier.Handshake gives it.
type Reply struct {
	Status      int
	ContentType string
	// Header holds the other headers to send, in order.
	Header []Header
	Body   []byte
	// Secret is the secret the provider handed over (Asana's X-Hook-Secret): store it
	// before answering. "" for every other provider; String never shows it.
	Secret string
}

// Write sends the reply.
func (r *Reply) Write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", r.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(r.Body)))
	for _, header := range r.Header {
		h.Add(header.Name, header.Value)
	}
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body)
}

// String shows the status, content type, header names and body, never the secret.
func (r *Reply) String() string {
	names := make([]string, len(r.Header))
	for i, h := range r.Header {
		names[i] = h.Name
	}
	secret := ""
	if r.Secret != "" {
		secret = " secret=[hidden]"
	}
	return fmt.Sprintf("hooksig.Reply{%d %q headers=%q body=%q%s}", r.Status, r.ContentType, names, r.Body, secret)
}

// GoString is String.
func (r *Reply) GoString() string { return r.String() }

// NeedsHandshake reports whether the provider sends handshakes (Handshake then has an
// answer for some requests; the Middleware gives it every request first).
func (v *Verifier) NeedsHandshake() bool { return v.needs&C.HOOKSIG_NEEDS_HANDSHAKE != 0 }

// Handshake answers a provider's handshake: the Reply to send for a handshake request,
// nil (and no error) for any other request, which is then verified as usual. A signed
// handshake (Slack, Zoom, Twitch, Discord) is verified first and fails as Verify does; a
// GET handshake (Meta, Dropbox, Okta) needs URL and Method. h must hold every request
// header: a handshake reads headers the scheme does not sign.
func (v *Verifier) Handshake(body []byte, h http.Header, opts ...RequestOption) (*Reply, error) {
	r, err := requestOf(opts)
	if err != nil {
		return nil, err
	}
	if !v.NeedsHandshake() {
		return nil, nil
	}
	var packed []byte
	for name, values := range h {
		for _, value := range values {
			packed = appendField(appendField(packed, name), value)
		}
	}
	a := &arena{}
	defer a.free()
	ctx := r.context(a)
	var out *C.hooksig_reply
	var msg *C.char
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.native == nil {
		return nil, ErrClosed
	}
	rc := C.hooksig_handshake_packed(v.native, bytesPtr(body), C.size_t(len(body)),
		bytesPtr(packed), C.size_t(len(packed)), ctx, &out, &msg)
	if rc != C.HOOKSIG_OK {
		return nil, errorOf(rc, takeMessage(msg))
	}
	if out == nil {
		return nil, nil
	}
	defer C.hooksig_reply_free(out)
	return takeReply(out), nil
}

// takeReply copies a hooksig_reply into Go memory.
func takeReply(c *C.hooksig_reply) *Reply {
	reply := &Reply{
		Status:      int(c.status),
		ContentType: C.GoString(c.content_type),
		Body:        C.GoBytes(unsafe.Pointer(c.body.ptr), C.int(c.body.len)),
	}
	if c.headers_len > 0 {
		for _, h := range unsafe.Slice(c.headers, int(c.headers_len)) {
			reply.Header = append(reply.Header, Header{
				Name:  C.GoStringN((*C.char)(unsafe.Pointer(h.name)), C.int(h.name_len)),
				Value: C.GoStringN((*C.char)(unsafe.Pointer(h.value)), C.int(h.value_len)),
			})
		}
	}
	if c.secret.ptr != nil {
		reply.Secret = C.GoStringN((*C.char)(unsafe.Pointer(c.secret.ptr)), C.int(c.secret.len))
	}
	return reply
}
