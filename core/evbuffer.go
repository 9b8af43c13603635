package core

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/reactor"
)

// An evbuffer is a singly linked chain of segments. Each segment describes a
// block of C memory from cmem (never the Go heap: C keeps pointers returned
// by evbuffer_pullup, and later by evbuffer_peek and evbuffer_reserve_space)
// holding n data bytes starting off bytes into it.
//
// Invariants (checked after every operation by the tests):
//   - the sum of the segments' n equals total_len in the C handle;
//   - 0 <= off, 0 <= n, off+n <= cap for every segment;
//   - no segment is empty (n == 0) except a lone one in an empty buffer:
//     a buffer the program uses directly keeps it (see keepsBlock), so that
//     its add+drain loops are served by the C fast path without a crossing;
//     one that evbuffer_expand or evbuffer_reserve_space asked for stays too.
//
// Empty blocks after the data live outside the chain, on the buffer's list
// of empty extents (Buffer.empty): libevent's trailing empty chains. They
// are what evbuffer_reserve_space hands out beyond the tail's free room
// (and hands out again until they are committed to), what evbuffer_expand
// makes room in, and the next adds and reads fill them before allocating.
//
// Segment sizes. A new segment is at least minSeg (512) bytes; when data
// outgrows the tail, the next segment doubles the tail's capacity up to
// growCap (16 KiB), or is exactly big enough for a larger add (rounded to
// cmem's size class, which we then use in full). Doubling keeps many small
// adds at O(log n) segments for small totals; stopping at 16 KiB bounds the
// slack a buffer can hold (at most one partly used segment) while a segment
// still amortises its bookkeeping (~100 ns) over 16 KiB of copying, and 16 KiB
// is also libevent's default single read of a bufferevent. Reads from a
// descriptor use their own, adaptive size (readMin..readMax, see io.go).
//
// Emptied buffers. libevent frees every chain of a buffer drained to empty,
// and so do we for a bufferevent's buffers and buffers with callbacks: an
// idle connection holds no block (issue 11). Its next read or write takes a
// block from cmem's free list of its class (one uncontended lock, no
// clearing), so a steady connection still allocates nothing from the
// kernel. A buffer the program uses directly (no bufferevent, no callbacks:
// the ones the C fast path serves, evbuffer_fast.go) keeps its last segment
// when it is at most keepMax bytes, so that C can reset it and go on adding
// without a crossing.
const (
	minSeg  = 512
	growCap = 16 << 10
	keepMax = 4 << 10

	// maxLen is EV_SSIZE_MAX: libevent refuses to grow a buffer past it.
	maxLen = math.MaxInt64

	// copyMax: evbuffer_add_buffer copies a source of at most this many
	// bytes in one plain segment instead of handing the segment over
	// (GEV_BUF_COPY_MAX, the C layer does the same on published windows).
	// Copying 1 KiB costs less than the segment the source would need
	// for its next bytes, and the destination's room gets used.
	copyMax = 1024
)

// Segment flags.
const (
	segOwned     = 1 << iota // block comes from cmem and is freed with the segment
	segImmutable             // data may not be appended to (reference segments, later)
	segPinned                // reserved: evbuffer_reserve_space in progress
	// segMulticast marks bytes that came in by evbuffer_add_buffer_reference
	// (libevent's EVBUFFER_MULTICAST chains): the flag moves with the
	// segment, and a buffer holding one cannot be referenced in turn.
	segMulticast
)

// segData is what a segment describes; it is separate from the link so that two
// segments can trade blocks in O(1) (see addBuffer).
type segData struct {
	base  unsafe.Pointer // start of the block (C memory)
	cap   int            // usable bytes at base
	off   int            // first data byte
	n     int            // data bytes
	flags uint32
	ext   *segExt // nil for plain segments
}

// segExt describes memory a segment does not own alone: a reference with a
// cleanup callback (evbuffer_add_reference), part of a file segment
// (evbuffer_add_file_segment), or a block shared by several segments of
// several buffers (evbuffer_add_buffer_reference). It is reference counted:
// each segment pointing at it holds one reference, and the last one to go
// frees the block, runs the cleanup callback or drops the file segment --
// exactly once, wherever the segments moved in the meantime. Segments with
// an ext are immutable (nothing is appended into the block).
type segExt struct {
	refs    atomic.Int32
	owned   bool           // block from cmem: freed with the last reference
	base    unsafe.Pointer // block (owned) or the referenced data
	cap     int
	cleanup unsafe.Pointer // evbuffer_ref_cleanup_cb, called with (base, cap, arg)
	arg     unsafe.Pointer
	file    *FileSeg // file segment the bytes come from
	foff    int64    // file offset of the segment's first byte (block offset 0)
	onFree  func()   // tests: called on release
}

