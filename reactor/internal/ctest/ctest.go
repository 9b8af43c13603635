// Package ctest holds the C side of the reactor's tests (cgo is not allowed
// in _test.go files): layout facts from the C headers, C callbacks that
// record their calls, a stand-in for the C layer's services (log capture,
// signal handler with counts and self-pipe), and the C clock.
package ctest

/*
#cgo CFLAGS: -I${SRCDIR}/../../../capi -I${SRCDIR}/../../../include
#cgo LDFLAGS: -lpthread
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/event_struct.h>
#include "gev_internal.h"
#include "timeheap.h"
#include "activeq.h"
#include "iomap.h"

// ---- layout ----
#define OFF(t, f) (long)offsetof(t, f)
static long gev_ev_off(int i) {
	switch (i) {
	case 0: return OFF(struct event, ev_evcallback.evcb_active_next.tqe_next);
	case 1: return OFF(struct event, ev_evcallback.evcb_active_next.tqe_prev);
	case 2: return OFF(struct event, ev_evcallback.evcb_flags);
	case 3: return OFF(struct event, ev_evcallback.evcb_pri);
	case 4: return OFF(struct event, ev_evcallback.evcb_closure);
	case 5: return OFF(struct event, ev_evcallback.evcb_cb_union.evcb_callback);
	case 6: return OFF(struct event, ev_evcallback.evcb_arg);
	case 7: return OFF(struct event, ev_timeout_pos.min_heap_idx);
	case 8: return GEV_EV_OFF_RELTIMEO;
	case 9: return OFF(struct event, ev_fd);
	case 10: return OFF(struct event, ev_base);
	case 11: return OFF(struct event, ev_.ev_io.ev_io_next.le_next);
	case 12: return OFF(struct event, ev_.ev_io.ev_io_next.le_prev);
	case 13: return OFF(struct event, ev_.ev_signal.ev_ncalls);
	case 14: return OFF(struct event, ev_.ev_signal.ev_pncalls);
	case 15: return OFF(struct event, ev_events);
	case 16: return OFF(struct event, ev_res);
	case 17: return OFF(struct event, ev_timeout);
	case 18: return (long)sizeof(struct event);
	case 19: return GEV_EV_OFF_HEAPIDX;
	case 20: return OFF(struct event, ev_.ev_signal.ev_signal_next.le_next);
	case 21: return OFF(struct event, ev_timeout.tv_usec);
	}
	return -1;
}
static long gev_base_off(int i) {
	switch (i) {
	case 0: return OFF(struct event_base, magic);
	case 1: return OFF(struct event_base, core_idx);
	case 2: return OFF(struct event_base, flags);
	case 3: return OFF(struct event_base, method);
	case 4: return OFF(struct event_base, npriorities);
	case 5: return OFF(struct event_base, sig_rfd);
	case 6: return OFF(struct event_base, sig_wfd);
	case 7: return OFF(struct event_base, nsignals);
	case 8: return OFF(struct event_base, event_break);
	case 9: return OFF(struct event_base, event_gotterm);
	case 10: return OFF(struct event_base, running);
	case 11: return OFF(struct event_base, pad0);
	case 12: return OFF(struct event_base, preload_head);
	case 13: return OFF(struct event_base, preload_tail);
	case 14: return OFF(struct event_base, npreload);
	case 15: return OFF(struct event_base, thread); // was reserved
	case 16: return OFF(struct event_base, reserved_tail) + (long)sizeof(((struct event_base *)0)->reserved_tail);
	case 17: return (long)sizeof(struct event_base);
	case 18: return OFF(struct event_base, max_dispatch_callbacks);
	case 19: return OFF(struct event_base, limit_callbacks_after_prio);
	case 20: return OFF(struct event_base, max_dispatch_usec);
	case 21: return OFF(struct event_base, tv_cache);
	case 22: return OFF(struct event_base, reserved_tail);
	case 23: return OFF(struct event_base, timeheap);
	case 24: return OFF(struct event_base, timeheap_n);
	case 25: return OFF(struct event_base, timeheap_cap);
	case 26: return OFF(struct event_base, n_events);
	case 27: return OFF(struct event_base, max_events);
	case 28: return OFF(struct event_base, activeq);
	case 29: return OFF(struct event_base, activeq_n);
	case 30: return OFF(struct event_base, n_active);
	case 31: return OFF(struct event_base, max_active);
	case 32: return OFF(struct event_base, running_pri);
	case 33: return OFF(struct event_base, cont);
	case 34: return OFF(struct event_base, current);
	case 35: return OFF(struct event_base, run_dead);
	case 36: return OFF(struct event_base, fds);
	case 37: return OFF(struct event_base, nfds);
	case 38: return OFF(struct event_base, epfd);
	case 39: return (long)sizeof(struct gev_fdent);
	case 40: return OFF(struct gev_fdent, mask);
	case 41: return OFF(struct event_base, ep_events);
	case 42: return OFF(struct event_base, ep_out);
	case 43: return OFF(struct event_base, ep_max);
	case 44: return OFF(struct event_base, ep_nleft);
	case 45: return OFF(struct event_base, resume);
	case 46: return OFF(struct event_base, resume.count);
	case 47: return OFF(struct event_base, resume.grow);
	}
	return -1;
}
static long gev_const(int i) {
	switch (i) {
	case 0: return GEV_CLOSURE_EVENT;
	case 1: return GEV_CLOSURE_EVENT_SIGNAL;
	case 2: return GEV_CLOSURE_EVENT_PERSIST;
	case 3: return GEV_CLOSURE_GO;
	case 4: return (long)GEV_BASE_MAGIC;
	case 5: return (long)GEV_BASE_DEAD;
	case 6: return GEV_METHOD_EPOLL;
	case 7: return GEV_METHOD_POLL;
	case 8: return GEV_NSIG;
	case 9: return EVLIST_TIMEOUT;
	case 10: return EVLIST_INSERTED;
	case 11: return EVLIST_ACTIVE;
	case 12: return EVLIST_INTERNAL;
	case 13: return EVLIST_INIT;
	case 14: return EVLIST_ALL;
	case 15: return (long)sizeof(struct timeval);
	case 16: return GEV_BASE_FLAG_DEBUG;
	}
	return -1;
}

// ---- the C layer's event_add/event_del of I/O events (capi/event.c) ----
static int add_io_c(struct event_base *b, struct event *ev) {
	if (!gev_io_add_c_ok(b))
		return 0;
	if (!(ev->ev_evcallback.evcb_flags & (EVLIST_INSERTED | EVLIST_ACTIVE))) {
		if (gev_io_add(b, ev) < 0)
			return 0;
		ev->ev_evcallback.evcb_flags |= EVLIST_INSERTED;
		gev_count_event(b, ev, 1);
	}
	return 1;
}
static int del_c(struct event_base *b, struct event *ev) {
	if (!gev_event_del_c_ok(b, ev))
		return 0;
	gev_event_del(b, ev);
	return 1;
}

// ---- C callbacks that record their calls ----
#define LOGMAX 4096
struct call { int fd; short what; void *arg; };
struct call calls[LOGMAX];
int ncalls;
static void record_cb(int fd, short what, void *arg) {
	if (ncalls < LOGMAX) { calls[ncalls].fd = fd; calls[ncalls].what = what; calls[ncalls].arg = arg; }
	ncalls++;
}
// A signal callback that deletes its event (arg) on the call whose remaining
// count (ev_ncalls) equals del_at.
extern int ctestEventDel(void *ev); // export.go: the reactor's event_del
int del_at = -1;
static void record_del_cb(int fd, short what, void *arg) {
	struct event *ev = arg;
	record_cb(fd, what, arg);
	if (ev->ev_.ev_signal.ev_ncalls == del_at) ctestEventDel(ev);
}
static void *record_cb_ptr(void) { return (void *)record_cb; }
static void record_go(int fd, short what, uintptr_t arg) { record_cb(fd, what, (void *)arg); }
// Callbacks that act on the loop after recording: free the base (arg:
// struct event_base *, through the reactor), request a loopbreak (arg: the
// base), activate another event in C (arg: that event, EV_TIMEOUT).
extern void ctestBaseFree(void *base); // export.go
static void free_base_cb(int fd, short what, void *arg) {
	struct event_base *b = arg;
	record_cb(fd, what, arg);
	ctestBaseFree(arg);
	// The C layer frees the struct next: poison the core's part of it, so
	// that a loop still reading it crashes here as it could in a program.
	memset(&b->activeq, 0x5a, offsetof(struct event_base, reserved_tail) - offsetof(struct event_base, activeq));
	b->cont = 0;
}
static void break_cb(int fd, short what, void *arg) {
	record_cb(fd, what, arg);
	((struct event_base *)arg)->event_break = 1;
}
static void activate_cb(int fd, short what, void *arg) {
	struct event *ev = arg;
	record_cb(fd, what, arg);
	gev_event_activate(ev->ev_base, ev, EV_TIMEOUT, 1);
}
static void *free_base_cb_ptr(void) { return (void *)free_base_cb; }
static void *break_cb_ptr(void) { return (void *)break_cb; }
static void *activate_cb_ptr(void) { return (void *)activate_cb; }
static void *record_del_cb_ptr(void) { return (void *)record_del_cb; }

// ---- the C layer's services, for tests ----
char lastlog[1024];
int nlogs;
static void svc_log(int sev, const char *msg) {
	snprintf(lastlog, sizeof lastlog, "%d:%s", sev, msg);
	nlogs++;
	if (getenv("CTEST_VERBOSE")) fprintf(stderr, "[log %d] %s\n", sev, msg);
}
static volatile int cur_wfd = -1;
int refs[GEV_NSIG];
int installs, releases;
static struct sigaction olds[GEV_NSIG];
static void handler(int sig) {
	int e = errno;
	int fd = cur_wfd;
	if (fd >= 0) { unsigned char c = sig; ssize_t n = write(fd, &c, 1); (void)n; }
	errno = e;
}
static int svc_sig_install(struct event_base *b, int sig) {
	installs++;
	if (sig <= 0 || sig >= GEV_NSIG) return -1;
	if (b->sig_rfd < 0) {
		int p[2];
		if (pipe(p) < 0) return -1;
		b->sig_rfd = p[0]; b->sig_wfd = p[1];
	}
	if (refs[sig]++ == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = handler;
		sa.sa_flags = SA_RESTART | SA_ONSTACK;
		sigfillset(&sa.sa_mask);
		sigaction(sig, &sa, &olds[sig]);
	}
	cur_wfd = b->sig_wfd;
	return 0;
}
static void svc_sig_release(struct event_base *b, int sig) {
	releases++;
	if (sig > 0 && sig < GEV_NSIG && refs[sig] > 0 && --refs[sig] == 0)
		sigaction(sig, &olds[sig], NULL);
}
static struct gev_services services = {
	.log = svc_log, .nsig = GEV_NSIG,
	.sig_install = svc_sig_install, .sig_release = svc_sig_release,
};
static void *services_ptr(void) { return &services; }
static void set_wfd(int fd) { cur_wfd = fd; }
static int do_raise(int sig) { return raise(sig); }

// Send sig to the calling thread from another thread after ms milliseconds.
static pthread_t kill_target;
static int kill_ms, kill_sig;
static void *killer(void *a) {
	(void)a;
	usleep(kill_ms * 1000);
	pthread_kill(kill_target, kill_sig);
	return NULL;
}
static int kill_me_after(int ms, int sig) {
	pthread_t t;
	kill_target = pthread_self();
	kill_ms = ms;
	kill_sig = sig;
	if (pthread_create(&t, NULL, killer, NULL) != 0) return -1;
	pthread_detach(t);
	return 0;
}

static void mono(int64_t *sec, int64_t *usec) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*sec = ts.tv_sec; *usec = ts.tv_nsec / 1000;
}
*/
import "C"

