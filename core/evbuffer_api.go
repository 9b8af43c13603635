package core

import (
	"math"
	"unsafe"

	"goevent/internal/svc"
)

// The C-facing evbuffer functions: they take the struct evbuffer * a program
// passed, check it, and return libevent's failure value (after a log line)
// when it is not a live buffer. bufFromC folds the C windows back; every
// function publishes them again on its way out (evbuffer_fast.go), so that
// the next small operation on the buffer need not cross.

// bufFromC returns the Buffer behind a C handle, or nil after logging why.
func bufFromC(h unsafe.Pointer, fn string) *Buffer {
	if !bufKind.isLive(h, fn) {
		return nil
	}
	c := (*cBuf)(h)
	b := bufByIdx(c.idx)
	if b == nil || b.h != c { // (b.h is c only while b is c's buffer)
		bufKind.stale(h, fn)
		return nil
	}
	b.fold()
	return b
}

// clampSize converts a C size_t to a Go length; sizes above EV_SSIZE_MAX become
// -1 so that the callee refuses them.
func clampSize(n uint64) int {
	if n > math.MaxInt64 {
		return -1
	}
	return int(n)
}

// choose is yes when cond holds, else no: the public name of an entry point
// that serves two functions (evbuffer_freeze/unfreeze, ..._read/_write_limit).
func choose(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// lenAtMost converts a C size_t count for drain, remove or copyout into a Go
// length: never more than the buffer holds, which is all they can move.
func lenAtMost(b *Buffer, n uint64) int {
	if l := b.Len(); n > uint64(l) {
		return l
	}
	return int(n)
}

// EvbufferNew is evbuffer_new.
func EvbufferNew() unsafe.Pointer {
	b := NewBuffer()
	if b == nil {
		svc.Warnf("evbuffer_new: out of memory")
		return nil
	}
	b.flags |= flagAPI
	return b.Handle()
}

// EvbufferFree is evbuffer_free. With pool (the C layer's pool has room) a
// buffer that evbuffer_new made and that nothing else refers to is reset
// for the pool instead (see evbuffer_pool.go): 1, and the C layer pushes it.
func EvbufferFree(h unsafe.Pointer, pool bool) int {
	if bufKind.doubleFree(h) {
		return 0
	}
	b := bufFromC(h, "evbuffer_free")
	if b == nil {
		return 0
	}
	if b.owned {
		svc.Warnf("evbuffer_free: evbuffer %p belongs to a bufferevent; not freed", h)
		return 0
	}
	if pool && bufPool != nil && b.poolable() {
		b.resetForPool()
		return 1
	}
	b.Free()
	return 0
}

// EvbufferAdd is evbuffer_add.
func EvbufferAdd(h, data unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_add")
	if b == nil {
		return -1
	}
	defer b.publish()
	if n == 0 {
		if b.freezeEnd {
			return -1
		}
		return 0
	}
	if data == nil {
		svc.Warnf("evbuffer_add: NULL data with length %d", n)
		return -1
	}
	return b.Add(data, clampSize(n))
}

// EvbufferAddStr is the core of evbuffer_add_printf and _vprintf (the C
// layer formats): the n bytes at data in one piece, a NUL after them.
func EvbufferAddStr(h, data unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_add_printf")
	if b == nil {
		return -1
	}
	defer b.publish()
	return b.AddStr(data, clampSize(n))
}

// EvbufferAddBuffer is evbuffer_add_buffer(dst, src).
func EvbufferAddBuffer(dst, src unsafe.Pointer) int {
	d, s := bufPair(dst, src, "evbuffer_add_buffer")
	if d == nil {
		return -1
	}
	defer d.publish()
	defer s.publish()
	return d.AddBuffer(s)
}

// EvbufferDrain is evbuffer_drain.
func EvbufferDrain(h unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_drain")
	if b == nil {
		return -1
	}
	defer b.publish()
	return b.Drain(lenAtMost(b, n))
}

// EvbufferRemove is evbuffer_remove: the count moved or -1. The result is a
// C int, so one call moves at most INT_MAX bytes (libevent moves everything
// and returns a truncated count).
func EvbufferRemove(h, data unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_remove")
	if b == nil {
		return -1
	}
	defer b.publish()
	k := lenAtMost(b, n)
	if k > math.MaxInt32 {
		k = math.MaxInt32
	}
	if k > 0 && data == nil {
		svc.Warnf("evbuffer_remove: NULL destination")
		return -1
	}
	return b.Remove(data, k)
}

// EvbufferCopyout is evbuffer_copyout: the count copied or -1.
func EvbufferCopyout(h, data unsafe.Pointer, n uint64) int64 {
	b := bufFromC(h, "evbuffer_copyout")
	if b == nil {
		return -1
	}
	defer b.publish()
	k := lenAtMost(b, n)
	if k > 0 && b.freezeStart {
		return -1
	}
	if k > 0 && data == nil {
		svc.Warnf("evbuffer_copyout: NULL destination")
		return -1
	}
	return int64(b.Copyout(data, k))
}

// EvbufferPullup is evbuffer_pullup.
func EvbufferPullup(h unsafe.Pointer, size int64) unsafe.Pointer {
	b := bufFromC(h, "evbuffer_pullup")
	if b == nil {
		return nil
	}
	defer b.publish()
	return b.Pullup(int(size))
}
