package evhttp

import (
	"strconv"
	"unsafe"

	"goevent/core"
	"goevent/extra/internal/cevent"
	"goevent/internal/svc"
	"goevent/reactor"
)

// Connections (struct evhttp_connection): both sides of libevent 2.1.12's
// http.c state machine, on a core bufferevent whose callbacks are Go
// (core.BevHandler). A server connection reads a request, hands it to the
// server's callback, writes the reply and reads the next one; a client
// connection connects (resolving its host), writes queued requests one at a
// time and reads each reply. The order of every read, write, callback and
// close follows libevent, so that what crosses the wire is byte for byte
// the same (tests/c/cases/http_*.c).
//
// Callbacks of the program may free the connection, its server or the
// request they were given (libevent would often read freed memory then):
// after each one the code checks c.freed and the request's magic before it
// goes on.

// Connection states (enum evhttp_connection_state).
const (
	stDisconnected = iota
	stConnecting
	stIdle
	stReadingFirstline
	stReadingHeaders
	stReadingBody
	stReadingTrailer
	stWriting
)

// Connection flags: the public EVHTTP_CON_* and libevent's private ones.
const (
	conIncoming          = 0x0001
	conOutgoing          = 0x0002
	conCloseDetect       = 0x0004
	conReuseConnected    = 0x0008
	conReadOnWriteError  = 0x0010
	conLingeringClose    = 0x0020
	conPublicFlagsEnd    = 0x100000
	conAutofree          = conPublicFlagsEnd
	conReadingError      = conAutofree << 1
	serverLingeringClose = 0x0001
)

// Default timeouts in seconds (libevent's HTTP_*_TIMEOUT).
const (
	connectTimeout = 45
	writeTimeout   = 50
	readTimeout    = 50
)

// Request errors (enum evhttp_request_error).
const (
	errTimeout = iota
	errEOF
	errInvalidHeader
	errBufferError
	errRequestCancel
	errDataTooLong
)

// Results of the readers (libevent's enum message_read_status).
const (
	allDataRead      = 1
	moreDataExpected = 0
	dataCorrupted    = -1
	requestCanceled  = -2
	dataTooLong      = -3
)

// What the connection does when its output has been written (evcon->cb).
const (
	wcbNone         = iota
	wcbConnection   // evhttp_write_connectioncb: request sent, read the reply
	wcbSendDone     // evhttp_send_done: reply sent
	wcbContinueDone // evhttp_send_continue_done
	wcbUser         // evhttp_send_reply_chunk_with_cb's callback
)

// Which event callback the bufferevent has (evhttp_error_cb or
// evhttp_connection_cb while connecting).
const (
	evcbError = iota
	evcbConnect
)

const maxSize = ^uint64(0) // EV_SIZE_MAX and EV_UINT64_MAX on x86-64

// Conn is the Go side of one struct evhttp_connection. An open server
// connection holds one (issue 13: memory per connection), so what only
// outgoing connections use (local address, retries, resolver) is in out,
// made on demand, the small fields are packed, and the peer's name is only
// in C (c.address).
type Conn struct {
	c     *cConn
	gen   uint64
	rb    *reactor.Base
	cbase unsafe.Pointer
	bev   *core.Bufferevent
	out   *connOut

	maxHeaders uint64
	maxBody    uint64
	timeout    reactor.Timeval

	fd      int32
	flags   int32
	lastErr int32 // errno of the last bufferevent event (EVUTIL_SOCKET_ERROR for fail)
	port    uint16
	state   int8
	wcb     int8
	evcb    int8

	timeoutSet bool
	freed      bool

	server   *Server
	prevConn *Conn // in the server's list
	nextConn *Conn

	requests []unsafe.Pointer // queue; the first is being worked on

	wcbFn, wcbArg     unsafe.Pointer
	closecb, closeArg unsafe.Pointer

	readMore cevent.Event // the deferred read of pipelined input
}

// connOut is what a connection that connects uses (client connections;
// evhttp_connection_set_* on any connection makes it).
type connOut struct {
	bindAddr    []byte
	hasBindAddr bool
	bindPort    uint16
	family      int
	dns         unsafe.Pointer
	retryCnt    int
	retryMax    int
	retryTV     reactor.Timeval
	retryEv     cevent.Event
}

// outx returns c.out, made first if needed.
func (c *Conn) outx() *connOut {
	if c.out == nil {
		c.out = &connOut{retryTV: reactor.Timeval{Sec: 2}}
	}
	return c.out
}

// address is the peer's name (the host a client connects to), in C.
func (c *Conn) address() []byte { return cview(unsafe.Pointer(c.c.address)) }

var conns table[Conn]

func connGen(c *Conn) uint64 { return c.gen }

func connFromC(h unsafe.Pointer, fn string) *Conn {
	return lookup(&conns, h, magicConn, "evhttp_connection", fn, connGen)
}

func (c *Conn) handle() unsafe.Pointer { return unsafe.Pointer(c.c) }

func (c *Conn) first() unsafe.Pointer {
	if len(c.requests) == 0 {
		return nil
	}
	return c.requests[0]
}

func (c *Conn) removeReq(p unsafe.Pointer) {
	for i, q := range c.requests {
		if q == p {
			copy(c.requests[i:], c.requests[i+1:])
			c.requests[len(c.requests)-1] = nil
			c.requests = c.requests[:len(c.requests)-1]
			return
		}
	}
}

