package core

import (
	"math"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/svc"
)

// C-facing evbuffer functions beyond the basic ones (evbuffer_api.go).

// cPtr mirrors struct evbuffer_ptr: pos, then libevent's internal_ part
// (chain, pos_in_chain). We keep the absolute position in pos; chain is the
// buffer's handle while the position is inside the data and NULL at the end
// or when not found (pos -1), which is where libevent's chain is NULL too.
type cPtr struct {
	pos   int64
	chain unsafe.Pointer
	posIn uintptr
}

func (b *Buffer) setPtr(p *cPtr, pos int) {
	switch {
	case pos < 0:
		*p = cPtr{pos: -1}
	case pos >= b.Len():
		*p = cPtr{pos: int64(pos)}
	default:
		*p = cPtr{pos: int64(pos), chain: unsafe.Pointer(b.h)}
	}
}

// ptrStart validates a start pointer: its position, and whether it points
// into the data (chain non-NULL). ok false: it belongs to another buffer or
// is out of range (logged).
func (b *Buffer) ptrStart(p *cPtr, fn string) (pos int, inside bool, ok bool) {
	if p.chain == nil {
		return int(p.pos), false, true
	}
	if p.chain != unsafe.Pointer(b.h) {
		svc.Warnf("%s: evbuffer_ptr %p does not belong to evbuffer %p", fn, p, b.h)
		return 0, false, false
	}
	if p.pos < 0 || p.pos >= int64(b.Len()) {
		svc.Warnf("%s: evbuffer_ptr %p is out of date (position %d, length %d)", fn, p, p.pos, b.Len())
		return 0, false, false
	}
	return int(p.pos), true, true
}

func bufPair(a, b unsafe.Pointer, fn string) (*Buffer, *Buffer) {
	x := bufFromC(a, fn)
	if x == nil {
		return nil, nil
	}
	y := bufFromC(b, fn)
	if y == nil {
		return nil, nil
	}
	return x, y
}

// EvbufferPrepend is evbuffer_prepend.
func EvbufferPrepend(h, data unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_prepend")
	if b == nil {
		return -1
	}
	defer b.publish()
	if n == 0 {
		return 0
	}
	if data == nil {
		svc.Warnf("evbuffer_prepend: NULL data with length %d", n)
		return -1
	}
	return b.Prepend(data, clampSize(n))
}

// EvbufferPrependBuffer is evbuffer_prepend_buffer(dst, src).
func EvbufferPrependBuffer(dst, src unsafe.Pointer) int {
	d, s := bufPair(dst, src, "evbuffer_prepend_buffer")
	if d == nil {
		return -1
	}
	defer d.publish()
	defer s.publish()
	return d.PrependBuffer(s)
}

// EvbufferRemoveBuffer is evbuffer_remove_buffer(src, dst, n): the count
// moved (at most INT_MAX, the result being an int), or -1.
func EvbufferRemoveBuffer(src, dst unsafe.Pointer, n uint64) int {
	s, d := bufPair(src, dst, "evbuffer_remove_buffer")
	if s == nil {
		return -1
	}
	defer s.publish()
	defer d.publish()
	k := lenAtMost(s, n)
	if k > math.MaxInt32 {
		k = math.MaxInt32
	}
	return s.RemoveBuffer(d, k)
}

// EvbufferAddReference is evbuffer_add_reference.
func EvbufferAddReference(h, data unsafe.Pointer, n uint64, cleanup, arg unsafe.Pointer) int {
	b := bufFromC(h, "evbuffer_add_reference")
	if b == nil {
		return -1
	}
	defer b.publish()
	if data == nil && n > 0 {
		svc.Warnf("evbuffer_add_reference: NULL data with length %d", n)
		return -1
	}
	return b.AddReference(data, clampSize(n), cleanup, arg)
}

// EvbufferAddBufferReference is evbuffer_add_buffer_reference(out, in).
func EvbufferAddBufferReference(out, in unsafe.Pointer) int {
	o, i := bufPair(out, in, "evbuffer_add_buffer_reference")
	if o == nil {
		return -1
	}
	defer o.publish()
	defer i.publish()
	return o.AddBufferReference(i)
}

