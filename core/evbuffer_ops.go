package core

import (
	"bytes"
	"unsafe"
)

// The rest of the evbuffer operations: prepend, moving chains between
// buffers, references, reserve/commit, search and peek. Positions
// (struct evbuffer_ptr) are absolute offsets from the front.

// appendSegs links the chain first..last at the end of b. An empty tail of b
// would end up in the middle, so its node takes first's data instead (O(1))
// and first's node, now holding the empty block, is returned as a spare for
// the caller to keep or free (nil when there was none).
func (b *Buffer) appendSegs(first, last *seg) (spare *seg) {
	if t := b.tail; t != nil && t.n == 0 {
		t.segData, first.segData = first.segData, t.segData
		t.next = first.next
		if last == first {
			b.tail = t
		} else {
			b.tail = last
		}
		first.next = nil
		return first
	}
	if b.tail == nil {
		b.head = first
	} else {
		b.tail.next = first
	}
	b.tail = last
	return nil
}

// lastData returns the last segment holding data and the one before it
// (nil when there is none).
func (b *Buffer) lastData() (prev, last *seg) {
	var p *seg
	for s := b.head; s != nil; s = s.next {
		if s.n > 0 {
			prev, last = p, s
		}
		p = s
	}
	return
}

// Prepend puts n bytes at p in front of the buffer, filling the free room
// before the first segment's data first (as libevent does). 0 or -1.
func (b *Buffer) Prepend(p unsafe.Pointer, n int) int {
	b.fold()
	if b.freezeStart || n < 0 || n > maxLen-b.Len() {
		return -1
	}
	if n == 0 {
		return 0
	}
	done := 0
	if h := b.head; h != nil && h.flags&(segImmutable|segPinned) == 0 {
		if h.n == 0 {
			h.off = h.cap
		}
		k := h.off
		if k > n {
			k = n
		}
		if k > 0 {
			moveMem(unsafe.Add(h.base, h.off-k), unsafe.Add(p, n-k), k)
			h.off -= k
			h.n += k
			done = k
		}
	}
	if rest := n - done; rest > 0 {
		s := newSeg(rest)
		if s == nil {
			if done > 0 {
				b.h.totalLen += uintptr(done)
				b.changed(done, 0)
			}
			return -1
		}
		s.off = s.cap - rest
		s.n = rest
		moveMem(s.data(), p, rest)
		if b.head != nil && b.head.n == 0 {
			// The empty tail as head: replace its block.
			h := b.head
			h.releaseBlock()
			h.segData = s.segData
			s.segData = segData{}
			putSeg(s)
		} else {
			s.next = b.head
			b.head = s
			if b.tail == nil {
				b.tail = s
			}
		}
	}
	b.h.totalLen += uintptr(n)
	b.changed(n, 0)
	return 0
}

// PrependBuffer moves all of src's bytes in front of b's, by moving its
// segments. 0, or -1 when frozen or on overflow.
func (b *Buffer) PrependBuffer(src *Buffer) int {
	b.fold()
	src.fold()
	n := src.Len()
	if n == 0 || src == b {
		return 0
	}
	if b.freezeStart || src.freezeStart {
		return -1
	}
	if n > maxLen-b.Len() {
		return -1
	}
	if b.Len() == 0 {
		return b.AddBuffer(src)
	}
	// src's data segments go first; src keeps an empty tail it may have.
	_, last := src.lastData()
	first := src.head
	rest := last.next
	if b.head.n == 0 { // cannot happen with data in b, but keep the invariant
		return b.AddBuffer(src)
	}
	last.next = b.head
	b.head = first
	src.head, src.tail = rest, rest
	b.tookAll(src, n)
	return 0
}

