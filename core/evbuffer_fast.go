package core

import "unsafe"

// The C fast path (capi/buffer.c, struct evbuffer's fast fields). On the way
// out of a C-facing call the core publishes two windows in the C handle:
// the free room after the last segment's data (adds) and the first
// segment's data (drains, removes, copyouts). The C layer then serves small
// operations that fit the windows by itself, moving the window pointers and
// total_len, and marks the handle dirty. Whenever the core is entered for
// the buffer again (every exported function, every Buffer method) it folds
// the windows back into the two segments and withdraws them (fast = 0)
// before touching the chain, so the chain is the only truth while Go runs.
//
// C may never empty the first segment unless it is also the last and may be
// kept as the empty tail (single == 2): then it resets the block as consume
// does. Buffers with callbacks, a hook (bufferevents), freezing or a pending
// reservation are never published: every change must go through Go there.

// fold takes back the C windows; cheap when nothing was published.
func (b *Buffer) fold() {
	h := b.h
	if h.fast == 0 {
		return
	}
	h.fast = 0
	if h.dirty == 0 {
		return
	}
	h.dirty = 0
	hd := b.head
	hd.off = int(uintptr(h.drainPtr) - uintptr(hd.base))
	hd.n = int(h.drainAvail)
	if h.single == 0 {
		t := b.tail
		t.n = int(uintptr(h.addPtr)-uintptr(t.base)) - t.off
	}
}

// publish hands the windows to C (see above).
func (b *Buffer) publish() {
	h := b.h
	if h.fast != 0 || b.head == nil || b.hook != nil || b.cbs != nil || b.freezeStart || b.freezeEnd || b.resv || h.magic != bufLive {
		return
	}
	hd, t := b.head, b.tail
	if t.n == 0 && t.flags&(segImmutable|segPinned) == 0 {
		t.off = 0
	}
	h.drainPtr = hd.data()
	h.drainAvail = uintptr(hd.n)
	h.addPtr = t.spacePtr()
	h.addAvail = uintptr(t.space())
	switch {
	case hd != t:
		h.single = 0
	case t.flags&segOwned != 0 && t.ext == nil && t.cap <= keepMax:
		h.single = 2
		h.blkBase = t.base
		h.blkCap = uintptr(t.cap)
	default:
		h.single = 1
	}
	h.dirty = 0
	h.fast = 1
}

// The C fast path's operations, for tests of the protocol (the C layer
// has its own copy in capi/buffer.c; they must stay the same).
func (b *Buffer) cFastAdd(p unsafe.Pointer, n int) bool {
	h := b.h
	if h.fast == 0 || uintptr(n) > h.addAvail {
		return false
	}
	copy(bytesAt(h.addPtr, n), bytesAt(p, n))
	h.addPtr = unsafe.Add(h.addPtr, n)
	h.addAvail -= uintptr(n)
	if h.single != 0 {
		h.drainAvail += uintptr(n)
	}
	h.totalLen += uintptr(n)
	h.dirty = 1
	return true
}

func (b *Buffer) cFastDrain(n int) bool {
	h := b.h
	if h.fast == 0 {
		return false
	}
	if uintptr(n) < h.drainAvail {
		h.drainPtr = unsafe.Add(h.drainPtr, n)
		h.drainAvail -= uintptr(n)
		h.totalLen -= uintptr(n)
		h.dirty = 1
		return true
	}
	if h.single == 2 && uintptr(n) >= h.totalLen {
		h.drainPtr, h.addPtr = h.blkBase, h.blkBase
		h.addAvail = h.blkCap
		h.drainAvail = 0
		h.totalLen = 0
		h.dirty = 1
		return true
	}
	return false
}
