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
	"sync/atomic"
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
func goevent_base_free(base *C.struct_event_base, runFinalizers C.int) {
	defer guard("event_base_free")
	if b := reactor.FromC(unsafe.Pointer(base)); b != nil {
		// Bufferevents freed but not yet finalized by the loop close their
		// fds now, as libevent's event_base_free does.
		core.FinalizeBase(unsafe.Pointer(base))
		b.FreeFinalize(runFinalizers != 0)
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

// goevent_base_loop_resume takes over an event_base_loop that the core's C
// loop (reactor/run.c) began and handed over (attach.c's loop entry).
//
//export goevent_base_loop_resume
func goevent_base_loop_resume(base *C.struct_event_base, flags C.int) (rc C.int) {
	rc = -1
	defer guard("event_base_loop")
	if b := baseOf("event_base_loop", base); b != nil {
		rc = C.int(b.LoopResume(int(flags)))
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

//export goevent_base_priority_init
func goevent_base_priority_init(base *C.struct_event_base, n C.int) (rc C.int) {
	rc = -1
	defer guard("event_base_priority_init")
	if b := baseOf("event_base_priority_init", base); b != nil {
		rc = C.int(b.PriorityInit(int(n)))
	}
	return rc
}

//export goevent_base_num_events
func goevent_base_num_events(base *C.struct_event_base, typ C.unsigned, max, clear C.int) (rc C.int) {
	rc = 0
	defer guard("event_base_get_num_events")
	if b := baseOf("event_base_get_num_events", base); b != nil {
		rc = C.int(b.NumEvents(uint(typ), max != 0, clear != 0))
	}
	return rc
}

//export goevent_base_foreach
func goevent_base_foreach(base *C.struct_event_base, fn, arg unsafe.Pointer) (rc C.int) {
	rc = -1
	defer guard("event_base_foreach_event")
	if b := baseOf("event_base_foreach_event", base); b != nil {
		rc = C.int(b.Foreach(fn, uintptr(arg)))
	}
	return rc
}

//export goevent_base_active_by_fd
func goevent_base_active_by_fd(base *C.struct_event_base, fd C.int, events C.short) {
	defer guard("event_base_active_by_fd")
	if b := baseOf("event_base_active_by_fd", base); b != nil {
		b.ActiveByFd(int(fd), int16(events))
	}
}

//export goevent_base_active_by_signal
func goevent_base_active_by_signal(base *C.struct_event_base, sig C.int) {
	defer guard("event_base_active_by_signal")
	if b := baseOf("event_base_active_by_signal", base); b != nil {
		b.ActiveBySignal(int(sig))
	}
}

//export goevent_base_init_common_timeout
func goevent_base_init_common_timeout(base *C.struct_event_base, d *C.struct_timeval) (tv *C.struct_timeval) {
	defer guard("event_base_init_common_timeout")
	if b := baseOf("event_base_init_common_timeout", base); b != nil {
		if r := b.InitCommonTimeout(tvOf(d)); r != nil {
			return (*C.struct_timeval)(unsafe.Pointer(r))
		}
	}
	return nil
}

//export goevent_event_remove_timer
func goevent_event_remove_timer(ev *C.struct_event) (rc C.int) {
	rc = -1
	defer guard("event_remove_timer")
	e := evOf(ev)
	if b := reactor.FromC(e.Base); b != nil {
		rc = C.int(b.RemoveTimer(e))
	} else {
		svc.Warnf("event_remove_timer: the event's event_base is not live")
	}
	return rc
}

//export goevent_event_finalize
func goevent_event_finalize(ev *C.struct_event, cb unsafe.Pointer, freeIt C.int, freefn unsafe.Pointer) (rc C.int) {
	rc = -1
	defer guard("event_finalize")
	e := evOf(ev)
	if b := reactor.FromC(e.Base); b != nil {
		rc = C.int(b.Finalize(e, cb, freeIt != 0, freefn))
	} else {
		svc.Warnf("event_finalize: the event's event_base is not live")
	}
	return rc
}

// statsTaken: the C layer is loaded under up to three sonames, each copy
// with an exit hook; the one core answers the first only.
var statsTaken atomic.Bool

//export goevent_stats_get
func goevent_stats_get(out *C.struct_gev_stats) (rc C.int) {
	defer guard("goevent stats")
	if statsTaken.Swap(true) {
		return 0
	}
	t := reactor.StatsTotal()
	*out = C.struct_gev_stats{
		bases: C.uint64_t(t.Bases), loops: C.uint64_t(t.Loops), callbacks: C.uint64_t(t.Callbacks),
		read: C.uint64_t(t.Read), write: C.uint64_t(t.Write), timeout: C.uint64_t(t.Timeout),
		signal: C.uint64_t(t.Signal), other: C.uint64_t(t.Other), finalizers: C.uint64_t(t.Finalizers),
		bev_read: C.uint64_t(t.BevRead), bev_written: C.uint64_t(t.BevWritten),
		max_cb_ns: C.int64_t(t.MaxCbNs), blocked_ns: C.int64_t(t.BlockedNs),
	}
	return 1
}