// RemoveBuffer moves up to n bytes from the front of b to the end of dst:
// whole segments change hands, only a partial last one is copied. It
// returns the count, or -1 when frozen.
func (b *Buffer) RemoveBuffer(dst *Buffer, n int) int {
	b.fold()
	dst.fold()
	if n <= 0 || dst == b {
		return 0
	}
	if dst.freezeEnd || b.freezeStart {
		return -1
	}
	if n >= b.Len() {
		n = b.Len()
		if dst.AddBuffer(b) < 0 {
			return -1
		}
		return n
	}
	if n > maxLen-dst.Len() {
		return -1
	}
	moved := 0
	var first, last *seg
	for s := b.head; s != nil && s.n <= n-moved; s = s.next {
		if first == nil {
			first = s
		}
		last = s
		moved += s.n
	}
	if first != nil {
		rest := last.next
		last.next = nil
		b.head = rest // rest holds the remaining data (moved < Len)
		if spare := dst.appendSegs(first, last); spare != nil {
			putSeg(spare)
		}
		dst.h.totalLen += uintptr(moved)
		b.h.totalLen -= uintptr(moved)
	}
	if k := n - moved; k > 0 {
		h := b.head
		if dst.addRaw(h.data(), k) < 0 {
			n = moved
		} else {
			h.off += k
			h.n -= k
			b.h.totalLen -= uintptr(k)
		}
	}
	if n > 0 {
		dst.changed(n, 0)
		b.changed(0, n)
	}
	return n
}

// newExtSeg returns a segment for n bytes at p owned by e (one reference).
func newExtSeg(p unsafe.Pointer, n int, e *segExt) *seg {
	s := getSeg()
	s.segData = segData{base: p, cap: n, n: n, flags: segImmutable, ext: e}
	return s
}

// AddReference is evbuffer_add_reference: the n bytes at p join the buffer
// without a copy; cleanup(p, n, arg) runs once, when the last of them left
// every buffer (drained, written, pulled up elsewhere or freed).
func (b *Buffer) AddReference(p unsafe.Pointer, n int, cleanup, arg unsafe.Pointer) int {
	b.fold()
	if b.freezeEnd || n < 0 || n > maxLen-b.Len() {
		return -1
	}
	e := &segExt{base: p, cap: n, cleanup: cleanup, arg: arg}
	if n == 0 {
		// Nothing to hold: the reference is released at once.
		e.release()
		return 0
	}
	e.refs.Store(1)
	s := newExtSeg(p, n, e)
	if spare := b.appendSegs(s, s); spare != nil {
		putSeg(spare)
	}
	b.h.totalLen += uintptr(n)
	b.changed(n, 0)
	return 0
}

// share turns s's block into a shared one (if it is not yet) and returns it
// with a reference taken for a new segment.
func (s *seg) share() *segExt {
	if s.ext == nil {
		e := &segExt{owned: s.flags&segOwned != 0, base: s.base, cap: s.cap}
		e.refs.Store(1)
		s.ext = e
		s.flags = (s.flags &^ segOwned) | segImmutable
	}
	s.ext.refs.Add(1)
	return s.ext
}

// AddBufferReference is evbuffer_add_buffer_reference: b gets src's bytes
// without a copy, src keeps them; the blocks are freed when neither holds
// them. As in libevent it is refused (-1) when src holds file segments or
// bytes it got by reference itself (nested or circular references; the
// destination may hold references, and src's own bytes may already be
// referenced elsewhere).
func (b *Buffer) AddBufferReference(src *Buffer) int {
	b.fold()
	src.fold()
	n := src.Len()
	if n == 0 {
		return 0
	}
	if b.freezeEnd || src == b || n > maxLen-b.Len() {
		return -1
	}
	for s := src.head; s != nil; s = s.next {
		if s.flags&segMulticast != 0 || s.ext != nil && s.ext.file != nil {
			return -1
		}
	}
	var first, last *seg
	for s := src.head; s != nil; s = s.next {
		if s.n == 0 {
			continue
		}
		e := s.share()
		ns := getSeg()
		ns.segData = segData{base: s.base, cap: s.cap, off: s.off, n: s.n, flags: segImmutable | segMulticast, ext: e}
		if first == nil {
			first = ns
		} else {
			last.next = ns
		}
		last = ns
	}
	if spare := b.appendSegs(first, last); spare != nil {
		putSeg(spare)
	}
	b.h.totalLen += uintptr(n)
	b.changed(n, 0)
	return 0
}

