/*
 * dns.c - evdns entry points (event2/dns.h). The resolver and the DNS
 * server live in the Go core (extra/evdns); this file checks handles and
 * arguments, takes the lock of the handle's event_base around each call
 * into the core (as libevent takes its evdns lock), and does in C what
 * needs no core: error strings, reverse-lookup names, nameserver address
 * parsing, the log function, the fields of a server request a program may
 * also read (flags, the client's address).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns_capi.h"

_Static_assert(sizeof(struct gev_dns_sreq) == GEV_DNS_SREQ_PUB, "GEV_DNS_SREQ_PUB");

extern struct event_base *event_global_current_base_;

/* ---- logging ---- */

static evdns_debug_log_fn_type evdns_log_fn;

void evdns_set_log_fn(evdns_debug_log_fn_type fn)
{
	evdns_log_fn = fn;
}

/* As libevent: with a log function every message goes to it (is_warning
 * for warnings only), else to the event log, where debug messages exist
 * only while event_enable_debug_logging is on. */
void gev_dns_log(int severity, const char *msg)
{
	evdns_debug_log_fn_type fn = evdns_log_fn;
	if (fn) {
		fn(severity == EVENT_LOG_WARN, msg);
		return;
	}
	gev_log(severity, msg);
}

void gev_dns_warnx(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gev_dns_log(EVENT_LOG_WARN, buf);
}

static int dns_debug_wanted(void)
{
	return evdns_log_fn != NULL || gev_debug_mask != 0;
}

/* evdns_shutdown forgets the log function (dns_compat.c). */
void gev_dns_forget_log_fn(void);
void gev_dns_forget_log_fn(void)
{
	evdns_log_fn = NULL;
}

/* Obsolete since libevent 2.0.4: ids come from a secure generator. */
void evdns_set_transaction_id_fn(ev_uint16_t (*fn)(void))
{
	(void)fn;
}

void evdns_set_random_bytes_fn(void (*fn)(char *, size_t))
{
	(void)fn;
}

/* ---- the core ---- */

static char *dns_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = gev_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static const struct gev_dns_cfuncs cfuncs = {
	.log = gev_dns_log,
	.debug_wanted = dns_debug_wanted,
	.new_addrinfo = gev_new_addrinfo,
	.append_addrinfo = gev_addrinfo_append,
	.free_addrinfo = gev_free_addrinfo,
	.strdup = dns_strdup,
	.parse_sockaddr_port = evutil_parse_sockaddr_port,
	.log_fn = (void *const volatile *)&evdns_log_fn,
	.debug_mask = &gev_debug_mask,
};

static int dns_setup(void)
{
	return gev_ops.dns_setup((struct gev_dns_cfuncs *)&cfuncs);
}

static struct gev_setup_once setup_once = GEV_SETUP_ONCE_INIT;

int gev_dns_ready(const char *fn)
{
	return gev_extra_ready(fn, &setup_once, dns_setup);
}

int gev_dns_check(const void *p, uint32_t live, const char *what, const char *fn)
{
	return gev_handle_check(p, live, GEV_DNS_DEAD, what, fn);
}

/* r = expr with h's base lock held (h checked). th_ is kept: h may be freed. */
#define DNS_LOCKED(h, expr) ({ \
	struct gev_thread *th_ = gev_dns_lock(h); \
	__typeof__(expr) r_ = (expr); \
	gev_base_unlock(th_); \
	r_; })
#define DNS_LOCKED_VOID(h, stmt) do { \
	struct gev_thread *th_ = gev_dns_lock(h); \
	stmt; \
	gev_base_unlock(th_); \
} while (0)

static int base_ok(struct evdns_base *b, const char *fn)
{
	return gev_dns_check(b, GEV_DNS_BASE_LIVE, "evdns_base", fn) && gev_dns_ready(fn) == 0;
}

/* ---- resolver ---- */

