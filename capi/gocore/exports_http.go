package main

// Exports of GEV_OPS_HTTP (capi/ops_http.h): evhttp, the HTTP server and
// client (extra/evhttp). Same conventions as exports_dns.go; the C layer
// (capi/http*.c) has checked the arguments it can and holds the event_base
// lock.

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include
#include <string.h>
#include "gev_internal.h"
*/
import "C"

import (
	"unsafe"

	"goevent/extra/evhttp"
)

// cbytes views n bytes of C memory at p (nil for none).
func cbytes(p *C.char, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// cstrbytes views a C string (nil: empty, and false).
func cstrbytes(p *C.char) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	return cbytes(p, C.strlen(p)), true
}

//export goevent_http_setup
func goevent_http_setup(cf *C.struct_gev_http_cfuncs) (r C.int) {
	r = -1
	defer guard("evhttp")
	return C.int(evhttp.Setup(unsafe.Pointer(cf)))
}

//export goevent_http_encode
func goevent_http_encode(src *C.char, n C.size_t, plus C.int, out *C.char) (r C.size_t) {
	defer guard("evhttp_uriencode")
	o := unsafe.Slice((*byte)(unsafe.Pointer(out)), 3*int(n)+1)
	return C.size_t(evhttp.APIEncode(cbytes(src, n), plus != 0, o))
}

//export goevent_http_decode
func goevent_http_decode(src *C.char, n C.size_t, mode C.int, out *C.char) (r C.size_t) {
	defer guard("evhttp_uridecode")
	o := unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n)+1)
	return C.size_t(evhttp.APIDecode(cbytes(src, n), int(mode), o))
}

//export goevent_http_htmlescape
func goevent_http_htmlescape(src *C.char, n C.size_t, out *C.char) (r C.size_t) {
	defer guard("evhttp_htmlescape")
	o := unsafe.Slice((*byte)(unsafe.Pointer(out)), 6*int(n)+1)
	return C.size_t(evhttp.APIHTMLEscape(cbytes(src, n), o))
}

//export goevent_http_uri_parse
func goevent_http_uri_parse(src *C.char, n C.size_t, flags C.unsigned, out *C.struct_gev_http_uri_parts) (r C.int) {
	r = -1
	defer guard("evhttp_uri_parse")
	return C.int(evhttp.APIURIParse(cbytes(src, n), uint(flags), unsafe.Pointer(out)))
}

//export goevent_http_uri_check
func goevent_http_uri_check(part C.int, s *C.char, n C.size_t, flags C.unsigned) (r C.int) {
	defer guard("evhttp_uri_set")
	return C.int(evhttp.APIURICheck(int(part), cbytes(s, n), uint(flags)))
}

//export goevent_http_parse_query
func goevent_http_parse_query(s *C.char, n C.size_t, whole C.int, out *C.char) (r C.int64_t) {
	r = -1
	defer guard("evhttp_parse_query")
	o := unsafe.Slice((*byte)(unsafe.Pointer(out)), 2*int(n)+2)
	return C.int64_t(evhttp.APIParseQuery(cbytes(s, n), whole != 0, o))
}

//export goevent_http_new
func goevent_http_new(base *C.struct_event_base) (r *C.struct_evhttp) {
	defer guard("evhttp_new")
	return (*C.struct_evhttp)(evhttp.APINew(unsafe.Pointer(base)))
}

//export goevent_http_free
func goevent_http_free(h *C.struct_evhttp) {
	defer guard("evhttp_free")
	evhttp.APIFree(unsafe.Pointer(h))
}

//export goevent_http_accept_socket
func goevent_http_accept_socket(h *C.struct_evhttp, fd C.int) (r *C.struct_evhttp_bound_socket) {
	defer guard("evhttp_accept_socket")
	return (*C.struct_evhttp_bound_socket)(evhttp.APIAcceptSocket(unsafe.Pointer(h), int(fd)))
}

//export goevent_http_bind_listener
func goevent_http_bind_listener(h *C.struct_evhttp, lev *C.struct_evconnlistener) (r *C.struct_evhttp_bound_socket) {
	defer guard("evhttp_bind_listener")
	return (*C.struct_evhttp_bound_socket)(evhttp.APIBindListener(unsafe.Pointer(h), unsafe.Pointer(lev)))
}

//export goevent_http_del_accept_socket
func goevent_http_del_accept_socket(h *C.struct_evhttp, b *C.struct_evhttp_bound_socket) {
	defer guard("evhttp_del_accept_socket")
	evhttp.APIDelAcceptSocket(unsafe.Pointer(h), unsafe.Pointer(b))
}

//export goevent_http_foreach_bound
func goevent_http_foreach_bound(h *C.struct_evhttp, fn, arg unsafe.Pointer) {
	defer guard("evhttp_foreach_bound_socket")
	evhttp.APIForeachBound(unsafe.Pointer(h), fn, arg)
}

//export goevent_http_set
func goevent_http_set(h *C.struct_evhttp, what C.int, v C.int64_t, p, q unsafe.Pointer) (r C.int) {
	r = -1
	defer guard("evhttp_set")
	return C.int(evhttp.APISet(unsafe.Pointer(h), int(what), int64(v), p, q))
}