// Expand is evbuffer_expand: makes room for n more bytes in one piece at the
// end. 0, or -1 on overflow or refused memory.
func (b *Buffer) Expand(n int) int {
	b.fold()
	if n < 0 || n > maxLen-b.Len() || b.room(n) == nil {
		return -1
	}
	return 0
}

// room returns a segment with at least n bytes of free room in one piece at
// the end: the tail, else the first empty extent, else a new block (given
// to a lone empty segment, else the new only empty extent, or the first
// segment of a buffer without any). nil when memory is refused.
func (b *Buffer) room(n int) *seg {
	t := b.tail
	if t != nil && t.flags&(segImmutable|segPinned) == 0 {
		if t.n == 0 {
			t.off = 0
		}
		if t.space() >= n {
			return t
		}
		if t.n == 0 {
			s := newSeg(n)
			if s == nil {
				return nil
			}
			t.releaseBlock()
			t.segData = s.segData
			s.segData = segData{}
			putSeg(s)
			return t
		}
	}
	if e := b.empty; e != nil && e.cap >= n {
		// It becomes the last extent (libevent's evbuffer_commit_space
		// takes a single vector there).
		b.freeEmptiesAfter(e)
		return e
	}
	s := newSeg(b.segSize(t, n))
	if s == nil {
		return nil
	}
	b.freeEmpties()
	if t == nil {
		b.link(s)
	} else {
		b.empty = s
	}
	return s
}

// AddStr appends n bytes at p in one piece, followed by a NUL that is not
// part of the data: evbuffer_add_printf formats into the free room, so a
// NUL ends the text, and programs read the last extent as a C string.
// 0, or -1 (frozen end, overflow, refused memory).
func (b *Buffer) AddStr(p unsafe.Pointer, n int) int {
	b.fold()
	if b.freezeEnd || n < 0 || n > maxLen-b.Len() {
		return -1
	}
	s := b.room(n + 1)
	if s == nil {
		return -1
	}
	moveMem(s.spacePtr(), p, n)
	*(*byte)(unsafe.Add(s.spacePtr(), n)) = 0
	if n == 0 {
		return 0
	}
	s.n += n
	if s != b.tail {
		// The first empty extent takes the bytes: it joins the chain.
		b.empty = s.next
		if spare := b.appendSegs(s, s); spare != nil {
			b.pushEmpty(spare)
		}
	}
	b.h.totalLen += uintptr(n)
	b.changed(n, 0)
	return 0
}

// Iovec mirrors struct evbuffer_iovec.
type Iovec struct {
	Base unsafe.Pointer
	Len  uintptr
}

func (s *seg) spacePtr() unsafe.Pointer { return unsafe.Add(s.base, s.off+s.n) }

// Reservations follow libevent's evbuffer_reserve_space. The free room at
// the end comes in extents, in order: the tail's free room (all of a lone
// empty segment; none after an immutable tail), then the empty extents.
// tailRoom is the tail when its room is the first extent.
func (b *Buffer) tailRoom() *seg {
	t := b.tail
	if t == nil || t.flags&(segImmutable|segPinned) != 0 {
		return nil
	}
	if t.n == 0 {
		t.off = 0
		return t
	}
	if t.space() > 0 {
		return t
	}
	return nil
}