func (c *Conn) input() *core.Buffer  { return c.bev.Input() }
func (c *Conn) output() *core.Buffer { return c.bev.Output() }

// setcb is bufferevent_setcb with evhttp's callbacks.
func (c *Conn) setcb(read, write bool, evcb int) {
	c.evcb = int8(evcb)
	c.bev.SetGoCallbacks(c, read, write, true, c.handle())
}

// ---- the bufferevent's callbacks ----

func (c *Conn) BevRead(*core.Bufferevent) {
	defer recoverHandler()
	c.readCB()
}

func (c *Conn) BevWrite(*core.Bufferevent) {
	defer recoverHandler()
	c.writeCB()
}

func (c *Conn) BevEvent(_ *core.Bufferevent, what int16, err int) {
	defer recoverHandler()
	c.lastErr = int32(err)
	if c.evcb == evcbConnect {
		c.connectionCB(what, err)
	} else {
		c.errorCB(what, err)
	}
}

// ---- creation and destruction ----

// newConn is evhttp_connection_base_bufferevent_new (bev nil: a new socket
// bufferevent).
func newConn(rb *reactor.Base, dns unsafe.Pointer, bev *core.Bufferevent, address []byte, port uint16, outgoing bool) *Conn {
	h := allocHandle(sizeofCConn)
	if h == nil {
		svc.Warnf("evhttp_connection_base_new: out of memory")
		return nil
	}
	c := &Conn{c: (*cConn)(h), fd: -1, port: port, maxHeaders: maxSize, maxBody: maxSize, rb: rb}
	if outgoing {
		c.outx().dns = dns
	}
	c.c.address = cStrdup(address)
	c.c.port = port
	if c.c.address == nil && cf != 0 {
		svc.Warnf("evhttp_connection_base_new: strdup failed")
		freeHandle(h, sizeofCConn)
		return nil
	}
	if bev == nil {
		bev = core.NewSocketBufferevent(rb, -1, 0)
		if bev == nil {
			svc.Warnf("evhttp_connection_base_new: bufferevent_socket_new failed")
			cFree(unsafe.Pointer(c.c.address))
			freeHandle(h, sizeofCConn)
			return nil
		}
	}
	c.bev = bev
	c.c.bev = bev.Handle()
	if rb != nil {
		c.cbase = rb.C()
		if bev.Base() != rb {
			bev.SetBase(rb)
		}
	} else {
		c.rb = bev.Base()
	}
	gen, ok := conns.PutHandle(c, h, magicConn, c.cbase)
	if !ok {
		svc.Warnf("evhttp_connection_base_new: too many connections")
		bev.Free()
		cFree(unsafe.Pointer(c.c.address))
		freeHandle(h, sizeofCConn)
		return nil
	}
	c.gen = gen
	c.setcb(true, true, evcbError)
	return c
}

// connected: any state but disconnected and connecting.
func (c *Conn) connected() bool {
	return c.state != stDisconnected && c.state != stConnecting
}

// free is evhttp_connection_free.
func (c *Conn) free() {
	if c.freed {
		return
	}
	if c.fd != -1 && c.connected() && c.closecb != nil {
		fn, arg := c.closecb, c.closeArg
		callConnCB(fn, c.handle(), arg)
		if c.freed {
			return
		}
	}
	c.freed = true
	for len(c.requests) > 0 {
		p := c.requests[0]
		c.requests = c.requests[1:]
		if reqAt(p).magic == magicReq {
			freeAuto(p)
		}
	}
	if c.server != nil {
		c.server.unlinkConn(c)
	}
	if c.out != nil {
		c.out.retryEv.Free()
	}
	c.readMore.Free()
	fd := int(c.fd)
	bev := c.bev
	if fd == -1 && bev != nil {
		fd = bev.Fd()
	}
	if bev != nil && bev.Live() {
		opts := bev.Options()
		bev.SetGoCallbacks(nil, false, false, false, nil)
		if fd != -1 {
			bev.Disable(reactor.EV_READ | reactor.EV_WRITE)
		}
		bev.Free()
		if fd != -1 {
			shutdownWrite(fd)
			if opts&core.BevOptCloseOnFree == 0 {
				closeFd(fd)
			}
		}
	}
	c.bev = nil
	cFree(unsafe.Pointer(c.c.address))
	c.c.address = nil
	conns.Release(c.c.h.idx)
	c.gen = 0
	freeHandle(c.handle(), sizeofCConn)
}

// reset is evhttp_connection_reset_: reading and writing stop, the
// descriptor is closed (the close callback told), the buffers emptied.
func (c *Conn) reset() {
	c.bev.Disable(reactor.EV_READ | reactor.EV_WRITE)
	if c.fd == -1 {
		c.fd = int32(c.bev.Fd())
	}
	if c.fd != -1 {
		if c.connected() && c.closecb != nil {
			callConnCB(c.closecb, c.handle(), c.closeArg)
			if c.freed {
				return
			}
		}
		shutdownWrite(int(c.fd))
		closeFd(int(c.fd))
		c.fd = -1
	}
	c.bev.SetFd(-1)
	c.bev.DrainAll()
	c.flags &^= conReadingError
	c.state = stDisconnected
}

// ---- writing ----

