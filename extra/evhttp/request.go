package evhttp

import (
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"

	"goevent/core"
	"goevent/internal/cmem"
	"goevent/internal/svc"
)

// Requests: struct evhttp_request in one cmem block (cRequest) with its two
// header lists, and two core evbuffers. evhttp_request_new/_free,
// the reason phrases, and what a reply puts before its body.

// newRequest is evhttp_request_new: nil (logged) when out of memory.
func newRequest(cb, arg unsafe.Pointer) unsafe.Pointer {
	p := cmem.Alloc(sizeofRequest)
	if p == nil {
		svc.Warnf("evhttp_request_new: out of memory")
		return nil
	}
	r := reqAt(p)
	in, out := core.NewBuffer(), core.NewBuffer()
	if in == nil || out == nil {
		if in != nil {
			in.Free()
		}
		if out != nil {
			out.Free()
		}
		cmem.Free(p, sizeofRequest)
		svc.Warnf("evhttp_request_new: out of memory")
		return nil
	}
	r.magic = magicReq
	r.kind = kindResponse
	r.inQ.last = &r.inQ.first
	r.outQ.last = &r.outQ.first
	r.inHeaders = unsafe.Pointer(&r.inQ)
	r.outHeaders = unsafe.Pointer(&r.outQ)
	r.inputBuffer = in.Handle()
	r.outputBuffer = out.Handle()
	r.cb, r.cbArg = cb, arg
	return p
}

// freeRequest is evhttp_request_free: deferred while a chunk callback runs
// (EVHTTP_REQ_DEFER_FREE); otherwise the strings and headers go back to
// the program's allocator, the buffers to the core, and the block is
// marked dead.
func freeRequest(p unsafe.Pointer) {
	r := reqAt(p)
	if r.flags&reqDeferFree != 0 {
		r.flags |= reqNeedsFree
		return
	}
	if cf != 0 {
		reqRelease(p)
	}
	for _, h := range [2]unsafe.Pointer{r.inputBuffer, r.outputBuffer} {
		if h != nil {
			if b := core.BufferFromHandle(h, "evhttp_request_free"); b != nil {
				b.Free()
			}
		}
	}
	r.inputBuffer, r.outputBuffer = nil, nil
	r.magic = magicDead
	cmem.Free(p, sizeofRequest)
}

// freeAuto frees a request the program did not take with evhttp_request_own.
func freeAuto(p unsafe.Pointer) {
	if reqAt(p).flags&userOwned == 0 {
		freeRequest(p)
	}
}

// buf is the core buffer of a request's input or output handle (nil if the
// program broke it).
func buf(h unsafe.Pointer, fn string) *core.Buffer {
	if h == nil {
		return nil
	}
	return core.BufferFromHandle(h, fn)
}

// ---- reason phrases ----

var phraseClasses = [...]struct {
	name    string
	phrases []string
}{
	{"Informational", []string{"Continue", "Switching Protocols"}},
	{"Success", []string{"OK", "Created", "Accepted", "Non-Authoritative Information",
		"No Content", "Reset Content", "Partial Content"}},
	// libevent's table has no 306: its seventh entry, "Temporary
	// Redirect", answers for 306, and 307 gets the class name.
	{"Redirection", []string{"Multiple Choices", "Moved Permanently", "Found", "See Other",
		"Not Modified", "Use Proxy", "Temporary Redirect"}},
	{"Client Error", []string{"Bad Request", "Unauthorized", "Payment Required", "Forbidden",
		"Not Found", "Method Not Allowed", "Not Acceptable", "Proxy Authentication Required",
		"Request Time-out", "Conflict", "Gone", "Length Required", "Precondition Failed",
		"Request Entity Too Large", "Request-URI Too Large", "Unsupported Media Type",
		"Requested range not satisfiable", "Expectation Failed"}},
	{"Server Error", []string{"Internal Server Error", "Not Implemented", "Bad Gateway",
		"Service Unavailable", "Gateway Time-out", "HTTP Version not supported"}},
}

// phrase is libevent's evhttp_response_phrase_internal (C's division
// truncates toward zero, and so does Go's).
func phrase(code int) string {
	class := code/100 - 1
	sub := code % 100
	if class < 0 || class >= len(phraseClasses) {
		return "Unknown Status Class"
	}
	c := &phraseClasses[class]
	if sub >= len(c.phrases) {
		return c.name
	}
	if sub < 0 { // not reachable for class >= 0; C would index before the table
		return c.name
	}
	return c.phrases[sub]
}

