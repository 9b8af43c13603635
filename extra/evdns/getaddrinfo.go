package evdns

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/extra/internal/cevent"
)

// EVUTIL_EAI_* codes (glibc's EAI_*) evdns_getaddrinfo reports.
const (
	eaiNoname = -2
	eaiAgain  = -3
	eaiFail   = -4
	eaiNodata = -5
	eaiCancel = -90001

	aiCanonname = 0x2
	pfInet      = unix.AF_INET
	pfInet6     = unix.AF_INET6
)

// GaiRequest is an evdns_getaddrinfo_request: an A and/or an AAAA lookup
// whose answers become one evutil_addrinfo list (libevent's
// evdns_getaddrinfo_request). Its C block holds the handle and the hints
// the nodes are made with.
type GaiRequest struct {
	c    *cHandle
	gen  uint64
	base *Base

	hints     unsafe.Pointer // struct evutil_addrinfo (C memory, in the block)
	port      int
	v4        *Handle // the A lookup in progress, nil once its callback ran
	v6        *Handle
	cname     string
	wantCname bool

	pending    unsafe.Pointer // the first family's answer, waiting for the other
	pendingErr int
	timer      cevent.Event // the other family gets gaiSkew more
	ucb, uarg  unsafe.Pointer
	answered   bool // ucb was called (libevent sets user_cb to NULL)

	userCanceled bool
	requestDone  bool // no lookup left: cancel does nothing
	freed        bool
}

var gais table[GaiRequest]

var gaiBlock = sizeofHandle + sizeofAddrinfo

// GaiFromC returns the request of a live handle, or nil (logged).
func GaiFromC(p unsafe.Pointer, fn string) *GaiRequest {
	return lookup(&gais, p, magicGai, "evdns_getaddrinfo_request", fn, func(g *GaiRequest) uint64 { return g.gen })
}

// GetAddrInfo is the part of evdns_getaddrinfo that needs the resolver
// (the C layer answered numeric hosts and bad arguments): the hosts file
// (an answer now: res, 0), else the lookups (a request). hints is the
// adjusted copy (C memory, the caller's); port is from servname.
func (b *Base) GetAddrInfo(node string, hints unsafe.Pointer, port int, cb, arg unsafe.Pointer) (g *GaiRequest, res unsafe.Pointer, errNow int) {
	if res, found := b.fromHosts(node, hints, port); found {
		return nil, res, 0
	}
	p := allocHandle(gaiBlock)
	if p == nil {
		return nil, nil, -10 // EVUTIL_EAI_MEMORY
	}
	g = &GaiRequest{
		c:    (*cHandle)(p),
		base: b,
		port: port,
		ucb:  cb,
		uarg: arg,
	}
	g.hints = unsafe.Add(p, sizeofHandle)
	copy(unsafe.Slice((*byte)(g.hints), sizeofAddrinfo), unsafe.Slice((*byte)(hints), sizeofAddrinfo))
	gen, ok := gais.PutHandle(g, p, magicGai, b.rb.C())
	if !ok {
		freeHandle(p, gaiBlock)
		return nil, nil, -10
	}
	g.gen = gen
	g.wantCname = hintsFlags(g.hints)&aiCanonname != 0
	var sink *string
	if g.wantCname {
		sink = &g.cname
	}
	family := hintsFamily(g.hints)
	if family != pfInet6 {
		if debugOn() {
			logf(logDebug, "Sending request for %s on ipv4 as %p", node, g)
		}
		g.v4 = b.resolve(typeA, node, 0, nil, nil, &reqExt{gcb: g.gotV4, putCname: sink})
	}
	if family != pfInet {
		if debugOn() {
			logf(logDebug, "Sending request for %s on ipv6 as %p", node, g)
		}
		g.v6 = b.resolve(typeAAAA, node, 0, nil, nil, &reqExt{gcb: g.gotV6, putCname: sink})
	}
	g.timer.Init(b.rb, -1, 0, handlerFunc(g.onTimeout))
	if g.v4 != nil || g.v6 != nil {
		return g, nil, noAnswer
	}
	g.free()
	return nil, nil, eaiFail
}