// EvbufferExpand is evbuffer_expand.
func EvbufferExpand(h unsafe.Pointer, n uint64) int {
	b := bufFromC(h, "evbuffer_expand")
	if b == nil {
		return -1
	}
	defer b.publish()
	return b.Expand(clampSize(n))
}

func iovecs(v unsafe.Pointer, n int) []Iovec {
	if v == nil || n <= 0 {
		return nil
	}
	return unsafe.Slice((*Iovec)(v), n)
}

// EvbufferReserveSpace is evbuffer_reserve_space.
func EvbufferReserveSpace(h unsafe.Pointer, size int64, vec unsafe.Pointer, n int) int {
	b := bufFromC(h, "evbuffer_reserve_space")
	if b == nil {
		return -1
	}
	defer b.publish()
	if n > 0 && vec == nil {
		svc.Warnf("evbuffer_reserve_space: NULL vector")
		return -1
	}
	return b.Reserve(int(size), iovecs(vec, n))
}

// EvbufferCommitSpace is evbuffer_commit_space.
func EvbufferCommitSpace(h unsafe.Pointer, vec unsafe.Pointer, n int) int {
	b := bufFromC(h, "evbuffer_commit_space")
	if b == nil {
		return -1
	}
	defer b.publish()
	if n < 0 || (n > 0 && vec == nil) {
		svc.Warnf("evbuffer_commit_space: bad vector")
		return -1
	}
	r, why := b.Commit(iovecs(vec, n))
	if r < 0 && why != "" {
		svc.Warnf("evbuffer_commit_space: %s", why)
	}
	return r
}

// EvbufferAddIovec is evbuffer_add_iovec: the bytes added.
func EvbufferAddIovec(h unsafe.Pointer, vec unsafe.Pointer, n int) uint64 {
	b := bufFromC(h, "evbuffer_add_iovec")
	if b == nil {
		return 0
	}
	defer b.publish()
	v := iovecs(vec, n)
	var total uint64
	for _, x := range v {
		total += uint64(x.Len)
		if total > uint64(maxLen-b.Len()) {
			svc.Warnf("evbuffer_add_iovec: total length overflows")
			return 0
		}
	}
	var done uint64
	for _, x := range v {
		if x.Len == 0 {
			continue
		}
		if x.Base == nil || b.Add(x.Base, int(x.Len)) < 0 {
			break
		}
		done += uint64(x.Len)
	}
	return done
}

// EvbufferCopyoutFrom is evbuffer_copyout_from.
func EvbufferCopyoutFrom(h, ptr, data unsafe.Pointer, n uint64) int64 {
	b := bufFromC(h, "evbuffer_copyout_from")
	if b == nil {
		return -1
	}
	defer b.publish()
	start := 0
	if ptr != nil {
		p := (*cPtr)(ptr)
		if p.pos < 0 || n > uint64(math.MaxInt64-p.pos) {
			return -1
		}
		pos, _, ok := b.ptrStart(p, "evbuffer_copyout_from")
		if !ok {
			return -1
		}
		start = pos
	}
	if start >= b.Len() {
		return 0
	}
	k := lenAtMost(b, n)
	if k > b.Len()-start {
		k = b.Len() - start
	}
	if k == 0 {
		return 0
	}
	if b.freezeStart {
		return -1
	}
	if data == nil {
		svc.Warnf("evbuffer_copyout_from: NULL destination")
		return -1
	}
	return int64(b.CopyoutFrom(start, data, k))
}

// EvbufferGetContiguousSpace is evbuffer_get_contiguous_space.
func EvbufferGetContiguousSpace(h unsafe.Pointer) uint64 {
	b := bufFromC(h, "evbuffer_get_contiguous_space")
	if b == nil {
		return 0
	}
	defer b.publish()
	return uint64(b.ContiguousSpace())
}

