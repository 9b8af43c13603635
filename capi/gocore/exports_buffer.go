package main

// Exports of GEV_OPS_BUFFER (capi/ops_buffer.h): evbuffer_*. Each one
// converts its arguments, calls one function of goevent/core and returns
// libevent's failure value on a bad handle; a panic is logged (guard, in
// main.go) and turned into that failure value by the named result, which
// holds it until the call succeeds.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
)

//export goevent_evbuffer_new
func goevent_evbuffer_new() (r *C.struct_evbuffer) {
	defer guard("evbuffer_new")
	return (*C.struct_evbuffer)(core.EvbufferNew())
}

//export goevent_evbuffer_free
func goevent_evbuffer_free(buf *C.struct_evbuffer) {
	defer guard("evbuffer_free")
	core.EvbufferFree(unsafe.Pointer(buf))
}

//export goevent_evbuffer_add
func goevent_evbuffer_add(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_add")
	return C.int(core.EvbufferAdd(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_add_buffer
func goevent_evbuffer_add_buffer(dst, src *C.struct_evbuffer) (r C.int) {
	r = -1
	defer guard("evbuffer_add_buffer")
	return C.int(core.EvbufferAddBuffer(unsafe.Pointer(dst), unsafe.Pointer(src)))
}

//export goevent_evbuffer_drain
func goevent_evbuffer_drain(buf *C.struct_evbuffer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_drain")
	return C.int(core.EvbufferDrain(unsafe.Pointer(buf), uint64(n)))
}

//export goevent_evbuffer_remove
func goevent_evbuffer_remove(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.int) {
	r = -1
	defer guard("evbuffer_remove")
	return C.int(core.EvbufferRemove(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_copyout
func goevent_evbuffer_copyout(buf *C.struct_evbuffer, data unsafe.Pointer, n C.size_t) (r C.ptrdiff_t) {
	r = -1
	defer guard("evbuffer_copyout")
	return C.ptrdiff_t(core.EvbufferCopyout(unsafe.Pointer(buf), data, uint64(n)))
}

//export goevent_evbuffer_pullup
func goevent_evbuffer_pullup(buf *C.struct_evbuffer, size C.ptrdiff_t) (r *C.uchar) {
	defer guard("evbuffer_pullup")
	return (*C.uchar)(core.EvbufferPullup(unsafe.Pointer(buf), int64(size)))
}