struct evdns_base *evdns_base_new(struct event_base *base, int flags)
{
	static const char fn[] = "evdns_base_new";
	if (!base)
		base = event_global_current_base_;
	if (!base) {
		gev_warnx("%s: no event_base (none given, and event_init was not called)", fn);
		return NULL;
	}
	if (gev_base_adopt(base, fn) < 0 || gev_dns_ready(fn) < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct evdns_base *b = gev_ops.dns_base_new(base, flags);
	gev_base_unlock(th);
	return b;
}

void evdns_base_free(struct evdns_base *b, int fail_requests)
{
	if (b && ((struct gev_dns_handle *)b)->magic == GEV_DNS_DEAD) {
		gev_warnx("evdns_base_free: double free of evdns_base %p", (void *)b);
		return;
	}
	if (base_ok(b, "evdns_base_free"))
		DNS_LOCKED_VOID(b, gev_ops.dns_base_free(b, fail_requests));
}

void evdns_base_clear_host_addresses(struct evdns_base *b)
{
	if (base_ok(b, "evdns_base_clear_host_addresses"))
		DNS_LOCKED_VOID(b, gev_ops.dns_clear_hosts(b));
}

const char *evdns_err_to_string(int err)
{
	switch (err) {
	case DNS_ERR_NONE: return "no error";
	case DNS_ERR_FORMAT: return "misformatted query";
	case DNS_ERR_SERVERFAILED: return "server failed";
	case DNS_ERR_NOTEXIST: return "name does not exist";
	case DNS_ERR_NOTIMPL: return "query not implemented";
	case DNS_ERR_REFUSED: return "refused";
	case DNS_ERR_TRUNCATED: return "reply truncated or ill-formed";
	case DNS_ERR_UNKNOWN: return "unknown";
	case DNS_ERR_TIMEOUT: return "request timed out";
	case DNS_ERR_SHUTDOWN: return "dns subsystem shut down";
	case DNS_ERR_CANCEL: return "dns request canceled";
	case DNS_ERR_NODATA: return "no records in the reply";
	default: return "[Unknown error code]";
	}
}

static int ns_add(struct evdns_base *b, const struct sockaddr *sa, int len, const char *fn)
{
	if (!base_ok(b, fn))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_ns_add(b, (struct sockaddr *)sa, len));
}

int evdns_base_nameserver_add(struct evdns_base *b, unsigned long int address)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = (in_addr_t)address;
	sin.sin_port = htons(53);
	return ns_add(b, (struct sockaddr *)&sin, sizeof(sin), "evdns_base_nameserver_add");
}

int evdns_base_nameserver_ip_add(struct evdns_base *b, const char *ip_as_string)
{
	static const char fn[] = "evdns_base_nameserver_ip_add";
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	if (!ip_as_string) {
		gev_warnx("%s: NULL address", fn);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(ip_as_string, (struct sockaddr *)&ss, &len)) {
		gev_dns_warnx("Unable to parse nameserver address %s", ip_as_string);
		return 4;
	}
	if (ss.ss_family == AF_INET && ((struct sockaddr_in *)&ss)->sin_port == 0)
		((struct sockaddr_in *)&ss)->sin_port = htons(53);
	else if (ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_port == 0)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(53);
	return ns_add(b, (struct sockaddr *)&ss, len, fn);
}

int evdns_base_nameserver_sockaddr_add(struct evdns_base *b,
    const struct sockaddr *sa, ev_socklen_t len, unsigned flags)
{
	(void)flags;
	if (!sa) {
		gev_warnx("evdns_base_nameserver_sockaddr_add: NULL address");
		return -1;
	}
	return ns_add(b, sa, (int)len, "evdns_base_nameserver_sockaddr_add");
}

int evdns_base_count_nameservers(struct evdns_base *b)
{
	if (!base_ok(b, "evdns_base_count_nameservers"))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_ns_count(b));
}

int evdns_base_clear_nameservers_and_suspend(struct evdns_base *b)
{
	if (!base_ok(b, "evdns_base_clear_nameservers_and_suspend"))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_ns_clear(b));
}

int evdns_base_resume(struct evdns_base *b)
{
	if (!base_ok(b, "evdns_base_resume"))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_resume(b));
}

int evdns_base_get_nameserver_addr(struct evdns_base *b, int idx,
    struct sockaddr *sa, ev_socklen_t len)
{
	if (!base_ok(b, "evdns_base_get_nameserver_addr"))
		return -1;
	if (!sa && len > 0) {
		gev_warnx("evdns_base_get_nameserver_addr: NULL address with length %u", (unsigned)len);
		return -1;
	}
	return DNS_LOCKED(b, gev_ops.dns_ns_get_addr(b, idx, sa, (int)len));
}