// writeBuffer is evhttp_write_buffer: when the output is written, do wcb;
// no read callback meanwhile (reading stays on, for close detection).
func (c *Conn) writeBuffer(wcb int, fn, arg unsafe.Pointer) {
	c.wcb, c.wcbFn, c.wcbArg = int8(wcb), fn, arg
	c.setcb(false, true, evcbError)
	c.bev.Enable(reactor.EV_WRITE)
}

// writeCB is evhttp_write_cb.
func (c *Conn) writeCB() {
	switch c.wcb {
	case wcbConnection:
		c.writeConnectionCB()
	case wcbSendDone:
		c.sendDone()
	case wcbContinueDone:
		c.bev.Disable(reactor.EV_WRITE)
	case wcbUser:
		callConnCB(c.wcbFn, c.handle(), c.wcbArg)
	}
}

// sendContinue writes "100 Continue" before reading the body.
func (c *Conn) sendContinue(r *cRequest) {
	c.bev.Enable(reactor.EV_WRITE)
	c.output().AddBytes([]byte("HTTP/" + strconv.Itoa(int(r.major)) + "." + strconv.Itoa(int(r.minor)) + " 100 Continue\r\n\r\n"))
	c.wcb, c.wcbFn, c.wcbArg = wcbContinueDone, nil, nil
	c.setcb(true, true, evcbError)
}

// makeHeader is evhttp_make_header: the first line and the headers of a
// request or reply into the output, then the body (a request waiting for
// 100 Continue keeps its body).
func (c *Conn) makeHeader(p unsafe.Pointer) {
	r := reqAt(p)
	out := c.output()
	var b []byte
	if r.kind == kindRequest {
		removeHeader(r.outHeaders, "Proxy-Connection")
		m := methodName(r.typ)
		if m == "" {
			m = "NULL"
		}
		b = append(b, m...)
		b = append(b, ' ')
		if r.uri != nil {
			b = append(b, cview(unsafe.Pointer(r.uri))...)
		} else {
			b = append(b, "(null)"...)
		}
		b = append(b, " HTTP/"...)
		b = strconv.AppendInt(b, int64(r.major), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.minor), 10)
		b = append(b, "\r\n"...)
		if (r.typ == reqPOST || r.typ == reqPUT) && findHeader(r.outHeaders, "Content-Length") == nil {
			n := 0
			if ob := buf(r.outputBuffer, "evhttp_make_request"); ob != nil {
				n = ob.Len()
			}
			addHeader(r.outHeaders, "Content-Length", strconv.Itoa(n), false)
		}
	} else {
		b = c.makeHeaderResponse(r, b)
	}
	for kv := (*cKeyvalq)(r.outHeaders).first; kv != nil; kv = kv.next {
		b = appendCStr(b, kv.key)
		b = append(b, ": "...)
		b = appendCStr(b, kv.value)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	out.AddBytes(b)
	if haveExpect(r, false) != expectContinue {
		if ob := buf(r.outputBuffer, "evhttp_make_header"); ob != nil && ob.Len() > 0 {
			out.AddBuffer(ob)
		}
	}
}

func appendCStr(b []byte, p *byte) []byte {
	if p == nil {
		return append(b, "(null)"...)
	}
	return append(b, cview(unsafe.Pointer(p))...)
}

// makeHeaderResponse: the status line, and the headers libevent adds to a
// reply (Date, Connection, Content-Length, Content-Type).
func (c *Conn) makeHeaderResponse(r *cRequest, b []byte) []byte {
	keepalive := isKeepalive(r.inHeaders)
	b = append(b, "HTTP/"...)
	b = strconv.AppendInt(b, int64(r.major), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(r.minor), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.responseCode), 10)
	b = append(b, ' ')
	b = appendCStr(b, r.responseLine)
	b = append(b, "\r\n"...)
	if r.major == 1 {
		if r.minor >= 1 && findHeader(r.outHeaders, "Date") == nil {
			addHeader(r.outHeaders, "Date", httpDate(), false)
		}
		if r.minor == 0 && keepalive {
			addHeader(r.outHeaders, "Connection", "keep-alive", false)
		}
		if (r.minor >= 1 || keepalive) && needsBody(r) {
			n := 0
			if ob := buf(r.outputBuffer, "evhttp_send_reply"); ob != nil {
				n = ob.Len()
			}
			maybeAddContentLength(r.outHeaders, n)
		}
	}
	if needsBody(r) && findHeader(r.outHeaders, "Content-Type") == nil && c.server != nil {
		if ct, ok := c.server.contentType(); ok {
			addHeader(r.outHeaders, "Content-Type", ct, false)
		}
	}
	if isConnectionClose(r.flags, r.inHeaders) {
		removeHeader(r.outHeaders, "Connection")
		if r.flags&proxyRequest == 0 {
			addHeader(r.outHeaders, "Connection", "close", false)
		}
		removeHeader(r.outHeaders, "Proxy-Connection")
	}
	return b
}

// ---- failure ----

// incomingFail is evhttp_connection_incoming_fail: -1 when the connection
// should just be dropped.
func (c *Conn) incomingFail(p unsafe.Pointer, err int) int {
	r := reqAt(p)
	if err == errDataTooLong {
		r.responseCode = 413
	} else {
		r.responseCode = 400
	}
	switch err {
	case errTimeout, errEOF:
		if !r.userdone() {
			c.removeReq(p)
			r.evcon = nil
		}
		return -1
	}
	if r.uri != nil {
		cFree(unsafe.Pointer(r.uri))
		r.uri = nil
	}
	if r.uriElems != nil {
		uriFree(r.uriElems)
		r.uriElems = nil
	}
	c.callReqCB(p)
	return 0
}

