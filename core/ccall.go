package core

/*
#cgo CFLAGS: -I${SRCDIR}/../capi
#include <errno.h>
#include <stdint.h>
#include "gev_fork.h"

struct bufferevent;
struct evconnlistener;
struct sockaddr;

// Trampolines: one Go->C crossing per user callback. Function pointers and
// arguments travel as integers (they are C values a program chose, never Go
// pointers), which also spares cgo's pointer checks. The event and error
// callbacks set errno first: programs print strerror(errno) there, as
// libevent leaves the failing call's errno in place. gev_cb_enter/leave: a
// fork inside a callback (gev_fork.h).

static inline void gev_bev_data_cb(uintptr_t fn, uintptr_t bev, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(struct bufferevent *, void *))fn)((struct bufferevent *)bev, (void *)arg);
	gev_cb_leave();
}

static inline void gev_bev_event_cb(uintptr_t fn, uintptr_t bev, short what, uintptr_t arg, int err) {
	errno = err;
	gev_cb_enter();
	((void (*)(struct bufferevent *, short, void *))fn)((struct bufferevent *)bev, what, (void *)arg);
	gev_cb_leave();
}

static inline void gev_lev_accept_cb(uintptr_t fn, uintptr_t lev, int fd, uintptr_t sa, int socklen, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(struct evconnlistener *, int, struct sockaddr *, int, void *))fn)(
		(struct evconnlistener *)lev, fd, (struct sockaddr *)sa, socklen, (void *)arg);
	gev_cb_leave();
}

// The markers of Go callbacks in a bufferevent's C struct (gohooks.go):
// real functions, so that a program calling them runs the Go callback.
extern void goeventBevGoCB(void *bev, int which, short what);
static void gev_bev_go_read(struct bufferevent *bev, void *arg) { (void)arg; goeventBevGoCB(bev, 0, 0); }
static void gev_bev_go_write(struct bufferevent *bev, void *arg) { (void)arg; goeventBevGoCB(bev, 1, 0); }
static void gev_bev_go_event(struct bufferevent *bev, short what, void *arg) { (void)arg; goeventBevGoCB(bev, 2, what); }
static inline void *gev_bev_go_cb(int which) {
	return which == 0 ? (void *)gev_bev_go_read : which == 1 ? (void *)gev_bev_go_write : (void *)gev_bev_go_event;
}

static inline void gev_lev_error_cb(uintptr_t fn, uintptr_t lev, uintptr_t arg, int err) {
	errno = err;
	gev_cb_enter();
	((void (*)(struct evconnlistener *, void *))fn)((struct evconnlistener *)lev, (void *)arg);
	gev_cb_leave();
}
*/
import "C"

import "unsafe"

// goCBs are the addresses of the Go-callback markers (gohooks.go).
var goCBs = [3]unsafe.Pointer{C.gev_bev_go_cb(0), C.gev_bev_go_cb(1), C.gev_bev_go_cb(2)}

func goCBAddr(which int) unsafe.Pointer { return goCBs[which] }

func callBevData(fn, bev, arg unsafe.Pointer) {
	if goBevData(fn, bev) {
		return
	}
	C.gev_bev_data_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(bev)), C.uintptr_t(uintptr(arg)))
}

func callBevEvent(fn, bev unsafe.Pointer, what int16, arg unsafe.Pointer, err int) {
	if goBevEvent(fn, bev, what, err) {
		return
	}
	C.gev_bev_event_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(bev)), C.short(what), C.uintptr_t(uintptr(arg)), C.int(err))
}

func callAccept(fn, lev unsafe.Pointer, fd int, sa unsafe.Pointer, socklen int, arg unsafe.Pointer) {
	C.gev_lev_accept_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(lev)), C.int(fd), C.uintptr_t(uintptr(sa)), C.int(socklen), C.uintptr_t(uintptr(arg)))
}

func callListenerError(fn, lev, arg unsafe.Pointer, err int) {
	C.gev_lev_error_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(lev)), C.uintptr_t(uintptr(arg)), C.int(err))
}
