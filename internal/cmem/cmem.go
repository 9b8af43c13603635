// Package cmem hands out memory that C code may keep pointers into: it lives
// in mmap'ed arenas outside the Go heap, so the garbage collector never moves
// or frees it and cgo's pointer rules do not apply to it.
//
// Blocks come in size classes from 16 bytes to 1 MiB: steps of 16 bytes up to
// 256, then eight classes per doubling up to 8 KiB (a block wastes at most
// 1/8 of itself, so a 136-byte evbuffer handle takes 144 bytes, not 256), then
// powers of two. Larger blocks are mapped and unmapped on their own.
//
// A class carves its blocks from spans: 64 KiB runs of pages for the classes
// up to 8 KiB, one block's pages for the larger ones. Each span keeps its own
// free list (threaded through the free blocks) and count of free blocks, so
// the allocator knows when a span holds nothing: Trim, which the event loop
// calls when it idles (reactor/idle.go), gives such spans' pages back to the
// kernel with MADV_DONTNEED and keeps the spans for any class to reuse.
// Arenas (4 MiB) are never unmapped: a stale C pointer into a freed block
// reads zeros or a later object, never an unmapped page.
//
// Alloc and Free take one uncontended lock (the class's) and find a block's
// span through a two-level table indexed by address: no maps, no Go heap.
package cmem

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	pageShift  = 13 // 8 KiB pages: the unit of spans and of returning memory
	pageSize   = 1 << pageShift
	arenaShift = 22 // 4 MiB arenas, aligned to their size
	arenaBytes = 1 << arenaShift
	arenaPages = arenaBytes >> pageShift

	smallMax   = 8 << 10 // classes up to this size share spans of smallPages
	smallPages = 8       // 64 KiB
	maxPooled  = 1 << 20 // largest pooled class
	nClasses   = 16 + 5*8 + 7
)

var (
	classSize  [nClasses]uintptr
	classPages [nClasses]uint32
	smallClass [smallMax/16 + 1]uint8 // (n+15)/16 -> class, for n <= smallMax
)

func init() {
	ci, size, step := 0, uintptr(16), uintptr(16)
	for size <= smallMax {
		classSize[ci] = size
		classPages[ci] = smallPages
		ci++
		if size >= 256 && size&(size-1) == 0 {
			step = size / 8
		}
		size += step
	}
	for size = 2 * smallMax; size <= maxPooled; size *= 2 {
		classSize[ci] = size
		classPages[ci] = uint32(size >> pageShift)
		ci++
	}
	if ci != nClasses {
		panic("cmem: class table")
	}
	c := 0
	for i := range smallClass {
		for classSize[c] < uintptr(i*16) {
			c++
		}
		smallClass[i] = uint8(c)
	}
	for i := range classes {
		classes[i].size = classSize[i]
		classes[i].spanBytes = uintptr(classPages[i]) << pageShift
		classes[i].nblocks = uint32(classes[i].spanBytes / classSize[i])
	}
}

// classOf returns the class of an n-byte block, 0 < n <= maxPooled.
func classOf(n int) int {
	if n <= smallMax {
		return int(smallClass[(n+15)>>4])
	}
	return nClasses - 7 + bits.Len(uint(n-1)) - 14 // 16 KiB is 2^14
}

// SizeOf is the number of bytes Alloc(n) really provides (its class size), or
// n for blocks mapped on their own.
func SizeOf(n int) int {
	if n <= 0 || n > maxPooled {
		return n
	}
	return int(classSize[classOf(n)])
}

// span is a run of pages of one arena serving one class (or none: free in the
// pool, its pages given back).
type span struct {
	mem      unsafe.Pointer // first page (C memory: the GC ignores it)
	npages   uint32
	nfree    uint32         // free blocks: on the list or never used
	free     unsafe.Pointer // free list through the blocks' first words
	bump     unsafe.Pointer // first never-used block; never-used memory is zero
	next     *span          // class partial list, or the pool
	released bool           // pages given back (or never touched): nothing resident
	listed   bool           // on its class's partial list
}

type class struct {
	mu        sync.Mutex
	size      uintptr
	spanBytes uintptr
	nblocks   uint32
	cur       *span // blocks come from here first
	partial   *span // other spans with free blocks (some may be empty)
	inuse     int   // blocks handed out (Stats)
	_         [24]byte
}

var classes [nClasses]class

// heap: arenas and spans not owned by a class.
var heap struct {
	mu    sync.Mutex
	cur   *arena
	pool  [arenaPages + 1]*span // free spans by page count, pages given back
	bytes uintptr               // mapped in arenas
}

type arena struct {
	base  uintptr
	mem   unsafe.Pointer // = base
	next  uint32         // first page never given to a span
	spans [arenaPages]*span
}