// callReqCB runs the request's completion callback (the server's own
// handler for server requests).
func (c *Conn) callReqCB(p unsafe.Pointer) {
	r := reqAt(p)
	fn, arg := r.cb, r.cbArg
	if fn == nil {
		return
	}
	if fn == handleRequestFn {
		handleRequestFromC(p, arg)
		return
	}
	callReqCB(fn, p, arg)
}

// fail is evhttp_connection_fail_.
func (c *Conn) fail(err int) {
	errsave := int(c.lastErr)
	p := c.first()
	if p == nil {
		return
	}
	c.bev.Disable(reactor.EV_READ | reactor.EV_WRITE)
	if c.flags&conIncoming != 0 {
		if c.incomingFail(p, err) == -1 && !c.freed {
			c.free()
		}
		return
	}
	r := reqAt(p)
	errcb, errArg := r.errorCb, r.cbArg
	var cb, cbArg unsafe.Pointer
	if err != errRequestCancel {
		cb, cbArg = r.cb, r.cbArg
	}
	c.removeReq(p)
	freeAuto(p)
	c.reset()
	if c.freed {
		return
	}
	if len(c.requests) > 0 {
		c.connect()
		if c.freed {
			return
		}
	}
	if errcb != nil {
		callErrorCB(errcb, err, errArg, errsave)
	}
	if cb != nil {
		setErrno(errsave)
		callReqCB(cb, nil, cbArg)
	}
}

// ---- reading ----

// readCB is evhttp_read_cb.
func (c *Conn) readCB() {
	c.readMore.Del()
	p := c.first()
	switch c.state {
	case stReadingFirstline:
		c.readFirstline(p)
	case stReadingHeaders:
		c.readHeader(p)
	case stReadingBody:
		c.readBody(p)
	case stReadingTrailer:
		c.readTrailer(p)
	case stIdle:
		c.reset()
	default:
		// libevent aborts on a read in any other state; data that arrives
		// then stays in the input.
	}
}

// startRead is evhttp_start_read_.
func (c *Conn) startRead() {
	c.bev.Disable(reactor.EV_WRITE)
	c.bev.Enable(reactor.EV_READ)
	c.state = stReadingFirstline
	c.setcb(true, true, evcbError)
	if c.input().Len() > 0 {
		c.scheduleReadMore()
	}
}

// scheduleReadMore runs readCB from the loop later (libevent's
// read_more_deferred_cb): input left over, not processed recursively.
func (c *Conn) scheduleReadMore() {
	if !c.readMore.Assigned() {
		if !c.readMore.Init(c.rb, -1, 0, handlerFunc(func(int16) {
			if !c.freed {
				c.readCB()
			}
		})) {
			return
		}
	}
	if !c.readMore.Pending() {
		c.readMore.Activate()
	}
}

// startWrite is evhttp_start_write_.
func (c *Conn) startWrite() {
	c.bev.Disable(reactor.EV_WRITE)
	c.bev.Enable(reactor.EV_READ)
	c.state = stWriting
	c.writeBuffer(wcbConnection, nil, nil)
}

// readLine is evbuffer_readln with EVBUFFER_EOL_CRLF: the line (a copy)
// and its length, or ok false when no full line is buffered.
func readLine(b *core.Buffer) (line []byte, ok bool) {
	pos, eol := b.SearchEOL(0, core.EolCRLF)
	if pos < 0 {
		return nil, false
	}
	line = make([]byte, pos)
	if pos > 0 {
		b.CopyoutFrom(0, unsafe.Pointer(&line[0]), pos)
	}
	b.Drain(pos + eol)
	return line, true
}

// parseFirstline is evhttp_parse_firstline_.
func (c *Conn) parseFirstline(p unsafe.Pointer) int {
	r := reqAt(p)
	in := c.input()
	line, ok := readLine(in)
	if !ok {
		if uint64(in.Len()) > c.maxHeaders {
			return dataTooLong
		}
		return moreDataExpected
	}
	if uint64(len(line)) > c.maxHeaders {
		return dataTooLong
	}
	r.headersSize = uint64(len(line))
	switch r.kind {
	case kindRequest:
		if c.parseRequestLine(p, cline(line)) < 0 {
			return dataCorrupted
		}
	case kindResponse:
		if parseResponseLine(r, cline(line)) < 0 {
			return dataCorrupted
		}
	default:
		return dataCorrupted
	}
	return allDataRead
}

// parseResponseLine is evhttp_parse_response_line.
func parseResponseLine(r *cRequest, line []byte) int {
	proto, number, reason, ok := splitResponseLine(line)
	if !ok {
		return -1
	}
	major, minor, ok := parseVersion(proto)
	if !ok {
		return -1
	}
	r.major, r.minor = int8(major), int8(minor)
	r.responseCode = atoi(number)
	if r.responseCode == 0 {
		return -1
	}
	if r.responseLine != nil {
		cFree(unsafe.Pointer(r.responseLine))
	}
	r.responseLine = cStrdup(reason)
	if r.responseLine == nil {
		svc.Warnf("evhttp_parse_response_line: strdup")
		return -1
	}
	return 0
}

