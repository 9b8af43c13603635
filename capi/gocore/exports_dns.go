package main

// Exports of GEV_OPS_DNS (capi/ops_dns.h): evdns, the resolver and the DNS
// server (extra/evdns). Same conventions as exports_buffer.go; the C layer
// (capi/dns.c) has checked the arguments it can and holds the event_base lock.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include <string.h>
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/core"
	"goevent/extra/evdns"
)

// gostr is a C string as a Go string ("" for NULL), and whether it was not NULL.
func gostr(s *C.char) (string, bool) {
	if s == nil {
		return "", false
	}
	return C.GoString(s), true
}

//export goevent_dns_setup
func goevent_dns_setup(cf *C.struct_gev_dns_cfuncs) (r C.int) {
	r = -1
	defer guard("evdns")
	return C.int(evdns.Setup(unsafe.Pointer(cf)))
}

//export goevent_dns_base_new
func goevent_dns_base_new(base *C.struct_event_base, flags C.int) (r *C.struct_evdns_base) {
	defer guard("evdns_base_new")
	return (*C.struct_evdns_base)(evdns.APIBaseNew(unsafe.Pointer(base), int(flags)))
}

//export goevent_dns_base_free
func goevent_dns_base_free(b *C.struct_evdns_base, fail C.int) {
	defer guard("evdns_base_free")
	evdns.APIBaseFree(unsafe.Pointer(b), fail != 0)
}

//export goevent_dns_clear_hosts
func goevent_dns_clear_hosts(b *C.struct_evdns_base) {
	defer guard("evdns_base_clear_host_addresses")
	evdns.APIClearHosts(unsafe.Pointer(b))
}

//export goevent_dns_ns_add
func goevent_dns_ns_add(b *C.struct_evdns_base, sa *C.struct_sockaddr, n C.int) (r C.int) {
	r = -1
	defer guard("evdns_base_nameserver_add")
	return C.int(evdns.APINameserverAdd(unsafe.Pointer(b), unsafe.Pointer(sa), int(n)))
}

//export goevent_dns_ns_count
func goevent_dns_ns_count(b *C.struct_evdns_base) (r C.int) {
	r = -1
	defer guard("evdns_base_count_nameservers")
	return C.int(evdns.APICountNameservers(unsafe.Pointer(b)))
}

//export goevent_dns_ns_clear
func goevent_dns_ns_clear(b *C.struct_evdns_base) (r C.int) {
	r = -1
	defer guard("evdns_base_clear_nameservers_and_suspend")
	return C.int(evdns.APIClearNameservers(unsafe.Pointer(b)))
}

//export goevent_dns_resume
func goevent_dns_resume(b *C.struct_evdns_base) (r C.int) {
	r = -1
	defer guard("evdns_base_resume")
	return C.int(evdns.APIResume(unsafe.Pointer(b)))
}

//export goevent_dns_ns_get_addr
func goevent_dns_ns_get_addr(b *C.struct_evdns_base, idx C.int, sa *C.struct_sockaddr, n C.int) (r C.int) {
	r = -1
	defer guard("evdns_base_get_nameserver_addr")
	return C.int(evdns.APINameserverAddr(unsafe.Pointer(b), int(idx), unsafe.Pointer(sa), int(n)))
}

// cview is a C string viewed as a Go string, without a copy: valid only
// during the call (the core copies what it keeps).
func cview(s *C.char) string {
	if s == nil {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(s)), int(C.strlen(s)))
}

//export goevent_dns_resolve
func goevent_dns_resolve(b *C.struct_evdns_base, typ C.int, name *C.char, flags C.int, cb, arg unsafe.Pointer) (r *C.struct_evdns_request) {
	defer guard("evdns_base_resolve")
	n := cview(name)
	return (*C.struct_evdns_request)(evdns.APIResolve(unsafe.Pointer(b), int(typ), n, int(flags), cb, arg))
}

//export goevent_dns_cancel
func goevent_dns_cancel(b *C.struct_evdns_base, req *C.struct_evdns_request) {
	defer guard("evdns_cancel_request")
	evdns.APICancel(unsafe.Pointer(b), unsafe.Pointer(req))
}

//export goevent_dns_set_option
func goevent_dns_set_option(b *C.struct_evdns_base, opt, val *C.char) (r C.int) {
	r = -1
	defer guard("evdns_base_set_option")
	o, _ := gostr(opt)
	v, _ := gostr(val)
	return C.int(evdns.APISetOption(unsafe.Pointer(b), o, v))
}

//export goevent_dns_resolv_conf_parse
func goevent_dns_resolv_conf_parse(b *C.struct_evdns_base, flags C.int, filename *C.char) (r C.int) {
	r = -1
	defer guard("evdns_base_resolv_conf_parse")
	f, ok := gostr(filename)
	return C.int(evdns.APIResolvConfParse(unsafe.Pointer(b), int(flags), f, ok))
}

//export goevent_dns_load_hosts
func goevent_dns_load_hosts(b *C.struct_evdns_base, filename *C.char) (r C.int) {
	r = -1
	defer guard("evdns_base_load_hosts")
	f, ok := gostr(filename)
	return C.int(evdns.APILoadHosts(unsafe.Pointer(b), f, ok))
}