/* The type codes of request types (libevent's TYPE_A, TYPE_PTR, TYPE_AAAA). */
#define DNS_TYPE_A    1
#define DNS_TYPE_PTR 12
#define DNS_TYPE_AAAA 28

static struct evdns_request *resolve(struct evdns_base *b, int type, const char *name,
    int flags, evdns_callback_type cb, void *arg, const char *fn)
{
	if (!base_ok(b, fn))
		return NULL;
	if (!name) {
		gev_warnx("%s: NULL name", fn);
		return NULL;
	}
	if (!cb) {
		gev_warnx("%s: NULL callback", fn);
		return NULL;
	}
	return DNS_LOCKED(b, gev_ops.dns_resolve(b, type, (char *)name, flags, (void *)cb, arg));
}

struct evdns_request *evdns_base_resolve_ipv4(struct evdns_base *b, const char *name, int flags,
    evdns_callback_type cb, void *arg)
{
	return resolve(b, DNS_TYPE_A, name, flags, cb, arg, "evdns_base_resolve_ipv4");
}

struct evdns_request *evdns_base_resolve_ipv6(struct evdns_base *b, const char *name, int flags,
    evdns_callback_type cb, void *arg)
{
	return resolve(b, DNS_TYPE_AAAA, name, flags, cb, arg, "evdns_base_resolve_ipv6");
}

struct evdns_request *evdns_base_resolve_reverse(struct evdns_base *b, const struct in_addr *in,
    int flags, evdns_callback_type cb, void *arg)
{
	char buf[32];
	if (!in) {
		gev_warnx("evdns_base_resolve_reverse: NULL address");
		return NULL;
	}
	const unsigned char *a = (const unsigned char *)&in->s_addr;
	snprintf(buf, sizeof buf, "%d.%d.%d.%d.in-addr.arpa", a[3], a[2], a[1], a[0]);
	return resolve(b, DNS_TYPE_PTR, buf, flags, cb, arg, "evdns_base_resolve_reverse");
}

struct evdns_request *evdns_base_resolve_reverse_ipv6(struct evdns_base *b,
    const struct in6_addr *in, int flags, evdns_callback_type cb, void *arg)
{
	static const char hex[] = "0123456789abcdef";
	char buf[73], *cp = buf; /* 32 nibbles and dots, "ip6.arpa", NUL */
	if (!in) {
		gev_warnx("evdns_base_resolve_reverse_ipv6: NULL address");
		return NULL;
	}
	for (int i = 15; i >= 0; i--) {
		unsigned char byte = in->s6_addr[i];
		*cp++ = hex[byte & 0x0f];
		*cp++ = '.';
		*cp++ = hex[byte >> 4];
		*cp++ = '.';
	}
	memcpy(cp, "ip6.arpa", sizeof("ip6.arpa"));
	return resolve(b, DNS_TYPE_PTR, buf, flags, cb, arg, "evdns_base_resolve_reverse_ipv6");
}

void evdns_cancel_request(struct evdns_base *b, struct evdns_request *req)
{
	static const char fn[] = "evdns_cancel_request";
	if (!gev_dns_check(req, GEV_DNS_REQ_LIVE, "evdns_request", fn) || gev_dns_ready(fn) < 0)
		return;
	if (b && !gev_dns_check(b, GEV_DNS_BASE_LIVE, "evdns_base", fn))
		b = NULL; /* libevent uses the request's own base then */
	DNS_LOCKED_VOID(req, gev_ops.dns_cancel(b, req));
}

int evdns_base_set_option(struct evdns_base *b, const char *option, const char *val)
{
	static const char fn[] = "evdns_base_set_option";
	if (!base_ok(b, fn))
		return -1;
	if (!option || !val) {
		gev_warnx("%s: NULL option or value", fn);
		return -1;
	}
	return DNS_LOCKED(b, gev_ops.dns_set_option(b, (char *)option, (char *)val));
}

