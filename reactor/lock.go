package reactor

/*
#cgo CFLAGS: -I${SRCDIR}/../capi -I${SRCDIR}/../include
#include <stddef.h>
#include "gev_internal.h"
#include "gev_fork.h"

// Integer arguments: cgo checks no pointer for them (th and ev are C memory).
static inline void gev_th_call_lock(uintptr_t th) { ((struct gev_thread *)th)->lock((struct gev_thread *)th); }
static inline void gev_th_call_unlock(uintptr_t th) { ((struct gev_thread *)th)->unlock((struct gev_thread *)th); }
static inline void gev_th_call_run_cb(uintptr_t th, uintptr_t ev) {
	gev_cb_enter(); // the C layer's run_cb calls the program's callback
	((struct gev_thread *)th)->run_cb((struct gev_thread *)th, (struct event *)ev);
	gev_cb_leave();
}

static long gev_th_off(int i) {
	switch (i) {
	case 0: return (long)offsetof(struct gev_thread, lock);
	case 1: return (long)offsetof(struct gev_thread, unlock);
	case 2: return (long)offsetof(struct gev_thread, release);
	case 3: return (long)offsetof(struct gev_thread, run_cb);
	case 4: return (long)offsetof(struct gev_thread, base);
	case 5: return (long)offsetof(struct gev_thread, notify_fd);
	case 6: return (long)offsetof(struct gev_thread, notify_pending);
	case 7: return (long)offsetof(struct gev_thread, notify_ev);
	case 8: return (long)sizeof(struct gev_thread);
	case 9: return (long)offsetof(struct event_base, thread);
	case 10: return (long)offsetof(struct event_base, th_owner);
	}
	return -1;
}
*/
import "C"

import (
	"unsafe"

	"goevent/internal/cmem"
)

// Thread support. A base created while the program had lock callbacks set
// (evthread_use_pthreads, evthread_set_lock_callbacks), or made notifiable
// (evthread_make_base_notifiable), has a struct gev_thread (C memory, owned
// by capi/thread.c) at CBase.Thread; every other base has nil there, and the
// only cost thread support adds to it is that nil check on the paths below.
//
// The lock is the program's (through its callbacks), recursive, and held by
// whoever runs the base's Go side: the C layer takes it around each call it
// forwards (event_add, event_del, event_active, loopexit, event_base_loop),
// so the loop runs with it held and releases it only inside the backend's
// blocking wait (one C call: release, epoll_wait/poll, lock) and around each
// C callback (run_cb). Go handlers (ClosureGo) run with it held; a handler
// that calls into the program, or waits for another thread, must release it
// around that call (b.Unlock ... b.Lock) as libevent does for bufferevent
// callbacks. Waking: the C layer's unlock writes the base's eventfd when the
// loop runs on another thread; the loop drains it (notify.go).

// CThread mirrors struct gev_thread (gev_internal.h), the part the core uses.
type CThread struct {
	lock, unlock, release, runCb unsafe.Pointer // C functions of the C layer
	Base                         unsafe.Pointer // struct event_base *
	NotifyFd                     int32          // eventfd; -1 when not notifiable
	NotifyPending                int32          // a wakeup is written and not drained yet
	NotifyEv                     Event          // the internal watcher of NotifyFd
}

// CThreadSize is sizeof(struct gev_thread).
const CThreadSize = 48 + EventSize

var (
	_ [CThreadSize - unsafe.Sizeof(CThread{})]byte
	_ [unsafe.Sizeof(CThread{}) - CThreadSize]byte
)

// ThreadOffset returns offsets of gev_internal.h's thread fields (layout tests).
func ThreadOffset(i int) int { return int(C.gev_th_off(C.int(i))) }

// thArg passes th (C memory, or nil) to C as an integer, which cgo does not
// check as it checks pointers: a nil check is all it costs an unthreaded base.
func thArg(th *CThread) C.uintptr_t { return C.uintptr_t(uintptr(unsafe.Pointer(th))) }

// Lock takes b's lock if b is thread-safe (see above); it is a no-op for
// any other base. The lock is recursive. For the Go entry points that reach
// a base without going through the C layer's locking (bufferevent and
// evbuffer operations on a BEV_OPT_THREADSAFE bufferevent, say): call
// b.Lock() first and b.Unlock() when done, on the same OS thread (an export
// runs on its calling C thread throughout, so this holds there; a goroutine
// of a test must runtime.LockOSThread).
func (b *Base) Lock() {
	if th := b.c.Thread; th != nil {
		C.gev_th_call_lock(thArg(th))
		raceAcquire(unsafe.Pointer(th))
	}
}

// Unlock releases what Lock took, first waking b's loop if it sleeps in
// another thread (so that changes made under the lock take effect at once).
// A no-op for a base without thread support.
func (b *Base) Unlock() {
	if th := b.c.Thread; th != nil {
		raceRelease(unsafe.Pointer(th))
		C.gev_th_call_unlock(thArg(th))
	}
}

// Threaded reports whether b has thread support (a lock or a wakeup fd).
func (b *Base) Threaded() bool { return b.c.Thread != nil }

// callC runs ev's C callback: directly, or for a thread-safe base through
// the C layer, which releases the lock around it and records ev as the
// running event (event_del from another thread waits for it).
func (b *Base) callC(ev *Event) {
	if th := b.c.Thread; th != nil {
		runCbUnlocked(th, ev)
		return
	}
	callC(ev.Callback, ev.Fd, ev.Res, ev.Arg)
}

func runCbUnlocked(th *CThread, ev *Event) {
	raceRelease(unsafe.Pointer(th))
	C.gev_th_call_run_cb(thArg(th), C.uintptr_t(uintptr(unsafe.Pointer(ev))))
	raceAcquire(unsafe.Pointer(th))
}

// waitThread returns the thread support of the base a backend reports to:
// the backend releases its lock around the blocking wait.
func waitThread(s ioSink) *CThread {
	if b, ok := s.(*Base); ok {
		return b.c.Thread
	}
	return nil
}

// pollSnap is the poll backend's copy of its pollfd array for a thread-safe
// base (libevent's poll backend copies likewise): another thread may add or
// delete fds, and so move or free the array, while poll runs unlocked.
type pollSnap struct {
	p   unsafe.Pointer // C memory: cap pollFd
	cap int
}

// copyOf copies n pollfds from src into the snapshot and returns it (nil
// when out of memory).
func (s *pollSnap) copyOf(src unsafe.Pointer, n int) unsafe.Pointer {
	if n > s.cap || s.p == nil {
		c := max(n, 32, 2*s.cap)
		p := cmem.Alloc(c * pollfdSize)
		if p == nil {
			return nil
		}
		s.free()
		s.p, s.cap = p, c
	}
	copy(unsafe.Slice((*pollFd)(s.p), n), unsafe.Slice((*pollFd)(src), n))
	return s.p
}

func (s *pollSnap) free() {
	if s.p != nil {
		cmem.Free(s.p, s.cap*pollfdSize)
		s.p, s.cap = nil, 0
	}
}
