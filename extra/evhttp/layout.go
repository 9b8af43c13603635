package evhttp

import (
	"unsafe"

	"goevent/extra/internal/cevent"
	"goevent/extra/internal/handle"
	"goevent/internal/svc"
)

// The C memory of evhttp. struct evhttp_request keeps the layout of
// event2/http_struct.h (old programs read its fields): cRequest mirrors it
// field for field, and our trailer (struct gev_http_req_priv) follows in
// the same block, with the two header lists the request points to. The
// strings of a request (uri, remote_host, response_code_line, host_cache)
// and its headers come from the program's allocator (the C layer's
// helpers), as libevent's do: programs may replace or free them as with
// libevent. struct evhttp and struct evhttp_connection are handles (magic,
// slot index, generation, base) to Go objects; a bound socket is a small C
// record.

type cRequest struct {
	next         [2]unsafe.Pointer // 0: TAILQ_ENTRY (unused by goevent)
	evcon        unsafe.Pointer    // 16
	flags        int32             // 24
	_            int32
	inHeaders    unsafe.Pointer // 32
	outHeaders   unsafe.Pointer // 40
	remoteHost   *byte          // 48
	remotePort   uint16         // 56
	_            [6]byte
	hostCache    *byte          // 64
	kind         int32          // 72
	typ          int32          // 76
	headersSize  uint64         // 80
	bodySize     uint64         // 88
	uri          *byte          // 96
	uriElems     unsafe.Pointer // 104
	major, minor int8           // 112, 113
	_            [2]byte
	responseCode int32          // 116
	responseLine *byte          // 120
	inputBuffer  unsafe.Pointer // 128
	ntoread      int64          // 136
	bits         uint32         // 144: chunked (bit 0), userdone (bit 1)
	_            uint32
	outputBuffer unsafe.Pointer // 152
	cb           unsafe.Pointer // 160
	cbArg        unsafe.Pointer // 168
	chunkCb      unsafe.Pointer // 176
	headerCb     unsafe.Pointer // 184
	errorCb      unsafe.Pointer // 192
	onComplete   unsafe.Pointer // 200
	onCompleteA  unsafe.Pointer // 208
	// struct gev_http_req_priv (216)
	magic uint32
	_     uint32
	inQ   cKeyvalq
	outQ  cKeyvalq
}

// cKeyval and cKeyvalq mirror struct evkeyval and struct evkeyvalq.
type cKeyval struct {
	next  *cKeyval
	prev  **cKeyval
	key   *byte
	value *byte
}

type cKeyvalq struct {
	first *cKeyval
	last  **cKeyval
}

const (
	sizeofRequest = int(unsafe.Sizeof(cRequest{}))

	magicServer = 0x68747073
	magicConn   = 0x68747063
	magicBound  = 0x68747062
	magicReq    = 0x68747072
	magicDead   = 0xdead4777

	// Request flags (event2/http_struct.h).
	reqOwnConnection = 0x0001
	proxyRequest     = 0x0002
	userOwned        = 0x0004
	reqDeferFree     = 0x0008
	reqNeedsFree     = 0x0010

	kindRequest  = 0 // EVHTTP_REQUEST
	kindResponse = 1 // EVHTTP_RESPONSE

	bitChunked  = 1
	bitUserdone = 2
)

// Compile-time layout checks (TestLayout compares with the C headers too).
var (
	_ [unsafe.Offsetof(cRequest{}.ntoread) - 136]byte
	_ [136 - unsafe.Offsetof(cRequest{}.ntoread)]byte
	_ [unsafe.Offsetof(cRequest{}.magic) - 216]byte
	_ [216 - unsafe.Offsetof(cRequest{}.magic)]byte
	_ [unsafe.Sizeof(cRequest{}) - 256]byte
)

func (r *cRequest) chunked() bool  { return r.bits&bitChunked != 0 }
func (r *cRequest) userdone() bool { return r.bits&bitUserdone != 0 }
func (r *cRequest) setChunked(v bool) {
	if v {
		r.bits |= bitChunked
	} else {
		r.bits &^= bitChunked
	}
}
func (r *cRequest) setUserdone(v bool) {
	if v {
		r.bits |= bitUserdone
	} else {
		r.bits &^= bitUserdone
	}
}

func reqAt(p unsafe.Pointer) *cRequest { return (*cRequest)(p) }

// reqLive reports whether p is a live request of ours (logged otherwise,
// naming fn).
func reqLive(p unsafe.Pointer, fn string) bool {
	if p == nil {
		svc.Warnf("%s: NULL evhttp_request", fn)
		return false
	}
	switch reqAt(p).magic {
	case magicReq:
		return true
	case magicDead:
		svc.Warnf("%s: evhttp_request %p used after it was freed", fn, p)
	default:
		svc.Warnf("%s: %p is not a live evhttp_request", fn, p)
	}
	return false
}

// findHeader is evhttp_find_header on a C list: the value, or nil.
func findHeader(q unsafe.Pointer, key string) unsafe.Pointer {
	if q == nil {
		return nil
	}
	for kv := (*cKeyvalq)(q).first; kv != nil; kv = kv.next {
		if cstrEqFold(unsafe.Pointer(kv.key), key) {
			return unsafe.Pointer(kv.value)
		}
	}
	return nil
}

// ---- handles ----

// cHandle mirrors struct gev_http_handle.
type cHandle struct {
	magic uint32
	idx   uint32
	gen   uint64
	base  unsafe.Pointer
}

// cConn mirrors struct gev_http_conn.
type cConn struct {
	h       cHandle
	bev     unsafe.Pointer
	server  unsafe.Pointer
	address *byte
	port    uint16
	_       [3]uint16
	addr    [28]byte // sockaddr_in6 / sockaddr_in
	_       [4]byte
}

// cBound mirrors struct gev_http_bound.
type cBound struct {
	magic    uint32
	_        uint32
	listener unsafe.Pointer
	http     unsafe.Pointer
}

const (
	sizeofCConn  = int(unsafe.Sizeof(cConn{}))
	sizeofCBound = int(unsafe.Sizeof(cBound{}))
	maxObjects   = 4 << 20
)

func allocHandle(size int) unsafe.Pointer { return handle.Alloc(size) }

func freeHandle(h unsafe.Pointer, size int) { handle.Free(h, size, magicDead) }

// table is a slot table of one kind of object reached from C handles.
type table[T any] = handle.Table[T]

func lookup[T any](t *table[T], h unsafe.Pointer, magic uint32, what, fn string, genOf func(*T) uint64) *T {
	return handle.Lookup(t, h, magic, magicDead, what, fn, genOf)
}

// ---- events in C memory with a Go handler ----

// handlerFunc adapts a function to reactor.Handler, with the panic guard
// every handler needs (logged as evhttp's).
type handlerFunc = cevent.Func[pkg]

type pkg struct{}

func (pkg) Name() string { return "evhttp" }