func (e *segExt) release() {
	if e.onFree != nil {
		e.onFree()
	}
	if e.owned && e.base != nil {
		cmem.Free(e.base, e.cap)
	}
	if e.cleanup != nil {
		callRefCleanup(e.cleanup, e.base, e.cap, e.arg)
	}
	if e.file != nil {
		e.file.unref()
	}
}

type seg struct {
	next *seg
	segData
}

func (s *seg) data() unsafe.Pointer { return unsafe.Add(s.base, s.off) }

// space is the number of bytes that can be appended in place.
func (s *seg) space() int {
	if s.flags&(segImmutable|segPinned) != 0 {
		return 0
	}
	return s.cap - s.off - s.n
}

// Segment headers are Go objects recycled through a free list, so that the
// steady state allocates nothing; the list keeps at most segPoolMax of them
// (more are left to the garbage collector) and is emptied when the loop
// idles (flushSegCache), so that a peak of segments is given back.
const segPoolMax = 4096

var segPool struct {
	mu   sync.Mutex
	free *seg
	n    int
}

func getSeg() *seg {
	segPool.mu.Lock()
	s := segPool.free
	if s != nil {
		segPool.free = s.next
		segPool.n--
	}
	segPool.mu.Unlock()
	if s == nil {
		return new(seg)
	}
	s.next = nil
	return s
}

// poolSeg puts a header (its block released, its data cleared) on the list.
func poolSeg(s *seg) {
	segPool.mu.Lock()
	if segPool.n < segPoolMax {
		s.next = segPool.free
		segPool.free = s
		segPool.n++
	}
	segPool.mu.Unlock()
}

func putSeg(s *seg) {
	if s.flags == segOwned && s.ext == nil && s.cap <= keepMax && s.cap >= minSeg && s.cap&(s.cap-1) == 0 && s.base != nil && cacheSeg(s) {
		return
	}
	s.releaseBlock()
	s.segData = segData{}
	poolSeg(s)
}

// Plain segments of the small sizes (minSeg..keepMax) keep their block when
// freed, up to segCacheMax of each size: a connection's read takes one and
// its write gives it back, header and block together, with one atomic swap
// for the size's last freed segment, else one lock. cmem.Trim empties the
// cache first (flushSegCache), so what it holds goes back to the kernel when
// the loop idles.
const segCacheMax = 64

var segCache [4]struct {
	last atomic.Pointer[seg] // one segment, taken and given back with one atomic swap
	mu   sync.Mutex
	free *seg
	n    int
	_    [32]byte
}

func segCacheIdx(size int) int { return bits.Len(uint(size)) - 10 } // 512 -> 0 ... 4096 -> 3

func cacheSeg(s *seg) bool {
	c := &segCache[segCacheIdx(s.cap)]
	s.off, s.n = 0, 0
	s.next = nil
	if c.last.CompareAndSwap(nil, s) { // a connection's read-then-write: no lock
		return true
	}
	c.mu.Lock()
	if c.n >= segCacheMax {
		c.mu.Unlock()
		return false
	}
	s.off, s.n = 0, 0
	s.next = c.free
	c.free = s
	c.n++
	c.mu.Unlock()
	return true
}

func cachedSeg(size int) *seg {
	c := &segCache[segCacheIdx(size)]
	if s := c.last.Swap(nil); s != nil {
		return s
	}
	c.mu.Lock()
	s := c.free
	if s != nil {
		c.free = s.next
		c.n--
	}
	c.mu.Unlock()
	if s != nil {
		s.next = nil
	}
	return s
}

func flushSegCache() {
	for i := range segCache {
		c := &segCache[i]
		c.mu.Lock()
		s := c.free
		c.free, c.n = nil, 0
		c.mu.Unlock()
		if l := c.last.Swap(nil); l != nil {
			l.next = s
			s = l
		}
		for s != nil {
			next := s.next
			s.releaseBlock()
			s.segData = segData{}
			s.next = nil
			s = next
		}
	}
	segPool.mu.Lock()
	segPool.free, segPool.n = nil, 0 // the collector takes them
	segPool.mu.Unlock()
}

