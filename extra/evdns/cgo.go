package evdns

/*
#cgo CFLAGS: -I${SRCDIR}/../../capi -I${SRCDIR}/../../include
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <event2/util.h>
#include "ops_dns.h"

// Trampolines: one Go->C crossing per call. Function pointers and C
// pointers travel as integers (C values, never Go pointers).

static inline void gev_dns_call_cb(uintptr_t fn, int result, char type, int count, int ttl,
    uintptr_t addrs, uintptr_t arg) {
	((void (*)(int, char, int, int, void *, void *))fn)(result, type, count, ttl,
	    (void *)addrs, (void *)arg);
}

static inline void gev_dns_call_gai_cb(uintptr_t fn, int result, uintptr_t res, uintptr_t arg) {
	((void (*)(int, struct evutil_addrinfo *, void *))fn)(result,
	    (struct evutil_addrinfo *)res, (void *)arg);
}

static inline void gev_dns_call_server_cb(uintptr_t fn, uintptr_t req, uintptr_t arg) {
	((void (*)(void *, void *))fn)((void *)req, (void *)arg);
}

static inline void gev_dns_cf_log(uintptr_t cf, int sev, const char *msg) {
	((const struct gev_dns_cfuncs *)cf)->log(sev, msg);
}

static inline int gev_dns_cf_debug(uintptr_t cf) {
	return ((const struct gev_dns_cfuncs *)cf)->debug_wanted();
}

static inline void *gev_dns_cf_log_fn_ptr(uintptr_t cf) {
	return (void *)((const struct gev_dns_cfuncs *)cf)->log_fn;
}

static inline void *gev_dns_cf_debug_mask_ptr(uintptr_t cf) {
	return (void *)((const struct gev_dns_cfuncs *)cf)->debug_mask;
}

static inline void *gev_dns_cf_new_ai(uintptr_t cf, const void *sa, int len, uintptr_t hints) {
	return ((const struct gev_dns_cfuncs *)cf)->new_addrinfo(
	    (const struct sockaddr *)sa, len, (const struct evutil_addrinfo *)hints);
}

static inline void *gev_dns_cf_append_ai(uintptr_t cf, uintptr_t a, uintptr_t b) {
	return ((const struct gev_dns_cfuncs *)cf)->append_addrinfo(
	    (struct evutil_addrinfo *)a, (struct evutil_addrinfo *)b);
}

static inline void gev_dns_cf_free_ai(uintptr_t cf, uintptr_t ai) {
	((const struct gev_dns_cfuncs *)cf)->free_addrinfo((struct evutil_addrinfo *)ai);
}

static inline uintptr_t gev_dns_cf_strdup(uintptr_t cf, const char *s) {
	return (uintptr_t)((const struct gev_dns_cfuncs *)cf)->strdup(s);
}

static inline int gev_dns_cf_parse_sa(uintptr_t cf, const char *s, void *out, int *len) {
	return ((const struct gev_dns_cfuncs *)cf)->parse_sockaddr_port(s, (struct sockaddr *)out, len);
}

// strtol and strtod as libevent applies them to option values.
static inline long gev_dns_strtol(const char *s, int *rest) {
	char *end;
	long r = strtol(s, &end, 10);
	*rest = *end != 0;
	return r;
}

static inline double gev_dns_strtod(const char *s, int *rest) {
	char *end;
	double r = strtod(s, &end);
	*rest = *end != 0;
	return r;
}

static inline void gev_dns_set_ai_port(uintptr_t ai, int port) {
	struct sockaddr *sa = ((struct evutil_addrinfo *)ai)->ai_addr;
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
}

static inline void gev_dns_set_canonname(uintptr_t ai, uintptr_t name) {
	((struct evutil_addrinfo *)ai)->ai_canonname = (char *)name;
}

static inline int gev_dns_hints_family(uintptr_t hints) {
	return ((const struct evutil_addrinfo *)hints)->ai_family;
}

static inline int gev_dns_hints_flags(uintptr_t hints) {
	return ((const struct evutil_addrinfo *)hints)->ai_flags;
}
*/
import "C"

import (
	"sync/atomic"
	"unsafe"

	"goevent/internal/svc"
)

// Sizes of the C structures the package fills (checked by TestLayout).
const (
	sizeofAddrinfo = int(C.sizeof_struct_evutil_addrinfo)
	sreqPubOff     = int(C.GEV_DNS_SREQ_PUB)
	noAnswer       = int(C.GEV_DNS_NO_ANSWER)
)

// cf is the C layer's table of helpers (struct gev_dns_cfuncs), set once by
// Setup; 0 before (Go unit tests), when the package falls back to Go.
var cf uintptr

// The C variables that say whether a debug message would go anywhere
// (read directly: hot paths must not format, nor cross, for nothing).
var (
	logFnPtr     *uintptr
	debugMaskPtr *uint32
)

// Setup records the C layer's helpers (dns_setup).
func Setup(p unsafe.Pointer) int {
	cf = uintptr(p)
	logFnPtr = (*uintptr)(C.gev_dns_cf_log_fn_ptr(C.uintptr_t(cf)))
	debugMaskPtr = (*uint32)(C.gev_dns_cf_debug_mask_ptr(C.uintptr_t(cf)))
	return 0
}

