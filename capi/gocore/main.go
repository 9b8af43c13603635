// The runtime's cgroup-aware GOMAXPROCS (Go 1.25+) keeps the cgroup's CPU
// limit files open for the life of the process (two descriptors under cgroup
// v1, one under v2) to re-read them; libevent leaves no descriptor behind
// once its bases are freed. Off, the runtime reads them once at load and
// closes them, and GOMAXPROCS is the CPU count as before Go 1.25: the
// program's own threads call into the core, and a container's CPU quota
// should throttle them as it does the rest of the program, not cap how many
// may run Go code at once. GODEBUG=containermaxprocs=1 turns it back on.
//go:debug containermaxprocs=0

// Command gocore is goevent's Go core, built with -buildmode=c-archive and
// linked by the Makefile into libgoevent_core-2.1.so.7, a dependency of the
// C libraries that the dynamic linker maps at program start; its Go runtime
// starts when the program makes its first event_base or the C layer
// (capi/loader.c) first needs it (lazystart/lazystart.c says how and why).
//
// The shared object exports two symbols, goevent_core_prestart (starts the
// runtime) and goevent_core_attach (lazystart.c: it starts the runtime if
// needed, then calls goevent_core_attach_go below); every
// other entry point reaches C through the function table it fills
// (struct gev_core_ops in capi/gev_internal.h). The exports in this package
// are thin: convert arguments, call one function of reactor/ or core/, map
// the result to libevent's failure value, and never let a panic cross into C.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include "gev_internal.h"

int gev_fill_ops(struct gev_core_ops *ops, void *loopc);
void gev_run_init_hook(void);
*/
import "C"

import (
	"unsafe"

	"goevent/core"
	"goevent/internal/svc"
	"goevent/reactor"
)

func main() {}

// Package init runs on the runtime's own thread, after every other package's
// init, while the program that started the runtime (with its first base) goes
// on: lazystart.c's part (RLIMIT_NOFILE back as the program had it) and what
// the first base needs are done here rather than at the program's first
// dispatch.
func init() {
	C.gev_run_init_hook()
	reactor.Prepare()
}

//export goevent_core_attach_go
func goevent_core_attach_go(ops *C.struct_gev_core_ops, services *C.struct_gev_services) C.int {
	if ops == nil || services == nil {
		return -1
	}
	svc.Attach(unsafe.Pointer(services))
	core.SetBufPool(svc.BufPool(), svc.Epoch())
	reactor.StartRuntimePoller()
	reactor.NoteCoreStart()
	return C.gev_fill_ops(ops, reactor.LoopCFunc())
}

// guard is deferred by every export: a panic in the core is logged through
// the program's log callback and turned into the export's failure value
// (left in *ret by the caller's initialisation) instead of crossing into C.
func guard(fn string) {
	if r := recover(); r != nil {
		svc.Logf(svc.LogErr, "%s: internal error in the goevent core: %v", fn, r)
	}
}