func init() { cmem.OnTrim(flushBufPool); cmem.OnTrim(flushSegCache) }

// blockSize rounds a wanted capacity to what cmem will really hand out, so the
// segment can use all of it: a power of two up to 1 MiB, whole pages above.
func blockSize(c int) int {
	if c < minSeg {
		c = minSeg
	}
	if c <= 1<<20 {
		p := minSeg
		for p < c {
			p <<= 1
		}
		return p
	}
	const page = 4096
	if c > maxLen-page {
		return -1
	}
	return (c + page - 1) &^ (page - 1)
}

// newSeg returns an empty segment with a block of at least c bytes, or nil if
// memory is refused.
func newSeg(c int) *seg {
	size := blockSize(c)
	if size < 0 {
		return nil
	}
	if size <= keepMax {
		if s := cachedSeg(size); s != nil {
			return s
		}
	}
	p := cmem.AllocRaw(size) // data: the caller fills what it reads
	if p == nil {
		return nil
	}
	s := getSeg()
	s.segData = segData{base: p, cap: size, flags: segOwned}
	return s
}

func (s *seg) releaseBlock() {
	if e := s.ext; e != nil {
		s.ext = nil
		s.base = nil
		if e.refs.Add(-1) == 0 {
			e.release()
		}
		return
	}
	if s.flags&segOwned != 0 && s.base != nil {
		cmem.Free(s.base, s.cap)
	}
	s.base = nil
}

// nextSegSize is the capacity for a new segment after tail (may be nil) that
// must hold need bytes.
func nextSegSize(tail *seg, need int) int {
	c := minSeg
	if tail != nil && tail.cap > 0 {
		c = tail.cap * 2
		if c > growCap {
			c = growCap
		}
	}
	if need > c {
		c = need
	}
	return c
}

// cBuf mirrors struct evbuffer in capi/gev_internal.h.
type cBuf struct {
	magic    uint32
	idx      uint32
	gen      uint64
	totalLen uintptr
	lock     unsafe.Pointer
	lockFn   unsafe.Pointer
	unlockFn unsafe.Pointer
	freeFn   unsafe.Pointer
	ownLock  uint32
	// poolEpoch (while published): coreEpoch if the C layer may pool the
	// buffer at evbuffer_free without a crossing (evbuffer_pool.go), else 0.
	poolEpoch uint32

	fast       uint32
	single     uint32
	dirty      uint32
	resv       uint32 // space reserved and the buffer unchanged since: commit allowed
	addPtr     unsafe.Pointer
	addAvail   uintptr
	drainPtr   unsafe.Pointer
	drainAvail uintptr
	blkBase    unsafe.Pointer
	blkCap     uintptr
}

const (
	bufLive = 0x62756666
	bufDead = 0xdeadb0ff

	sizeofCBuf = int(unsafe.Sizeof(cBuf{}))

	// A bufferevent's buffers have short handles, embedded in its C block
	// (cBevBlock): the fields up to the fast path's windows. They are never
	// published (they have a hook), so neither side reads past fast there.
	sizeofCBufShort = int(unsafe.Offsetof(cBuf{}.addPtr))
)

// Buffer is the Go side of one struct evbuffer. What only buffers with
// callbacks need is in x: an idle connection's two buffers are 2 x 64 bytes
// inside its Bufferevent (issue 11).
type Buffer struct {
	h          *cBuf // C handle; h.totalLen is the one copy of the length
	head, tail *seg
	// empty lists the empty extents after the data, in order (linked by
	// next; owned blocks, off = n = 0), see the top of this file.
	empty *seg
	// hook, the buffer's bufferevent, is told about every change of its
	// length (bufChanged): resume reading below the input's high
	// watermark, start writing the output.
	hook *Bufferevent
	// evbuffer_add_cb callbacks, newest first (libevent's LIST_INSERT_HEAD
	// order); x holds the rest of their state.
	cbs *cbEntry
	x   *bufExtra

	readHint uint16 // adaptive read size in KiB, see ReadFrom
	flags    uint8  // evbuffer_set_flags (EVBUFFER_FLAG_DRAINS_TO_FD, the only one)
	owned    bool   // belongs to a bufferevent: evbuffer_free is refused
	inBev    bool   // short handle inside a bufferevent's C block (see bevBlockRef)
	growHint uint8  // first segment of an emptied buffer, in KiB (a byte: see segSize)

	// freezing of either end (evbuffer_freeze)
	freezeStart, freezeEnd bool
}

