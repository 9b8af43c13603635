package evhttp

import (
	"unsafe"

	"goevent/core"
	"goevent/internal/svc"
	"goevent/reactor"
)

// The C-facing entry points (capi/gocore/exports_http.go): handle checks
// and libevent's failure values. The C layer (capi/http*.c) has checked
// what it can and holds the event_base lock.

// ---- strings ----

// APIEncode writes evhttp_uriencode of src into out (room for 3 bytes per
// input byte) and returns the length.
func APIEncode(src []byte, plus bool, out []byte) int {
	return len(encodeURI(out[:0], src, plus))
}

// APIDecode writes the decoded src into out (as long as src).
func APIDecode(src []byte, mode int, out []byte) int {
	return len(decodeURI(out[:0], src, mode))
}

// APIHTMLEscape writes evhttp_htmlescape of src into out (6 bytes per input
// byte).
func APIHTMLEscape(src []byte, out []byte) int {
	return len(htmlEscape(out[:0], src))
}

// APIURIParse fills the parts of src (a struct gev_http_uri_parts at out):
// 0, or -1 when it does not parse.
func APIURIParse(src []byte, flags uint, out unsafe.Pointer) int {
	p, ok := parseURI(src, flags)
	if !ok {
		return -1
	}
	p.toC(out)
	return 0
}

// APIURICheck: 1 when s is a valid value of the part (evhttp_uri_set_*).
func APIURICheck(part int, s []byte, flags uint) int {
	if checkPart(part, s, flags) {
		return 1
	}
	return 0
}

// APIParseQuery writes the pairs of evhttp_parse_query(_str) into out as
// key\0value\0 (each value up to its first NUL, as strdup would copy it;
// out has room for twice the input plus two) and returns their count, or
// -1.
func APIParseQuery(s []byte, whole bool, out []byte) int {
	pairs, ok := parseQuery(s, whole)
	if !ok {
		return -1
	}
	o := out[:0]
	for _, kv := range pairs {
		o = append(o, kv[0]...)
		o = append(o, 0)
		o = append(o, cline(kv[1])...)
		o = append(o, 0)
	}
	return len(pairs)
}

// ---- servers ----

// APINew is evhttp_new.
func APINew(cbase unsafe.Pointer) unsafe.Pointer {
	rb := core.BaseFromC(cbase, "evhttp_new")
	if rb == nil {
		return nil
	}
	s := newServer(rb)
	if s == nil {
		return nil
	}
	return s.handle()
}

// APIFree is evhttp_free.
func APIFree(h unsafe.Pointer) {
	if s := serverFromC(h, "evhttp_free"); s != nil {
		s.free()
	}
}

// APIAcceptSocket is evhttp_accept_socket_with_handle.
func APIAcceptSocket(h unsafe.Pointer, fd int) unsafe.Pointer {
	s := serverFromC(h, "evhttp_accept_socket")
	if s == nil {
		return nil
	}
	return s.acceptSocket(fd)
}

// APIBindListener is evhttp_bind_listener.
func APIBindListener(h, lev unsafe.Pointer) unsafe.Pointer {
	s := serverFromC(h, "evhttp_bind_listener")
	if s == nil {
		return nil
	}
	return s.bindListener(lev)
}

func boundFromC(p unsafe.Pointer, fn string) *cBound {
	if p == nil {
		svc.Warnf("%s: NULL evhttp_bound_socket", fn)
		return nil
	}
	b := (*cBound)(p)
	if b.magic != magicBound {
		if b.magic == magicDead {
			svc.Warnf("%s: evhttp_bound_socket %p used after it was deleted", fn, p)
		} else {
			svc.Warnf("%s: %p is not a live evhttp_bound_socket", fn, p)
		}
		return nil
	}
	return b
}

// APIDelAcceptSocket is evhttp_del_accept_socket.
func APIDelAcceptSocket(h, bound unsafe.Pointer) {
	s := serverFromC(h, "evhttp_del_accept_socket")
	b := boundFromC(bound, "evhttp_del_accept_socket")
	if s != nil && b != nil {
		s.delAcceptSocket(b)
	}
}