int evdns_base_resolv_conf_parse(struct evdns_base *b, int flags, const char *const filename)
{
	if (!base_ok(b, "evdns_base_resolv_conf_parse"))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_resolv_conf_parse(b, flags, (char *)filename));
}

int evdns_base_load_hosts(struct evdns_base *b, const char *hosts_fname)
{
	if (!b) /* as libevent: the global base */
		b = gev_dns_current_base;
	if (!base_ok(b, "evdns_base_load_hosts"))
		return -1;
	return DNS_LOCKED(b, gev_ops.dns_load_hosts(b, (char *)hosts_fname));
}

void evdns_base_search_clear(struct evdns_base *b)
{
	if (base_ok(b, "evdns_base_search_clear"))
		DNS_LOCKED_VOID(b, gev_ops.dns_search_clear(b));
}

void evdns_base_search_add(struct evdns_base *b, const char *domain)
{
	if (!base_ok(b, "evdns_base_search_add"))
		return;
	if (!domain) {
		gev_warnx("evdns_base_search_add: NULL domain");
		return;
	}
	DNS_LOCKED_VOID(b, gev_ops.dns_search_add(b, (char *)domain));
}

void evdns_base_search_ndots_set(struct evdns_base *b, const int ndots)
{
	if (base_ok(b, "evdns_base_search_ndots_set"))
		DNS_LOCKED_VOID(b, gev_ops.dns_search_ndots(b, ndots));
}

/* ---- server ---- */

struct evdns_server_port *evdns_add_server_port_with_base(struct event_base *base,
    evutil_socket_t socket, int flags, evdns_request_callback_fn_type cb, void *user_data)
{
	static const char fn[] = "evdns_add_server_port_with_base";
	if (flags)
		return NULL; /* no flags are defined (libevent: the same, silently) */
	if (!base)
		base = event_global_current_base_;
	if (!base) {
		gev_warnx("%s: no event_base (none given, and event_init was not called)", fn);
		return NULL;
	}
	if (!cb) {
		gev_warnx("%s: NULL callback", fn);
		return NULL;
	}
	if (gev_base_adopt(base, fn) < 0 || gev_dns_ready(fn) < 0)
		return NULL;
	gev_debug_assert_nonblocking(socket, fn);
	struct gev_thread *th = gev_base_lock(base);
	struct evdns_server_port *port = gev_ops.dns_port_new(base, socket, (void *)cb, user_data);
	gev_base_unlock(th);
	return port;
}

void evdns_close_server_port(struct evdns_server_port *port)
{
	static const char fn[] = "evdns_close_server_port";
	if (gev_dns_check(port, GEV_DNS_PORT_LIVE, "evdns_server_port", fn) && gev_dns_ready(fn) == 0)
		DNS_LOCKED_VOID(port, gev_ops.dns_port_close(port));
}

/* The header of a live server request, or NULL (logged). */
static struct gev_dns_sreq *sreq_of(struct evdns_server_request *req, const char *fn)
{
	if (!req) {
		gev_warnx("%s: NULL evdns_server_request", fn);
		return NULL;
	}
	struct gev_dns_sreq *s = (struct gev_dns_sreq *)((char *)req - GEV_DNS_SREQ_PUB);
	if (!gev_dns_check(s, GEV_DNS_SREQ_LIVE, "evdns_server_request", fn))
		return NULL;
	return s;
}

void evdns_server_request_set_flags(struct evdns_server_request *req, int flags)
{
	if (!sreq_of(req, "evdns_server_request_set_flags"))
		return;
	req->flags &= ~(EVDNS_FLAGS_AA | EVDNS_FLAGS_RD);
	req->flags |= flags;
}

int evdns_server_request_add_reply(struct evdns_server_request *req, int section, const char *name,
    int type, int dns_class, int ttl, int datalen, int is_name, const char *data)
{
	static const char fn[] = "evdns_server_request_add_reply";
	struct gev_dns_sreq *s = sreq_of(req, fn);
	if (!s || gev_dns_ready(fn) < 0)
		return -1;
	if (!name) {
		gev_warnx("%s: NULL name", fn);
		return -1;
	}
	return DNS_LOCKED(s, gev_ops.dns_sreq_add_reply(req, section, (char *)name, type, dns_class, ttl,
	    datalen, is_name, (char *)data));
}

