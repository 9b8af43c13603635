package evhttp

/*
#cgo CFLAGS: -I${SRCDIR}/../../capi -I${SRCDIR}/../../include
#include <stddef.h>
#include <string.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include "ops_http.h"

// The C layouts the package mirrors, for TestLayout.
enum {
	gev_l_req_size = sizeof(struct evhttp_request),
	gev_l_req_evcon = offsetof(struct evhttp_request, evcon),
	gev_l_req_flags = offsetof(struct evhttp_request, flags),
	gev_l_req_in = offsetof(struct evhttp_request, input_headers),
	gev_l_req_remote_port = offsetof(struct evhttp_request, remote_port),
	gev_l_req_kind = offsetof(struct evhttp_request, kind),
	gev_l_req_headers_size = offsetof(struct evhttp_request, headers_size),
	gev_l_req_uri_elems = offsetof(struct evhttp_request, uri_elems),
	gev_l_req_major = offsetof(struct evhttp_request, major),
	gev_l_req_response_code = offsetof(struct evhttp_request, response_code),
	gev_l_req_ntoread = offsetof(struct evhttp_request, ntoread),
	gev_l_req_output_buffer = offsetof(struct evhttp_request, output_buffer),
	gev_l_req_cb = offsetof(struct evhttp_request, cb),
	gev_l_req_on_complete_arg = offsetof(struct evhttp_request, on_complete_cb_arg),
	gev_l_kv_size = sizeof(struct evkeyval),
	gev_l_kv_key = offsetof(struct evkeyval, key),
	gev_l_conn_bev = offsetof(struct gev_http_conn, bev),
	gev_l_conn_address = offsetof(struct gev_http_conn, address),
	gev_l_conn_port = offsetof(struct gev_http_conn, port),
	gev_l_conn_addr = offsetof(struct gev_http_conn, addr),
	gev_l_bound_listener = offsetof(struct gev_http_bound, listener),
	gev_l_uri_size = sizeof(struct evhttp_uri),
	gev_l_uri_host = offsetof(struct evhttp_uri, host),
	gev_l_uri_port = offsetof(struct evhttp_uri, port),
	gev_l_uri_fragment = offsetof(struct evhttp_uri, fragment),
};

// chunked and userdone are bit-fields: which bits they are.
static inline unsigned gev_l_req_bits(void) {
	struct evhttp_request r;
	memset(&r, 0, sizeof r);
	r.chunked = 1;
	unsigned a = *(unsigned *)((char *)&r + offsetof(struct evhttp_request, ntoread) + 8);
	memset(&r, 0, sizeof r);
	r.userdone = 1;
	unsigned b = *(unsigned *)((char *)&r + offsetof(struct evhttp_request, ntoread) + 8);
	return a | b << 8;
}
*/
import "C"

// cLayout are the C facts TestLayout checks the mirrors against.
var cLayout = map[string]uintptr{
	"req.size": C.gev_l_req_size, "req.evcon": C.gev_l_req_evcon, "req.flags": C.gev_l_req_flags,
	"req.inHeaders": C.gev_l_req_in, "req.remotePort": C.gev_l_req_remote_port, "req.kind": C.gev_l_req_kind,
	"req.headersSize": C.gev_l_req_headers_size, "req.uriElems": C.gev_l_req_uri_elems,
	"req.major": C.gev_l_req_major, "req.responseCode": C.gev_l_req_response_code,
	"req.ntoread": C.gev_l_req_ntoread, "req.outputBuffer": C.gev_l_req_output_buffer,
	"req.cb": C.gev_l_req_cb, "req.onCompleteA": C.gev_l_req_on_complete_arg,
	"kv.size": C.gev_l_kv_size, "kv.key": C.gev_l_kv_key,
	"conn.bev": C.gev_l_conn_bev, "conn.address": C.gev_l_conn_address, "conn.port": C.gev_l_conn_port,
	"conn.addr": C.gev_l_conn_addr, "bound.listener": C.gev_l_bound_listener,
	"uri.size": C.gev_l_uri_size, "uri.host": C.gev_l_uri_host, "uri.port": C.gev_l_uri_port,
	"uri.fragment": C.gev_l_uri_fragment,
}

// cReqBits: the bit of chunked (low byte) and of userdone (next byte).
var cReqBits = uint32(C.gev_l_req_bits())
