package main

// Exports of GEV_OPS_EVENT (capi/ops_event.h): event bases and events, called by the C layer
// through struct gev_core_ops. Each one converts its arguments, calls one
// function of goevent/reactor and returns libevent's result; guard (main.go)
// turns a Go panic into a logged error and the failure value already stored
// in the named result.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"goevent/core"
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// struct timeval is {long tv_sec; long tv_usec;}, the layout of reactor.Timeval.
var _ [unsafe.Sizeof(C.struct_timeval{}) - unsafe.Sizeof(reactor.Timeval{})]byte
var _ [unsafe.Sizeof(reactor.Timeval{}) - unsafe.Sizeof(C.struct_timeval{})]byte

func tvOf(tv *C.struct_timeval) *reactor.Timeval { return (*reactor.Timeval)(unsafe.Pointer(tv)) }

func evOf(ev *C.struct_event) *reactor.Event { return reactor.EventAt(unsafe.Pointer(ev)) }

// baseOf returns the Go side of base, logging (naming fn) when there is none.
func baseOf(fn string, base *C.struct_event_base) *reactor.Base {
	b := reactor.FromC(unsafe.Pointer(base))
	if b == nil {
		svc.Warnf("%s: %p is not a live event_base with a Go side", fn, unsafe.Pointer(base))
	}
	return b
}

//export goevent_base_adopt
func goevent_base_adopt(base *C.struct_event_base) (rc C.int) {
	rc = -1
	defer guard("event_base (adopt)")
	if _, err := reactor.Adopt(unsafe.Pointer(base)); err != nil {
		svc.Warnf("event_base: cannot start the event loop: %v", err)
		return -1
	}
	return 0
}

//export goevent_base_free
func goevent_base_free(base *C.struct_event_base) {
	defer guard("event_base_free")
	if b := reactor.FromC(unsafe.Pointer(base)); b != nil {
		// Bufferevents freed but not yet finalized by the loop close their
		// fds now, as libevent's event_base_free does.
		core.FinalizeBase(unsafe.Pointer(base))
		b.Free()
	}
}

//export goevent_base_reinit
func goevent_base_reinit(base *C.struct_event_base) (rc C.int) {
	rc = -1
	defer guard("event_reinit")
	if b := baseOf("event_reinit", base); b != nil {
		rc = C.int(b.Reinit())
	}
	return rc
}

//export goevent_base_loop
func goevent_base_loop(base *C.struct_event_base, flags C.int) (rc C.int) {
	rc = -1
	defer guard("event_base_loop")
	if b := baseOf("event_base_loop", base); b != nil {
		rc = C.int(b.Loop(int(flags)))
	}
	return rc
}

//export goevent_base_loopexit
func goevent_base_loopexit(base *C.struct_event_base, tv *C.struct_timeval) (rc C.int) {
	rc = -1
	defer guard("event_base_loopexit")
	if b := baseOf("event_base_loopexit", base); b != nil {
		rc = C.int(b.LoopExit(tvOf(tv)))
	}
	return rc
}

//export goevent_event_add
func goevent_event_add(ev *C.struct_event, tv *C.struct_timeval) (rc C.int) {
	rc = -1
	defer guard("event_add")
	return C.int(reactor.EventAdd(evOf(ev), tvOf(tv)))
}

//export goevent_event_del
func goevent_event_del(ev *C.struct_event) (rc C.int) {
	rc = -1
	defer guard("event_del")
	return C.int(reactor.EventDel(evOf(ev)))
}

//export goevent_event_active
func goevent_event_active(ev *C.struct_event, res C.int, ncalls C.short) {
	defer guard("event_active")
	reactor.EventActive(evOf(ev), int16(res), int16(ncalls))
}