// bufExtra is the state of a buffer's callbacks (made by evbuffer_add_cb or
// evbuffer_defer_callbacks; non-nil whenever cbs is).
type bufExtra struct {
	nAdd, nDel int // changes not yet reported to the callbacks
	// evbuffer_defer_callbacks: the callbacks run from the loop of deferBase
	// through deferEv (C memory), scheduled at most once at a time.
	deferred  bool
	dying     bool // freed while deferred callbacks were scheduled
	deferBase *reactor.Base
	deferEv   *reactor.Event
	blkRef    *bevBlockRef // inBev and dying: frees the bufferevent's block
}

// extra returns b.x, made first if needed.
func (b *Buffer) extra() *bufExtra {
	if b.x == nil {
		b.x = new(bufExtra)
	}
	return b.x
}

// dying reports whether b's Free waits for its deferred callbacks.
func (b *Buffer) dying() bool { return b.x != nil && b.x.dying }

var buffers slots.Table[Buffer] // Max: table.go

// NewBuffer allocates an empty buffer and its C handle; nil if memory or
// table space is refused.
func NewBuffer() *Buffer {
	hp := allocHandle(sizeofCBuf)
	if hp == nil {
		return nil
	}
	*(*cBuf)(hp) = cBuf{}
	b := new(Buffer)
	if !b.init((*cBuf)(hp)) {
		freeHandle(hp, sizeofCBuf)
		return nil
	}
	return b
}

// initBev makes b (zero, inside a Bufferevent) a bufferevent's buffer on the
// short handle at hp, in the bufferevent's C block; false if table space is
// refused.
// It is found through the bufferevent's table slot bevIdx (bufByIdx): a
// bufferevent's buffers take no slot of their own.
func (b *Buffer) initBev(hp unsafe.Pointer, bevIdx uint32, out bool) {
	clear(bytesAt(hp, sizeofCBufShort))
	idx := bevIdx | idxOfBev
	if out {
		idx |= idxOut
	}
	b.setup((*cBuf)(hp), idx)
	b.inBev = true
}

func (b *Buffer) init(h *cBuf) bool {
	idx, ok := buffers.Put(b)
	if !ok {
		return false
	}
	b.setup(h, idx)
	return true
}

func (b *Buffer) setup(h *cBuf, idx uint32) {
	b.h, b.readHint = h, readMin>>10
	h.idx = idx
	h.gen = nextGen()
	h.totalLen = 0
	h.magic = bufLive
}

// A handle's idx names a slot of the buffers table, or with idxOfBev the
// slot of the buffer's bufferevent in the bufferevents table (idxOut: its
// output, else its input).
const (
	idxOfBev = 1 << 31
	idxOut   = 1 << 30
)

// bufByIdx returns the buffer a handle's idx names (nil if none).
func bufByIdx(idx uint32) *Buffer {
	if idx&idxOfBev == 0 {
		return buffers.Get(idx)
	}
	bv := bevs.Get(idx &^ (idxOfBev | idxOut))
	switch {
	case bv == nil:
		return nil
	case idx&idxOut != 0:
		return &bv.out
	}
	return &bv.in
}

// detachFromBev gives a buffer whose bufferevent goes away while it waits
// for its deferred callbacks a slot of its own (the bufferevent's is
// released), so that the callbacks still find it.
func (b *Buffer) detachFromBev() {
	idx, ok := buffers.Put(b)
	if !ok {
		return // its deferred callbacks will not find it: they are dropped
	}
	b.h.idx = idx
	if x := b.x; x != nil && x.deferEv != nil {
		(*deferTrailer)(unsafe.Add(unsafe.Pointer(x.deferEv), reactor.EventSize)).idx = idx
	}
}

// bevBlockRef keeps a freed bufferevent's C block while a buffer whose short
// handle is in it waits for its deferred callbacks (evbuffer_defer_callbacks:
// libevent's scheduled callbacks hold a reference to the buffer).
type bevBlockRef struct {
	p unsafe.Pointer
	n int // buffers still to free
}