// parseRequestLine is evhttp_parse_request_line.
func (c *Conn) parseRequestLine(p unsafe.Pointer, line []byte) int {
	r := reqAt(p)
	method, uri, version, ok := splitRequestLine(line)
	if !ok {
		return -1
	}
	r.typ = methodType(method)
	major, minor, ok := parseVersion(version)
	if !ok {
		return -1
	}
	r.major, r.minor = int8(major), int8(minor)
	r.uri = cStrdup(uri)
	if r.uri == nil {
		return -1
	}
	parts, ok := parseURI(uri, uriNonconformant)
	if !ok {
		return -1
	}
	r.uriElems = uriBuild(unsafe.Pointer(r.uri), &parts, uriNonconformant) // r.uri: uri's bytes, in C
	if r.uriElems == nil {
		return -1
	}
	scheme, hasScheme := parts.get(uri, partScheme)
	host, hasHost := parts.get(uri, partHost)
	if hasScheme && (equalFold(scheme, []byte("http")) || equalFold(scheme, []byte("https"))) &&
		hasHost && c.server != nil && !c.server.findVhost(nil, host) {
		r.flags |= proxyRequest
	}
	return 0
}

// parseHeaders is evhttp_parse_headers_.
func (c *Conn) parseHeaders(p unsafe.Pointer) int {
	r := reqAt(p)
	in := c.input()
	status := moreDataExpected
	var packed []byte
	npacked := 0
	flush := func() bool {
		if npacked > 0 {
			if addPacked(r.inHeaders, packed, npacked) < 0 {
				return false
			}
			packed, npacked = packed[:0], 0
		}
		return true
	}
	for {
		line, ok := readLine(in)
		if !ok {
			break
		}
		r.headersSize += uint64(len(line))
		if r.headersSize > c.maxHeaders {
			flush()
			return dataTooLong
		}
		line = cline(line)
		if len(line) == 0 {
			status = allDataRead
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !flush() {
				return dataCorrupted
			}
			for len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				line = line[1:]
			}
			if (*cKeyvalq)(r.inHeaders).first == nil || appendLastHeader(r.inHeaders, trimLWS(line)) < 0 {
				return dataCorrupted
			}
			continue
		}
		key, value, ok := splitHeader(line)
		if !ok || !headerValid(key, value) {
			flush()
			return dataCorrupted
		}
		packed = append(packed, key...)
		packed = append(packed, 0)
		packed = append(packed, value...)
		packed = append(packed, 0)
		npacked++
	}
	if !flush() {
		return dataCorrupted
	}
	if status == moreDataExpected && r.headersSize+uint64(in.Len()) > c.maxHeaders {
		return dataTooLong
	}
	return status
}

// readFirstline is evhttp_read_firstline.
func (c *Conn) readFirstline(p unsafe.Pointer) {
	switch c.parseFirstline(p) {
	case dataCorrupted, dataTooLong:
		c.fail(errInvalidHeader)
		return
	case moreDataExpected:
		c.input().Compact()
		return
	}
	c.state = stReadingHeaders
	c.readHeader(p)
}

// readHeader is evhttp_read_header.
func (c *Conn) readHeader(p unsafe.Pointer) {
	switch c.parseHeaders(p) {
	case dataCorrupted, dataTooLong:
		c.fail(errInvalidHeader)
		return
	case moreDataExpected:
		c.input().Compact()
		return
	}
	r := reqAt(p)
	if r.headerCb != nil {
		if callHeaderCB(r.headerCb, p, r.cbArg) < 0 {
			if !c.freed {
				c.fail(errEOF)
			}
			return
		}
		if c.freed || r.magic != magicReq {
			return
		}
	}
	switch r.kind {
	case kindRequest:
		c.getBody(p)
	case kindResponse:
		if r.responseCode == 100 {
			if ob := buf(r.outputBuffer, "evhttp"); ob != nil {
				c.output().AddBuffer(ob)
			}
			c.startWrite()
			return
		}
		if !needsBody(r) {
			c.done()
		} else {
			c.getBody(p)
		}
	default:
		svc.Warnf("evhttp_read_header: bad header on %d", c.fd)
		c.fail(errInvalidHeader)
	}
}

// mayHaveBody: the methods whose requests may carry a body (2.1.12: all
// but HEAD and TRACE).
func mayHaveBody(t int32) bool {
	switch t {
	case reqPOST, reqPUT, reqPATCH, reqGET, reqDELETE, reqOPTIONS, reqCONNECT:
		return true
	}
	return false
}

// getBodyLength is evhttp_get_body_length.
func (c *Conn) getBodyLength(r *cRequest) int {
	cl := findHeader(r.inHeaders, "Content-Length")
	conn := findHeader(r.inHeaders, "Connection")
	switch {
	case cl == nil && conn == nil:
		r.ntoread = -1
	case cl == nil && !cstrEqFold(conn, "Close"):
		// No length and a connection to keep: no body (2.1.12).
		r.ntoread = 0
	case cl == nil:
		r.ntoread = -1
	default:
		n, ok := contentLength(cview(cl))
		if !ok {
			return -1
		}
		r.ntoread = n
	}
	return 0
}

