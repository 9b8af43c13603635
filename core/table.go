package core

import (
	"sync/atomic"
	"unsafe"

	"goevent/internal/cmem"
)

// maxObjects bounds the live objects of one kind (4 Mi); more is refused,
// never wrapped. The tables themselves are slots.Table.
const maxObjects = 4 << 20

// gens hands out generations for all tables; 0 is never used, so a zeroed
// handle never matches a live object.
var gens atomic.Uint64

func nextGen() uint64 { return gens.Add(1) }

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
