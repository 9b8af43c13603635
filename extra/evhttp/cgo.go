package evhttp

/*
#cgo CFLAGS: -I${SRCDIR}/../../capi -I${SRCDIR}/../../include
#cgo noescape gev_http_name_from_addr
#cgo nocallback gev_http_name_from_addr
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "gev_fork.h"
#include "ops_http.h"

struct evhttp_request;
struct evhttp_connection;

// Trampolines: one Go->C crossing per call. Function pointers and C
// pointers travel as integers (C values, never Go pointers). Callbacks of
// the program are counted in and out (gev_fork.h: a fork inside one).

static inline void gev_http_call_req_cb(uintptr_t fn, uintptr_t req, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(struct evhttp_request *, void *))fn)((struct evhttp_request *)req, (void *)arg);
	gev_cb_leave();
}

static inline int gev_http_call_header_cb(uintptr_t fn, uintptr_t req, uintptr_t arg) {
	gev_cb_enter();
	int r = ((int (*)(struct evhttp_request *, void *))fn)((struct evhttp_request *)req, (void *)arg);
	gev_cb_leave();
	return r;
}

static inline void gev_http_call_error_cb(uintptr_t fn, int err, uintptr_t arg, int errnum) {
	errno = errnum;
	gev_cb_enter();
	((void (*)(int, void *))fn)(err, (void *)arg);
	gev_cb_leave();
}

static inline void gev_http_call_conn_cb(uintptr_t fn, uintptr_t evcon, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(struct evhttp_connection *, void *))fn)((struct evhttp_connection *)evcon, (void *)arg);
	gev_cb_leave();
}

static inline void gev_http_call_bound_cb(uintptr_t fn, uintptr_t bound, uintptr_t arg) {
	gev_cb_enter();
	((void (*)(void *, void *))fn)((void *)bound, (void *)arg);
	gev_cb_leave();
}

static inline void *gev_http_call_bev_cb(uintptr_t fn, uintptr_t base, uintptr_t arg) {
	gev_cb_enter();
	void *r = ((void *(*)(void *, void *))fn)((void *)base, (void *)arg);
	gev_cb_leave();
	return r;
}

// The server's own request callback (libevent's evhttp_handle_request): the
// cb of the requests a server reads. A real function, so that a program that
// calls req->cb itself gets the request handled (export.go).
extern void goeventHTTPHandle(void *req, void *arg);
static void gev_http_handle_request(struct evhttp_request *req, void *arg) {
	goeventHTTPHandle(req, arg);
}
static inline void *gev_http_handle_addr(void) { return (void *)gev_http_handle_request; }

static inline const struct gev_http_cfuncs *CF(uintptr_t cf) { return (const struct gev_http_cfuncs *)cf; }

static inline void *gev_http_cf_malloc(uintptr_t cf, size_t n) { return CF(cf)->malloc(n); }
static inline void gev_http_cf_free(uintptr_t cf, uintptr_t p) { CF(cf)->free((void *)p); }
static inline int gev_http_cf_add_header(uintptr_t cf, uintptr_t q, const char *k, const char *v, int raw) {
	return raw ? CF(cf)->add_header_raw((struct evkeyvalq *)q, k, v)
	           : CF(cf)->add_header((struct evkeyvalq *)q, k, v);
}
static inline int gev_http_cf_remove_header(uintptr_t cf, uintptr_t q, const char *k) {
	return CF(cf)->remove_header((struct evkeyvalq *)q, k);
}
static inline void gev_http_cf_clear_headers(uintptr_t cf, uintptr_t q) {
	CF(cf)->clear_headers((struct evkeyvalq *)q);
}
static inline int gev_http_cf_add_packed(uintptr_t cf, uintptr_t q, const char *p, int n) {
	return CF(cf)->add_headers_packed((struct evkeyvalq *)q, p, n);
}
static inline int gev_http_cf_append_last(uintptr_t cf, uintptr_t q, const char *s) {
	return CF(cf)->append_last_header((struct evkeyvalq *)q, s);
}
static inline void gev_http_cf_req_release(uintptr_t cf, uintptr_t req) {
	CF(cf)->req_release((struct evhttp_request *)req);
}
static inline void *gev_http_cf_uri_build(uintptr_t cf, uintptr_t src, struct gev_http_uri_parts p, unsigned flags) {
	return CF(cf)->uri_build((const char *)src, &p, flags);
}
static inline void gev_http_cf_uri_free(uintptr_t cf, uintptr_t uri) {
	CF(cf)->uri_free((struct evhttp_uri *)uri);
}
static inline int gev_http_cf_bind_socket(uintptr_t cf, const char *addr, int port, int reuse) {
	return CF(cf)->bind_socket(addr, (uint16_t)port, reuse);
}
static inline int gev_http_cf_connect(uintptr_t cf, uintptr_t bev, uintptr_t dns, int family, const char *host, int port) {
	return CF(cf)->connect_hostname((struct bufferevent *)bev, (struct evdns_base *)dns, family, host, port);
}

static inline void gev_http_set_errno(int e) { errno = e; }

// getnameinfo(NI_NUMERICHOST|NI_NUMERICSERV), as libevent names a client:
// 0, or -1 when it fails.
#include <netdb.h>
static inline int gev_http_name_from_addr(const void *sa, int salen, char *host, int hl, char *serv, int sl) {
	return getnameinfo((const struct sockaddr *)sa, (socklen_t)salen, host, (socklen_t)hl, serv, (socklen_t)sl,
	    NI_NUMERICHOST | NI_NUMERICSERV) == 0 ? 0 : -1;
}

// strtoll and sscanf("HTTP/%d.%d%c") as libevent applies them (for the
// tests: parse.go reproduces them in Go).
static inline long long gev_http_strtoll(const char *s, int base, int *end) {
	char *e;
	long long v = strtoll(s, &e, base);
	*end = (int)(e - s);
	return v;
}
static inline int gev_http_scan_version(const char *s, int *major, int *minor) {
	char ch;
	return sscanf(s, "HTTP/%d.%d%c", major, minor, &ch);
}
static inline int gev_http_atoi(const char *s) { return atoi(s); }

// inet_pton(AF_INET6) as libevent's URI parser applies it to "[...]" hosts.
static inline int gev_http_inet6_ok(const char *s) {
	struct in6_addr a;
	return inet_pton(AF_INET6, s, &a) == 1;
}
*/
import "C"