// Handle is the struct evbuffer * given to C.
func (b *Buffer) Handle() unsafe.Pointer { return unsafe.Pointer(b.h) }

// Len is the number of bytes in the buffer.
func (b *Buffer) Len() int { return int(b.h.totalLen) }

// Free releases the segments, the table slot and the handle (marked dead).
func (b *Buffer) Free() {
	if x := b.x; x != nil && x.deferEv != nil && x.deferEv.Flags&reactor.EVLIST_ACTIVE != 0 && !x.dying {
		// libevent's scheduled deferred callbacks hold a reference: they
		// still run from the loop, and the buffer is freed after them.
		x.dying = true
		return
	}
	for s := b.head; s != nil; {
		next := s.next
		putSeg(s)
		s = next
	}
	b.head, b.tail = nil, nil
	b.freeEmpties()
	b.hook = nil
	b.freeCallbacks()
	h := b.h
	h.magic = bufDead
	h.fast = 0
	h.totalLen = 0
	if h.idx&idxOfBev == 0 {
		buffers.Release(h.idx)
	}
	if !b.inBev {
		freeHandle(unsafe.Pointer(h), sizeofCBuf)
	} else if r := b.x; r != nil && r.blkRef != nil {
		r := r.blkRef
		b.x.blkRef = nil
		if r.n--; r.n == 0 {
			cmem.Free(r.p, sizeofCBev)
		}
	}
	b.h = &deadHandle
}

// deadHandle stands in for the C handle of a freed Buffer so that a stale Go
// reference reads an empty, dead buffer rather than freed memory.
var deadHandle = cBuf{magic: bufDead}

// segSize is nextSegSize for b. A buffer that was filled with more than
// keepMax bytes and then emptied starts again with a segment of what it
// held (up to growCap) instead of doubling from minSeg: a buffer that
// collects a message or a batch and hands it on in one piece would
// otherwise allocate a segment per doubling every time (and with the C fast
// path, cross into the core for each). The hint follows the last emptying:
// smaller traffic brings it down. Only buffers the program uses directly;
// a bufferevent's buffers size their reads themselves (ReadFrom).
func (b *Buffer) segSize(tail *seg, need int) int {
	c := nextSegSize(tail, need)
	if h := int(b.growHint) << 10; tail == nil && h > c {
		c = h
	}
	return c
}

// noteEmptied sets growHint when a buffer that held l bytes was emptied.
func (b *Buffer) noteEmptied(l int) {
	b.growHint = 0
	if l > keepMax && b.hook == nil && b.cbs == nil {
		b.growHint = uint8(min(blockSize(l), growCap) >> 10)
	}
}

func (b *Buffer) changed(added, drained int) {
	b.h.resv = 0
	if b.hook != nil {
		b.hook.bufChanged(b, added, drained)
	}
	if b.cbs != nil {
		b.x.nAdd += added
		b.x.nDel += drained
		b.invokeCallbacks()
	}
}

func bytesAt(p unsafe.Pointer, n int) []byte { return unsafe.Slice((*byte)(p), n) }

// Add appends n bytes at p. 0, or -1 when n would make the length overflow
// EV_SSIZE_MAX or memory is refused (the buffer is then unchanged).
func (b *Buffer) Add(p unsafe.Pointer, n int) int {
	if r := b.addRaw(p, n); r != 0 || n == 0 {
		return r
	}
	b.changed(n, 0)
	return 0
}