//export goevent_dns_search_clear
func goevent_dns_search_clear(b *C.struct_evdns_base) {
	defer guard("evdns_base_search_clear")
	evdns.APISearchClear(unsafe.Pointer(b))
}

//export goevent_dns_search_add
func goevent_dns_search_add(b *C.struct_evdns_base, domain *C.char) {
	defer guard("evdns_base_search_add")
	d, _ := gostr(domain)
	evdns.APISearchAdd(unsafe.Pointer(b), d)
}

//export goevent_dns_search_ndots
func goevent_dns_search_ndots(b *C.struct_evdns_base, n C.int) {
	defer guard("evdns_base_search_ndots_set")
	evdns.APISearchNdots(unsafe.Pointer(b), int(n))
}

//export goevent_dns_getaddrinfo
func goevent_dns_getaddrinfo(b *C.struct_evdns_base, node *C.char, hints *C.struct_evutil_addrinfo, port C.int,
	cb, arg unsafe.Pointer, res **C.struct_evutil_addrinfo, errNow *C.int) (r *C.struct_evdns_getaddrinfo_request) {
	*errNow = C.GEV_DNS_NO_ANSWER
	defer guard("evdns_getaddrinfo")
	n, _ := gostr(node)
	var out unsafe.Pointer
	e := int32(C.GEV_DNS_NO_ANSWER)
	req := evdns.APIGetAddrInfo(unsafe.Pointer(b), n, unsafe.Pointer(hints), int(port), cb, arg, &out, &e)
	*res = (*C.struct_evutil_addrinfo)(out)
	*errNow = C.int(e)
	return (*C.struct_evdns_getaddrinfo_request)(req)
}

//export goevent_dns_getaddrinfo_cancel
func goevent_dns_getaddrinfo_cancel(req *C.struct_evdns_getaddrinfo_request) {
	defer guard("evdns_getaddrinfo_cancel")
	evdns.APIGetAddrInfoCancel(unsafe.Pointer(req))
}

//export goevent_dns_port_new
func goevent_dns_port_new(base *C.struct_event_base, fd C.int, cb, arg unsafe.Pointer) (r *C.struct_evdns_server_port) {
	defer guard("evdns_add_server_port_with_base")
	return (*C.struct_evdns_server_port)(evdns.APIPortNew(unsafe.Pointer(base), int(fd), cb, arg))
}

//export goevent_dns_port_close
func goevent_dns_port_close(p *C.struct_evdns_server_port) {
	defer guard("evdns_close_server_port")
	evdns.APIPortClose(unsafe.Pointer(p))
}

//export goevent_dns_sreq_add_reply
func goevent_dns_sreq_add_reply(req *C.struct_evdns_server_request, section C.int, name *C.char, typ, class, ttl,
	datalen, isName C.int, data *C.char) (r C.int) {
	r = -1
	defer guard("evdns_server_request_add_reply")
	n, _ := gostr(name)
	var dn string
	if isName != 0 && data != nil {
		dn = C.GoString(data)
	}
	return C.int(evdns.APIAddReply(unsafe.Pointer(req), int(section), n, int(typ), int(class), int(ttl),
		int(datalen), isName != 0, unsafe.Pointer(data), dn))
}

//export goevent_dns_sreq_respond
func goevent_dns_sreq_respond(req *C.struct_evdns_server_request, err C.int) (r C.int) {
	r = -1
	defer guard("evdns_server_request_respond")
	return C.int(evdns.APIRespond(unsafe.Pointer(req), int(err)))
}

//export goevent_dns_sreq_drop
func goevent_dns_sreq_drop(req *C.struct_evdns_server_request) (r C.int) {
	r = -1
	defer guard("evdns_server_request_drop")
	return C.int(evdns.APIDrop(unsafe.Pointer(req)))
}

// bufferevent_socket_connect_hostname with an evdns_base: the bufferevent
// (core) waits for the lookup (evdns) that capi/dns.c starts.

//export goevent_dns_bev_lookup_start
func goevent_dns_bev_lookup_start(bev *C.struct_bufferevent) (r C.int) {
	r = -1
	defer guard("bufferevent_socket_connect_hostname")
	return C.int(core.BevLookupStart(unsafe.Pointer(bev)))
}

//export goevent_dns_bev_lookup_request
func goevent_dns_bev_lookup_request(bev *C.struct_bufferevent, req *C.struct_evdns_getaddrinfo_request) {
	defer guard("bufferevent_socket_connect_hostname")
	p := unsafe.Pointer(req)
	core.BevLookupCancel(unsafe.Pointer(bev), func() { evdns.APIGetAddrInfoCancel(p) })
}

//export goevent_dns_bev_lookup_done
func goevent_dns_bev_lookup_done(bev *C.struct_bufferevent, result C.int, sa *C.struct_sockaddr, socklen C.int) {
	defer guard("bufferevent_socket_connect_hostname")
	core.BevLookupDone(unsafe.Pointer(bev), int(result), unsafe.Pointer(sa), int(socklen))
}