// arenaOf maps an address's arena number (addr >> arenaShift, 26 bits on
// amd64 and arm64) to its arena through two levels.
var arenaOf [1 << 13]*[1 << 13]*arena

// emptyBytes counts the bytes of spans whose blocks are all free while their
// pages are still resident: what Trim would give back.
var emptyBytes atomic.Int64

func spanOf(p uintptr) *span {
	a := arenaOf[(p>>arenaShift)>>13]
	if a == nil {
		return nil
	}
	ar := a[(p>>arenaShift)&(1<<13-1)]
	if ar == nil {
		return nil
	}
	return ar.spans[(p-ar.base)>>pageShift]
}

// newArena maps an aligned arena; heap.mu held.
func newArena() *arena {
	b, err := unix.Mmap(-1, 0, 2*arenaBytes, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil
	}
	p := uintptr(unsafe.Pointer(&b[0]))
	base := (p + arenaBytes - 1) &^ (arenaBytes - 1)
	if head := base - p; head > 0 {
		_ = unix.Munmap(b[:head])
	}
	if tail := p + 2*arenaBytes - (base + arenaBytes); tail > 0 {
		_ = unix.Munmap(b[base+arenaBytes-p:])
	}
	ar := &arena{base: base, mem: unsafe.Pointer(&b[base-p])}
	hi, lo := (base>>arenaShift)>>13, (base>>arenaShift)&(1<<13-1)
	if arenaOf[hi] == nil {
		arenaOf[hi] = new([1 << 13]*arena)
	}
	arenaOf[hi][lo] = ar
	heap.bytes += arenaBytes
	return ar
}

// getSpan returns a span of npages pages, its memory zero, or nil.
func getSpan(npages uint32) *span {
	heap.mu.Lock()
	defer heap.mu.Unlock()
	if s := heap.pool[npages]; s != nil {
		heap.pool[npages] = s.next
		s.next = nil
		return s
	}
	ar := heap.cur
	if ar == nil || ar.next+npages > arenaPages {
		if ar != nil {
			// The rest of the old arena goes to the pool in power-of-two runs.
			for left := arenaPages - ar.next; left > 0; {
				k := uint32(1) << (bits.Len32(left) - 1)
				poolNew(ar, k)
				left -= k
			}
		}
		if ar = newArena(); ar == nil {
			return nil
		}
		heap.cur = ar
	}
	return carve(ar, npages)
}

// carve takes npages never-used pages of ar as a new span; heap.mu held.
func carve(ar *arena, npages uint32) *span {
	s := &span{mem: unsafe.Add(ar.mem, uintptr(ar.next)<<pageShift), npages: npages, released: true}
	for i := uint32(0); i < npages; i++ {
		ar.spans[ar.next+i] = s
	}
	ar.next += npages
	return s
}

func poolNew(ar *arena, npages uint32) {
	s := carve(ar, npages)
	s.next = heap.pool[npages]
	heap.pool[npages] = s
}

// refill gives c a current span with a free block; c.mu held. false if the
// memory is refused.
func (c *class) refill() bool {
	if s := c.partial; s != nil {
		c.partial = s.next
		s.next, s.listed = nil, false
		c.cur = s
		return true
	}
	s := getSpan(uint32(c.spanBytes >> pageShift))
	if s == nil {
		return false
	}
	s.free, s.bump = nil, s.mem
	s.nfree = c.nblocks
	c.cur = s
	return true
}

func alloc(n int, zero bool) unsafe.Pointer {
	if n <= 0 {
		return nil
	}
	if n > maxPooled {
		b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			return nil
		}
		return unsafe.Pointer(&b[0])
	}
	c := &classes[classOf(n)]
	c.mu.Lock()
	s := c.cur
	if s == nil || s.nfree == 0 {
		if !c.refill() {
			c.mu.Unlock()
			return nil
		}
		s = c.cur
	}
	if s.nfree == c.nblocks && !s.released {
		emptyBytes.Add(-int64(c.spanBytes))
	}
	s.released = false
	s.nfree--
	c.inuse++
	p := s.free
	if p != nil {
		s.free = *(*unsafe.Pointer)(p)
		c.mu.Unlock()
		if zero {
			clear(unsafe.Slice((*byte)(p), n))
		}
		return p
	}
	p = s.bump
	s.bump = unsafe.Add(p, c.size)
	c.mu.Unlock()
	return p // never used since mapped or given back: zero
}

// Alloc returns n zeroed bytes of C-visible memory, or nil if n <= 0 or the
// kernel refuses the mapping. The block is valid until Free(p, n).
func Alloc(n int) unsafe.Pointer { return alloc(n, true) }