// Reserve is evbuffer_reserve_space: room for at least size bytes at the end
// in len(vec) vectors at most. It returns the vectors used, or -1.
//   - One vector: one piece of at least size bytes (see room).
//   - More: the extents in order, as many as it takes to hold size bytes
//     (none for size 0). When the first len(vec) extents hold less, a new
//     extent for the rest joins them if there are fewer; otherwise the empty
//     extents are replaced by one for what the tail's room lacks (an empty
//     buffer's lone segment gets a block of size bytes instead).
//
// Extents handed out and not committed to stay for the next reservation.
func (b *Buffer) Reserve(size int, vec []Iovec) int {
	b.fold()
	if b.freezeEnd || len(vec) < 1 || size < 0 || size > maxLen-b.Len() {
		return -1
	}
	if len(vec) == 1 {
		s := b.room(max(size, 1))
		if s == nil {
			return -1
		}
		vec[0] = Iovec{s.spacePtr(), uintptr(s.space())}
		b.h.resv = 1
		return 1
	}
	first := b.tailRoom()
	avail, used := 0, 0
	var last *seg // the last empty extent looked at
	for x := b.firstExt(first); x != nil && avail < size && used < len(vec); x = b.nextExt(x, first) {
		vec[used] = Iovec{x.spacePtr(), uintptr(x.space())}
		avail += x.space()
		used++
		if x != first {
			last = x
		}
	}
	if avail >= size {
		// The extents looked at are the vectors (libevent's
		// evbuffer_read_setup_vecs_ takes the same ones).
		b.h.resv = 1
		return used
	}
	switch t := b.tail; {
	case used < len(vec):
		// Every extent was looked at: one more for the rest (sized as the
		// chain grows, so that the next reservations fit in it too).
		s := newSeg(b.segSize(t, size-avail))
		if s == nil {
			return -1
		}
		if last == nil {
			b.empty = s
		} else {
			last.next = s
		}
		vec[used] = Iovec{s.spacePtr(), uintptr(s.space())}
		b.h.resv = 1
		return used + 1
	case t != nil && t.n == 0:
		// No data: one block for everything.
		s := newSeg(size)
		if s == nil {
			return -1
		}
		b.freeEmpties()
		t.releaseBlock()
		t.segData = s.segData
		s.segData = segData{}
		putSeg(s)
	default:
		// The tail's room and one new extent for the rest.
		room := 0
		if first != nil {
			room = first.space()
		}
		s := newSeg(b.segSize(t, size-room))
		if s == nil {
			return -1
		}
		b.freeEmpties()
		b.empty = s
	}
	first = b.tailRoom()
	i, got := 0, 0
	for x := b.firstExt(first); x != nil && i < len(vec) && got < size; x = b.nextExt(x, first) {
		vec[i] = Iovec{x.spacePtr(), uintptr(x.space())}
		got += x.space()
		i++
	}
	b.h.resv = 1
	return i
}

// Commit is evbuffer_commit_space: the vectors must be the extents of the
// last Reserve, in order from the first (or one vector, the last extent),
// with no change of the buffer in between and lengths at most what was
// offered; otherwise -1 and nothing is committed. Empty extents that get
// bytes join the chain; the others stay.
func (b *Buffer) Commit(vec []Iovec) (int, string) {
	b.fold()
	if b.freezeEnd {
		return -1, ""
	}
	if len(vec) == 0 {
		return 0, ""
	}
	if b.h.resv == 0 {
		return -1, "no space reserved (or the buffer changed since)"
	}
	first := b.tailRoom()
	if len(vec) == 1 && first != nil && vec[0].Base == first.spacePtr() {
		// The common case: bytes in the tail's room only. (The last
		// extent, which libevent tries first, is elsewhere unless it is
		// this one.)
		if vec[0].Len > uintptr(first.space()) {
			return -1, "vector does not match the reserved space"
		}
		b.h.resv = 0
		if k := int(vec[0].Len); k > 0 {
			first.n += k
			b.h.totalLen += uintptr(k)
			b.changed(k, 0)
		}
		return 0, ""
	}
	start := b.firstExt(first)
	if len(vec) == 1 && start != nil {
		// libevent: a single vector may be the room of the last extent.
		lastExt := start
		for x := b.nextExt(start, first); x != nil; x = b.nextExt(x, first) {
			lastExt = x
		}
		if vec[0].Base == lastExt.spacePtr() {
			start = lastExt
		}
	}
	x := start
	for i := range vec {
		if x == nil {
			return -1, "more vectors than were reserved"
		}
		if vec[i].Base != x.spacePtr() || vec[i].Len > uintptr(x.space()) {
			return -1, "vector does not match the reserved space"
		}
		x = b.nextExt(x, first)
	}
	// Apply: the tail's room grows the tail; empty extents with bytes move
	// into the chain in order (those left empty stay on the list).
	added := 0
	i := 0
	x = start
	var keep, keepEnd *seg
	if first != nil && x == first {
		first.n += int(vec[0].Len)
		added += int(vec[0].Len)
		i = 1
		x = b.empty
	}
	for e := b.empty; x != nil && e != x; {
		// Before x (the single vector's extent): they stay.
		ne := e.next
		keep, keepEnd = appendList(keep, keepEnd, e)
		e = ne
	}
	for x != nil {
		nx := x.next
		x.next = nil
		if i < len(vec) && vec[i].Len > 0 {
			x.off, x.n = 0, int(vec[i].Len)
			added += x.n
			if spare := b.appendSegs(x, x); spare != nil {
				keep, keepEnd = appendList(keep, keepEnd, spare)
			}
		} else {
			keep, keepEnd = appendList(keep, keepEnd, x)
		}
		i++
		x = nx
	}
	b.empty = keep
	b.h.resv = 0
	if added > 0 {
		b.h.totalLen += uintptr(added)
		b.changed(added, 0)
	}
	return 0, ""
}