// EvbufferSearchRange is evbuffer_search_range (and evbuffer_search with
// end NULL); the result goes to out.
func EvbufferSearchRange(h, what unsafe.Pointer, n uint64, start, end, out unsafe.Pointer) {
	o := (*cPtr)(out)
	b := bufFromC(h, "evbuffer_search_range")
	if b == nil {
		*o = cPtr{pos: -1}
		return
	}
	defer b.publish()
	pos := 0
	if start != nil {
		s := (*cPtr)(start)
		if n == 0 {
			*o = *s
			return
		}
		p, inside, ok := b.ptrStart(s, "evbuffer_search_range")
		if !ok || !inside {
			*o = cPtr{pos: -1}
			return
		}
		pos = p
	} else if n == 0 {
		b.setPtr(o, 0)
		if b.Len() == 0 {
			o.chain = nil
		}
		return
	}
	if n > math.MaxInt64 || what == nil {
		*o = cPtr{pos: -1}
		return
	}
	lim := -1
	if end != nil {
		e := (*cPtr)(end)
		lim = int(e.pos)
		if e.pos < 0 {
			lim = 0 // an end that was not found bounds everything out
			if n > 0 {
				*o = cPtr{pos: -1}
				return
			}
		}
	}
	r := b.Search(bytesAt(what, int(n)), pos, lim)
	b.setPtr(o, r)
}

// EvbufferSearchEol is evbuffer_search_eol.
func EvbufferSearchEol(h, start, eolLen unsafe.Pointer, style int, out unsafe.Pointer) {
	o := (*cPtr)(out)
	setLen := func(k int) {
		if eolLen != nil {
			*(*uintptr)(eolLen) = uintptr(k)
		}
	}
	b := bufFromC(h, "evbuffer_search_eol")
	if b == nil {
		*o = cPtr{pos: -1}
		setLen(0)
		return
	}
	defer b.publish()
	pos := 0
	if start != nil {
		p, inside, ok := b.ptrStart((*cPtr)(start), "evbuffer_search_eol")
		if !ok || !inside {
			*o = cPtr{pos: -1}
			setLen(0)
			return
		}
		pos = p
	}
	r, k := b.SearchEOL(pos, style)
	b.setPtr(o, r)
	setLen(k)
}

// EvbufferReadln is evbuffer_readln's crossing (the C layer takes lines
// that lie in the published first segment itself, and allocates the line):
// the length of the line and of its end of line, or -1 when there is no
// complete line or the front is frozen. When line and end of line fit in
// the scratch room (capacity cp) they are copied there and drained, as
// evbuffer_remove and evbuffer_drain would; otherwise nothing changes and
// the C layer removes the line itself.
func EvbufferReadln(h unsafe.Pointer, style int, scratch unsafe.Pointer, cp uint64, eolLen unsafe.Pointer) int64 {
	b := bufFromC(h, "evbuffer_readln")
	if b == nil || b.freezeStart {
		return -1
	}
	r, k := b.SearchEOL(0, style)
	if r < 0 {
		b.publish()
		return -1
	}
	*(*uintptr)(eolLen) = uintptr(k)
	if uint64(r+k) <= cp {
		b.Copyout(scratch, r+k)
		b.Drain(r)
		b.Drain(k)
	}
	b.publish()
	return int64(r)
}

// EvbufferPtrSet is evbuffer_ptr_set (how: 0 SET, 1 ADD).
func EvbufferPtrSet(h, ptr unsafe.Pointer, position uint64, how int) int {
	b := bufFromC(h, "evbuffer_ptr_set")
	if b == nil {
		return -1
	}
	defer b.publish()
	if ptr == nil {
		svc.Warnf("evbuffer_ptr_set: NULL evbuffer_ptr")
		return -1
	}
	p := (*cPtr)(ptr)
	var np uint64
	switch how {
	case 0:
		np = position
	case 1:
		if p.pos < 0 || position > uint64(math.MaxUint64)-uint64(p.pos) {
			return -1
		}
		if p.chain == nil {
			if position != 0 {
				*p = cPtr{pos: -1}
				return -1
			}
			return 0
		}
		if p.chain != unsafe.Pointer(b.h) {
			svc.Warnf("evbuffer_ptr_set: evbuffer_ptr %p does not belong to evbuffer %p", p, h)
			return -1
		}
		np = uint64(p.pos) + position
	default:
		svc.Warnf("evbuffer_ptr_set: bad mode %d", how)
		return -1
	}
	if np > uint64(b.Len()) {
		*p = cPtr{pos: -1}
		return -1
	}
	b.setPtr(p, int(np))
	return 0
}