// getBody is evhttp_get_body.
func (c *Conn) getBody(p unsafe.Pointer) {
	r := reqAt(p)
	if r.kind == kindRequest && !mayHaveBody(r.typ) {
		c.done()
		return
	}
	c.state = stReadingBody
	te := findHeader(r.inHeaders, "Transfer-Encoding")
	if te != nil && cstrEqFold(te, "chunked") {
		r.setChunked(true)
		r.ntoread = -1
	} else {
		if c.getBodyLength(r) == -1 {
			c.fail(errInvalidHeader)
			return
		}
		if r.kind == kindRequest && r.ntoread < 1 {
			c.done()
			return
		}
	}
	switch haveExpect(r, true) {
	case expectContinue:
		if r.ntoread > 0 && c.maxBody <= 1<<63-1 && uint64(r.ntoread) > c.maxBody {
			c.lingeringFail(p)
			return
		}
		if c.input().Len() == 0 {
			c.sendContinue(r)
		}
	case expectOther:
		sendError(p, 417, nil, false)
		return
	}
	c.readBody(p)
}

// handleChunkedRead is evhttp_handle_chunked_read.
func (c *Conn) handleChunkedRead(p unsafe.Pointer) int {
	r := reqAt(p)
	in := c.input()
	for {
		n := in.Len()
		if n == 0 {
			break
		}
		if r.ntoread < 0 {
			line, ok := readLine(in)
			if !ok {
				break
			}
			line = cline(line)
			if len(line) == 0 {
				continue
			}
			size, ok := chunkSize(line)
			if !ok {
				return dataCorrupted
			}
			if uint64(size) > maxSize-r.bodySize {
				return dataCorrupted
			}
			if r.bodySize+uint64(size) > c.maxBody {
				return dataTooLong
			}
			r.bodySize += uint64(size)
			r.ntoread = size
			if size == 0 {
				return allDataRead
			}
			continue
		}
		if r.ntoread > 0 && int64(n) < r.ntoread {
			return moreDataExpected
		}
		ib := buf(r.inputBuffer, "evhttp")
		if ib == nil {
			return dataCorrupted
		}
		in.RemoveBuffer(ib, int(r.ntoread))
		r.ntoread = -1
		if r.chunkCb != nil {
			r.flags |= reqDeferFree
			callReqCB(r.chunkCb, p, r.cbArg)
			ib.Drain(ib.Len())
			r.flags &^= reqDeferFree
			if r.flags&reqNeedsFree != 0 {
				return requestCanceled
			}
			if c.freed {
				return requestCanceled
			}
		}
	}
	return moreDataExpected
}

// readTrailer is evhttp_read_trailer.
func (c *Conn) readTrailer(p unsafe.Pointer) {
	switch c.parseHeaders(p) {
	case dataCorrupted, dataTooLong:
		c.fail(errDataTooLong)
	case allDataRead:
		c.bev.Disable(reactor.EV_READ)
		c.done()
	}
}

// lingeringClose reads and drops the rest of an over-long body, then fails.
func (c *Conn) lingeringClose(p unsafe.Pointer) {
	r := reqAt(p)
	in := c.input()
	n := uint64(in.Len())
	if n > uint64(r.ntoread) {
		n = uint64(r.ntoread)
	}
	r.ntoread -= int64(n)
	r.bodySize += n
	in.Drain(int(n))
	if r.ntoread == 0 {
		c.fail(errDataTooLong)
	}
}

func (c *Conn) lingeringFail(p unsafe.Pointer) {
	if c.flags&conLingeringClose != 0 {
		c.lingeringClose(p)
	} else {
		c.fail(errDataTooLong)
	}
}

// readBody is evhttp_read_body.
func (c *Conn) readBody(p unsafe.Pointer) {
	r := reqAt(p)
	in := c.input()
	if r.chunked() {
		switch c.handleChunkedRead(p) {
		case allDataRead:
			c.state = stReadingTrailer
			c.readTrailer(p)
			return
		case dataCorrupted, dataTooLong:
			c.fail(errDataTooLong)
			return
		case requestCanceled:
			if r.magic == magicReq {
				freeAuto(p)
			}
			return
		}
	} else if r.ntoread < 0 {
		n := uint64(in.Len())
		if r.bodySize+n < r.bodySize {
			c.fail(errInvalidHeader)
			return
		}
		r.bodySize += n
		if ib := buf(r.inputBuffer, "evhttp"); ib != nil {
			ib.AddBuffer(in)
		}
	} else if r.chunkCb != nil || int64(in.Len()) >= r.ntoread {
		n := int64(in.Len())
		if n > r.ntoread {
			n = r.ntoread
		}
		r.ntoread -= n
		r.bodySize += uint64(n)
		if ib := buf(r.inputBuffer, "evhttp"); ib != nil {
			in.RemoveBuffer(ib, int(n))
		}
	}
	if r.bodySize > c.maxBody || (!r.chunked() && r.ntoread >= 0 && uint64(r.ntoread) > c.maxBody) {
		c.lingeringFail(p)
		return
	}
	if ib := buf(r.inputBuffer, "evhttp"); ib != nil && ib.Len() > 0 && r.chunkCb != nil {
		r.flags |= reqDeferFree
		callReqCB(r.chunkCb, p, r.cbArg)
		r.flags &^= reqDeferFree
		ib.Drain(ib.Len())
		if r.flags&reqNeedsFree != 0 {
			freeAuto(p)
			return
		}
		if c.freed {
			return
		}
	}
	if r.ntoread == 0 {
		c.bev.Disable(reactor.EV_READ)
		c.done()
	}
}

