package main

// Exports of GEV_OPS_THREAD (capi/ops_thread.h): thread support of bases.
// Locking and waking themselves live in the C layer (capi/thread.c); the
// core only watches a base's notification fd.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/reactor"
)

//export goevent_base_notify_watch
func goevent_base_notify_watch(base *C.struct_event_base) (rc C.int) {
	rc = -1
	defer guard("evthread_make_base_notifiable")
	b := reactor.FromC(unsafe.Pointer(base))
	if b == nil {
		return 0 // not adopted yet: Adopt watches the fd
	}
	return C.int(b.WatchNotify())
}