// APIForeachBound is evhttp_foreach_bound_socket.
func APIForeachBound(h, fn, arg unsafe.Pointer) {
	s := serverFromC(h, "evhttp_foreach_bound_socket")
	if s == nil || fn == nil {
		return
	}
	list := append([]*cBound(nil), s.sockets...)
	for _, b := range list {
		if b.magic == magicBound {
			callBoundCB(fn, unsafe.Pointer(b), arg)
		}
	}
}

// Settings of APISet (capi/ops_http.h).
const (
	setMaxHeaders = 1 + iota
	setMaxBody
	setContentType
	setMethods
	setGencb
	setBevcb
	setTimeout
	setFlags
)

// sizeLimit is a max_headers_size/max_body_size setting: negative is no limit.
func sizeLimit(v int64) uint64 {
	if v < 0 {
		return maxSize
	}
	return uint64(v)
}

// APISet changes a setting of a server: 0, or what libevent returns.
func APISet(h unsafe.Pointer, what int, v int64, p, q unsafe.Pointer) int {
	s := serverFromC(h, "evhttp_set")
	if s == nil {
		return -1
	}
	switch what {
	case setMaxHeaders:
		s.maxHeaders = sizeLimit(v)
	case setMaxBody:
		s.maxBody = sizeLimit(v)
	case setContentType:
		s.ct, s.ctDefault = p, false
	case setMethods:
		s.allowed = uint16(v)
	case setGencb:
		s.gencb, s.gencbArg = p, q
	case setBevcb:
		s.bevcb, s.bevcbArg = p, q
	case setTimeout:
		if p == nil {
			s.timeout, s.timeoutSet = reactor.Timeval{}, false
		} else {
			tv := (*reactor.Timeval)(p)
			s.timeout = *tv
			s.timeoutSet = tv.Sec != 0 || tv.Usec != 0
		}
	case setFlags:
		if v&^serverLingeringClose != 0 {
			return 1
		}
		s.flags = int(v)
	}
	return 0
}

// APISetCB is evhttp_set_cb.
func APISetCB(h unsafe.Pointer, path []byte, cb, arg unsafe.Pointer) int {
	s := serverFromC(h, "evhttp_set_cb")
	if s == nil {
		return -2
	}
	return s.setCB(path, cb, arg)
}

// APIDelCB is evhttp_del_cb.
func APIDelCB(h unsafe.Pointer, path []byte) int {
	s := serverFromC(h, "evhttp_del_cb")
	if s == nil {
		return -1
	}
	return s.delCB(path)
}

// APIVhost is evhttp_add_virtual_host (add) and evhttp_remove_virtual_host.
func APIVhost(h unsafe.Pointer, pattern []byte, vh unsafe.Pointer, add bool) int {
	fn := "evhttp_remove_virtual_host"
	if add {
		fn = "evhttp_add_virtual_host"
	}
	s := serverFromC(h, fn)
	v := serverFromC(vh, fn)
	if s == nil || v == nil {
		return -1
	}
	if add {
		return s.addVhost(pattern, v)
	}
	return s.removeVhost(v)
}

// APIAlias is evhttp_add_server_alias (add) and evhttp_remove_server_alias.
func APIAlias(h unsafe.Pointer, alias []byte, add bool) int {
	fn := "evhttp_remove_server_alias"
	if add {
		fn = "evhttp_add_server_alias"
	}
	s := serverFromC(h, fn)
	if s == nil {
		return -1
	}
	if add {
		return s.addAlias(alias)
	}
	return s.removeAlias(alias)
}

// ---- requests ----

// APIReqNew is evhttp_request_new.
func APIReqNew(cb, arg unsafe.Pointer) unsafe.Pointer { return newRequest(cb, arg) }

// APIReqFree is evhttp_request_free.
func APIReqFree(p unsafe.Pointer) {
	if reqLive(p, "evhttp_request_free") {
		freeRequest(p)
	}
}

// APISendError is evhttp_send_error.
func APISendError(p unsafe.Pointer, code int, reason []byte, hasReason bool) {
	if reqLive(p, "evhttp_send_error") {
		sendError(p, code, reason, hasReason)
	}
}

