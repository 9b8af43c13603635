package main

// Exports of GEV_OPS_SSL (capi/ops_ssl.h): TLS bufferevents. Same
// conventions as exports_buffer.go.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
)

//export goevent_bev_ssl_new
func goevent_bev_ssl_new(base *C.struct_event_base, under *C.struct_bufferevent, fd C.int, ssl unsafe.Pointer, state C.int, options C.int, f unsafe.Pointer, trRead, trWrite, trEvent unsafe.Pointer) (r *C.struct_bufferevent) {
	defer guard("bufferevent_openssl_socket_new")
	core.SetSSLTrampolines(trRead, trWrite, trEvent)
	return (*C.struct_bufferevent)(core.BevSSLNew(unsafe.Pointer(base), unsafe.Pointer(under), int(fd), ssl, int(state), int(options), f))
}

//export goevent_bev_ssl_cb
func goevent_bev_ssl_cb(bev *C.struct_bufferevent, kind C.int, what C.short, err C.int) {
	defer guard("TLS bufferevent callback")
	core.BevSSLCallback(unsafe.Pointer(bev), int(kind), int16(what), int(err))
}

//export goevent_bev_ssl_ctl
func goevent_bev_ssl_ctl(bev *C.struct_bufferevent, op C.int, arg C.int) (r C.intptr_t) {
	defer guard("bufferevent_openssl")
	return C.intptr_t(core.BevSSLCtl(unsafe.Pointer(bev), int(op), int(arg)))
}