int evdns_server_request_add_a_reply(struct evdns_server_request *req, const char *name, int n,
    const void *addrs, int ttl)
{
	return evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_A,
	    EVDNS_CLASS_INET, ttl, n * 4, 0, addrs);
}

int evdns_server_request_add_aaaa_reply(struct evdns_server_request *req, const char *name, int n,
    const void *addrs, int ttl)
{
	return evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_AAAA,
	    EVDNS_CLASS_INET, ttl, n * 16, 0, addrs);
}

int evdns_server_request_add_ptr_reply(struct evdns_server_request *req, struct in_addr *in,
    const char *inaddr_name, const char *hostname, int ttl)
{
	char buf[32];
	if ((in && inaddr_name) || (!in && !inaddr_name))
		return -1;
	if (in) {
		const unsigned char *a = (const unsigned char *)&in->s_addr;
		snprintf(buf, sizeof buf, "%d.%d.%d.%d.in-addr.arpa", a[3], a[2], a[1], a[0]);
		inaddr_name = buf;
	}
	return evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, inaddr_name, EVDNS_TYPE_PTR,
	    EVDNS_CLASS_INET, ttl, -1, 1, hostname);
}

int evdns_server_request_add_cname_reply(struct evdns_server_request *req, const char *name,
    const char *cname, int ttl)
{
	return evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_CNAME,
	    EVDNS_CLASS_INET, ttl, -1, 1, cname);
}

int evdns_server_request_respond(struct evdns_server_request *req, int err)
{
	static const char fn[] = "evdns_server_request_respond";
	struct gev_dns_sreq *s = sreq_of(req, fn);
	if (!s || gev_dns_ready(fn) < 0)
		return -1;
	return DNS_LOCKED(s, gev_ops.dns_sreq_respond(req, err));
}

int evdns_server_request_drop(struct evdns_server_request *req)
{
	static const char fn[] = "evdns_server_request_drop";
	struct gev_dns_sreq *s = sreq_of(req, fn);
	if (!s || gev_dns_ready(fn) < 0)
		return -1;
	return DNS_LOCKED(s, gev_ops.dns_sreq_drop(req));
}

int evdns_server_request_get_requesting_addr(struct evdns_server_request *req,
    struct sockaddr *sa, int addr_len)
{
	struct gev_dns_sreq *s = sreq_of(req, "evdns_server_request_get_requesting_addr");
	if (!s)
		return -1;
	if (addr_len < s->addrlen)
		return -1;
	if (!sa) {
		gev_warnx("evdns_server_request_get_requesting_addr: NULL address");
		return -1;
	}
	memcpy(sa, &s->addr, (size_t)s->addrlen);
	return s->addrlen;
}

/* ---- bufferevent_socket_connect_hostname with an evdns_base ---- */

static void bev_lookup_cb(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct bufferevent *bev = arg;
	struct gev_thread *th = gev_bev_lock(bev);
	gev_ops.dns_bev_lookup_done(bev, result, ai ? ai->ai_addr : NULL, ai ? (int)ai->ai_addrlen : 0);
	gev_base_unlock(th);
	if (ai)
		evutil_freeaddrinfo(ai);
}

/* As libevent: reading and writing wait for the lookup, which holds a
 * reference; the answer (maybe at once) connects to its first address.
 * The bufferevent's lock is held throughout, as libevent holds it. */
int gev_dns_connect_hostname(struct bufferevent *bev, struct evdns_base *dns,
    const struct evutil_addrinfo *hint, const char *hostname, const char *portbuf)
{
	static const char fn[] = "bufferevent_socket_connect_hostname";
	if (gev_dns_ready(fn) < 0)
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	if (gev_ops.dns_bev_lookup_start(bev) < 0) {
		gev_base_unlock(th);
		return -1;
	}
	struct evdns_getaddrinfo_request *req = evdns_getaddrinfo(dns, hostname, portbuf, hint, bev_lookup_cb, bev);
	if (req)
		gev_ops.dns_bev_lookup_request(bev, req);
	gev_base_unlock(th);
	return 0;
}
