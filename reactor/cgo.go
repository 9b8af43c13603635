package reactor

/*
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include "gev_internal.h"
#include "gev_fork.h"
#include "run.h"

// One Go->C crossing per C callback; gev_cb_enter/leave: a fork inside it
// (gev_fork.h).
static void gev_call_event_cb(void *fn, int fd, short what, void *arg) {
	gev_cb_enter();
	((void (*)(int, short, void *))fn)(fd, what, arg);
	gev_cb_leave();
}

// Go holds ev_callback and ev_arg as integers (ev_arg may be any value a
// program casts to void *, and is never a Go pointer), so it calls through
// this inlined integer form.
static inline void gev_call_event_cb_u(uintptr_t fn, int fd, short what, uintptr_t arg) {
	gev_call_event_cb((void *)fn, fd, what, (void *)arg);
}

static int gev_poll(void *fds, unsigned long n, int ms, uintptr_t thp) {
	struct gev_thread *th = (struct gev_thread *)thp;
	if (th)
		th->release(th);
	int r = poll((struct pollfd *)fds, (nfds_t)n, ms);
	int err = errno;
	if (th)
		th->lock(th);
	return r < 0 ? -err : r;
}

// event_finalize callbacks: void (*)(struct event *, void *).
static void gev_call_finalize_cb(uintptr_t fn, void *ev, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(void *, void *))fn)(ev, (void *)arg);
	gev_cb_leave();
}

// The C layer's free (gev_free), for event_free_finalize.
static void gev_call_free(uintptr_t fn, void *p) {
	((void (*)(void *))fn)(p);
}

// event_base_foreach_event callbacks: int (*)(const struct event_base *, const struct event *, void *).
static int gev_call_foreach_cb(uintptr_t fn, void *base, void *ev, uintptr_t arg) {
	gev_cb_enter();
	int r = ((int (*)(void *, void *, void *))fn)(base, ev, (void *)arg);
	gev_cb_leave();
	return r;
}

static int gev_epoll_event_size(void) { return (int)sizeof(struct epoll_event); }
static int gev_pollfd_size(void) { return (int)sizeof(struct pollfd); }
*/
import "C"

import "unsafe"

// callC runs a C event callback on the current (C) thread.
func callC(fn unsafe.Pointer, fd int32, what int16, arg uintptr) {
	C.gev_call_event_cb_u(C.uintptr_t(uintptr(fn)), C.int(fd), C.short(what), C.uintptr_t(arg))
}

// callFinalize runs an event_finalize callback.
func callFinalize(fn unsafe.Pointer, ev *Event, arg uintptr) {
	C.gev_call_finalize_cb(C.uintptr_t(uintptr(fn)), unsafe.Pointer(ev), C.uintptr_t(arg))
}

// callFree frees C memory through the C layer's free function fn.
func callFree(fn unsafe.Pointer, p unsafe.Pointer) {
	C.gev_call_free(C.uintptr_t(uintptr(fn)), p)
}

// callForeach runs an event_base_foreach_event callback.
func callForeach(fn unsafe.Pointer, base unsafe.Pointer, ev *Event, arg uintptr) int {
	return int(C.gev_call_foreach_cb(C.uintptr_t(uintptr(fn)), base, unsafe.Pointer(ev), C.uintptr_t(arg)))
}

// cEpollWait is the epoll backend's wait on the base c (run.c's
// gev_epoll_wait_base): the number of ready fds, or -errno.
func cEpollWait(c *CBase, ms int) int {
	return int(C.gev_epoll_wait_base(C.uintptr_t(uintptr(unsafe.Pointer(c))), C.int(ms)))
}

// cPoll blocks in poll inside C, with th's lock released (th may be nil).
// It returns the number of ready fds or -errno.
func cPoll(fds unsafe.Pointer, n, ms int, th *CThread) int {
	raceRelease(unsafe.Pointer(th))
	r := int(C.gev_poll(fds, C.ulong(n), C.int(ms), thArg(th)))
	raceAcquire(unsafe.Pointer(th))
	return r
}

var (
	epollEventSize = int(C.gev_epoll_event_size())
	pollfdSize     = int(C.gev_pollfd_size())
)