import "unsafe"

// HeapPushC and HeapRemoveC are the C layer's half of the timer heap
// (capi/timeheap.h) on the base at cbase; HeapPushC needs room in the array.
func HeapPushC(cbase, ev unsafe.Pointer) {
	C.gev_timeheap_push((*C.struct_event_base)(cbase), (*C.struct_event)(ev))
}

func HeapRemoveC(cbase, ev unsafe.Pointer) {
	C.gev_timeheap_remove((*C.struct_event_base)(cbase), (*C.struct_event)(ev))
}

// ActivateC and RemoveActiveC are the C layer's half of the active queues
// (capi/activeq.h) on the base at cbase; ActivateC returns -1 when the
// event's priority has no queue (the core must grow the array).
func ActivateC(cbase, ev unsafe.Pointer, res, ncalls int16) int {
	return int(C.gev_event_activate((*C.struct_event_base)(cbase), (*C.struct_event)(ev), C.short(res), C.short(ncalls)))
}

func RemoveActiveC(cbase, ev unsafe.Pointer) {
	C.gev_activeq_remove((*C.struct_event_base)(cbase), (*C.struct_event)(ev))
}

// AddIOC and DelC are the C layer's event_add (an I/O event, no timeout)
// and event_del, on the fd table and queues the base shares; they return
// false when the core must do it (nothing changed then).
func AddIOC(cbase, ev unsafe.Pointer) bool {
	return C.add_io_c((*C.struct_event_base)(cbase), (*C.struct_event)(ev)) != 0
}

