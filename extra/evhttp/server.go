package evhttp

import (
	"strconv"
	"unsafe"

	"goevent/core"
	"goevent/internal/svc"
	"goevent/reactor"
)

// Servers (struct evhttp): listening sockets, the callbacks per path and
// the generic one, virtual hosts and aliases, the limits given to new
// connections, and what libevent's evhttp_handle_request does with a
// request read on one of its connections.

type httpCB struct {
	what    []byte // the path, as given
	cb, arg unsafe.Pointer
}

// Server is the Go side of one struct evhttp.
type Server struct {
	h     unsafe.Pointer // struct gev_http_handle
	gen   uint64
	rb    *reactor.Base
	cbase unsafe.Pointer

	sockets            []*cBound
	connHead, connTail *Conn
	callbacks          []httpCB
	gencb, gencbArg    unsafe.Pointer
	bevcb, bevcbArg    unsafe.Pointer

	vhosts       []*Server
	isVhost      bool
	vhostPattern []byte
	aliases      [][]byte

	timeout    reactor.Timeval
	timeoutSet bool
	maxHeaders uint64
	maxBody    uint64
	ct         unsafe.Pointer // evhttp_set_default_content_type's string
	ctDefault  bool           // none set: text/html; charset=ISO-8859-1
	allowed    uint16
	flags      int
	freed      bool
}

var servers table[Server]

func serverGen(s *Server) uint64 { return s.gen }

func serverFromC(h unsafe.Pointer, fn string) *Server {
	return lookup(&servers, h, magicServer, "evhttp", fn, serverGen)
}

func (s *Server) handle() unsafe.Pointer { return s.h }

const defaultContentType = "text/html; charset=ISO-8859-1"

// contentType is the Content-Type added to replies with a body, if any.
func (s *Server) contentType() (string, bool) {
	if s.ctDefault {
		return defaultContentType, true
	}
	if s.ct == nil {
		return "", false
	}
	return cstring(s.ct), true
}

// newServer is evhttp_new.
func newServer(rb *reactor.Base) *Server {
	h := allocHandle(int(unsafe.Sizeof(cHandle{})))
	if h == nil {
		svc.Warnf("evhttp_new: out of memory")
		return nil
	}
	s := &Server{h: h, rb: rb, cbase: rb.C(), maxHeaders: maxSize, maxBody: maxSize, ctDefault: true,
		allowed: reqGET | reqPOST | reqHEAD | reqPUT | reqDELETE}
	gen, ok := servers.PutHandle(s, h, magicServer, s.cbase)
	if !ok {
		svc.Warnf("evhttp_new: too many servers")
		freeHandle(h, int(unsafe.Sizeof(cHandle{})))
		return nil
	}
	s.gen = gen
	return s
}

func (s *Server) linkConn(c *Conn) {
	c.prevConn, c.nextConn = s.connTail, nil
	if s.connTail != nil {
		s.connTail.nextConn = c
	} else {
		s.connHead = c
	}
	s.connTail = c
}

func (s *Server) unlinkConn(c *Conn) {
	if c.prevConn != nil {
		c.prevConn.nextConn = c.nextConn
	} else if s.connHead == c {
		s.connHead = c.nextConn
	}
	if c.nextConn != nil {
		c.nextConn.prevConn = c.prevConn
	} else if s.connTail == c {
		s.connTail = c.prevConn
	}
	c.prevConn, c.nextConn = nil, nil
	c.server = nil
	c.c.server = nil
}

// free is evhttp_free: sockets, connections, callbacks, virtual hosts.
func (s *Server) free() {
	if s.freed {
		return
	}
	s.freed = true
	for len(s.sockets) > 0 {
		b := s.sockets[0]
		s.sockets = s.sockets[1:]
		freeBound(b)
	}
	for s.connHead != nil {
		c := s.connHead
		c.free()
		if s.connHead == c { // free was refused (already freeing)
			s.unlinkConn(c)
		}
	}
	s.callbacks = nil
	for _, v := range s.vhosts {
		v.free()
	}
	s.vhosts = nil
	servers.Release((*cHandle)(s.h).idx)
	s.gen = 0
	freeHandle(s.h, int(unsafe.Sizeof(cHandle{})))
	s.h = nil
}