// AllocRaw is Alloc for blocks the caller fills before reading (evbuffer
// data): their old contents are not cleared.
func AllocRaw(n int) unsafe.Pointer { return alloc(n, false) }

// Free returns a block obtained from Alloc(n) or AllocRaw(n) with the same n.
func Free(p unsafe.Pointer, n int) {
	if p == nil || n <= 0 {
		return
	}
	if n > maxPooled {
		_ = unix.Munmap(unsafe.Slice((*byte)(p), n))
		return
	}
	s := spanOf(uintptr(p))
	if s == nil {
		panic("cmem: Free of memory not from Alloc")
	}
	c := &classes[classOf(n)]
	c.mu.Lock()
	*(*unsafe.Pointer)(p) = s.free
	s.free = p
	s.nfree++
	c.inuse--
	if s.nfree == 1 && s != c.cur {
		s.next, s.listed = c.partial, true
		c.partial = s
	}
	if s.nfree == c.nblocks {
		emptyBytes.Add(int64(c.spanBytes))
	}
	c.mu.Unlock()
}

// Grow returns a block of n bytes that starts with the old bytes of p (a block
// from Alloc(old), or nil with old 0) and is zero after them, and frees p. It
// returns nil, leaving p as it was, if n <= old or the memory is refused.
func Grow(p unsafe.Pointer, old, n int) unsafe.Pointer {
	if n <= old {
		return nil
	}
	q := Alloc(n)
	if q == nil {
		return nil
	}
	if p != nil {
		copy(Bytes(q, old), Bytes(p, old))
		Free(p, old)
	}
	return q
}

// Bytes views n bytes at p as a slice. The slice aliases C memory: it stays
// valid exactly as long as the block does.
func Bytes(p unsafe.Pointer, n int) []byte {
	return unsafe.Slice((*byte)(p), n)
}

// Releasable is the number of bytes Trim would give back now: spans whose
// blocks are all free and whose pages are resident.
func Releasable() int { return int(emptyBytes.Load()) }

// Trim gives the pages of every span whose blocks are all free back to the
// kernel (MADV_DONTNEED: they read as zero and cost nothing until used
// again) and moves the spans to the pool, where any class may take them. It
// returns the bytes given back.
func Trim() int {
	trimHooks.Lock()
	for _, f := range trimHooks.fns {
		f()
	}
	trimHooks.Unlock()
	var spans *span
	total := 0
	for i := range classes {
		c := &classes[i]
		c.mu.Lock()
		if s := c.cur; s != nil && s.nfree == c.nblocks && !s.released {
			c.cur = nil
			s.released = true
			s.next = spans
			spans = s
			emptyBytes.Add(-int64(c.spanBytes))
			total += int(c.spanBytes)
		}
		var prev *span
		for s := c.partial; s != nil; {
			next := s.next
			if s.nfree == c.nblocks && !s.released {
				if prev == nil {
					c.partial = next
				} else {
					prev.next = next
				}
				s.listed, s.released = false, true
				s.next = spans
				spans = s
				emptyBytes.Add(-int64(c.spanBytes))
				total += int(c.spanBytes)
			} else {
				prev = s
			}
			s = next
		}
		c.mu.Unlock()
	}
	for s := spans; s != nil; {
		next := s.next
		_ = unix.Madvise(unsafe.Slice((*byte)(s.mem), uintptr(s.npages)<<pageShift), unix.MADV_DONTNEED)
		heap.mu.Lock()
		s.next = heap.pool[s.npages]
		heap.pool[s.npages] = s
		heap.mu.Unlock()
		s = next
	}
	return total
}

// trimHooks run at the start of every Trim: caches of blocks built on cmem
// give them back first (core's segment cache).
var trimHooks struct {
	sync.Mutex
	fns []func()
}

// OnTrim registers f to run at the start of every Trim.
func OnTrim(f func()) {
	trimHooks.Lock()
	trimHooks.fns = append(trimHooks.fns, f)
	trimHooks.Unlock()
}

// Stats is a snapshot for tests and measurements.
type Stats struct {
	Mapped     int // bytes of arenas (blocks over 1 MiB are not counted)
	InUse      int // bytes of blocks handed out, at their class size
	Releasable int // see Releasable
}

// ReadStats fills a Stats.
func ReadStats() Stats {
	var st Stats
	for i := range classes {
		c := &classes[i]
		c.mu.Lock()
		st.InUse += c.inuse * int(c.size)
		c.mu.Unlock()
	}
	heap.mu.Lock()
	st.Mapped = int(heap.bytes)
	heap.mu.Unlock()
	st.Releasable = Releasable()
	return st
}