func DelC(cbase, ev unsafe.Pointer) bool {
	return C.del_c((*C.struct_event_base)(cbase), (*C.struct_event)(ev)) != 0
}

// EventOffsets returns, by index, the offsets in struct event that the Go
// mirror must match (see gev_ev_off), and sizeof at index 18.
func EventOffset(i int) int { return int(C.gev_ev_off(C.int(i))) }

// BaseOffset returns offsets in struct event_base (see gev_base_off).
func BaseOffset(i int) int { return int(C.gev_base_off(C.int(i))) }

// Const returns constants of the C headers (see gev_const).
func Const(i int) int { return int(C.gev_const(C.int(i))) }

// Call is one recorded C callback invocation.
type Call struct {
	Fd   int
	What int16
	Arg  uintptr
}

// RecordCB is a C event callback that records (fd, what, arg).
func RecordCB() unsafe.Pointer { return C.record_cb_ptr() }

// RecordDelCB records like RecordCB and, when its event (passed as arg) has
// ev_ncalls == the value set by SetDelAt, deletes it through the reactor
// (a C callback re-entering Go, as a program's event_del does).
func RecordDelCB() unsafe.Pointer { return C.record_del_cb_ptr() }

// Record appends a call to the record, as RecordCB does (for Go handlers
// whose order against C callbacks a test checks).
func Record(fd int, what int16, arg uintptr) { C.record_go(C.int(fd), C.short(what), C.uintptr_t(arg)) }