import (
	"unsafe"

	"goevent/internal/svc"
)

// cf is the C layer's table of helpers (struct gev_http_cfuncs), set once by
// Setup; 0 before (Go unit tests of the pure parts).
var cf uintptr

// handleRequestFn is the address of gev_http_handle_request, the cb of the
// requests a server reads.
var handleRequestFn = C.gev_http_handle_addr()

// Setup records the C layer's helpers (http_setup).
func Setup(p unsafe.Pointer) int {
	cf = uintptr(p)
	return 0
}

func callReqCB(fn, req, arg unsafe.Pointer) {
	C.gev_http_call_req_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(req)), C.uintptr_t(uintptr(arg)))
}

func callHeaderCB(fn, req, arg unsafe.Pointer) int {
	return int(C.gev_http_call_header_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(req)), C.uintptr_t(uintptr(arg))))
}

func callErrorCB(fn unsafe.Pointer, err int, arg unsafe.Pointer, errnum int) {
	C.gev_http_call_error_cb(C.uintptr_t(uintptr(fn)), C.int(err), C.uintptr_t(uintptr(arg)), C.int(errnum))
}

func callConnCB(fn, evcon, arg unsafe.Pointer) {
	C.gev_http_call_conn_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(evcon)), C.uintptr_t(uintptr(arg)))
}

func callBoundCB(fn, bound, arg unsafe.Pointer) {
	C.gev_http_call_bound_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(bound)), C.uintptr_t(uintptr(arg)))
}

// callBevCB runs an evhttp_set_bevcb callback: the bufferevent it made.
func callBevCB(fn, base, arg unsafe.Pointer) unsafe.Pointer {
	return C.gev_http_call_bev_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(base)), C.uintptr_t(uintptr(arg)))
}

