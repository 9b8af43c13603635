package core

/*
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "gev_fork.h"

struct evbuffer;
// The lock fields of struct evbuffer (capi/gev_internal.h; the layout test
// checks the Go mirror cBuf, which this must match).
struct gev_evbuf_lockpart {
	char head[24];
	void *lock;
	int (*lock_fn)(unsigned mode, void *lock);
	int (*unlock_fn)(unsigned mode, void *lock);
};

struct evbuffer_cb_info_gev { size_t orig_size, n_added, n_deleted; };

// Trampolines for the evbuffer's C callbacks (one Go->C crossing each). The
// evbuffer_cb_info a callback gets lives on this C stack frame, as in libevent.
static inline void gev_evbuf_cb(uintptr_t fn, uintptr_t buf, size_t orig, size_t added, size_t deleted, uintptr_t arg) {
	struct evbuffer_cb_info_gev info = { orig, added, deleted };
	gev_cb_enter();
	((void (*)(struct evbuffer *, const struct evbuffer_cb_info_gev *, void *))fn)(
		(struct evbuffer *)buf, &info, (void *)arg);
	gev_cb_leave();
}

static inline void gev_evbuf_cb_obsolete(uintptr_t fn, uintptr_t buf, size_t oldlen, size_t newlen, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(struct evbuffer *, size_t, size_t, void *))fn)((struct evbuffer *)buf, oldlen, newlen, (void *)arg);
	gev_cb_leave();
}

static inline void gev_evbuf_ref_cleanup(uintptr_t fn, uintptr_t data, size_t len, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(const void *, size_t, void *))fn)((const void *)data, len, (void *)arg);
	gev_cb_leave();
}

static inline void gev_evbuf_fs_cleanup(uintptr_t fn, uintptr_t seg, int flags, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(const void *, int, void *))fn)((const void *)seg, flags, (void *)arg);
	gev_cb_leave();
}

// The buffer's lock (evbuffer_enable_locking), taken by the core only where
// it runs without a C entry point having taken it: deferred callbacks.
static inline void gev_evbuf_lock(uintptr_t h) {
	struct gev_evbuf_lockpart *b = (struct gev_evbuf_lockpart *)h;
	if (b->lock && b->lock_fn)
		b->lock_fn(0, b->lock);
}
static inline void gev_evbuf_unlock(uintptr_t h) {
	struct gev_evbuf_lockpart *b = (struct gev_evbuf_lockpart *)h;
	if (b->lock && b->unlock_fn)
		b->unlock_fn(0, b->lock);
}
*/
import "C"

import (
	"sync"
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// Callback entry flags: EVBUFFER_CB_ENABLED is public; the others are
// libevent's internal ones (evbuffer-internal.h), kept with their values.
const (
	cbEnabled       = 1
	cbNodefer       = 2
	cbObsolete      = 0x40000
	cbInternalFlags = 0xffff0000
)

// cbEntry is one evbuffer_add_cb registration. Its identity for C (the
// struct evbuffer_cb_entry * a program gets) is a small block of C memory.
type cbEntry struct {
	next    *cbEntry
	fn, arg unsafe.Pointer
	flags   uint32
	handle  unsafe.Pointer
	removed bool
}

const cbHandleSize = 16

func callRefCleanup(fn, data unsafe.Pointer, n int, arg unsafe.Pointer) {
	C.gev_evbuf_ref_cleanup(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(data)), C.size_t(n), C.uintptr_t(uintptr(arg)))
}

func callFsCleanup(fn, seg unsafe.Pointer, flags int, arg unsafe.Pointer) {
	C.gev_evbuf_fs_cleanup(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(seg)), C.int(flags), C.uintptr_t(uintptr(arg)))
}

// AddCb is evbuffer_add_cb: the new entry runs first (libevent inserts at the
// head of its list). nil if memory is refused.
func (b *Buffer) AddCb(fn, arg unsafe.Pointer) *cbEntry {
	b.fold()
	h := allocHandle(cbHandleSize)
	if h == nil {
		return nil
	}
	e := &cbEntry{fn: fn, arg: arg, flags: cbEnabled, handle: h}
	*(*uintptr)(h) = uintptr(b.h.gen) // makes the block recognisable in a core dump
	b.extra()
	e.next = b.cbs
	b.cbs = e
	return e
}

func (b *Buffer) unlinkCb(e *cbEntry) {
	for pp := &b.cbs; *pp != nil; pp = &(*pp).next {
		if *pp == e {
			*pp = e.next // e keeps its next: a running iteration continues
			e.removed = true
			freeHandle(e.handle, cbHandleSize)
			e.handle = nil
			return
		}
	}
}

// cbByHandle finds the entry whose C identity is h.
func (b *Buffer) cbByHandle(h unsafe.Pointer) *cbEntry {
	for e := b.cbs; e != nil; e = e.next {
		if e.handle == h {
			return e
		}
	}
	return nil
}

// RemoveCb is evbuffer_remove_cb: removes the newest entry with fn and arg.
func (b *Buffer) RemoveCb(fn, arg unsafe.Pointer) int {
	for e := b.cbs; e != nil; e = e.next {
		if e.fn == fn && e.arg == arg && e.flags&cbObsolete == 0 {
			b.unlinkCb(e)
			return 0
		}
	}
	return -1
}