// APISendReply is evhttp_send_reply.
func APISendReply(p unsafe.Pointer, code int, reason []byte, hasReason bool, data unsafe.Pointer) {
	if !reqLive(p, "evhttp_send_reply") {
		return
	}
	var b *core.Buffer
	if data != nil {
		if b = core.BufferFromHandle(data, "evhttp_send_reply"); b == nil {
			return
		}
	}
	setResponseCode(p, code, reason, hasReason)
	r := reqAt(p)
	c := connOf(r)
	if c == nil {
		freeRequest(p)
		return
	}
	c.send(p, b)
}

// APIReplyStart is evhttp_send_reply_start.
func APIReplyStart(p unsafe.Pointer, code int, reason []byte, hasReason bool) {
	if !reqLive(p, "evhttp_send_reply_start") {
		return
	}
	setResponseCode(p, code, reason, hasReason)
	r := reqAt(p)
	if findHeader(r.outHeaders, "Content-Length") == nil && versionAtLeast(r, 1, 1) && needsBody(r) {
		addHeader(r.outHeaders, "Transfer-Encoding", "chunked", false)
		r.setChunked(true)
	} else {
		r.setChunked(false)
	}
	c := connOf(r)
	if c == nil {
		svc.Warnf("evhttp_send_reply_start: the request has no connection")
		return
	}
	c.makeHeader(p)
	c.writeBuffer(wcbNone, nil, nil)
}

// APIReplyChunk is evhttp_send_reply_chunk_with_cb (cb nil: none).
func APIReplyChunk(p, data, cb, arg unsafe.Pointer) {
	if !reqLive(p, "evhttp_send_reply_chunk") {
		return
	}
	r := reqAt(p)
	c := connOf(r)
	if c == nil {
		return
	}
	b := core.BufferFromHandle(data, "evhttp_send_reply_chunk")
	if b == nil || b.Len() == 0 || !needsBody(r) {
		return
	}
	out := c.output()
	if r.chunked() {
		out.AddBytes(appendHex(nil, uint32(b.Len())))
	}
	out.AddBuffer(b)
	if r.chunked() {
		out.AddBytes([]byte("\r\n"))
	}
	if cb != nil {
		c.writeBuffer(wcbUser, cb, arg)
	} else {
		c.writeBuffer(wcbNone, nil, nil)
	}
}

func appendHex(b []byte, n uint32) []byte {
	const digits = "0123456789abcdef"
	var t [8]byte
	i := len(t)
	for {
		i--
		t[i] = digits[n&15]
		n >>= 4
		if n == 0 {
			break
		}
	}
	b = append(b, t[i:]...)
	return append(b, '\r', '\n')
}

// APIReplyEnd is evhttp_send_reply_end.
func APIReplyEnd(p unsafe.Pointer) {
	if !reqLive(p, "evhttp_send_reply_end") {
		return
	}
	r := reqAt(p)
	c := connOf(r)
	if c == nil {
		freeRequest(p)
		return
	}
	r.setUserdone(true)
	switch {
	case r.chunked():
		c.output().AddBytes([]byte("0\r\n\r\n"))
		c.writeBuffer(wcbSendDone, nil, nil)
		r.setChunked(false)
	case c.output().Len() == 0:
		c.sendDone()
	default:
		c.wcb, c.wcbFn, c.wcbArg = wcbSendDone, nil, nil
	}
}

// APIReqHost is evhttp_request_get_host (nil: none).
func APIReqHost(p unsafe.Pointer) unsafe.Pointer {
	if !reqLive(p, "evhttp_request_get_host") {
		return nil
	}
	return requestHost(p)
}

// ---- client requests ----

// APIMakeRequest is evhttp_make_request.
func APIMakeRequest(h, p unsafe.Pointer, typ int, uri []byte) int {
	c := connFromC(h, "evhttp_make_request")
	if c == nil || !reqLive(p, "evhttp_make_request") {
		return -1
	}
	return c.makeRequest(p, int32(typ), uri)
}

// APICancelRequest is evhttp_cancel_request.
func APICancelRequest(p unsafe.Pointer) {
	if reqLive(p, "evhttp_cancel_request") {
		cancelRequest(p)
	}
}

