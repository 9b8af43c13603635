package core

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"goevent/internal/cmem"
)

const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	maxChunks  = 4096 // 4 Mi live objects of one kind; more is refused, not wrapped
)

// table maps the index stored in a C handle to its Go object. Lookups take no
// lock: chunks are published once and never move, entries are atomic pointers
// (a plain MOV on amd64), so a handle created on one thread and used on another
// is safe. Allocation and release take mu; free indices are reused LIFO.
type table[T any] struct {
	mu     sync.Mutex
	chunks [maxChunks]atomic.Pointer[[chunkSize]atomic.Pointer[T]]
	free   []uint32
	next   uint32 // never-used index
}

// gens hands out generations for all tables; 0 is never used, so a zeroed
// handle never matches a live object.
var gens atomic.Uint64

func nextGen() uint64 { return gens.Add(1) }

// put stores v in a free slot and returns its index, or false when full.
func (t *table[T]) put(v *T) (uint32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var idx uint32
	if n := len(t.free); n > 0 {
		idx = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.next >= maxChunks*chunkSize {
			return 0, false
		}
		idx = t.next
		t.next++
		if t.chunks[idx>>chunkShift].Load() == nil {
			t.chunks[idx>>chunkShift].Store(new([chunkSize]atomic.Pointer[T]))
		}
	}
	t.chunks[idx>>chunkShift].Load()[idx&(chunkSize-1)].Store(v)
	return idx, true
}

// get returns the object at idx, or nil.
func (t *table[T]) get(idx uint32) *T {
	if idx >= maxChunks*chunkSize {
		return nil
	}
	c := t.chunks[idx>>chunkShift].Load()
	if c == nil {
		return nil
	}
	return c[idx&(chunkSize-1)].Load()
}

// release empties slot idx for reuse.
func (t *table[T]) release(idx uint32) {
	t.mu.Lock()
	t.chunks[idx>>chunkShift].Load()[idx&(chunkSize-1)].Store(nil)
	t.free = append(t.free, idx)
	t.mu.Unlock()
}

// live counts the objects in the table (tests and leak checks).
func (t *table[T]) live() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return int(t.next) - len(t.free)
}

// Small C handles (struct evbuffer, struct evconnlistener) start handleSlack
// bytes into their cmem block. cmem threads its free list through the first
// word of a freed block; with the slack that word is ours, so the handle's
// magic (DEAD after free) stays readable until the block is reused, and a use
// after free or a double free is reported instead of reading a list pointer.
const handleSlack = 8

func allocHandle(size int) unsafe.Pointer {
	p := cmem.Alloc(size + handleSlack)
	if p == nil {
		return nil
	}
	return unsafe.Add(p, handleSlack)
}

func freeHandle(h unsafe.Pointer, size int) {
	cmem.Free(unsafe.Add(h, -handleSlack), size+handleSlack)
}
