package evdns

import (
	"fmt"
	"unsafe"

	"goevent/extra/internal/cevent"
	"goevent/extra/internal/handle"
	"goevent/internal/cmem"
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
)

// maxObjects bounds the live objects of one kind (refused beyond, never wrapped).
const maxObjects = 4 << 20

// allocHandle returns a zeroed handle of size bytes (at least a cHandle) in
// C memory, or nil.
func allocHandle(size int) unsafe.Pointer { return handle.Alloc(size) }

// freeHandle marks h dead and returns its memory.
func freeHandle(h unsafe.Pointer, size int) { handle.Free(h, size, magicDead) }

// table is a slot table of one kind of object reached from C handles.
type table[T any] = handle.Table[T]

// lookup returns the object a live handle names, or nil (logged, naming fn).
func lookup[T any](t *table[T], h unsafe.Pointer, magic uint32, what, fn string, genOf func(*T) uint64) *T {
	return handle.Lookup(t, h, magic, magicDead, what, fn, genOf)
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