// addRaw is Add without telling the hook and the callbacks.
func (b *Buffer) addRaw(p unsafe.Pointer, n int) int {
	b.fold()
	if b.freezeEnd {
		return -1
	}
	if n == 0 {
		return 0
	}
	if n < 0 || n > maxLen-b.Len() {
		return -1
	}
	t := b.tail
	if t != nil {
		if t.n == 0 {
			t.off = 0
		}
		sp := t.space()
		if sp >= n {
			moveMem(unsafe.Add(t.base, t.off+t.n), p, n)
			t.n += n
			b.h.totalLen += uintptr(n)
			return 0
		}
		if t.flags&(segImmutable|segPinned) == 0 && t.cap-t.n >= n && t.n <= 2048 && t.n < t.cap/2 {
			// Moving a few bytes to the front of the block beats a new
			// segment (the pattern of a partly drained small message).
			moveMem(t.base, t.data(), t.n)
			t.off = 0
			moveMem(unsafe.Add(t.base, t.n), p, n)
			t.n += n
			b.h.totalLen += uintptr(n)
			return 0
		}
		// Fill the tail, put the rest in an empty extent or a new segment
		// (allocated first, so that a refusal leaves the buffer unchanged).
		s := b.takeEmpty(n - sp)
		if s == nil {
			s = newSeg(b.segSize(t, n-sp))
		}
		if s == nil {
			return -1
		}
		if sp > 0 {
			moveMem(unsafe.Add(t.base, t.off+t.n), p, sp)
			t.n += sp
		}
		moveMem(s.base, unsafe.Add(p, sp), n-sp)
		s.n = n - sp
		b.link(s)
	} else {
		s := b.takeEmpty(n)
		if s == nil {
			s = newSeg(b.segSize(nil, n))
		}
		if s == nil {
			return -1
		}
		moveMem(s.base, p, n)
		s.n = n
		b.link(s)
	}
	b.h.totalLen += uintptr(n)
	return 0
}

// AddBytes is Add for Go data (tests, internal users).
func (b *Buffer) AddBytes(d []byte) int {
	if len(d) == 0 {
		return 0
	}
	return b.Add(unsafe.Pointer(&d[0]), len(d))
}

// takeEmpty returns the first empty extent when it holds at least need
// bytes (taken off the list), else nil; then the list is dropped, as
// libevent frees the trailing empty chains when it chains a new one.
func (b *Buffer) takeEmpty(need int) *seg {
	s := b.empty
	if s == nil {
		return nil
	}
	if s.cap < need {
		b.freeEmpties()
		return nil
	}
	b.empty = s.next
	s.next = nil
	return s
}

// pushEmpty puts s (an owned plain block, emptied) at the front of the
// empty extents.
func (b *Buffer) pushEmpty(s *seg) {
	s.off, s.n = 0, 0
	s.next = b.empty
	b.empty = s
}

// freeEmptiesAfter drops the empty extents after e (one of them).
func (b *Buffer) freeEmptiesAfter(e *seg) {
	for s := e.next; s != nil; {
		next := s.next
		putSeg(s)
		s = next
	}
	e.next = nil
}

func (b *Buffer) freeEmpties() {
	for s := b.empty; s != nil; {
		next := s.next
		putSeg(s)
		s = next
	}
	b.empty = nil
}

// link appends s at the end of the chain. If the tail is an empty segment it
// would stop being last, so its block is dropped (keeping the invariant).
func (b *Buffer) link(s *seg) {
	if b.tail == nil {
		b.head, b.tail = s, s
		return
	}
	if t := b.tail; t.n == 0 {
		// Take over s's block in the old tail node (O(1), no predecessor).
		t.releaseBlock()
		t.segData = s.segData
		s.segData = segData{}
		putSeg(s)
		return
	}
	b.tail.next = s
	b.tail = s
}

// keepsBlock says whether the buffer keeps its last block when emptied: only
// a buffer the C fast path may serve (see the top of this file).
func (b *Buffer) keepsBlock() bool { return b.hook == nil && b.cbs == nil }

// emptied drops what an empty buffer that does not keep a block still holds:
// a lone empty segment and the empty extents, as libevent's drain of
// everything frees all chains.
func (b *Buffer) emptied() {
	if b.keepsBlock() {
		return
	}
	if h := b.head; h != nil {
		putSeg(h)
		b.head, b.tail = nil, nil
	}
	if b.empty != nil {
		b.freeEmpties()
	}
}

// compactMax bounds what Compact moves: a few header lines, not a body.
const compactMax = 1024