// done is evhttp_connection_done: a client hands the reply to its callback
// and goes on with the next request; a server hands the request to its
// handler.
func (c *Conn) done() {
	p := c.first()
	if p == nil {
		return
	}
	r := reqAt(p)
	outgoing := c.flags&conOutgoing != 0
	freeConn := false
	if outgoing {
		needClose := isRequestConnectionClose(r)
		c.removeReq(p)
		r.evcon = nil
		c.state = stIdle
		if needClose {
			c.reset()
			if c.freed {
				return
			}
		}
		switch {
		case len(c.requests) > 0:
			if !c.connected() {
				c.connect()
			} else {
				c.dispatch()
			}
		case !needClose:
			c.startDetectClose()
		case c.flags&conAutofree != 0:
			freeConn = true
		}
	} else {
		c.state = stWriting
	}
	c.callReqCB(p)
	if outgoing {
		if r.magic == magicReq {
			freeAuto(p)
		}
		if freeConn && !c.freed && len(c.requests) == 0 {
			c.free()
		}
	}
}

func (c *Conn) startDetectClose() {
	c.flags |= conCloseDetect
	c.bev.Enable(reactor.EV_READ)
}

func (c *Conn) stopDetectClose() {
	c.flags &^= conCloseDetect
	c.bev.Disable(reactor.EV_READ)
}

// ---- client side ----

// dispatch is evhttp_request_dispatch: write the first queued request.
func (c *Conn) dispatch() {
	p := c.first()
	if p == nil {
		return
	}
	c.stopDetectClose()
	c.state = stWriting
	c.makeHeader(p)
	c.writeBuffer(wcbConnection, nil, nil)
}

// writeConnectionCB is evhttp_write_connectioncb: the request is written,
// read the reply.
func (c *Conn) writeConnectionCB() {
	p := c.first()
	if p == nil || c.output().Len() > 0 {
		return
	}
	reqAt(p).kind = kindResponse
	c.startRead()
}

// connect is evhttp_connection_connect_.
func (c *Conn) connect() int {
	if c.state == stConnecting {
		return 0
	}
	oldState := c.state
	c.reset()
	if c.freed {
		return 0
	}
	c.flags |= conOutgoing
	o := c.outx()
	if o.hasBindAddr || o.bindPort != 0 {
		c.fd = int32(bindSocket(string(o.bindAddr), o.hasBindAddr, int(o.bindPort), false))
		if c.fd == -1 {
			return -1
		}
		c.bev.SetFd(int(c.fd))
	} else {
		c.bev.SetFd(-1)
	}
	c.setcb(false, false, evcbConnect)
	if !c.timeoutSet {
		tv := reactor.Timeval{Sec: connectTimeout}
		c.bev.SetTimeoutsTV(&tv, &tv)
	} else {
		c.bev.SetTimeoutsTV(&c.timeout, &c.timeout)
	}
	c.bev.Enable(reactor.EV_WRITE)
	c.state = stConnecting
	var ret int
	if fam := c.connAddrFamily(); c.flags&conReuseConnected != 0 && fam != 0 {
		ret = c.reconnectAddr()
	} else {
		ret = connectHostname(c.bev.Handle(), o.dns, o.family, unsafe.Pointer(c.c.address), int(c.port))
	}
	if c.freed {
		return 0
	}
	if ret < 0 {
		c.state = oldState
		svc.Warnf("evhttp_connection_connect_: connection to \"%s\" failed", c.address())
		c.cbCleanup()
	}
	return 0
}

// connAddrFamily is the family of the address last connected to (0: none).
func (c *Conn) connAddrFamily() int {
	fam := int(*(*uint16)(unsafe.Pointer(&c.c.addr[0])))
	if fam == afInet || fam == afInet6 {
		return fam
	}
	return 0
}

// connectionCB is evhttp_connection_cb: the connect's outcome.
func (c *Conn) connectionCB(what int16, err int) {
	if c.fd == -1 {
		c.fd = int32(c.bev.Fd())
	}
	if what&core.BevEventConnected == 0 {
		if err == econnrefused {
			c.cbCleanup()
			return
		}
		c.errorCB(what, err)
		return
	}
	if c.fd == -1 {
		c.cbCleanup()
		return
	}
	if soErr := socketError(int(c.fd)); soErr != 0 {
		c.cbCleanup()
		return
	}
	c.saveConnAddr()
	if c.out != nil {
		c.out.retryCnt = 0
	}
	c.state = stIdle
	c.setcb(true, true, evcbError)
	if !c.timeoutSet {
		rd, wr := reactor.Timeval{Sec: readTimeout}, reactor.Timeval{Sec: writeTimeout}
		c.bev.SetTimeoutsTV(&rd, &wr)
	} else {
		c.bev.SetTimeoutsTV(&c.timeout, &c.timeout)
	}
	c.dispatch()
}