// ---- bound sockets ----

func freeBound(b *cBound) {
	if l := core.ListenerFromHandle(b.listener, "evhttp_del_accept_socket"); l != nil {
		l.FreeListener()
	}
	freeHandle(unsafe.Pointer(b), sizeofCBound)
}

// bindListener is evhttp_bind_listener: the server takes the listener.
func (s *Server) bindListener(lh unsafe.Pointer) unsafe.Pointer {
	l := core.ListenerFromHandle(lh, "evhttp_bind_listener")
	if l == nil {
		return nil
	}
	p := allocHandle(sizeofCBound)
	if p == nil {
		return nil
	}
	b := (*cBound)(p)
	b.magic = magicBound
	b.listener = lh
	b.http = s.h
	s.sockets = append(s.sockets, b)
	l.SetGoAccept(func(fd int, sa unsafe.Pointer, socklen int) {
		if s.freed {
			closeFd(fd)
			return
		}
		s.getRequest(fd, sa, socklen)
	})
	return unsafe.Pointer(b)
}

// acceptSocket is evhttp_accept_socket_with_handle.
func (s *Server) acceptSocket(fd int) unsafe.Pointer {
	const flags = core.LevOptReuseable | core.LevOptCloseOnExec | core.LevOptCloseOnFree
	l := core.NewListener(s.rb, nil, nil, flags, 0, fd)
	if l == nil {
		return nil
	}
	b := s.bindListener(l.Handle())
	if b == nil {
		l.FreeListener()
	}
	return b
}

func (s *Server) delAcceptSocket(b *cBound) {
	for i, x := range s.sockets {
		if x == b {
			s.sockets = append(s.sockets[:i], s.sockets[i+1:]...)
			freeBound(b)
			return
		}
	}
	svc.Warnf("evhttp_del_accept_socket: %p is not a socket of this server", unsafe.Pointer(b))
}

// ---- callbacks, virtual hosts, aliases ----

func (s *Server) setCB(path []byte, cb, arg unsafe.Pointer) int {
	for _, c := range s.callbacks {
		if string(c.what) == string(path) {
			return -1
		}
	}
	s.callbacks = append(s.callbacks, httpCB{append([]byte(nil), path...), cb, arg})
	return 0
}

func (s *Server) delCB(path []byte) int {
	for i, c := range s.callbacks {
		if string(c.what) == string(path) {
			s.callbacks = append(s.callbacks[:i], s.callbacks[i+1:]...)
			return 0
		}
	}
	return -1
}

func (s *Server) addVhost(pattern []byte, v *Server) int {
	if v.isVhost || len(v.sockets) > 0 {
		return -1
	}
	v.isVhost, v.vhostPattern = true, append([]byte(nil), pattern...)
	s.vhosts = append(s.vhosts, v)
	return 0
}

func (s *Server) removeVhost(v *Server) int {
	if !v.isVhost {
		return -1
	}
	for i, x := range s.vhosts {
		if x == v {
			s.vhosts = append(s.vhosts[:i], s.vhosts[i+1:]...)
			break
		}
	}
	v.isVhost, v.vhostPattern = false, nil
	return 0
}

func (s *Server) addAlias(a []byte) int {
	s.aliases = append(s.aliases, append([]byte(nil), a...))
	return 0
}

func (s *Server) removeAlias(a []byte) int {
	for i, x := range s.aliases {
		if equalFold(x, a) {
			s.aliases = append(s.aliases[:i], s.aliases[i+1:]...)
			return 0
		}
	}
	return -1
}

