// Package slots maps the small integer stored in a C structure (an evbuffer
// or listener handle, a bufferevent's trailer, a base's core_idx, a Go
// event's ev_arg) to its Go object, without maps and without locks on lookup.
package slots

import (
	"sync"
	"sync/atomic"
)

const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	maxChunks  = 1 << 14 // 16 Mi slots at most; Table.Max may set a lower bound
)

// Table is a slot table. Lookups take no lock: chunks are published once and
// never move, entries are atomic pointers (a plain MOV on amd64), so an index
// handed out on one thread is safe to look up on another. Put and Release
// take mu; free indices are reused LIFO. The zero Table is ready to use.
// Declare tables as zero values and set Max from an init function: a table
// with an initializer is in .data, whose pages the garbage collector reads
// (its 128 KiB of chunk pointers are roots) and so makes resident.
type Table[T any] struct {
	// Max bounds the number of indices ever handed out (0: the full
	// capacity); Put refuses beyond it rather than wrapping.
	Max uint32

	mu     sync.Mutex
	chunks [maxChunks]atomic.Pointer[[chunkSize]atomic.Pointer[T]]
	free   []uint32
	next   uint32 // never-used index
}

func (t *Table[T]) limit() uint32 {
	if t.Max == 0 || t.Max > maxChunks*chunkSize {
		return maxChunks * chunkSize
	}
	return t.Max
}

// Put stores v in a free slot and returns its index, or false when full.
func (t *Table[T]) Put(v *T) (uint32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var idx uint32
	if n := len(t.free); n > 0 {
		idx = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.next >= t.limit() {
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

// Get returns the object at idx, or nil.
func (t *Table[T]) Get(idx uint32) *T {
	if idx >= maxChunks*chunkSize {
		return nil
	}
	c := t.chunks[idx>>chunkShift].Load()
	if c == nil {
		return nil
	}
	return c[idx&(chunkSize-1)].Load()
}

// Release empties slot idx for reuse; releasing an empty slot does nothing.
func (t *Table[T]) Release(idx uint32) {
	if idx >= maxChunks*chunkSize {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chunks[idx>>chunkShift].Load()
	if c == nil || c[idx&(chunkSize-1)].Load() == nil {
		return
	}
	c[idx&(chunkSize-1)].Store(nil)
	t.free = append(t.free, idx)
}

// Live counts the objects in the table (tests and leak checks).
func (t *Table[T]) Live() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return int(t.next) - len(t.free)
}