// firstExt is the first extent (first: the tail's, or nil); nextExt the
// one after x.
func (b *Buffer) firstExt(first *seg) *seg {
	if first != nil {
		return first
	}
	return b.empty
}

func (b *Buffer) nextExt(x, first *seg) *seg {
	if x == first {
		return b.empty
	}
	return x.next
}

// appendList links s (its next cleared) at the end of the list head..end.
func appendList(head, end, s *seg) (*seg, *seg) {
	s.next = nil
	if head == nil {
		return s, s
	}
	end.next = s
	return head, s
}

// locate returns the segment holding byte pos (0 <= pos < Len) and the
// offset of that byte in its data.
func (b *Buffer) locate(pos int) (*seg, int) {
	b.fold()
	for s := b.head; s != nil; s = s.next {
		if pos < s.n {
			return s, pos
		}
		pos -= s.n
	}
	return nil, 0
}

// matchAt reports whether what is at offset off of s (continuing into the
// next segments).
func matchAt(s *seg, off int, what []byte) bool {
	for len(what) > 0 {
		if s == nil {
			return false
		}
		d := bytesAt(s.data(), s.n)[off:]
		k := len(d)
		if k > len(what) {
			k = len(what)
		}
		if !bytes.Equal(d[:k], what[:k]) {
			return false
		}
		what = what[k:]
		s, off = s.next, 0
	}
	return true
}

// Search returns the position of the first occurrence of what at or after
// start that ends at or before end (end < 0: no limit), or -1. Within a
// segment one call finds it (indexIn: a vector search in C for big
// segments); only an occurrence that starts in a segment's last
// len(what)-1 bytes is compared across segments.
func (b *Buffer) Search(what []byte, start, end int) int {
	b.fold()
	if start < 0 || start >= b.Len() || len(what) == 0 {
		return -1
	}
	found := func(pos int) int {
		if end >= 0 && pos+len(what) > end {
			return -1
		}
		return pos
	}
	m := len(what)
	s, off := b.locate(start)
	pos := start
	for s != nil {
		d := bytesAt(s.data(), s.n)[off:]
		if len(d) >= m {
			if i := indexIn(d, what); i >= 0 {
				return found(pos + i)
			}
			k := len(d) - m + 1
			d, off, pos = d[k:], off+k, pos+k
		}
		// Fewer than m bytes left here: an occurrence would go on in the
		// next segments.
		for len(d) > 0 {
			i := bytes.IndexByte(d, what[0])
			if i < 0 {
				break
			}
			if matchAt(s, off+i, what) {
				return found(pos + i)
			}
			d, off, pos = d[i+1:], off+i+1, pos+i+1
		}
		pos += len(d)
		s, off = s.next, 0
	}
	return -1
}

// findAny returns the position of the first byte at or after start that is
// in set, or -1.
func (b *Buffer) findAny(start int, set string) int {
	b.fold()
	if start < 0 || start >= b.Len() {
		return -1
	}
	s, off := b.locate(start)
	pos := start
	for ; s != nil; s, off = s.next, 0 {
		d := bytesAt(s.data(), s.n)[off:]
		var i int
		if len(set) == 1 {
			i = bytes.IndexByte(d, set[0])
		} else {
			i = bytes.IndexAny(d, set)
		}
		if i >= 0 {
			return pos + i
		}
		pos += len(d)
	}
	return -1
}