// Compact moves a buffer's few bytes (at most compactMax) out of blocks much
// bigger than they need into one block of their size (cmem's class: 16-byte
// steps up to 256), and drops the empty extents. A read takes a block of
// readMin (4 KiB) or more whatever arrives; evhttp calls this when it waits
// for the rest of a request's head, so that a connection holding half a
// request keeps a few dozen bytes, not a read block (libevent sizes its read
// by FIONREAD and keeps a 1 KiB chain then). Only plain owned segments are
// moved; a reservation, a reference or a file segment leaves the buffer as
// it is. The bytes and their order do not change, so freezing (a
// bufferevent's input has its end frozen) does not matter.
func (b *Buffer) Compact() {
	b.fold()
	n := b.Len()
	if n == 0 || n > compactMax || b.h.resv != 0 {
		return
	}
	held := 0
	for s := b.head; s != nil; s = s.next {
		if s.flags != segOwned || s.ext != nil || s.base == nil {
			return
		}
		held += s.cap
	}
	for s := b.empty; s != nil; s = s.next {
		held += s.cap
	}
	size := cmem.SizeOf(n)
	if held < 2*size || held-size < minSeg {
		return
	}
	var ns *seg
	if size >= minSeg {
		ns = newSeg(size)
	} else if p := cmem.AllocRaw(size); p != nil {
		// Below minSeg: a block of its own (putSeg does not cache it).
		ns = getSeg()
		ns.segData = segData{base: p, cap: size, flags: segOwned}
	}
	if ns == nil {
		return
	}
	at := 0
	for s := b.head; s != nil; {
		copy(unsafe.Slice((*byte)(unsafe.Add(ns.base, at)), s.n), unsafe.Slice((*byte)(s.data()), s.n))
		at += s.n
		next := s.next
		putSeg(s)
		s = next
	}
	ns.n = n
	b.head, b.tail = ns, ns
	b.freeEmpties()
}

// consume removes n <= Len() bytes from the front, freeing emptied segments;
// a drained last segment of at most keepMax bytes stays as the empty tail
// when the buffer keeps a block.
func (b *Buffer) consume(n int) {
	l := b.Len()
	for n > 0 {
		s := b.head
		if s.n > n {
			s.off += n
			s.n -= n
			break
		}
		n -= s.n
		if s == b.tail {
			if s.cap <= keepMax && s.flags&segOwned != 0 && s.ext == nil && b.keepsBlock() {
				s.off, s.n = 0, 0
				b.growHint = 0
			} else {
				putSeg(s)
				b.head, b.tail = nil, nil
				b.noteEmptied(l)
				b.emptied()
			}
			break
		}
		b.head = s.next
		putSeg(s)
	}
	// An empty tail reached as head while n == 0 stays; nothing else is empty.
}

// Drain removes up to n bytes from the front. 0, or -1 if frozen.
func (b *Buffer) Drain(n int) int {
	b.fold()
	if b.freezeStart {
		return -1
	}
	l := b.Len()
	if n <= 0 || l == 0 {
		return 0
	}
	if n > l {
		n = l
	}
	b.consume(n)
	b.h.totalLen -= uintptr(n)
	b.changed(0, n)
	return 0
}

// Copyout copies up to n bytes from the front to p without removing them and
// returns the count.
func (b *Buffer) Copyout(p unsafe.Pointer, n int) int {
	b.fold()
	if n > b.Len() {
		n = b.Len()
	}
	done := 0
	for s := b.head; done < n && s != nil; s = s.next {
		k := s.n
		if k > n-done {
			k = n - done
		}
		moveMem(unsafe.Add(p, done), s.data(), k)
		done += k
	}
	return done
}

// Remove moves up to n bytes from the front to p; the count, or -1 if frozen.
func (b *Buffer) Remove(p unsafe.Pointer, n int) int {
	b.fold()
	if n <= 0 || b.Len() == 0 {
		return 0
	}
	if b.freezeStart {
		return -1
	}
	k := b.Copyout(p, n)
	if k > 0 {
		b.consume(k)
		b.h.totalLen -= uintptr(k)
		b.changed(0, k)
	}
	return k
}

// AddBuffer moves all of src's bytes to the end of b without copying them: the
// segments change hands. 0, or -1 on overflow or frozen ends.
func (b *Buffer) AddBuffer(src *Buffer) int {
	b.fold()
	src.fold()
	if src == b {
		return 0
	}
	n := src.Len()
	if n == 0 {
		return 0
	}
	if n > maxLen-b.Len() || b.freezeEnd || src.freezeStart {
		return -1
	}
	if h := src.head; h == src.tail && n <= copyMax && h.flags == segOwned && h.ext == nil {
		// A few bytes in one plain block: copied (see copyMax); src keeps
		// its block. Same changes as the move, in the same order.
		if b.addRaw(h.data(), n) < 0 {
			return -1
		}
		b.h.totalLen -= uintptr(n) // tookAll counts them
		src.consume(n)
		b.tookAll(src, n)
		return 0
	}
	var spare *seg // b's empty tail: src gets its block, so both keep one
	if t := b.tail; t != nil && t.n == 0 {
		// The empty tail node stays in b's chain but takes over src's first
		// segment; src's first node gets the empty block in exchange.
		h := src.head
		t.segData, h.segData = h.segData, t.segData
		t.next = h.next
		if src.tail == h {
			b.tail = t
		} else {
			b.tail = src.tail
		}
		h.next = nil
		spare = h
	} else {
		if b.tail == nil {
			b.head = src.head
		} else {
			b.tail.next = src.head
		}
		b.tail = src.tail
	}
	src.head, src.tail = spare, spare
	b.tookAll(src, n)
	return 0
}

