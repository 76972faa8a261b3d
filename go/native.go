package hooksig

// The C ABI of libhooksig_c (bindings/c). hooksig.h is a copy of
// bindings/c/include/hooksig.h (TestHeaderIsTheCABIHeader keeps them equal; `make
// go-header` copies it). The static library is linked, so a program that uses this package
// needs no shared library at run time: point the linker at the directory that holds
// libhooksig_c.a with CGO_LDFLAGS=-L<dir> (cargo build --release -p hooksig-c writes it to
// target/release), or copy the file into this package's lib/ directory.

// #cgo LDFLAGS: -L${SRCDIR}/lib -l:libhooksig_c.a -lpthread -ldl -lm
// #include <stdlib.h>
// #include "hooksig.h"
import "C"

import (
	"unsafe"
)

// An arena holds copies of Go strings in C memory, for the C structs that point to them
// (by the cgo pointer rules, Go memory passed to C may not hold Go pointers): free wipes
// and frees them.
type arena struct {
	blocks []unsafe.Pointer
	sizes  []int
}

// bytes copies s into C memory and returns a hooksig_bytes for it (NULL for "").
func (a *arena) bytes(s string) C.hooksig_bytes {
	if len(s) == 0 {
		return C.hooksig_bytes{}
	}
	p := a.alloc(len(s))
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	return C.hooksig_bytes{ptr: (*C.uint8_t)(p), len: C.size_t(len(s))}
}

// alloc returns n bytes of C memory (at least one), freed by free.
func (a *arena) alloc(n int) unsafe.Pointer {
	if n == 0 {
		n = 1
	}
	p := C.calloc(C.size_t(n), 1)
	if p == nil {
		panic("hooksig: out of memory")
	}
	a.blocks = append(a.blocks, p)
	a.sizes = append(a.sizes, n)
	return p
}

// free wipes every block (secrets and keys were copied into some) and frees it.
func (a *arena) free() {
	for i, p := range a.blocks {
		b := unsafe.Slice((*byte)(p), a.sizes[i])
		for j := range b {
			b[j] = 0
		}
		C.free(p)
	}
	a.blocks, a.sizes = nil, nil
}

// takeMessage returns the message the library wrote to *msg and frees it.
func takeMessage(msg *C.char) string {
	if msg == nil {
		return ""
	}
	s := C.GoString(msg)
	C.hooksig_string_free(msg)
	return s
}

// Version returns the version of the linked hooksig library, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.hooksig_version())
}