// byteAt returns the byte at pos (0 <= pos < Len).
func (b *Buffer) byteAt(pos int) byte {
	s, off := b.locate(pos)
	return *(*byte)(unsafe.Add(s.data(), off))
}

// End-of-line styles (enum evbuffer_eol_style).
const (
	EolAny        = 0
	EolCRLF       = 1
	EolCRLFStrict = 2
	EolLF         = 3
	EolNUL        = 4
)

// SearchEOL is evbuffer_search_eol from start: the position of the end of
// line and its length, or -1 (and 0).
func (b *Buffer) SearchEOL(start int, style int) (int, int) {
	b.fold()
	switch style {
	case EolAny:
		p := b.findAny(start, "\r\n")
		if p < 0 {
			return -1, 0
		}
		k := 0
		for q := p; q < b.Len(); q++ {
			c := b.byteAt(q)
			if c != '\r' && c != '\n' {
				break
			}
			k++
		}
		return p, k
	case EolCRLFStrict:
		p := b.Search([]byte("\r\n"), start, -1)
		if p < 0 {
			return -1, 0
		}
		return p, 2
	case EolCRLF:
		p := b.findAny(start, "\n")
		if p < 0 {
			return -1, 0
		}
		if p > start && b.byteAt(p-1) == '\r' {
			return p - 1, 2
		}
		return p, 1
	case EolLF, EolNUL:
		eol := "\n"
		if style == EolNUL {
			eol = "\x00"
		}
		p := b.findAny(start, eol)
		if p < 0 {
			return -1, 0
		}
		return p, 1
	}
	return -1, 0
}

// Peek is evbuffer_peek: fills vec with the data segments from start
// (start < 0: the front) covering n bytes (n < 0: as many as vec holds) and
// returns how many vectors that takes (which may exceed len(vec)).
func (b *Buffer) Peek(n int, start int, vec []Iovec) int {
	b.fold()
	idx, soFar := 0, 0
	s := b.head
	if start >= 0 {
		var off int
		s, off = b.locate(start)
		if s == nil {
			return 0
		}
		soFar = s.n - off
		idx = 1
		if len(vec) > 0 {
			vec[0] = Iovec{unsafe.Add(s.data(), off), uintptr(s.n - off)}
		}
		s = s.next
	}
	if len(vec) == 0 && n < 0 {
		n = b.Len()
		if start >= 0 {
			n -= start
		}
	}
	for ; s != nil; s = s.next {
		if s.n == 0 {
			continue
		}
		if n >= 0 && soFar >= n {
			break
		}
		if idx < len(vec) {
			vec[idx] = Iovec{s.data(), uintptr(s.n)}
		} else if n < 0 {
			break
		}
		idx++
		soFar += s.n
	}
	return idx
}

// CopyoutFrom copies up to n bytes from position start and returns the count.
func (b *Buffer) CopyoutFrom(start int, p unsafe.Pointer, n int) int {
	b.fold()
	if start <= 0 {
		return b.Copyout(p, n)
	}
	if start >= b.Len() {
		return 0
	}
	if n > b.Len()-start {
		n = b.Len() - start
	}
	s, off := b.locate(start)
	done := 0
	for ; done < n && s != nil; s, off = s.next, 0 {
		k := s.n - off
		if k > n-done {
			k = n - done
		}
		moveMem(unsafe.Add(p, done), unsafe.Add(s.data(), off), k)
		done += k
	}
	return done
}

// ContiguousSpace is evbuffer_get_contiguous_space: the bytes in the first
// segment.
func (b *Buffer) ContiguousSpace() int {
	b.fold()
	if b.head == nil {
		return 0
	}
	return b.head.n
}

// SetFlags and ClearFlags are evbuffer_set_flags and evbuffer_clear_flags
// (EVBUFFER_FLAG_DRAINS_TO_FD: a socket bufferevent's output has it in
// libevent, which lets file segments go out with sendfile).
func (b *Buffer) SetFlags(f uint32)   { b.flags |= uint8(f) &^ flagAPI }
func (b *Buffer) ClearFlags(f uint32) { b.flags &^= uint8(f) &^ flagAPI }
