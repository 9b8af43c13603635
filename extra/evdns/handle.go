package evdns

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"goevent/extra/internal/cevent"
	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
	"goevent/reactor"
)

var sprintf = fmt.Sprintf

// cHandle mirrors struct gev_dns_handle (capi/ops_dns.h): the C memory a
// program holds for an evdns_base, evdns_request, evdns_server_port or
// evdns_getaddrinfo_request. The C layer reads magic and base.
type cHandle struct {
	magic uint32
	idx   uint32
	gen   uint64
	base  unsafe.Pointer // struct event_base *
}

const (
	magicBase = 0x646e7362
	magicReq  = 0x646e7372
	magicPort = 0x646e7370
	magicGai  = 0x646e7367
	magicSreq = 0x646e7371
	magicDead = 0xdead0d25

	sizeofHandle = int(unsafe.Sizeof(cHandle{}))
	// Handles start handleSlack bytes into their cmem block: cmem threads
	// its free list through a freed block's first word, so with the slack
	// the dead magic stays readable until the block is reused, and a use
	// after free is reported instead of reading a list pointer.
	handleSlack = 8
)

// maxObjects bounds the live objects of one kind (refused beyond, never wrapped).
const maxObjects = 4 << 20

var gens atomic.Uint64

func nextGen() uint64 { return gens.Add(1) }

// allocHandle returns a zeroed handle of size bytes (at least a cHandle) in
// C memory, or nil.
func allocHandle(size int) unsafe.Pointer {
	p := cmem.Alloc(size + handleSlack)
	if p == nil {
		return nil
	}
	return unsafe.Add(p, handleSlack)
}

// freeHandle marks h dead and returns its memory.
func freeHandle(h unsafe.Pointer, size int) {
	(*cHandle)(h).magic = magicDead
	cmem.Free(unsafe.Add(h, -handleSlack), size+handleSlack)
}

// table is a slot table of one kind of object reached from C handles.
type table[T any] struct{ slots.Table[T] }

// put stores v and fills the handle at h (magic, idx, gen, base).
func (t *table[T]) put(v *T, h unsafe.Pointer, magic uint32, base unsafe.Pointer) (gen uint64, ok bool) {
	idx, ok := t.Put(v)
	if !ok {
		return 0, false
	}
	gen = nextGen()
	c := (*cHandle)(h)
	c.idx, c.gen, c.base = idx, gen, base
	c.magic = magic
	return gen, true
}

// lookup returns the object a live handle names, or nil (logged, naming fn).
func lookup[T any](t *table[T], h unsafe.Pointer, magic uint32, what, fn string, genOf func(*T) uint64) *T {
	if h == nil {
		svc.Warnf("%s: NULL %s", fn, what)
		return nil
	}
	c := (*cHandle)(h)
	if c.magic != magic {
		if c.magic == magicDead {
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

func lookupWarn(fn, msg string) { svc.Warnf("%s: %s", fn, msg) }

// ---- events in C memory with a Go handler ----

// handlerFunc adapts a method value to reactor.Handler, with the panic
// guard every handler needs (logged as evdns's).
type handlerFunc = cevent.Func[pkg]

type pkg struct{}

func (pkg) Name() string { return "evdns" }

func recoverHandler() {
	if r := recover(); r != nil {
		svc.Logf(svc.LogErr, "evdns: internal error in the goevent core: %v", r)
	}
}

var (
	cmemAlloc = cmem.Alloc
	cmemFree  = cmem.Free
)

// tv converts a duration in microseconds to a Timeval.
func tv(usec int64) reactor.Timeval {
	return reactor.Timeval{Sec: usec / 1e6, Usec: usec % 1e6}
}