// FreeBaseCB records, then frees the base passed as its argument (a
// struct event_base *) through the reactor.
func FreeBaseCB() unsafe.Pointer { return C.free_base_cb_ptr() }

// BreakCB records, then sets event_break of the base passed as its argument.
func BreakCB() unsafe.Pointer { return C.break_cb_ptr() }

// ActivateCB records, then activates the event passed as its argument with
// EV_TIMEOUT through the C layer's half of the active queues.
func ActivateCB() unsafe.Pointer { return C.activate_cb_ptr() }

// SetDelAt configures RecordDelCB; at < 0 disables the deletion.
func SetDelAt(at int) { C.del_at = C.int(at) }

// Calls returns the recorded calls and clears the record.
func Calls() []Call {
	n := int(C.ncalls)
	if n > C.LOGMAX {
		n = C.LOGMAX
	}
	out := make([]Call, n)
	for i := range out {
		c := C.calls[i]
		out[i] = Call{int(c.fd), int16(c.what), uintptr(c.arg)}
	}
	C.ncalls = 0
	return out
}

// Services returns a struct gev_services for svc.Attach.
func Services() unsafe.Pointer { return C.services_ptr() }

// LastLog returns the last message logged through the services and how many
// were logged so far.
func LastLog() (string, int) { return C.GoString(&C.lastlog[0]), int(C.nlogs) }

// SigStats returns how many times sig_install and sig_release were called.
func SigStats() (installs, releases int) { return int(C.installs), int(C.releases) }

// Refs returns the handler reference count of sig.
func Refs(sig int) int { return int(C.refs[sig]) }

// SetSignalPipe makes the test handler write to fd.
func SetSignalPipe(fd int) { C.set_wfd(C.int(fd)) }

// Raise sends sig to the calling thread, through C.
func Raise(sig int) int { return int(C.do_raise(C.int(sig))) }

// Monotonic reads CLOCK_MONOTONIC through C's clock_gettime.
func Monotonic() (sec, usec int64) {
	var s, u C.int64_t
	C.mono(&s, &u)
	return int64(s), int64(u)
}

// NCalls returns how many calls were recorded since the last Calls.
func NCalls() int { return int(C.ncalls) }

// KillMeAfter makes another thread send sig to the calling OS thread after
// ms milliseconds (the caller must be locked to its thread).
func KillMeAfter(ms, sig int) int { return int(C.kill_me_after(C.int(ms), C.int(sig))) }
