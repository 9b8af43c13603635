/*
 * goevent -- event2/util.h
 *
 * Portable integer/socket typedefs, timeval helpers, socket helpers,
 * address parsing, getaddrinfo wrappers and the secure RNG.
 * Linux/x86_64 only: the platform branches collapse to their Linux form.
 */
#ifndef EVENT2_UTIL_H_INCLUDED_
#define EVENT2_UTIL_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>

#include <sys/time.h>
#include <stdint.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <netdb.h>
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

/* ---- fixed-width integer names -------------------------------------- */

#define ev_uint64_t uint64_t
#define ev_int64_t int64_t
#define ev_uint32_t uint32_t
#define ev_int32_t int32_t
#define ev_uint16_t uint16_t
#define ev_int16_t int16_t
#define ev_uint8_t uint8_t
#define ev_int8_t int8_t
#define ev_uintptr_t uintptr_t
#define ev_intptr_t intptr_t

/* Signed size type (ssize_t) and file-offset type (always 64 bits). */
#define ev_ssize_t ssize_t
#define ev_off_t ev_int64_t

/* ---- limits ---------------------------------------------------------- */

#define EV_UINT64_MAX UINT64_MAX
#define EV_INT64_MAX INT64_MAX
#define EV_INT64_MIN INT64_MIN
#define EV_UINT32_MAX UINT32_MAX
#define EV_INT32_MAX INT32_MAX
#define EV_INT32_MIN INT32_MIN
#define EV_UINT16_MAX UINT16_MAX
#define EV_INT16_MAX INT16_MAX
#define EV_INT16_MIN INT16_MIN
#define EV_UINT8_MAX UINT8_MAX
#define EV_INT8_MAX INT8_MAX
#define EV_INT8_MIN INT8_MIN

#define EV_SIZE_MAX EV_UINT64_MAX
#define EV_SSIZE_MAX EV_INT64_MAX
#define EV_SSIZE_MIN ((-EV_SSIZE_MAX) - 1)

/* ---- sockets --------------------------------------------------------- */

/* Length type for socket addresses. */
#define ev_socklen_t socklen_t

/* A socket handle: a plain file descriptor on this platform. */
#define evutil_socket_t int

/* Value that never names a valid socket. */
#define EVUTIL_INVALID_SOCKET -1

/* Last socket error of the calling thread, and a way to set it (errno). */
#define EVUTIL_SOCKET_ERROR() (errno)
#define EVUTIL_SET_SOCKET_ERROR(errcode) \
	do { errno = (errcode); } while (0)
/* Pending error for a given socket (errno here; the argument is unused). */
#define evutil_socket_geterror(sock) (errno)
/* Human-readable text for a socket error; points into libc's storage. */
#define evutil_socket_error_to_string(errcode) (strerror(errcode))

/* Create a connected pair of sockets in sv[0], sv[1]; 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evutil_socketpair(int d, int type, int protocol, evutil_socket_t sv[2]);

/* Put a socket in non-blocking mode; 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_nonblocking(evutil_socket_t sock);

/* Let a listening socket's address be reused right after it closes (SO_REUSEADDR). */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable(evutil_socket_t sock);

/* Let several sockets bind the same port (SO_REUSEPORT); 0 on success. */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock);

/* Restrict an IPv6 listening socket to IPv6 only (IPV6_V6ONLY); 0 on success. */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_ipv6only(evutil_socket_t sock);

/* Mark a socket close-on-exec; 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_closeonexec(evutil_socket_t sock);

/* Close a socket; returns close()'s result. */
EVENT2_EXPORT_SYMBOL
int evutil_closesocket(evutil_socket_t sock);
#define EVUTIL_CLOSESOCKET(s) evutil_closesocket(s)

/* Ask the kernel to delay accept() until data arrives (TCP_DEFER_ACCEPT). */
EVENT2_EXPORT_SYMBOL
int evutil_make_tcp_listen_socket_deferred(evutil_socket_t sock);

/* ---- monotonic clock ------------------------------------------------- */

/* Opaque monotonic timer state. */
struct evutil_monotonic_timer;

/* Flags for evutil_configure_monotonic_time(). */
#define EV_MONOT_PRECISE  1
#define EV_MONOT_FALLBACK 2