// EvbufferPeek is evbuffer_peek.
func EvbufferPeek(h unsafe.Pointer, n int64, start, vec unsafe.Pointer, nvec int) int {
	b := bufFromC(h, "evbuffer_peek")
	if b == nil {
		return -1
	}
	defer b.publish()
	st := -1
	if start != nil {
		p, inside, ok := b.ptrStart((*cPtr)(start), "evbuffer_peek")
		if !ok {
			return -1
		}
		if !inside {
			return 0
		}
		st = p
	}
	if nvec < 0 || (nvec > 0 && vec == nil) {
		nvec = 0
	}
	return b.Peek(int(n), st, iovecs(vec, nvec))
}

// EvbufferFind is evbuffer_find (compat): the address of the first
// occurrence, after making everything up to its end contiguous.
func EvbufferFind(h, what unsafe.Pointer, n uint64) unsafe.Pointer {
	b := bufFromC(h, "evbuffer_find")
	if b == nil || n == 0 || what == nil || n > uint64(b.Len()) {
		return nil
	}
	r := b.Search(bytesAt(what, int(n)), 0, -1)
	if r < 0 {
		return nil
	}
	p := b.Pullup(r + int(n))
	if p == nil {
		return nil
	}
	return unsafe.Add(p, r)
}

// EvbufferAddCb is evbuffer_add_cb.
func EvbufferAddCb(h, fn, arg unsafe.Pointer) unsafe.Pointer {
	b := bufFromC(h, "evbuffer_add_cb")
	if b == nil {
		return nil
	}
	defer b.publish()
	e := b.AddCb(fn, arg)
	if e == nil {
		svc.Warnf("evbuffer_add_cb: out of memory")
		return nil
	}
	return e.handle
}

func (b *Buffer) entryFromC(ent unsafe.Pointer, fn string) *cbEntry {
	if ent == nil {
		svc.Warnf("%s: NULL callback entry", fn)
		return nil
	}
	e := b.cbByHandle(ent)
	if e == nil {
		svc.Warnf("%s: callback entry %p is not registered on evbuffer %p", fn, ent, b.h)
	}
	return e
}

// EvbufferRemoveCbEntry is evbuffer_remove_cb_entry.
func EvbufferRemoveCbEntry(h, ent unsafe.Pointer) int {
	b := bufFromC(h, "evbuffer_remove_cb_entry")
	if b == nil {
		return -1
	}
	defer b.publish()
	e := b.entryFromC(ent, "evbuffer_remove_cb_entry")
	if e == nil {
		return -1
	}
	b.unlinkCb(e)
	return 0
}

// EvbufferRemoveCb is evbuffer_remove_cb.
func EvbufferRemoveCb(h, fn, arg unsafe.Pointer) int {
	b := bufFromC(h, "evbuffer_remove_cb")
	if b == nil {
		return -1
	}
	defer b.publish()
	return b.RemoveCb(fn, arg)
}

// EvbufferCbFlags is evbuffer_cb_set_flags (set) and evbuffer_cb_clear_flags.
func EvbufferCbFlags(h, ent unsafe.Pointer, flags uint32, set bool) int {
	fn := choose(set, "evbuffer_cb_set_flags", "evbuffer_cb_clear_flags")
	b := bufFromC(h, fn)
	if b == nil {
		return -1
	}
	e := b.entryFromC(ent, fn)
	if e == nil {
		return -1
	}
	flags &^= cbInternalFlags
	if set {
		e.flags |= flags
	} else {
		e.flags &^= flags
	}
	return 0
}

// EvbufferSetcb is evbuffer_setcb (compat).
func EvbufferSetcb(h, fn, arg unsafe.Pointer) {
	if b := bufFromC(h, "evbuffer_setcb"); b != nil {
		b.SetObsoleteCb(fn, arg)
	}
}

// EvbufferDeferCallbacks is evbuffer_defer_callbacks.
func EvbufferDeferCallbacks(h, cbase unsafe.Pointer) int {
	b := bufFromC(h, "evbuffer_defer_callbacks")
	if b == nil {
		return -1
	}
	defer b.publish()
	base := baseFromC(cbase, "evbuffer_defer_callbacks")
	if base == nil {
		return -1
	}
	return b.DeferCallbacks(base)
}

