package reactor

/*
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include "gev_internal.h"
#include "gev_fork.h"
#include "iomap.h"

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

// epoll_wait into buf (C memory, max struct epoll_event), with the lock of
// th (the base's thread support, or 0) released around the wait. Each ready
// fd's events become active here, on the fd table and active queues the
// base shares (capi/iomap.h), with the epoll backend's mapping of kernel
// events (backend_epoll.go); an fd that needs the core (an event whose
// priority has no queue yet), or every fd when base is 0, is left in out as
// an (fd, events) int32 pair. Returns the number of ready fds << 32 | the
// number of pairs left, or -errno.
static int64_t gev_epoll_wait(int epfd, uintptr_t bufp, uintptr_t outp, int max, int ms, uintptr_t thp, uintptr_t basep) {
	struct epoll_event *evs = (struct epoll_event *)bufp;
	int32_t *out = (int32_t *)outp;
	struct gev_thread *th = (struct gev_thread *)thp;
	struct event_base *base = (struct event_base *)basep;
	if (th)
		th->release(th);
	int n = epoll_wait(epfd, evs, max, ms);
	int err = errno;
	if (th)
		th->lock(th);
	if (n < 0)
		return -err;
	int left = 0;
	for (int i = 0; i < n; i++) {
		uint32_t what = evs[i].events;
		int fd = evs[i].data.fd;
		short res = 0;
		if ((what & EPOLLERR) || (what & (EPOLLHUP | EPOLLRDHUP)) == EPOLLHUP) {
			res = EV_READ | EV_WRITE;
		} else {
			if (what & EPOLLIN)
				res |= EV_READ;
			if (what & EPOLLOUT)
				res |= EV_WRITE;
			if (what & EPOLLRDHUP)
				res |= EV_CLOSED;
		}
		if (!res)
			continue;
		if (!base || gev_io_ready(base, fd, res | EV_ET) < 0) {
			out[2 * left] = fd;
			out[2 * left + 1] = res | EV_ET;
			left++;
		}
	}
	return (int64_t)n << 32 | left;
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

// cEpollWait blocks in epoll_wait inside C, with th's lock released (th may
// be nil), and activates the ready fds' events of cbase (nil: none) there.
// It returns the number of ready fds and of (fd, events) pairs left in out
// for the core, or -errno.
func cEpollWait(epfd int, buf, out unsafe.Pointer, max, ms int, th *CThread, cbase *CBase) (int, int) {
	raceRelease(unsafe.Pointer(th))
	r := int64(C.gev_epoll_wait(C.int(epfd), C.uintptr_t(uintptr(buf)), C.uintptr_t(uintptr(out)), C.int(max), C.int(ms),
		thArg(th), C.uintptr_t(uintptr(unsafe.Pointer(cbase)))))
	raceAcquire(unsafe.Pointer(th))
	if r < 0 {
		return int(r), 0
	}
	return int(r >> 32), int(r & 0xffffffff)
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