/* Allocate a monotonic timer; free it with evutil_monotonic_timer_free(). */
EVENT2_EXPORT_SYMBOL
struct evutil_monotonic_timer *evutil_monotonic_timer_new(void);

/* Release a timer made by evutil_monotonic_timer_new(). */
EVENT2_EXPORT_SYMBOL
void evutil_monotonic_timer_free(struct evutil_monotonic_timer *timer);

/* Prepare a timer according to EV_MONOT_* flags; 0 on success. */
EVENT2_EXPORT_SYMBOL
int evutil_configure_monotonic_time(struct evutil_monotonic_timer *timer,
    int flags);

/* Store the timer's current monotonic time in *tp; 0 on success. */
EVENT2_EXPORT_SYMBOL
int evutil_gettime_monotonic(struct evutil_monotonic_timer *timer,
    struct timeval *tp);

/* ---- struct timeval arithmetic --------------------------------------- */

#define evutil_timeradd(tvp, uvp, vvp) timeradd((tvp), (uvp), (vvp))
#define evutil_timersub(tvp, uvp, vvp) timersub((tvp), (uvp), (vvp))
#define evutil_timerclear(tvp) timerclear(tvp)
#define evutil_timerisset(tvp) timerisset(tvp)
/* Compare two timevals with any relational operator `cmp`. */
#define evutil_timercmp(tvp, uvp, cmp)			\
	(((tvp)->tv_sec == (uvp)->tv_sec) ?		\
	 ((tvp)->tv_usec cmp (uvp)->tv_usec) :		\
	 ((tvp)->tv_sec cmp (uvp)->tv_sec))

/* Wall-clock time of day. */
#define evutil_gettimeofday(tv, tz) gettimeofday((tv), (tz))

/* Byte offset of `field` inside `type`. */
#define evutil_offsetof(type, field) offsetof(type, field)

/* ---- strings ---------------------------------------------------------- */

/* Format tm as an RFC 1123 date ("Sun, 06 Nov 1994 08:49:37 GMT") into
 * date[datelen]; returns the length written. */
EVENT2_EXPORT_SYMBOL
int evutil_date_rfc1123(char *date, const size_t datelen, const struct tm *tm);

/* strtoll() that always yields a 64-bit value. */
EVENT2_EXPORT_SYMBOL
ev_int64_t evutil_strtoll(const char *s, char **endptr, int base);

/* snprintf() that always NUL-terminates; returns the untruncated length. */
EVENT2_EXPORT_SYMBOL
int evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* va_list form of evutil_snprintf(). */
EVENT2_EXPORT_SYMBOL
int evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 0)))
#endif
	;

/* Case-insensitive compare that only folds ASCII letters (locale-independent). */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strcasecmp(const char *str1, const char *str2);

/* Like evutil_ascii_strcasecmp() but looks at no more than n bytes. */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strncasecmp(const char *str1, const char *str2, size_t n);

/* ---- addresses -------------------------------------------------------- */

/* Write the text form of an address into dst[len]; returns dst, or NULL on error. */
EVENT2_EXPORT_SYMBOL
const char *evutil_inet_ntop(int af, const void *src, char *dst, size_t len);

/* inet_pton() that also accepts an IPv6 "%scope" suffix, stored in *indexp. */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton_scope(int af, const char *src, void *dst,
    unsigned *indexp);

/* Parse a textual address into dst; 1 on success, 0 if not parseable, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton(int af, const char *src, void *dst);

struct sockaddr;

/* Parse "addr", "addr:port", "[v6]" or "[v6]:port" into *out, whose capacity
 * is *outlen on entry and the used length on return; 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen);

/* Order two socket addresses (family, address, then port if include_port);
 * returns <0, 0 or >0. */
EVENT2_EXPORT_SYMBOL
int evutil_sockaddr_cmp(const struct sockaddr *sa1, const struct sockaddr *sa2,
    int include_port);

/* ---- getaddrinfo ------------------------------------------------------- */

/* The resolver result type is the system's struct addrinfo. */
#define evutil_addrinfo addrinfo

/* Error codes: the system's EAI_* value where one exists, otherwise a
 * private negative number. */
