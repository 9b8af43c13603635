// Package cmem hands out memory that C code may keep pointers into: it lives
// in mmap'ed arenas outside the Go heap, so the garbage collector never moves
// or frees it and cgo's pointer rules do not apply to it.
//
// Blocks come in power-of-two size classes from 16 bytes to 1 MiB, carved from
// 4 MiB arenas and recycled through per-class free lists; larger blocks are
// mapped and unmapped on their own. Arenas are never returned to the kernel:
// a freed block is kept for reuse (the libevent objects built on it are
// recycled at a high rate, and a stale C pointer then reads our memory, not an
// unmapped page).
package cmem

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	minShift   = 4       // smallest class: 16 bytes
	maxShift   = 20      // largest pooled class: 1 MiB
	arenaBytes = 4 << 20 // bytes mapped at a time for the pooled classes
)

// class is one size class: a free list threaded through the free blocks
// themselves, and the unused tail of the current arena.
type class struct {
	mu   sync.Mutex     // guards free, next, end; uncontended except across bases on threads
	free unsafe.Pointer // first free block; its first word points to the next
	next unsafe.Pointer // next never-used byte of the current arena
	left uintptr        // bytes left in the current arena after next
}

var classes [maxShift - minShift + 1]class

// classOf returns the index of the smallest class that holds n bytes.
func classOf(n int) int {
	c := 0
	for (1 << (minShift + c)) < n {
		c++
	}
	return c
}

// Alloc returns n zeroed bytes of C-visible memory, or nil if n <= 0 or the
// kernel refuses the mapping. The block is valid until Free(p, n).
func Alloc(n int) unsafe.Pointer {
	if n <= 0 {
		return nil
	}
	if n > 1<<maxShift {
		b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			return nil
		}
		return unsafe.Pointer(&b[0])
	}
	ci := classOf(n)
	size := uintptr(1) << (minShift + ci)
	c := &classes[ci]
	c.mu.Lock()
	p := c.free
	if p != nil {
		c.free = *(*unsafe.Pointer)(p)
		c.mu.Unlock()
		clear(unsafe.Slice((*byte)(p), size))
		return p
	}
	if c.left < size {
		b, err := unix.Mmap(-1, 0, arenaBytes, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			c.mu.Unlock()
			return nil
		}
		c.next = unsafe.Pointer(&b[0])
		c.left = arenaBytes
	}
	p = c.next
	c.next = unsafe.Add(c.next, size)
	c.left -= size
	c.mu.Unlock()
	return p // fresh anonymous mappings are already zero
}

// Free returns a block obtained from Alloc(n) with the same n.
func Free(p unsafe.Pointer, n int) {
	if p == nil || n <= 0 {
		return
	}
	if n > 1<<maxShift {
		_ = unix.Munmap(unsafe.Slice((*byte)(p), n))
		return
	}
	c := &classes[classOf(n)]
	c.mu.Lock()
	*(*unsafe.Pointer)(p) = c.free
	c.free = p
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