// ---- connections ----

// APIConnNew is evhttp_connection_base_bufferevent_new (cbase may be NULL
// with rbFallback the base to run on: libevent's current base).
func APIConnNew(cbase, fallback, dns, bevh unsafe.Pointer, address []byte, port int) unsafe.Pointer {
	var rb *reactor.Base
	if cbase != nil {
		if rb = core.BaseFromC(cbase, "evhttp_connection_base_new"); rb == nil {
			return nil
		}
	}
	var bev *core.Bufferevent
	if bevh != nil {
		if bev = core.BevFromHandle(bevh, "evhttp_connection_base_bufferevent_new"); bev == nil {
			return nil
		}
	}
	if rb == nil && bev == nil {
		if rb = core.BaseFromC(fallback, "evhttp_connection_base_new"); rb == nil {
			return nil
		}
		bev = core.NewSocketBufferevent(rb, -1, 0)
		if bev == nil {
			return nil
		}
		c := newConn(nil, dns, bev, address, uint16(port), true)
		if c == nil {
			bev.Free()
			return nil
		}
		return c.handle()
	}
	c := newConn(rb, dns, bev, address, uint16(port), true)
	if c == nil {
		return nil
	}
	return c.handle()
}

// APIConnFree is evhttp_connection_free.
func APIConnFree(h unsafe.Pointer) {
	if c := connFromC(h, "evhttp_connection_free"); c != nil {
		c.free()
	}
}

// Settings of APIConnSet (capi/ops_http.h).
const (
	connMaxHeaders = 32 + iota
	connMaxBody
	connFamily
	connFlags
	connBase
	connTimeout
	connRetryTV
	connRetries
	connClosecb
	connLocalAddress
	connLocalPort
	connFreeOnCompletion
)

// APIConnSet changes a setting of a connection.
func APIConnSet(h unsafe.Pointer, what int, v int64, p, q unsafe.Pointer) int {
	c := connFromC(h, "evhttp_connection_set")
	if c == nil {
		return -1
	}
	switch what {
	case connMaxHeaders:
		c.maxHeaders = sizeLimit(v)
	case connMaxBody:
		c.maxBody = sizeLimit(v)
	case connFamily:
		c.outx().family = int(v)
	case connFlags:
		const avail = conReuseConnected | conReadOnWriteError
		if int(v)&^avail != 0 || v > conPublicFlagsEnd {
			return 1
		}
		c.flags &^= avail
		c.flags |= int32(v)
	case connBase:
		rb := core.BaseFromC(p, "evhttp_connection_set_base")
		if rb == nil {
			return -1
		}
		if c.cbase != nil || c.state != stDisconnected {
			svc.Warnf("evhttp_connection_set_base: the connection has a base or is in use")
			return -1
		}
		c.rb, c.cbase = rb, p
		c.c.h.base = p
		c.bev.SetBase(rb)
	case connTimeout:
		if p == nil {
			c.setTimeout(nil)
		} else {
			c.setTimeout((*reactor.Timeval)(p))
		}
	case connRetryTV:
		if p == nil {
			c.outx().retryTV = reactor.Timeval{Sec: 2}
		} else {
			c.outx().retryTV = *(*reactor.Timeval)(p)
		}
	case connRetries:
		c.outx().retryMax = int(v)
	case connClosecb:
		c.closecb, c.closeArg = p, q
	case connLocalAddress:
		if c.state != stDisconnected {
			svc.Warnf("evhttp_connection_set_local_address: the connection is in use")
			return -1
		}
		o := c.outx()
		if p == nil {
			o.bindAddr, o.hasBindAddr = nil, false
		} else {
			o.bindAddr, o.hasBindAddr = append([]byte(nil), cview(p)...), true
		}
	case connLocalPort:
		if c.state != stDisconnected {
			svc.Warnf("evhttp_connection_set_local_port: the connection is in use")
			return -1
		}
		c.outx().bindPort = uint16(v)
	case connFreeOnCompletion:
		c.flags |= conAutofree
	}
	return 0
}
