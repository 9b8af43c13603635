package evdns

import (
	"unsafe"

	"goevent/internal/svc"
	"goevent/reactor"
)

// The C-facing entry points (GEV_OPS_DNS, capi/ops_dns.h): handle checks
// and libevent's failure values; capi/gocore/exports_dns.go calls these.
// The C layer holds the event_base lock around each.

// APIBaseNew is evdns_base_new.
func APIBaseNew(cbase unsafe.Pointer, flags int) unsafe.Pointer {
	rb := reactor.FromC(cbase)
	if rb == nil {
		svc.Warnf("evdns_base_new: event_base %p is not usable by the core", cbase)
		return nil
	}
	b := NewBase(rb, flags)
	if b == nil {
		return nil
	}
	return b.Handle()
}

// APIBaseFree is evdns_base_free.
func APIBaseFree(h unsafe.Pointer, fail bool) {
	if b := BaseFromC(h, "evdns_base_free"); b != nil {
		b.Free(fail)
	}
}

// APIClearHosts is evdns_base_clear_host_addresses.
func APIClearHosts(h unsafe.Pointer) {
	if b := BaseFromC(h, "evdns_base_clear_host_addresses"); b != nil {
		b.ClearHosts()
	}
}

// APINameserverAdd is evdns_base_nameserver_sockaddr_add (and the others).
func APINameserverAdd(h, sa unsafe.Pointer, n int) int {
	b := BaseFromC(h, "evdns_base_nameserver_add")
	if b == nil {
		return -1
	}
	if n < 0 {
		return 2
	}
	if n > 1024 {
		n = 1024 // too long anyway: AddNameserver says 2
	}
	return b.AddNameserver(append([]byte(nil), unsafe.Slice((*byte)(sa), n)...))
}

// APICountNameservers is evdns_base_count_nameservers.
func APICountNameservers(h unsafe.Pointer) int {
	b := BaseFromC(h, "evdns_base_count_nameservers")
	if b == nil {
		return -1
	}
	return b.CountNameservers()
}

// APIClearNameservers is evdns_base_clear_nameservers_and_suspend.
func APIClearNameservers(h unsafe.Pointer) int {
	b := BaseFromC(h, "evdns_base_clear_nameservers_and_suspend")
	if b == nil {
		return -1
	}
	return b.ClearNameservers()
}

// APIResume is evdns_base_resume.
func APIResume(h unsafe.Pointer) int {
	b := BaseFromC(h, "evdns_base_resume")
	if b == nil {
		return -1
	}
	return b.Resume()
}

// APINameserverAddr is evdns_base_get_nameserver_addr: the address's
// length (copied when it fits in n bytes), -1 when there is no such one.
func APINameserverAddr(h unsafe.Pointer, idx int, sa unsafe.Pointer, n int) int {
	b := BaseFromC(h, "evdns_base_get_nameserver_addr")
	if b == nil {
		return -1
	}
	addr, ok := b.NameserverAddr(idx)
	if !ok {
		return -1
	}
	if len(addr) > n {
		return len(addr)
	}
	copy(unsafe.Slice((*byte)(sa), len(addr)), addr)
	return len(addr)
}

// APIResolve is evdns_base_resolve_* (typ: 1, 28, 12).
func APIResolve(h unsafe.Pointer, typ int, name string, flags int, cb, arg unsafe.Pointer) unsafe.Pointer {
	b := BaseFromC(h, "evdns_base_resolve")
	if b == nil {
		return nil
	}
	req := b.Resolve(uint16(typ), name, flags, cb, arg)
	if req == nil {
		return nil
	}
	return unsafe.Pointer(req)
}

// APICancel is evdns_cancel_request (the request's own base whatever base is).
func APICancel(base, req unsafe.Pointer) {
	h, b := HandleFromC(req, "evdns_cancel_request")
	if h == nil || h.cur == nil {
		return
	}
	b.Cancel(h)
}

// APISetOption is evdns_base_set_option.
func APISetOption(h unsafe.Pointer, opt, val string) int {
	b := BaseFromC(h, "evdns_base_set_option")
	if b == nil {
		return -1
	}
	return b.SetOption(opt, val, optionsAll)
}