// SetObsoleteCb is evbuffer_setcb: replaces every callback by fn (none when
// fn is nil), called as (buf, old length, new length, arg).
func (b *Buffer) SetObsoleteCb(fn, arg unsafe.Pointer) {
	b.fold()
	for b.cbs != nil {
		b.unlinkCb(b.cbs)
	}
	if fn != nil {
		if e := b.AddCb(fn, arg); e != nil {
			e.flags |= cbObsolete
		}
	}
}

func (b *Buffer) freeCallbacks() {
	for b.cbs != nil {
		b.unlinkCb(b.cbs)
	}
	if b.x == nil {
		return
	}
	b.x.nAdd, b.x.nDel = 0, 0
	if b.x.deferEv != nil {
		b.x.deferBase.Del(b.x.deferEv)
		freeHandle(unsafe.Pointer(b.x.deferEv), deferEvSize)
		b.x.deferEv = nil
	}
	b.x.deferred = false
	b.x.deferBase = nil
}

// invokeCallbacks is evbuffer_invoke_callbacks_.
func (b *Buffer) invokeCallbacks() {
	if b.cbs == nil {
		if b.x != nil {
			b.x.nAdd, b.x.nDel = 0, 0
		}
		return
	}
	if b.x.deferred && b.x.deferEv != nil {
		b.x.deferBase.Active(b.x.deferEv, reactor.EV_TIMEOUT, 1)
	}
	b.runCallbacks(false)
}

// runCallbacks is evbuffer_run_callbacks: with deferral, the non-deferred
// pass runs only EVBUFFER_CB_NODEFER entries and leaves the counts for the
// deferred pass.
func (b *Buffer) runCallbacks(runningDeferred bool) {
	var mask, want uint32 = cbEnabled, cbEnabled
	clear := true
	if runningDeferred {
		mask, want = cbNodefer|cbEnabled, cbEnabled
	} else if b.x.deferred {
		mask, want = cbNodefer|cbEnabled, cbNodefer|cbEnabled
		clear = false
	}
	if b.cbs == nil {
		b.x.nAdd, b.x.nDel = 0, 0
		return
	}
	if b.x.nAdd == 0 && b.x.nDel == 0 {
		return
	}
	newSize := b.Len()
	orig := newSize + b.x.nDel - b.x.nAdd
	added, deleted := b.x.nAdd, b.x.nDel
	if clear {
		b.x.nAdd, b.x.nDel = 0, 0
	}
	h := b.h
	for e := b.cbs; e != nil; {
		next := e.next
		if !e.removed && e.flags&mask == want {
			if e.flags&cbObsolete != 0 {
				C.gev_evbuf_cb_obsolete(C.uintptr_t(uintptr(e.fn)), C.uintptr_t(uintptr(unsafe.Pointer(h))),
					C.size_t(orig), C.size_t(newSize), C.uintptr_t(uintptr(e.arg)))
			} else {
				C.gev_evbuf_cb(C.uintptr_t(uintptr(e.fn)), C.uintptr_t(uintptr(unsafe.Pointer(h))),
					C.size_t(orig), C.size_t(added), C.size_t(deleted), C.uintptr_t(uintptr(e.arg)))
			}
			if b.h != h {
				return // the callback freed the buffer
			}
		}
		e = next
	}
}

// Deferred callbacks: a Go event per buffer, in C memory, followed by the
// buffer's table index and generation so that the handler finds it.
type deferTrailer struct {
	idx uint32
	pad uint32
	gen uint64
}

var deferEvSize = int(reactor.EventSize) + int(unsafe.Sizeof(deferTrailer{}))

type bufDeferHandler struct{}

var bufDefer struct {
	once sync.Once
	id   uintptr
}

func (bufDeferHandler) HandleEvent(ev *reactor.Event, res int16) {
	tr := (*deferTrailer)(unsafe.Add(unsafe.Pointer(ev), reactor.EventSize))
	b := bufByIdx(tr.idx)
	if b == nil || b.h.gen != tr.gen || b.x == nil || b.x.deferEv != ev {
		return
	}
	hp := b.h
	h := uintptr(unsafe.Pointer(hp))
	C.gev_evbuf_lock(C.uintptr_t(h))
	b.runCallbacks(true)
	C.gev_evbuf_unlock(C.uintptr_t(h))
	if b.x.dying && b.h == hp {
		b.Free()
	}
}

// DeferCallbacks is evbuffer_defer_callbacks: from now on the callbacks run
// from base's loop (at its middle priority, as libevent's deferred
// callbacks), except those flagged EVBUFFER_CB_NODEFER.
func (b *Buffer) DeferCallbacks(base *reactor.Base) int {
	b.fold()
	bufDefer.once.Do(func() { bufDefer.id = reactor.RegisterHandler(bufDeferHandler{}) })
	if bufDefer.id == 0 {
		svc.Warnf("evbuffer_defer_callbacks: no handler slot")
		return -1
	}
	b.extra()
	if b.x.deferEv != nil {
		b.x.deferBase.Del(b.x.deferEv)
	} else {
		p := allocHandle(deferEvSize)
		if p == nil {
			return -1
		}
		b.x.deferEv = (*reactor.Event)(p)
	}
	base.AssignGo(b.x.deferEv, -1, 0, bufDefer.id)
	tr := (*deferTrailer)(unsafe.Add(unsafe.Pointer(b.x.deferEv), reactor.EventSize))
	tr.idx, tr.gen = b.h.idx, b.h.gen
	b.x.deferBase = base
	b.x.deferred = true
	return 0
}
