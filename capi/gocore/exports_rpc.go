package main

// Exports of GEV_OPS_RPC (capi/ops_rpc.h): what evrpc (capi/rpc.c) needs of
// an evhttp connection. The C layer holds the connection's base lock.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/extra/evhttp"
)

//export goevent_rpc_conn
func goevent_rpc_conn(evcon *C.struct_evhttp_connection, what C.int) (r C.int) {
	r = -1
	defer guard("evrpc")
	return C.int(evhttp.APIRPCConn(unsafe.Pointer(evcon), int(what)))
}
