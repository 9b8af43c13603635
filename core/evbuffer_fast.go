package core

import (
	"bytes"
	"unsafe"
)

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
// What C does on the windows: adds (evbuffer_add, _add_printf formatted into
// the room), drains, removes and copyouts from the front, evbuffer_readln of
// a line in the first segment, evbuffer_add_buffer of a source whose few
// bytes lie in one block it keeps (copied, as AddBuffer copies them), and
// reserve/commit of the room after the last segment's data. The
// reservation flag (resv) lives in the handle, so either side may set it
// and every change of the bytes on either side clears it.
//
// C may never empty the first segment unless it is also the last and may be
// kept as the empty tail (single == 2): then it resets the block as consume
// does. Buffers with callbacks, a hook (bufferevents) or freezing are never
// published: every change must go through Go there.

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
	if h.fast != 0 || b.head == nil || b.hook != nil || b.cbs != nil || b.freezeStart || b.freezeEnd || h.magic != bufLive {
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
	h.poolEpoch = 0
	if h.single == 2 && b.cPoolable() {
		h.poolEpoch = coreEpoch
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
	b.cFastGrow(n)
	return true
}

func (b *Buffer) cFastGrow(n int) {
	h := b.h
	h.addPtr = unsafe.Add(h.addPtr, n)
	h.addAvail -= uintptr(n)
	if h.single != 0 {
		h.drainAvail += uintptr(n)
	}
	h.totalLen += uintptr(n)
	h.dirty = 1
	if n != 0 {
		h.resv = 0
	}
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
		if n != 0 {
			h.resv = 0
		}
		return true
	}
	if h.single == 2 && uintptr(n) >= h.totalLen {
		if h.totalLen != 0 {
			h.resv = 0
		}
		h.drainPtr, h.addPtr = h.blkBase, h.blkBase
		h.addAvail = h.blkCap
		h.drainAvail = 0
		h.totalLen = 0
		h.dirty = 1
		return true
	}
	return false
}

// cFastReadln is evbuffer_readln's C path: the line, whether taken in C
// (false: C asks the core), and found (false: no line, answered in C).
func (b *Buffer) cFastReadln(style int) (line []byte, found, ok bool) {
	h := b.h
	if h.fast == 0 {
		return nil, false, false
	}
	p, k := cFastEOL(bytesAt(h.drainPtr, int(h.drainAvail)), h.drainAvail == h.totalLen, style)
	if p == -1 {
		return nil, false, true
	}
	if p < 0 {
		return nil, false, false
	}
	line = append([]byte{}, bytesAt(h.drainPtr, p)...)
	if !b.cFastDrain(p + k) {
		b.fold()
		b.Drain(p + k)
	}
	return line, true, true
}

// cFastEOL is fast_eol in capi/buffer.c: the end of line in d (position
// and length), -1 when there is none, -2 when bytes after d may decide.
func cFastEOL(d []byte, whole bool, style int) (int, int) {
	none := -2
	if whole {
		none = -1
	}
	switch style {
	case EolLF, EolNUL:
		c := byte('\n')
		if style == EolNUL {
			c = 0
		}
		if i := bytes.IndexByte(d, c); i >= 0 {
			return i, 1
		}
	case EolCRLF:
		if i := bytes.IndexByte(d, '\n'); i >= 0 {
			if i > 0 && d[i-1] == '\r' {
				return i - 1, 2
			}
			return i, 1
		}
	case EolCRLFStrict:
		if i := bytes.Index(d, []byte("\r\n")); i >= 0 {
			return i, 2
		}
	case EolAny:
		i := bytes.IndexAny(d, "\r\n")
		if i < 0 {
			break
		}
		k := i
		for k < len(d) && (d[k] == '\r' || d[k] == '\n') {
			k++
		}
		if k == len(d) && !whole {
			return -2, 0
		}
		return i, k - i
	default:
		return -2, 0
	}
	return none, 0
}

// cFastAddBuffer is fast_add_buffer: b gets src's bytes by copy.
func (b *Buffer) cFastAddBuffer(src *Buffer) bool {
	d, s := b.h, src.h
	n := int(s.totalLen)
	if d.fast == 0 || s.fast == 0 || s.single != 2 || b == src || n > copyMax || uintptr(n) > d.addAvail {
		return false
	}
	if n > 0 {
		copy(bytesAt(d.addPtr, n), bytesAt(s.drainPtr, n))
		b.cFastGrow(n)
		src.cFastDrain(n)
	}
	return true
}

// cFastReserve and cFastCommit are evbuffer_reserve_space and
// evbuffer_commit_space on the room after the last segment's data.
func (b *Buffer) cFastReserve(size int, vec []Iovec) bool {
	h := b.h
	if h.fast == 0 || len(vec) < 1 || size < 0 || (size == 0 && len(vec) > 1) || h.addAvail == 0 || uintptr(size) > h.addAvail {
		return false
	}
	vec[0] = Iovec{h.addPtr, h.addAvail}
	h.resv = 1
	return true
}

func (b *Buffer) cFastCommit(vec []Iovec) bool {
	h := b.h
	if h.fast == 0 || h.resv == 0 || len(vec) != 1 || h.addAvail == 0 || vec[0].Base != h.addPtr || vec[0].Len > h.addAvail {
		return false
	}
	h.resv = 0
	b.cFastGrow(int(vec[0].Len))
	return true
}
