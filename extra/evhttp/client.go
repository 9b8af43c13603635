package evhttp

import (
	"unsafe"

	"goevent/internal/svc"
)

// The client side of requests: evhttp_make_request and
// evhttp_cancel_request (the rest is in conn.go).

// makeRequest is evhttp_make_request: queue req on c (connecting if
// needed); on failure req is freed.
func (c *Conn) makeRequest(p unsafe.Pointer, typ int32, uri []byte) int {
	r := reqAt(p)
	r.kind = kindRequest
	r.typ = typ
	if r.uri != nil {
		cFree(unsafe.Pointer(r.uri))
	}
	if r.uri = cStrdup(uri); r.uri == nil {
		svc.Warnf("evhttp_make_request: strdup")
		freeAuto(p)
		return -1
	}
	if r.major == 0 && r.minor == 0 {
		r.major, r.minor = 1, 1
	}
	if r.evcon != nil {
		svc.Warnf("evhttp_make_request: the request is already on a connection")
		return -1
	}
	r.evcon = c.handle()
	c.requests = append(c.requests, p)
	if !c.connected() {
		res := c.connect()
		if res != 0 && !c.freed {
			c.removeReq(p)
		}
		return res
	}
	if c.first() == p {
		c.dispatch()
	}
	return 0
}

// cancelRequest is evhttp_cancel_request.
func cancelRequest(p unsafe.Pointer) {
	r := reqAt(p)
	if c := connOf(r); c != nil {
		if c.first() == p {
			c.fail(errRequestCancel)
			return
		}
		c.removeReq(p)
	}
	freeAuto(p)
}