// tookAll accounts for all n bytes of src having moved into b (AddBuffer,
// PrependBuffer; the chains are already relinked) and runs the callbacks,
// src's first as libevent's evbuffer_add_buffer does. RemoveBuffer runs them
// the other way round (dst first), as evbuffer_remove_buffer does.
func (b *Buffer) tookAll(src *Buffer, n int) {
	src.h.totalLen = 0
	src.emptied()
	b.h.totalLen += uintptr(n)
	src.changed(0, n)
	b.changed(n, 0)
}

// Pullup makes the first size bytes contiguous (all of them for size < 0) and
// returns their address, valid until the next change of the buffer; nil when
// size is 0 or more than the length, or memory is refused.
func (b *Buffer) Pullup(size int) unsafe.Pointer {
	b.fold()
	l := b.Len()
	if size < 0 {
		size = l
	}
	if size == 0 || size > l {
		return nil
	}
	h := b.head
	if h.n >= size {
		return h.data()
	}
	if b.freezeStart {
		return nil
	}
	if h.flags&(segImmutable|segPinned) == 0 && h.cap >= size {
		// Gather into the first block: slide its bytes to the front if the
		// rest would not fit behind them, then append from the next ones.
		if h.off+size > h.cap {
			moveMem(h.base, h.data(), h.n)
			h.off = 0
		}
		need := size - h.n
		dst := unsafe.Add(h.base, h.off+h.n)
		b.moveFront(h.next, dst, need)
		h.n += need
		return h.data()
	}
	s := newSeg(size)
	if s == nil {
		return nil
	}
	b.moveFront(b.head, s.base, size)
	s.n = size
	// Blocks are not cleared (AllocRaw); programs read a pulled-up buffer
	// as a C string more often than they should, and libevent's fresh
	// chain is usually zero there (evbuffer_search case: evbuffer_find).
	clear(bytesAt(unsafe.Add(s.base, size), s.cap-size))
	// s goes in front of whatever is left (a lone empty segment left
	// behind becomes an empty extent).
	if h := b.head; h != nil && h.n == 0 {
		b.head, b.tail = nil, nil
		h.next = nil
		b.pushEmpty(h)
	}
	s.next = b.head
	b.head = s
	if b.tail == nil {
		b.tail = s
	}
	return s.data()
}

// moveFront copies n bytes from the segments starting at from to dst and
// removes them from those segments, unlinking the ones it empties (the total
// length is unchanged: the caller puts the bytes back in front).
func (b *Buffer) moveFront(from *seg, dst unsafe.Pointer, n int) {
	// prev is the node before from (nil when from is the head).
	var prev *seg
	if from != b.head {
		for prev = b.head; prev.next != from; prev = prev.next {
		}
	}
	s := from
	for n > 0 {
		k := s.n
		if k > n {
			k = n
		}
		moveMem(dst, s.data(), k)
		dst = unsafe.Add(dst, k)
		n -= k
		s.off += k
		s.n -= k
		if s.n > 0 {
			break
		}
		next := s.next
		if s == b.tail {
			// Emptied the last segment: keep it if small, as consume does
			// (as the lone segment, or behind the data as an empty extent).
			keep := s.cap <= keepMax && s.flags&segOwned != 0 && s.ext == nil && b.keepsBlock()
			if keep && prev == nil {
				s.off = 0
				break
			}
			b.tail = prev
			if prev == nil {
				b.head = next
			} else {
				prev.next = next
			}
			if keep {
				s.next = nil
				b.pushEmpty(s)
			} else {
				putSeg(s)
			}
			break
		}
		if prev == nil {
			b.head = next
		} else {
			prev.next = next
		}
		putSeg(s)
		s = next
	}
}