// cstr returns s as a NUL-terminated byte slice (Go memory, valid for the
// duration of a C call that does not keep it).
func cstr(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

func cptr(b []byte) *C.char { return (*C.char)(unsafe.Pointer(&b[0])) }

// cMalloc allocates n bytes with the program's allocator (nil: none).
func cMalloc(n int) unsafe.Pointer {
	if cf == 0 || n <= 0 {
		return nil
	}
	return C.gev_http_cf_malloc(C.uintptr_t(cf), C.size_t(n))
}

func cFree(p unsafe.Pointer) {
	if p != nil && cf != 0 {
		C.gev_http_cf_free(C.uintptr_t(cf), C.uintptr_t(uintptr(p)))
	}
}

// cStrdup copies s (up to its first NUL, as C's strdup would see it) into
// the program's allocator's memory: the copy, or nil.
func cStrdup(s []byte) *byte {
	if i := indexNul(s); i >= 0 {
		s = s[:i]
	}
	p := cMalloc(len(s) + 1)
	if p == nil {
		return nil
	}
	d := unsafe.Slice((*byte)(p), len(s)+1)
	copy(d, s)
	d[len(s)] = 0
	return (*byte)(p)
}

func indexNul(s []byte) int {
	for i, c := range s {
		if c == 0 {
			return i
		}
	}
	return -1
}

// addHeader is evhttp_add_header (raw: without its checks) on the list at q.
func addHeader(q unsafe.Pointer, key, value string, raw bool) int {
	k, v := cstr(key), cstr(value)
	r := 0
	if raw {
		r = 1
	}
	return int(C.gev_http_cf_add_header(C.uintptr_t(cf), C.uintptr_t(uintptr(q)), cptr(k), cptr(v), C.int(r)))
}

func removeHeader(q unsafe.Pointer, key string) int {
	k := cstr(key)
	return int(C.gev_http_cf_remove_header(C.uintptr_t(cf), C.uintptr_t(uintptr(q)), cptr(k)))
}

func clearHeaders(q unsafe.Pointer) {
	C.gev_http_cf_clear_headers(C.uintptr_t(cf), C.uintptr_t(uintptr(q)))
}

// addPacked appends n headers packed as key\0value\0... (no checks).
func addPacked(q unsafe.Pointer, packed []byte, n int) int {
	if n == 0 {
		return 0
	}
	return int(C.gev_http_cf_add_packed(C.uintptr_t(cf), C.uintptr_t(uintptr(q)), cptr(packed), C.int(n)))
}

func appendLastHeader(q unsafe.Pointer, s []byte) int {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return int(C.gev_http_cf_append_last(C.uintptr_t(cf), C.uintptr_t(uintptr(q)), cptr(b)))
}

func reqRelease(req unsafe.Pointer) {
	C.gev_http_cf_req_release(C.uintptr_t(cf), C.uintptr_t(uintptr(req)))
}

// uriBuild makes a struct evhttp_uri of the parts p of src, a C string
// (nil: out of memory). The parts go by value and src is C memory: a
// request line costs no Go allocation here.
func uriBuild(src unsafe.Pointer, p *uriParts, flags uint) unsafe.Pointer {
	var cp C.struct_gev_http_uri_parts
	p.toC(unsafe.Pointer(&cp))
	return C.gev_http_cf_uri_build(C.uintptr_t(cf), C.uintptr_t(uintptr(src)), cp, C.unsigned(flags))
}

func uriFree(u unsafe.Pointer) {
	if u != nil {
		C.gev_http_cf_uri_free(C.uintptr_t(cf), C.uintptr_t(uintptr(u)))
	}
}

// bindSocket is libevent's bind_socket (address "" with hasAddr false: NULL).
func bindSocket(address string, hasAddr bool, port int, reuse bool) int {
	var a *C.char
	if hasAddr {
		b := cstr(address)
		a = cptr(b)
		r := C.gev_http_cf_bind_socket(C.uintptr_t(cf), a, C.int(port), boolInt(reuse))
		return int(r)
	}
	return int(C.gev_http_cf_bind_socket(C.uintptr_t(cf), nil, C.int(port), boolInt(reuse)))
}

// connectHostname is bufferevent_socket_connect_hostname; host is a C string.
func connectHostname(bev, dns unsafe.Pointer, family int, host unsafe.Pointer, port int) int {
	return int(C.gev_http_cf_connect(C.uintptr_t(cf), C.uintptr_t(uintptr(bev)), C.uintptr_t(uintptr(dns)), C.int(family), (*C.char)(host), C.int(port)))
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func setErrno(e int) { C.gev_http_set_errno(C.int(e)) }

// nameFromAddr is libevent's name_from_addr: the numeric host and port of
// a peer's address, in the caller's buffers (no Go allocation: see the
// noescape above); ok false when getnameinfo refuses it.
func nameFromAddr(sa unsafe.Pointer, salen int, h *[1025]byte, s *[32]byte) (host, port []byte, ok bool) {
	if C.gev_http_name_from_addr(sa, C.int(salen), (*C.char)(unsafe.Pointer(&h[0])), C.int(len(h)),
		(*C.char)(unsafe.Pointer(&s[0])), C.int(len(s))) != 0 {
		return nil, nil, false
	}
	return cline(h[:]), cline(s[:]), true
}

// inet6OK reports whether s is an IPv6 address for inet_pton.
func inet6OK(s []byte) bool {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return C.gev_http_inet6_ok(cptr(b)) != 0
}

func recoverHandler() {
	if r := recover(); r != nil {
		svc.Logf(svc.LogErr, "evhttp: internal error in the goevent core: %v", r)
	}
}

// Sizes of the C structures the package fills (checked by TestLayout).
const (
	sizeofConnHandle  = int(C.sizeof_struct_gev_http_conn)
	sizeofBound       = int(C.sizeof_struct_gev_http_bound)
	sizeofReqPriv     = int(C.sizeof_struct_gev_http_req_priv)
	sizeofUriParts    = int(C.sizeof_struct_gev_http_uri_parts)
	reqPublic         = int(C.GEV_HTTP_REQ_PUBLIC)
	uriPartsN         = int(C.GEV_URI_NPARTS)
	sizeofSockaddrIn6 = int(C.sizeof_struct_sockaddr_in6)
)

// ---- the C library's number parsing, for the tests of parse.go ----

// libcStrtoll is C's strtoll on s (up to a NUL): the value and where it
// stopped.
func libcStrtoll(s []byte, base int) (int64, int) {
	b := make([]byte, len(s)+1)
	copy(b, s)
	var end C.int
	v := C.gev_http_strtoll(cptr(b), C.int(base), &end)
	return int64(v), int(end)
}

// libcScanVersion is sscanf(s, "HTTP/%d.%d%c"): how many it converted, and
// the two numbers.
func libcScanVersion(s []byte) (n int, major, minor int32) {
	b := make([]byte, len(s)+1)
	copy(b, s)
	var ma, mi C.int
	n = int(C.gev_http_scan_version(cptr(b), &ma, &mi))
	return n, int32(ma), int32(mi)
}

func libcAtoi(s []byte) int32 {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return int32(C.gev_http_atoi(cptr(b)))
}