// EvbufferFreeze is evbuffer_freeze (freeze) and evbuffer_unfreeze.
func EvbufferFreeze(h unsafe.Pointer, atFront int, freeze bool) int {
	fn := choose(freeze, "evbuffer_freeze", "evbuffer_unfreeze")
	b := bufFromC(h, fn)
	if b == nil {
		return -1
	}
	if atFront != 0 {
		b.freezeStart = freeze
	} else {
		b.freezeEnd = freeze
	}
	return 0
}

// EvbufferFlags is evbuffer_set_flags (set) and evbuffer_clear_flags.
func EvbufferFlags(h unsafe.Pointer, flags uint64, set bool) int {
	fn := choose(set, "evbuffer_set_flags", "evbuffer_clear_flags")
	b := bufFromC(h, fn)
	if b == nil {
		return -1
	}
	if set {
		b.SetFlags(uint32(flags))
	} else {
		b.ClearFlags(uint32(flags))
	}
	return 0
}

// EvbufferRead is evbuffer_read: at most howmuch bytes (at most 4096, or
// 4096 when howmuch < 0, as libevent); the count, 0 at end of file, or -1
// with *errp set.
func EvbufferRead(h unsafe.Pointer, fd int, howmuch int, errp *int32) int {
	b := bufFromC(h, "evbuffer_read")
	if b == nil {
		*errp = int32(unix.EINVAL)
		return -1
	}
	defer b.publish()
	if b.freezeEnd {
		*errp = int32(unix.EPERM)
		return -1
	}
	if howmuch < 0 || howmuch > maxEvbufferRead {
		howmuch = maxEvbufferRead
	}
	if howmuch == 0 {
		return 0
	}
	n, e := b.ReadFrom(fd, howmuch)
	if n < 0 {
		*errp = int32(e)
		return -1
	}
	return n
}

// EvbufferWrite is evbuffer_write_atmost (howmuch < 0: everything).
func EvbufferWrite(h unsafe.Pointer, fd int, howmuch int64, errp *int32) int {
	b := bufFromC(h, "evbuffer_write")
	if b == nil {
		*errp = int32(unix.EINVAL)
		return -1
	}
	defer b.publish()
	if b.freezeStart {
		*errp = int32(unix.EPERM)
		return -1
	}
	if howmuch < 0 || howmuch > int64(b.Len()) {
		howmuch = int64(b.Len())
	}
	if howmuch == 0 {
		return -1 // libevent: nothing to write is -1, errno untouched
	}
	kind := fdUnknown
	n, e := b.WriteTo(fd, int(howmuch), &kind)
	if n < 0 {
		*errp = int32(e)
		return -1
	}
	return n
}

// EvbufferAddFile is evbuffer_add_file.
func EvbufferAddFile(h unsafe.Pointer, fd int, offset, length int64) int {
	b := bufFromC(h, "evbuffer_add_file")
	if b == nil {
		return -1
	}
	defer b.publish()
	return b.AddFile(fd, offset, length)
}

// EvbufferFileSegmentNew is evbuffer_file_segment_new.
func EvbufferFileSegmentNew(fd int, offset, length int64, flags int) unsafe.Pointer {
	fs := NewFileSeg(fd, offset, length, flags)
	if fs == nil {
		return nil
	}
	return fs.Handle()
}

// EvbufferFileSegmentFree is evbuffer_file_segment_free.
func EvbufferFileSegmentFree(h unsafe.Pointer) {
	if fs := fileSegFromC(h, "evbuffer_file_segment_free"); fs != nil {
		fs.unref()
	}
}

// EvbufferFileSegmentAddCleanupCb is evbuffer_file_segment_add_cleanup_cb.
func EvbufferFileSegmentAddCleanupCb(h, fn, arg unsafe.Pointer) {
	if fs := fileSegFromC(h, "evbuffer_file_segment_add_cleanup_cb"); fs != nil {
		fs.cleanup, fs.arg = fn, arg
	}
}

// EvbufferAddFileSegment is evbuffer_add_file_segment.
func EvbufferAddFileSegment(h, seg unsafe.Pointer, offset, length int64) int {
	b := bufFromC(h, "evbuffer_add_file_segment")
	if b == nil {
		return -1
	}
	defer b.publish()
	fs := fileSegFromC(seg, "evbuffer_add_file_segment")
	if fs == nil {
		return -1
	}
	return b.AddFileSegment(fs, offset, length)
}