// setResponseCode is evhttp_response_code_: the reply's status and reason
// (NULL: the standard phrase).
func setResponseCode(p unsafe.Pointer, code int, reason []byte, hasReason bool) {
	r := reqAt(p)
	r.kind = kindResponse
	r.responseCode = int32(code)
	if r.responseLine != nil {
		cFree(unsafe.Pointer(r.responseLine))
		r.responseLine = nil
	}
	if !hasReason {
		reason = []byte(phrase(code))
	}
	r.responseLine = cStrdup(reason)
	if r.responseLine == nil {
		svc.Warnf("evhttp_response_code_: strdup")
	}
}

// needsBody: the reply must have a body (RFC 2616 section 4.3).
func needsBody(r *cRequest) bool {
	c := r.responseCode
	return c != 204 && c != 304 && (c < 100 || c >= 200) && r.typ != reqHEAD
}

// versionBefore and versionAtLeast compare the request's HTTP version.
func versionBefore(r *cRequest, major, minor int8) bool {
	return r.major < major || (r.major == major && r.minor < minor)
}

func versionAtLeast(r *cRequest, major, minor int8) bool {
	return r.major > major || (r.major == major && r.minor >= minor)
}

// isConnectionClose: the headers ask to close after this message
// (Proxy-Connection for a proxy request: anything but keep-alive).
func isConnectionClose(flags int32, q unsafe.Pointer) bool {
	if flags&proxyRequest != 0 {
		v := findHeader(q, "Proxy-Connection")
		return v == nil || !cstrEqFold(v, "keep-alive")
	}
	v := findHeader(q, "Connection")
	return v != nil && cstrEqFold(v, "close")
}

func isRequestConnectionClose(r *cRequest) bool {
	return isConnectionClose(r.flags, r.inHeaders) || isConnectionClose(r.flags, r.outHeaders)
}

// isKeepalive: Connection begins with keep-alive (any case).
func isKeepalive(q unsafe.Pointer) bool {
	v := findHeader(q, "Connection")
	if v == nil {
		return false
	}
	const ka = "keep-alive"
	for i := 0; i < len(ka); i++ {
		c := *(*byte)(unsafe.Add(v, i))
		if c == 0 || lower(c) != ka[i] {
			return false
		}
	}
	return true
}

// Expect: 100-continue handling.
const (
	expectNo = iota
	expectContinue
	expectOther
)

func haveExpect(r *cRequest, input bool) int {
	q := r.outHeaders
	if input {
		q = r.inHeaders
	}
	if r.kind != kindRequest || !versionAtLeast(r, 1, 1) {
		return expectNo
	}
	v := findHeader(q, "Expect")
	if v == nil {
		return expectNo
	}
	if cstrEqFold(v, "100-continue") {
		return expectContinue
	}
	return expectOther
}

func maybeAddContentLength(q unsafe.Pointer, n int) {
	if findHeader(q, "Transfer-Encoding") == nil && findHeader(q, "Content-Length") == nil {
		addHeader(q, "Content-Length", strconv.Itoa(n), false)
	}
}

// cstring reads a C string into a Go string (nil: "").
func cstring(p unsafe.Pointer) string { return string(cview(p)) }

// Methods (enum evhttp_cmd_type) and libevent's unknown-method marker.
const (
	reqGET     = 1 << 0
	reqPOST    = 1 << 1
	reqHEAD    = 1 << 2
	reqPUT     = 1 << 3
	reqDELETE  = 1 << 4
	reqOPTIONS = 1 << 5
	reqTRACE   = 1 << 6
	reqCONNECT = 1 << 7
	reqPATCH   = 1 << 8
	reqUnknown = 1 << 15
)

// methodName is evhttp_method: nil for an unknown type.
func methodName(t int32) string {
	switch t {
	case reqGET:
		return "GET"
	case reqPOST:
		return "POST"
	case reqHEAD:
		return "HEAD"
	case reqPUT:
		return "PUT"
	case reqDELETE:
		return "DELETE"
	case reqOPTIONS:
		return "OPTIONS"
	case reqTRACE:
		return "TRACE"
	case reqCONNECT:
		return "CONNECT"
	case reqPATCH:
		return "PATCH"
	}
	return ""
}

// httpDate is the Date header's value for now (evutil_date_rfc1123), kept
// for the second it names.
func httpDate() string {
	now := time.Now()
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.sec == sec {
		return d.text
	}
	d := &cachedDate{sec: sec, text: now.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")}
	dateCache.Store(d)
	return d.text
}

type cachedDate struct {
	sec  int64
	text string
}

var dateCache atomic.Pointer[cachedDate]