#if defined(EAI_ADDRFAMILY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_ADDRFAMILY EAI_ADDRFAMILY
#else
#define EVUTIL_EAI_ADDRFAMILY -901
#endif
#if defined(EAI_AGAIN) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_AGAIN EAI_AGAIN
#else
#define EVUTIL_EAI_AGAIN -902
#endif
#if defined(EAI_BADFLAGS) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_BADFLAGS EAI_BADFLAGS
#else
#define EVUTIL_EAI_BADFLAGS -903
#endif
#if defined(EAI_FAIL) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_FAIL EAI_FAIL
#else
#define EVUTIL_EAI_FAIL -904
#endif
#if defined(EAI_FAMILY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_FAMILY EAI_FAMILY
#else
#define EVUTIL_EAI_FAMILY -905
#endif
#if defined(EAI_MEMORY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_MEMORY EAI_MEMORY
#else
#define EVUTIL_EAI_MEMORY -906
#endif
#if defined(EAI_NODATA) && defined(EVENT__HAVE_GETADDRINFO) && \
    (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
#define EVUTIL_EAI_NODATA EAI_NODATA
#else
#define EVUTIL_EAI_NODATA -907
#endif
#if defined(EAI_NONAME) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_NONAME EAI_NONAME
#else
#define EVUTIL_EAI_NONAME -908
#endif
#if defined(EAI_SERVICE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SERVICE EAI_SERVICE
#else
#define EVUTIL_EAI_SERVICE -909
#endif
#if defined(EAI_SOCKTYPE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SOCKTYPE EAI_SOCKTYPE
#else
#define EVUTIL_EAI_SOCKTYPE -910
#endif
#if defined(EAI_SYSTEM) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SYSTEM EAI_SYSTEM
#else
#define EVUTIL_EAI_SYSTEM -911
#endif
/* Reported when an asynchronous lookup is cancelled. */
#define EVUTIL_EAI_CANCEL -90001

/* Hint flags: the system's AI_* value where one exists. */
#if defined(AI_PASSIVE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_PASSIVE AI_PASSIVE
#else
#define EVUTIL_AI_PASSIVE 0x1000
#endif
#if defined(AI_CANONNAME) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_CANONNAME AI_CANONNAME
#else
#define EVUTIL_AI_CANONNAME 0x2000
#endif
#if defined(AI_NUMERICHOST) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_NUMERICHOST AI_NUMERICHOST
#else
#define EVUTIL_AI_NUMERICHOST 0x4000
#endif
#if defined(AI_NUMERICSERV) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_NUMERICSERV AI_NUMERICSERV
#else
#define EVUTIL_AI_NUMERICSERV 0x8000
#endif
#if defined(AI_V4MAPPED) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_V4MAPPED AI_V4MAPPED
#else
#define EVUTIL_AI_V4MAPPED 0x10000
#endif
#if defined(AI_ALL) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_ALL AI_ALL
#else
#define EVUTIL_AI_ALL 0x20000
#endif
#if defined(AI_ADDRCONFIG) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_ADDRCONFIG AI_ADDRCONFIG
#else
#define EVUTIL_AI_ADDRCONFIG 0x40000
#endif

struct evutil_addrinfo;

/* getaddrinfo() with uniform behaviour; on success *res is a list the
 * caller frees with evutil_freeaddrinfo().  Returns 0 or an EVUTIL_EAI_* code. */
EVENT2_EXPORT_SYMBOL
int evutil_getaddrinfo(const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in, struct evutil_addrinfo **res);

/* Free a list returned by evutil_getaddrinfo(). */
EVENT2_EXPORT_SYMBOL
void evutil_freeaddrinfo(struct evutil_addrinfo *ai);

/* Static message text for an EVUTIL_EAI_* code; never free it. */
EVENT2_EXPORT_SYMBOL
const char *evutil_gai_strerror(int err);

/* ---- secure random numbers -------------------------------------------- */

/* Fill buf[0..n) with cryptographically strong random bytes. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_get_bytes(void *buf, size_t n);

/* Seed the generator now rather than on first use; 0 on success, -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_init(void);

/* Use fname instead of /dev/urandom as the seed source; the string is
 * referenced, not copied, so it must stay valid.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_set_urandom_device_file(char *fname);

/* Stir extra entropy from dat[0..datlen) into the generator. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_add_bytes(const char *dat, size_t datlen);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_UTIL_H_INCLUDED_ */
