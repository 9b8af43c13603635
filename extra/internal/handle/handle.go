// Package handle is the C memory a program holds for an object of the
// extras (an evdns_base, an evhttp_connection, ...) and the way back from it
// to the Go object: a header (magic, slot index, generation, base: struct
// gev_dns_handle and struct gev_http_handle, one layout) at the start of a
// cmem block, and a slot table per kind of object.
package handle

import (
	"sync/atomic"
	"unsafe"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
)

// header is the layout every handle starts with; the packages mirror it as
// their own cHandle (the C layer reads magic and base).
type header struct {
	magic uint32
	idx   uint32
	gen   uint64
	base  unsafe.Pointer // struct event_base *
}

// Slack: handles start Slack bytes into their cmem block. cmem threads its
// free list through a freed block's first word, so with the slack the dead
// magic stays readable until the block is reused, and a use after free is
// reported instead of reading a list pointer.
const Slack = 8

var gens atomic.Uint64

// Alloc returns a zeroed handle of size bytes (at least a header) in C
// memory, or nil.
func Alloc(size int) unsafe.Pointer {
	p := cmem.Alloc(size + Slack)
	if p == nil {
		return nil
	}
	return unsafe.Add(p, Slack)
}

// Free marks h dead (magic dead) and returns its memory.
func Free(h unsafe.Pointer, size int, dead uint32) {
	(*header)(h).magic = dead
	cmem.Free(unsafe.Add(h, -Slack), size+Slack)
}

// Table is a slot table of one kind of object reached from C handles.
type Table[T any] struct{ slots.Table[T] }

// PutHandle stores v and fills the handle at h (magic, idx, gen, base).
func (t *Table[T]) PutHandle(v *T, h unsafe.Pointer, magic uint32, base unsafe.Pointer) (gen uint64, ok bool) {
	idx, ok := t.Put(v)
	if !ok {
		return 0, false
	}
	gen = gens.Add(1)
	c := (*header)(h)
	c.idx, c.gen, c.base = idx, gen, base
	c.magic = magic
	return gen, true
}

// Lookup returns the object a live handle (magic live) names, or nil,
// logged naming fn: NULL, freed (magic dead), not such a handle, or stale
// (its slot holds another object now).
func Lookup[T any](t *Table[T], h unsafe.Pointer, live, dead uint32, what, fn string, genOf func(*T) uint64) *T {
	if h == nil {
		svc.Warnf("%s: NULL %s", fn, what)
		return nil
	}
	c := (*header)(h)
	if c.magic != live {
		if c.magic == dead {
			svc.Warnf("%s: %s %p used after it was freed", fn, what, h)
		} else {
			svc.Warnf("%s: %p is not a live %s", fn, h, what)
		}
		return nil
	}
	v := t.Get(c.idx)
	if v == nil || genOf(v) != c.gen {
		svc.Warnf("%s: stale %s handle %p", fn, what, h)
		return nil
	}
	return v
}