// debugOn reports whether a debug message would be delivered: to
// evdns_set_log_fn's function, or with event_enable_debug_logging on.
func debugOn() bool {
	if logFnPtr == nil {
		return false
	}
	return atomic.LoadUintptr(logFnPtr) != 0 || atomic.LoadUint32(debugMaskPtr) != 0
}

func callReplyCB(fn, arg unsafe.Pointer, result int, typ byte, count, ttl int, addrs unsafe.Pointer) {
	C.gev_dns_call_cb(C.uintptr_t(uintptr(fn)), C.int(result), C.char(typ), C.int(count), C.int(ttl),
		C.uintptr_t(uintptr(addrs)), C.uintptr_t(uintptr(arg)))
}

func callGaiCB(fn, arg unsafe.Pointer, result int, res unsafe.Pointer) {
	C.gev_dns_call_gai_cb(C.uintptr_t(uintptr(fn)), C.int(result), C.uintptr_t(uintptr(res)), C.uintptr_t(uintptr(arg)))
}

func callServerCB(fn, req, arg unsafe.Pointer) {
	C.gev_dns_call_server_cb(C.uintptr_t(uintptr(fn)), C.uintptr_t(uintptr(req)), C.uintptr_t(uintptr(arg)))
}

// cstr returns s as a NUL-terminated byte slice (Go memory, valid for the
// duration of a C call that does not keep it).
func cstr(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// Severities, as EVDNS_LOG_* (= EVENT_LOG_*).
const (
	logDebug = svc.LogDebug
	logMsg   = svc.LogMsg
	logWarn  = svc.LogWarn
)

// logf is evdns's log: to evdns_set_log_fn's function, else the event log.
// Debug messages are formatted only when something would receive them.
func logf(severity int, format string, args ...any) {
	if cf == 0 {
		if severity != logDebug {
			svc.Logf(severity, format, args...)
		}
		return
	}
	if severity == logDebug && !debugOn() {
		return
	}
	msg := cstr(sprintf(format, args...))
	C.gev_dns_cf_log(C.uintptr_t(cf), C.int(severity), (*C.char)(unsafe.Pointer(&msg[0])))
}

// newAddrinfo makes the evutil_addrinfo node(s) for sa (raw sockaddr bytes)
// with hints (C memory): nil when out of memory.
func newAddrinfo(sa []byte, hints unsafe.Pointer) unsafe.Pointer {
	if cf == 0 || len(sa) == 0 {
		return nil
	}
	return C.gev_dns_cf_new_ai(C.uintptr_t(cf), unsafe.Pointer(&sa[0]), C.int(len(sa)), C.uintptr_t(uintptr(hints)))
}

func appendAddrinfo(a, b unsafe.Pointer) unsafe.Pointer {
	if a == nil {
		return b
	}
	return C.gev_dns_cf_append_ai(C.uintptr_t(cf), C.uintptr_t(uintptr(a)), C.uintptr_t(uintptr(b)))
}

func freeAddrinfo(ai unsafe.Pointer) {
	if ai != nil && cf != 0 {
		C.gev_dns_cf_free_ai(C.uintptr_t(cf), C.uintptr_t(uintptr(ai)))
	}
}

func setAddrinfoPort(ai unsafe.Pointer, port int) {
	C.gev_dns_set_ai_port(C.uintptr_t(uintptr(ai)), C.int(port))
}

// setCanonname gives ai a C copy of name as ai_canonname.
func setCanonname(ai unsafe.Pointer, name string) {
	s := cstr(name)
	p := C.gev_dns_cf_strdup(C.uintptr_t(cf), (*C.char)(unsafe.Pointer(&s[0])))
	C.gev_dns_set_canonname(C.uintptr_t(uintptr(ai)), p)
}

func hintsFamily(hints unsafe.Pointer) int {
	return int(C.gev_dns_hints_family(C.uintptr_t(uintptr(hints))))
}
func hintsFlags(hints unsafe.Pointer) int {
	return int(C.gev_dns_hints_flags(C.uintptr_t(uintptr(hints))))
}

// parseSockaddrPort is evutil_parse_sockaddr_port: the raw sockaddr, or nil.
func parseSockaddrPort(s string) []byte {
	if cf == 0 {
		return parseSockaddrPortGo(s)
	}
	var out [128]byte
	n := C.int(len(out))
	cs := cstr(s)
	if C.gev_dns_cf_parse_sa(C.uintptr_t(cf), (*C.char)(unsafe.Pointer(&cs[0])), unsafe.Pointer(&out[0]), &n) != 0 {
		return nil
	}
	if n < 0 || int(n) > len(out) {
		return nil
	}
	return append([]byte(nil), out[:n]...)
}

// strtoint is libevent's: strtol in base 10, -1 when anything follows the
// number; the long is truncated to int as C does.
func strtoint(s string) int {
	cs := cstr(s)
	var rest C.int
	r := C.gev_dns_strtol((*C.char)(unsafe.Pointer(&cs[0])), &rest)
	if rest != 0 {
		return -1
	}
	return int(int32(r))
}

// strtod is C's strtod; ok is false when anything follows the number.
func strtod(s string) (float64, bool) {
	cs := cstr(s)
	var rest C.int
	r := C.gev_dns_strtod((*C.char)(unsafe.Pointer(&cs[0])), &rest)
	return float64(r), rest == 0
}