//export goevent_http_set_cb
func goevent_http_set_cb(h *C.struct_evhttp, path *C.char, cb, arg unsafe.Pointer) (r C.int) {
	r = -2
	defer guard("evhttp_set_cb")
	b, _ := cstrbytes(path)
	return C.int(evhttp.APISetCB(unsafe.Pointer(h), b, cb, arg))
}

//export goevent_http_del_cb
func goevent_http_del_cb(h *C.struct_evhttp, path *C.char) (r C.int) {
	r = -1
	defer guard("evhttp_del_cb")
	b, _ := cstrbytes(path)
	return C.int(evhttp.APIDelCB(unsafe.Pointer(h), b))
}

//export goevent_http_vhost
func goevent_http_vhost(h *C.struct_evhttp, pattern *C.char, vh *C.struct_evhttp, add C.int) (r C.int) {
	r = -1
	defer guard("evhttp_add_virtual_host")
	b, _ := cstrbytes(pattern)
	return C.int(evhttp.APIVhost(unsafe.Pointer(h), b, unsafe.Pointer(vh), add != 0))
}

//export goevent_http_alias
func goevent_http_alias(h *C.struct_evhttp, alias *C.char, add C.int) (r C.int) {
	r = -1
	defer guard("evhttp_add_server_alias")
	b, _ := cstrbytes(alias)
	return C.int(evhttp.APIAlias(unsafe.Pointer(h), b, add != 0))
}

//export goevent_http_req_new
func goevent_http_req_new(cb, arg unsafe.Pointer) (r *C.struct_evhttp_request) {
	defer guard("evhttp_request_new")
	return (*C.struct_evhttp_request)(evhttp.APIReqNew(cb, arg))
}

//export goevent_http_req_free
func goevent_http_req_free(req *C.struct_evhttp_request) {
	defer guard("evhttp_request_free")
	evhttp.APIReqFree(unsafe.Pointer(req))
}

//export goevent_http_send_error
func goevent_http_send_error(req *C.struct_evhttp_request, code C.int, reason *C.char) {
	defer guard("evhttp_send_error")
	b, ok := cstrbytes(reason)
	evhttp.APISendError(unsafe.Pointer(req), int(code), b, ok)
}

//export goevent_http_send_reply
func goevent_http_send_reply(req *C.struct_evhttp_request, code C.int, reason *C.char, buf *C.struct_evbuffer) {
	defer guard("evhttp_send_reply")
	b, ok := cstrbytes(reason)
	evhttp.APISendReply(unsafe.Pointer(req), int(code), b, ok, unsafe.Pointer(buf))
}

//export goevent_http_reply_start
func goevent_http_reply_start(req *C.struct_evhttp_request, code C.int, reason *C.char) {
	defer guard("evhttp_send_reply_start")
	b, ok := cstrbytes(reason)
	evhttp.APIReplyStart(unsafe.Pointer(req), int(code), b, ok)
}

//export goevent_http_reply_chunk
func goevent_http_reply_chunk(req *C.struct_evhttp_request, buf *C.struct_evbuffer, cb, arg unsafe.Pointer) {
	defer guard("evhttp_send_reply_chunk")
	evhttp.APIReplyChunk(unsafe.Pointer(req), unsafe.Pointer(buf), cb, arg)
}

//export goevent_http_reply_end
func goevent_http_reply_end(req *C.struct_evhttp_request) {
	defer guard("evhttp_send_reply_end")
	evhttp.APIReplyEnd(unsafe.Pointer(req))
}

//export goevent_http_req_host
func goevent_http_req_host(req *C.struct_evhttp_request) (r *C.char) {
	defer guard("evhttp_request_get_host")
	return (*C.char)(evhttp.APIReqHost(unsafe.Pointer(req)))
}

//export goevent_http_make_request
func goevent_http_make_request(evcon *C.struct_evhttp_connection, req *C.struct_evhttp_request, typ C.int, uri *C.char) (r C.int) {
	r = -1
	defer guard("evhttp_make_request")
	b, _ := cstrbytes(uri)
	return C.int(evhttp.APIMakeRequest(unsafe.Pointer(evcon), unsafe.Pointer(req), int(typ), b))
}

//export goevent_http_cancel_request
func goevent_http_cancel_request(req *C.struct_evhttp_request) {
	defer guard("evhttp_cancel_request")
	evhttp.APICancelRequest(unsafe.Pointer(req))
}

//export goevent_http_conn_new
func goevent_http_conn_new(base, fallback *C.struct_event_base, dns *C.struct_evdns_base, bev *C.struct_bufferevent,
	address *C.char, port C.int) (r *C.struct_evhttp_connection) {
	defer guard("evhttp_connection_base_new")
	b, _ := cstrbytes(address)
	return (*C.struct_evhttp_connection)(evhttp.APIConnNew(unsafe.Pointer(base), unsafe.Pointer(fallback),
		unsafe.Pointer(dns), unsafe.Pointer(bev), b, int(port)))
}

//export goevent_http_conn_free
func goevent_http_conn_free(evcon *C.struct_evhttp_connection) {
	defer guard("evhttp_connection_free")
	evhttp.APIConnFree(unsafe.Pointer(evcon))
}

//export goevent_http_conn_set
func goevent_http_conn_set(evcon *C.struct_evhttp_connection, what C.int, v C.int64_t, p, q unsafe.Pointer) (r C.int) {
	r = -1
	defer guard("evhttp_connection_set")
	return C.int(evhttp.APIConnSet(unsafe.Pointer(evcon), int(what), int64(v), p, q))
}