// cbCleanup is evhttp_connection_cb_cleanup: retry later, or fail every
// queued request.
func (c *Conn) cbCleanup() {
	c.reset()
	if c.freed {
		return
	}
	if o := c.outx(); o.retryMax < 0 || o.retryCnt < o.retryMax {
		tv := o.retryTV
		for i := 0; i < o.retryCnt; i++ {
			tv.Usec *= 2
			if tv.Usec > 1000000 {
				tv.Usec -= 1000000
				tv.Sec++
			}
			tv.Sec *= 2
			if tv.Sec > 3600 {
				tv.Sec, tv.Usec = 3600, 0
			}
		}
		if !o.retryEv.Assigned() {
			o.retryEv.Init(c.rb, -1, 0, handlerFunc(func(int16) {
				if !c.freed {
					c.state = stDisconnected
					c.connect()
				}
			}))
		}
		o.retryEv.Add(&tv)
		o.retryCnt++
		return
	}
	reqs := c.requests
	c.requests = nil
	for _, p := range reqs {
		r := reqAt(p)
		if r.magic != magicReq {
			continue
		}
		r.evcon = nil
		callReqCB(r.cb, p, r.cbArg)
		if r.magic == magicReq {
			freeAuto(p)
		}
	}
}

// readOnWriteError: after a write error, read what the server said.
func (c *Conn) readOnWriteError(p unsafe.Pointer) {
	if c.flags&conReadingError != 0 {
		c.flags &^= conReadingError
		c.fail(errEOF)
		return
	}
	reqAt(p).kind = kindResponse
	c.bev.DrainAll()
	c.startRead()
	c.flags |= conReadingError
}

// errorCB is evhttp_error_cb.
func (c *Conn) errorCB(what int16, err int) {
	p := c.first()
	if c.fd == -1 {
		c.fd = int32(c.bev.Fd())
	}
	switch c.state {
	case stConnecting:
		if what&core.BevEventTimeout != 0 {
			c.cbCleanup()
			return
		}
	case stReadingBody:
		if r := reqAt(p); p != nil && !r.chunked() && r.ntoread < 0 && what == core.BevEventReading|core.BevEventEOF {
			c.done()
			return
		}
	}
	if c.flags&conCloseDetect != 0 {
		c.flags &^= conCloseDetect
		c.reset()
		if c.freed {
			return
		}
		if len(c.requests) == 0 && c.flags&conOutgoing != 0 && c.flags&conAutofree != 0 {
			c.free()
		}
		return
	}
	if p == nil {
		// libevent would read through a NULL request here; a connection
		// without one has nothing to fail.
		if c.flags&conIncoming != 0 {
			c.free()
		}
		return
	}
	switch {
	case what&core.BevEventTimeout != 0:
		c.fail(errTimeout)
	case what&(core.BevEventEOF|core.BevEventError) != 0:
		if what&core.BevEventWriting != 0 && c.flags&conReadOnWriteError != 0 {
			c.readOnWriteError(p)
			return
		}
		c.fail(errEOF)
	case what == core.BevEventConnected:
	default:
		c.fail(errBufferError)
	}
}

// ---- server side ----

// sendDone is evhttp_send_done: the reply is written; the next request on
// a persistent connection, or the end.
func (c *Conn) sendDone() {
	p := c.first()
	if p == nil {
		return
	}
	c.removeReq(p)
	r := reqAt(p)
	if r.onComplete != nil {
		callReqCB(r.onComplete, p, r.onCompleteA)
		if c.freed {
			if r.magic == magicReq {
				freeRequest(p)
			}
			return
		}
	}
	needClose := (versionBefore(r, 1, 1) && !isKeepalive(r.inHeaders)) || isRequestConnectionClose(r)
	freeRequest(p)
	if needClose {
		c.free()
		return
	}
	if c.associateNewRequest() == -1 {
		c.free()
	}
}

// associateNewRequest is evhttp_associate_new_request_with_connection: the
// request object the next request of a server connection is read into.
func (c *Conn) associateNewRequest() int {
	p := newRequest(handleRequestFn, c.server.handle())
	if p == nil {
		return -1
	}
	r := reqAt(p)
	r.remoteHost = cStrdup(c.address())
	if r.remoteHost == nil && cf != 0 {
		svc.Warnf("evhttp_associate_new_request_with_connection: strdup")
		freeRequest(p)
		return -1
	}
	r.remotePort = c.port
	r.evcon = c.handle()
	r.flags |= reqOwnConnection
	r.setUserdone(true)
	c.requests = append(c.requests, p)
	r.kind = kindRequest
	c.startRead()
	return 0
}

// send is evhttp_send: the reply's header and body, then sendDone.
func (c *Conn) send(p unsafe.Pointer, data *core.Buffer) {
	r := reqAt(p)
	if c.first() != p {
		svc.Warnf("evhttp_send_reply: the request is not the connection's current one")
		return
	}
	r.setUserdone(true)
	if data != nil {
		if ob := buf(r.outputBuffer, "evhttp_send_reply"); ob != nil {
			ob.AddBuffer(data)
		}
	}
	c.makeHeader(p)
	c.writeBuffer(wcbSendDone, nil, nil)
}

// saveConnAddr records the peer's address for evhttp_connection_get_addr.
func (c *Conn) saveConnAddr() {
	getpeername(int(c.fd), c.c.addr[:])
}

// reconnectAddr connects again to the address connected before
// (EVHTTP_CON_REUSE_CONNECTED_ADDR).
func (c *Conn) reconnectAddr() int {
	n := 16
	if c.connAddrFamily() == afInet6 {
		n = 28
	}
	return c.bev.Connect(unsafe.Pointer(&c.c.addr[0]), n)
}