// APIResolvConfParse is evdns_base_resolv_conf_parse (hasName: filename != NULL).
func APIResolvConfParse(h unsafe.Pointer, flags int, filename string, hasName bool) int {
	b := BaseFromC(h, "evdns_base_resolv_conf_parse")
	if b == nil {
		return -1
	}
	return b.ResolvConfParse(flags, filename, hasName)
}

// APILoadHosts is evdns_base_load_hosts.
func APILoadHosts(h unsafe.Pointer, filename string, hasName bool) int {
	b := BaseFromC(h, "evdns_base_load_hosts")
	if b == nil {
		return -1
	}
	return b.LoadHosts(filename, hasName)
}

// APISearchClear is evdns_base_search_clear.
func APISearchClear(h unsafe.Pointer) {
	if b := BaseFromC(h, "evdns_base_search_clear"); b != nil {
		b.SearchClear()
	}
}

// APISearchAdd is evdns_base_search_add.
func APISearchAdd(h unsafe.Pointer, domain string) {
	if b := BaseFromC(h, "evdns_base_search_add"); b != nil {
		b.SearchAdd(domain)
	}
}

// APISearchNdots is evdns_base_search_ndots_set.
func APISearchNdots(h unsafe.Pointer, n int) {
	if b := BaseFromC(h, "evdns_base_search_ndots_set"); b != nil {
		b.SearchNdots(n)
	}
}

// APIGetAddrInfo is the resolver's part of evdns_getaddrinfo. With an answer
// now it returns nil and sets *res, *errNow; else the request handle (or
// nil with *errNow set to the error for the callback).
func APIGetAddrInfo(h unsafe.Pointer, node string, hints unsafe.Pointer, port int, cb, arg unsafe.Pointer,
	res *unsafe.Pointer, errNow *int32) unsafe.Pointer {
	b := BaseFromC(h, "evdns_getaddrinfo")
	if b == nil {
		*errNow = eaiFail
		return nil
	}
	g, r, e := b.GetAddrInfo(node, hints, port, cb, arg)
	if g != nil {
		return unsafe.Pointer(g.c)
	}
	*res, *errNow = r, int32(e)
	return nil
}

// APIGetAddrInfoCancel is evdns_getaddrinfo_cancel.
func APIGetAddrInfoCancel(p unsafe.Pointer) {
	if g := GaiFromC(p, "evdns_getaddrinfo_cancel"); g != nil && !g.freed {
		g.Cancel()
	}
}

// APIPortNew is evdns_add_server_port_with_base.
func APIPortNew(cbase unsafe.Pointer, fd int, cb, arg unsafe.Pointer) unsafe.Pointer {
	rb := reactor.FromC(cbase)
	if rb == nil {
		svc.Warnf("evdns_add_server_port_with_base: event_base %p is not usable by the core", cbase)
		return nil
	}
	pt := NewPort(rb, fd, cb, arg)
	if pt == nil {
		return nil
	}
	return unsafe.Pointer(pt.c)
}

// APIPortClose is evdns_close_server_port.
func APIPortClose(p unsafe.Pointer) {
	if pt := PortFromC(p, "evdns_close_server_port"); pt != nil && !pt.freed {
		pt.Close()
	}
}

// APIAddReply is evdns_server_request_add_reply.
func APIAddReply(pub unsafe.Pointer, section int, name string, typ, class, ttl, datalen int, isName bool,
	data unsafe.Pointer, dataName string) int {
	s := SreqFromC(pub, "evdns_server_request_add_reply")
	if s == nil || s.freed {
		return -1
	}
	return s.AddReply(section, name, typ, class, ttl, datalen, isName, data, dataName)
}

// APIRespond is evdns_server_request_respond.
func APIRespond(pub unsafe.Pointer, err int) int {
	s := SreqFromC(pub, "evdns_server_request_respond")
	if s == nil || s.freed {
		return -1
	}
	return s.Respond(err)
}

// APIDrop is evdns_server_request_drop.
func APIDrop(pub unsafe.Pointer) int {
	s := SreqFromC(pub, "evdns_server_request_drop")
	if s == nil || s.freed {
		return -1
	}
	return s.Drop()
}
