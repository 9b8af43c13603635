// Package svc is the Go core's view of the services the C layer lends it at
// attach time (struct gev_services in capi/gev_internal.h): the program's log
// callback and the C signal bookkeeping. Before attach (Go unit tests) it
// falls back to stderr and to "no signal support".
package svc

/*
#cgo CFLAGS: -I${SRCDIR}/../../capi
#include <stdlib.h>
#include "gev_internal.h"

static void gev_svc_log(const struct gev_services *s, int sev, const char *msg) { s->log(sev, msg); }
static int gev_svc_sig_install(const struct gev_services *s, struct event_base *b, int sig) { return s->sig_install(b, sig); }
static void gev_svc_sig_release(const struct gev_services *s, struct event_base *b, int sig) { s->sig_release(b, sig); }
extern const struct gev_services *gev_svc; // services.c
static void gev_svc_set(const struct gev_services *s) { gev_svc = s; }
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

// Severities, as EVENT_LOG_* in event2/event.h.
const (
	LogDebug = 0
	LogMsg   = 1
	LogWarn  = 2
	LogErr   = 3
)

var services *C.struct_gev_services // set once by Attach; C memory owned by the C layer

// Attach records the C layer's services. p points to a struct gev_services
// that stays valid for the life of the process.
func Attach(p unsafe.Pointer) {
	services = (*C.struct_gev_services)(p)
	C.gev_svc_set(services)
}

// BufPool is the C layer's pool of freed evbuffers (struct gev_buf_pool),
// nil when not attached or not lent.
func BufPool() unsafe.Pointer {
	if services == nil {
		return nil
	}
	return unsafe.Pointer(services.buf_pool)
}

// Epoch is the C layer's gev_core_epoch at attach (which start of the core
// in this process; 0 when not attached).
func Epoch() uint32 {
	if services == nil || services.epoch == nil {
		return 0
	}
	return uint32(*services.epoch)
}

// Attached reports whether the C layer lent its services.
func Attached() bool { return services != nil }

// Logf formats a message and sends it to the program's log callback (or to
// stderr as "[warn] msg" when not attached), as libevent's event_warnx does.
func Logf(severity int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if services == nil {
		names := [...]string{"debug", "msg", "warn", "err"}
		name := "?"
		if severity >= 0 && severity < len(names) {
			name = names[severity]
		}
		fmt.Fprintf(os.Stderr, "[%s] %s\n", name, msg)
		return
	}
	cs := C.CString(msg)
	C.gev_svc_log(services, C.int(severity), cs)
	C.free(unsafe.Pointer(cs))
}

// Warnf logs at EVENT_LOG_WARN, the severity libevent uses for misuse.
func Warnf(format string, args ...any) { Logf(LogWarn, format, args...) }

// SigInstall installs the C signal handler for sig on behalf of base (a
// *C.struct_event_base). It returns 0, or -1 when not attached or refused.
func SigInstall(base unsafe.Pointer, sig int) int {
	if services == nil {
		return -1
	}
	return int(C.gev_svc_sig_install(services, (*C.struct_event_base)(base), C.int(sig)))
}

// SigRelease drops one of base's references to sig's handler (restoring the
// previous action at the last one).
func SigRelease(base unsafe.Pointer, sig int) {
	if services != nil {
		C.gev_svc_sig_release(services, (*C.struct_event_base)(base), C.int(sig))
	}
}

// NSig is the size of the signal table (0 when not attached).
func NSig() int {
	if services == nil {
		return 0
	}
	return int(services.nsig)
}