// fromHosts is evdns_getaddrinfo_fromhosts: the entries for node of the
// wanted family (found is true when node is there at all, even with none
// of that family).
func (b *Base) fromHosts(node string, hints unsafe.Pointer, port int) (res unsafe.Pointer, found bool) {
	f := hintsFamily(hints)
	for i := range b.hosts {
		e := &b.hosts[i]
		if !asciiEqualFold(e.name, node) {
			continue
		}
		found = true
		fam := int(binary.NativeEndian.Uint16(e.addr))
		if (fam == unix.AF_INET && f == pfInet6) || (fam == unix.AF_INET6 && f == pfInet) {
			continue
		}
		ai := newAddrinfo(e.addr, hints)
		if ai == nil {
			freeAddrinfo(res)
			return nil, false
		}
		setAddrinfoPort(ai, port) // the first node only, as libevent
		res = appendAddrinfo(res, ai)
	}
	return res, found
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func (g *GaiRequest) gotV4(d *deferred) { g.gotResolve(d, true) }
func (g *GaiRequest) gotV6(d *deferred) { g.gotResolve(d, false) }

// call runs the program's callback once, without the event_base lock.
func (g *GaiRequest) call(result int, res unsafe.Pointer) {
	if g.answered {
		freeAddrinfo(res)
		return
	}
	g.answered = true
	fn, arg := g.ucb, g.uarg
	rb := g.base.rb
	rb.Unlock()
	callGaiCB(fn, arg, result, res)
	rb.Lock()
}

// gotResolve is evdns_getaddrinfo_gotresolve: one family's answer.
func (g *GaiRequest) gotResolve(d *deferred, v4 bool) {
	if g.freed {
		return
	}
	other := &g.v6
	if !v4 {
		other = &g.v4
	}
	if v4 {
		g.v4 = nil
	} else {
		g.v6 = nil
	}
	if *other == nil {
		g.requestDone = true
	}
	result := d.result()
	userCanceled := g.userCanceled
	if result == errCancel && !userCanceled {
		// cancelled by us (the other answer came and the skew ran out)
		if *other == nil {
			g.free()
		}
		return
	}
	if g.answered {
		g.free()
		return
	}
	var err int
	switch {
	case result == errNone && d.addrCount() == 0:
		err = eaiNodata
	case result == errNone:
		err = 0
	case result == errNotExist:
		err = eaiNoname
	default:
		err = eaiFail
	}
	if err != 0 {
		if *other != nil {
			// the other lookup may still succeed
			g.armSkew()
			g.pendingErr = err
			return
		}
		switch {
		case userCanceled:
			g.call(eaiCancel, nil)
		case g.pending != nil:
			res := g.pending
			g.pending = nil
			g.addCname(res)
			g.call(0, res)
		default:
			g.call(err, nil) // this error is at least as telling as the other's

		}
		g.free()
		return
	}
	if userCanceled {
		if *other != nil {
			return // the other one reports
		}
		g.call(eaiCancel, nil)
		g.free()
		return
	}
	res := g.buildList(d, v4)
	if *other != nil {
		g.armSkew()
		g.pending = res
		return
	}
	if g.pending != nil {
		if v4 {
			res = appendAddrinfo(res, g.pending)
		} else {
			res = appendAddrinfo(g.pending, res)
		}
		g.pending = nil
	}
	g.addCname(res)
	g.call(0, res)
	g.free()
}

// buildList makes the nodes for the addresses of an answer.
func (g *GaiRequest) buildList(d *deferred, v4 bool) unsafe.Pointer {
	var sa []byte
	size := 4
	if v4 {
		sa = make([]byte, 16)
		binary.NativeEndian.PutUint16(sa, unix.AF_INET)
	} else {
		sa = make([]byte, 28)
		binary.NativeEndian.PutUint16(sa, unix.AF_INET6)
		size = 16
	}
	binary.BigEndian.PutUint16(sa[2:], uint16(g.port))
	off := 4
	if !v4 {
		off = 8
	}
	var res unsafe.Pointer
	for i := 0; i < d.addrCount(); i++ {
		copy(sa[off:off+size], unsafe.Slice((*byte)(unsafe.Add(d.blk, i*size)), size))
		ai := newAddrinfo(sa, g.hints)
		if ai == nil {
			continue
		}
		res = appendAddrinfo(res, ai)
	}
	return res
}

func (g *GaiRequest) addCname(res unsafe.Pointer) {
	if g.cname != "" && res != nil {
		setCanonname(res, g.cname)
		g.cname = ""
	}
}

func (g *GaiRequest) armSkew() {
	t := tv(g.base.gaiSkew)
	g.timer.Add(&t)
}

// onTimeout is evdns_getaddrinfo_timeout_cb: one family answered, the other
// did not in time: it is cancelled and the program gets what there is.
func (g *GaiRequest) onTimeout(int16) {
	if g.freed {
		return
	}
	v4Timed, v6Timed := false, false
	if g.v4 != nil {
		g.base.Cancel(g.v4)
		v4Timed = true
	}
	if g.v6 != nil {
		g.base.Cancel(g.v6)
		v6Timed = true
	}
	if g.pending != nil {
		res := g.pending
		g.pending = nil
		g.addCname(res)
		g.call(0, res)
	} else {
		e := g.pendingErr
		if e == 0 {
			e = eaiAgain
		}
		g.call(e, nil)
	}
	if !v4Timed && !v6Timed {
		g.free()
	}
}

// Cancel is evdns_getaddrinfo_cancel: the callback gets EVUTIL_EAI_CANCEL
// (from the lookups' own cancelled callbacks).
func (g *GaiRequest) Cancel() {
	if g.requestDone {
		return
	}
	g.timer.Del()
	g.userCanceled = true
	if g.v4 != nil {
		g.base.Cancel(g.v4)
	}
	if g.v6 != nil {
		g.base.Cancel(g.v6)
	}
}

// free is free_getaddrinfo_request.
func (g *GaiRequest) free() {
	if g.freed {
		return
	}
	g.freed = true
	freeAddrinfo(g.pending)
	g.pending = nil
	g.timer.Free()
	gais.Release(g.c.idx)
	freeHandle(unsafe.Pointer(g.c), gaiBlock)
}
