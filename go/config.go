package hooksig

// #include "hooksig.h"
import "C"

import (
	"unsafe"
)

// newConfig applies opts and lays the result out as a hooksig_config whose pointers go to
// C memory held by the returned arena (free it once the library has built the object).
func newConfig(scheme string, opts []Option) (C.hooksig_config, *arena, *config, error) {
	var c config
	for _, opt := range opts {
		if opt == nil {
			return C.hooksig_config{}, nil, nil, argumentError("a nil Option")
		}
		opt(&c)
	}
	if c.err != nil {
		return C.hooksig_config{}, nil, nil, c.err
	}
	a := &arena{}
	var cfg C.hooksig_config
	name := a.bytes(scheme)
	if name.ptr == nil {
		// "" is a preset name the core refuses, not "no preset given".
		name.ptr = (*C.uint8_t)(a.alloc(1))
	}
	cfg.preset, cfg.preset_len = name.ptr, name.len
	cfg.secrets, cfg.secrets_len = a.bytesArray(c.secrets)
	cfg.public_keys, cfg.public_keys_len = a.bytesArray(c.publicKeys)
	if c.privateKey != nil {
		cfg.private_key = a.bytes(*c.privateKey)
	}
	if len(c.params) > 0 {
		p := a.alloc(len(c.params) * C.sizeof_hooksig_header)
		params := unsafe.Slice((*C.hooksig_header)(p), len(c.params))
		for i, kv := range c.params {
			n, v := a.bytes(kv[0]), a.bytes(kv[1])
			params[i] = C.hooksig_header{name: n.ptr, name_len: n.len, value: v.ptr, value_len: v.len}
		}
		cfg.params, cfg.params_len = (*C.hooksig_header)(p), C.size_t(len(c.params))
	}
	switch c.tolerance {
	case toleranceNone:
		cfg.tolerance_mode = C.HOOKSIG_TOLERANCE_NONE
	case toleranceSeconds:
		cfg.tolerance_mode = C.HOOKSIG_TOLERANCE_SECONDS
		cfg.tolerance_seconds = C.uint64_t(c.seconds)
	default:
		cfg.tolerance_mode = C.HOOKSIG_TOLERANCE_DEFAULT
	}
	return cfg, a, &c, nil
}

// bytesArray copies strings into a C array of hooksig_bytes (NULL, 0 for none).
func (a *arena) bytesArray(strings []string) (*C.hooksig_bytes, C.size_t) {
	if len(strings) == 0 {
		return nil, 0
	}
	p := a.alloc(len(strings) * C.sizeof_hooksig_bytes)
	array := unsafe.Slice((*C.hooksig_bytes)(p), len(strings))
	for i, s := range strings {
		array[i] = a.bytes(s)
	}
	return (*C.hooksig_bytes)(p), C.size_t(len(strings))
}