// prefixSuffixMatch is libevent's glob: '*' matches any run of bytes.
func prefixSuffixMatch(pattern, name []byte, ignoreCase bool) bool {
	for {
		if len(pattern) == 0 {
			return len(name) == 0
		}
		c := pattern[0]
		pattern = pattern[1:]
		if c == '*' {
			for len(name) > 0 {
				if prefixSuffixMatch(pattern, name, ignoreCase) {
					return true
				}
				name = name[1:]
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if c != name[0] && (!ignoreCase || lower(c) != lower(name[0])) {
			return false
		}
		name = name[1:]
	}
}

// findAlias searches s and its virtual hosts for an alias equal to host.
func (s *Server) findAlias(out **Server, host []byte) bool {
	for _, a := range s.aliases {
		if equalFold(a, host) {
			if out != nil {
				*out = s
			}
			return true
		}
	}
	for _, v := range s.vhosts {
		if v.findAlias(out, host) {
			return true
		}
	}
	return false
}

// findVhost is evhttp_find_vhost: the server (or virtual host) for host;
// true when an alias or a pattern matched.
func (s *Server) findVhost(out **Server, host []byte) bool {
	if s.findAlias(out, host) {
		return true
	}
	http := s
	found := false
	for {
		old := http
		for _, v := range http.vhosts {
			if prefixSuffixMatch(v.vhostPattern, host, true) {
				http, found = v, true
				break
			}
		}
		if old == http {
			break
		}
	}
	if out != nil {
		*out = http
	}
	return found
}

// ---- requests ----

// handleRequestFromC is evhttp_handle_request, the completion callback of
// the requests a server reads (arg: the server's handle).
func handleRequestFromC(p, arg unsafe.Pointer) {
	if p == nil || reqAt(p).magic != magicReq {
		return
	}
	s := serverFromC(arg, "evhttp_handle_request")
	if s == nil {
		return
	}
	s.handleRequest(p)
}

func (s *Server) handleRequest(p unsafe.Pointer) {
	r := reqAt(p)
	r.setUserdone(false)
	if r.typ == 0 || r.uri == nil {
		sendError(p, int(r.responseCode), nil, false)
		return
	}
	if uint16(r.typ)&s.allowed == 0 {
		sendError(p, 501, nil, false)
		return
	}
	http := s
	if host := requestHost(p); host != nil {
		s.findVhost(&http, cview(host))
	}
	if cb := http.dispatch(r); cb != nil {
		callReqCB(cb.cb, p, cb.arg)
		return
	}
	if http.gencb != nil {
		callReqCB(http.gencb, p, http.gencbArg)
		return
	}
	escaped := htmlEscape(nil, cview(unsafe.Pointer(r.uri)))
	setResponseCode(p, 404, []byte("Not Found"), true)
	page := "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL " +
		string(escaped) + " was not found on this server.</p></body></html>\n"
	sendPage(p, []byte(page))
}

// dispatch is evhttp_dispatch_callback: the callback of the request's
// decoded path.
func (s *Server) dispatch(r *cRequest) *httpCB {
	if len(s.callbacks) == 0 || r.uriElems == nil {
		return nil
	}
	path := cview(unsafe.Pointer((*cURI)(r.uriElems).path))
	translated := cline(decodeURI(nil, path, 0))
	for i := range s.callbacks {
		if string(s.callbacks[i].what) == string(translated) {
			return &s.callbacks[i]
		}
	}
	return nil
}

// requestHost is evhttp_request_get_host: the host of an absolute URI,
// else that of the Host header without its port (kept in host_cache); a C
// string, or nil.
func requestHost(p unsafe.Pointer) unsafe.Pointer {
	r := reqAt(p)
	if r.hostCache != nil {
		return unsafe.Pointer(r.hostCache)
	}
	if r.uriElems != nil {
		if h := (*cURI)(r.uriElems).host; h != nil {
			return unsafe.Pointer(h)
		}
	}
	if r.inHeaders == nil {
		return nil
	}
	hp := findHeader(r.inHeaders, "Host")
	if hp == nil {
		return nil
	}
	host := cview(hp)
	i := len(host) - 1
	for i > 0 && isDigit(host[i]) {
		i--
	}
	if i > 0 && host[i] == ':' {
		r.hostCache = cStrdup(host[:i])
		if r.hostCache == nil {
			svc.Warnf("evhttp_request_get_host: malloc")
			return nil
		}
		return unsafe.Pointer(r.hostCache)
	}
	return hp
}

// cURI mirrors struct evhttp_uri (capi/ops_http.h).
type cURI struct {
	magic    uint32
	flags    uint32
	scheme   *byte
	userinfo *byte
	host     *byte
	port     int32
	_        int32
	path     *byte
	query    *byte
	fragment *byte
}

// getRequest is evhttp_get_request: a connection for an accepted socket.
func (s *Server) getRequest(fd int, sa unsafe.Pointer, socklen int) {
	var hb [1025]byte
	var pb [32]byte
	host, port, ok := nameFromAddr(sa, socklen, &hb, &pb)
	if !ok {
		svc.Warnf("evhttp_get_request: cannot get connection on %d", fd)
		closeFd(fd)
		return
	}
	var bev *core.Bufferevent
	if s.bevcb != nil {
		if bh := callBevCB(s.bevcb, s.cbase, s.bevcbArg); bh != nil {
			bev = core.BevFromHandle(bh, "evhttp_set_bevcb")
		}
		if s.freed {
			closeFd(fd)
			return
		}
	}
	p, _ := strconv.Atoi(string(port))
	c := newConn(s.rb, nil, bev, host, uint16(p), false)
	if c == nil {
		svc.Warnf("evhttp_get_request: cannot get connection on %d", fd)
		closeFd(fd)
		return
	}
	c.maxHeaders, c.maxBody = s.maxHeaders, s.maxBody
	if s.flags&serverLingeringClose != 0 {
		c.flags |= conLingeringClose
	}
	c.flags |= conIncoming
	c.state = stReadingFirstline
	c.fd = int32(fd)
	c.bev.Enable(reactor.EV_READ)
	c.bev.Disable(reactor.EV_WRITE)
	c.bev.SetFd(fd)
	if s.timeoutSet {
		c.setTimeout(&s.timeout)
	}
	c.server = s
	c.c.server = s.h
	s.linkConn(c)
	if c.associateNewRequest() == -1 {
		c.free()
	}
}

// setTimeout is evhttp_connection_set_timeout_tv (nil: the defaults).
func (c *Conn) setTimeout(tv *reactor.Timeval) {
	if tv != nil {
		c.timeout, c.timeoutSet = *tv, true
		c.bev.SetTimeoutsTV(&c.timeout, &c.timeout)
		return
	}
	c.timeout, c.timeoutSet = reactor.Timeval{}, false
	rd, wr := reactor.Timeval{Sec: readTimeout}, reactor.Timeval{Sec: writeTimeout}
	c.bev.SetTimeoutsTV(&rd, &wr)
}

// ---- replies ----

// sendPage is evhttp_send_page_: an HTML page that closes the connection.
func sendPage(p unsafe.Pointer, body []byte) {
	r := reqAt(p)
	if r.major == 0 || r.minor == 0 {
		r.major, r.minor = 1, 1
	}
	if r.kind != kindResponse {
		setResponseCode(p, 200, []byte("OK"), true)
	}
	clearHeaders(r.outHeaders)
	addHeader(r.outHeaders, "Content-Type", "text/html", false)
	addHeader(r.outHeaders, "Connection", "close", false)
	send(p, body)
}

// sendError is evhttp_send_error.
func sendError(p unsafe.Pointer, code int, reason []byte, hasReason bool) {
	if !hasReason {
		reason = []byte(phrase(code))
	}
	setResponseCode(p, code, reason, true)
	c := code
	page := "<HTML><HEAD>\n<TITLE>" + strconv.Itoa(c) + " " + string(cline(reason)) + "</TITLE>\n</HEAD><BODY>\n<H1>" +
		string(cline(reason)) + "</H1>\n</BODY></HTML>\n"
	sendPage(p, []byte(page))
}

// send is evhttp_send with body bytes (nil: none) added to the output.
func send(p unsafe.Pointer, body []byte) {
	r := reqAt(p)
	c := connOf(r)
	if c == nil {
		freeRequest(p)
		return
	}
	if len(body) > 0 {
		if ob := buf(r.outputBuffer, "evhttp_send_reply"); ob != nil {
			ob.AddBytes(body)
		}
	}
	c.send(p, nil)
}

// connOf is the live connection of a request, or nil.
func connOf(r *cRequest) *Conn {
	if r.evcon == nil {
		return nil
	}
	h := (*cHandle)(r.evcon)
	if h.magic != magicConn {
		return nil
	}
	c := conns.Get(h.idx)
	if c == nil || c.gen != h.gen || c.freed {
		return nil
	}
	return c
}
