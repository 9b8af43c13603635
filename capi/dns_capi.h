/*
 * dns_capi.h - private declarations shared by the evdns files of the C
 * layer (dns.c, dns_compat.c, dns_gai.c). The resolver and the server are
 * in the Go core (extra/evdns); these files check arguments, take the
 * event_base lock and forward, and build evutil_addrinfo lists.
 */
#ifndef GEV_DNS_CAPI_H
#define GEV_DNS_CAPI_H

#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/dns_struct.h>

#include "capi.h"

/* The core is loaded and knows the C helpers (gev_dns_cfuncs): 0, or -1
 * logged (naming fn). */
int gev_dns_ready(const char *fn);

/* 1 when h (an evdns handle) is live with magic `live`; else logs (naming
 * fn and `what`) and 0. */
int gev_dns_check(const void *h, uint32_t live, const char *what, const char *fn);

/* The lock of an evdns handle's event_base (NULL: none, or the base is gone). */
static inline struct gev_thread *gev_dns_lock(const void *h)
{
	struct event_base *base = ((const struct gev_dns_handle *)h)->base;
	if (!base || base->magic != GEV_BASE_MAGIC)
		return NULL;
	return gev_base_lock(base);
}

/* evdns's log (evdns_set_log_fn, else the event log). */
void gev_dns_log(int severity, const char *msg);
void gev_dns_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dns_compat.c: the global evdns_base of the 1.x API (NULL until made). */
extern struct evdns_base *gev_dns_current_base;

/* dns_gai.c: evutil_addrinfo nodes made by libevent's rules (freed by
 * evutil_freeaddrinfo, which recognizes them by EVUTIL_AI_LIBEVENT_ALLOCATED). */
#define GEV_AI_LIBEVENT_ALLOCATED ((int)0x80000000u)
struct evutil_addrinfo *gev_new_addrinfo(const struct sockaddr *sa, int socklen,
    const struct evutil_addrinfo *hints);
struct evutil_addrinfo *gev_addrinfo_append(struct evutil_addrinfo *first,
    struct evutil_addrinfo *more);
void gev_free_addrinfo(struct evutil_addrinfo *ai);

#endif /* GEV_DNS_CAPI_H */
