/*
 * dns_gai.c - evdns_getaddrinfo: the part answered at once (numeric hosts,
 * no host name, bad arguments) and the evutil_addrinfo nodes libevent
 * itself builds, here; hosts-file answers and lookups in the core
 * (extra/evdns/getaddrinfo.go), which makes its nodes with gev_new_addrinfo.
 *
 * Nodes made here carry libevent's private EVUTIL_AI_LIBEVENT_ALLOCATED
 * flag in ai_flags (a program sees it, as with libevent) and come from
 * event_set_mem_functions' allocator; evutil_freeaddrinfo frees them so,
 * and hands other lists (the C library's getaddrinfo) to freeaddrinfo.
 */
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns_capi.h"

#define EAI_NEED_RESOLVE (-90002) /* libevent's EVUTIL_EAI_NEED_RESOLVE */

struct evutil_addrinfo *gev_new_addrinfo(const struct sockaddr *sa, int socklen,
    const struct evutil_addrinfo *hints)
{
	if (hints->ai_socktype == 0 && hints->ai_protocol == 0) {
		/* Neither asked for: one TCP node, then one UDP node. */
		struct evutil_addrinfo tmp = *hints, *r1, *r2;
		tmp.ai_socktype = SOCK_STREAM;
		tmp.ai_protocol = IPPROTO_TCP;
		if (!(r1 = gev_new_addrinfo(sa, socklen, &tmp)))
			return NULL;
		tmp.ai_socktype = SOCK_DGRAM;
		tmp.ai_protocol = IPPROTO_UDP;
		if (!(r2 = gev_new_addrinfo(sa, socklen, &tmp))) {
			gev_free_addrinfo(r1);
			return NULL;
		}
		r1->ai_next = r2;
		return r1;
	}
	/* The sockaddr lives right after the node, in the same block. */
	struct evutil_addrinfo *ai = gev_calloc(1, sizeof(*ai) + (size_t)socklen);
	if (!ai)
		return NULL;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	memcpy(ai->ai_addr, sa, (size_t)socklen);
	ai->ai_addrlen = (socklen_t)socklen;
	ai->ai_family = sa->sa_family;
	ai->ai_flags = GEV_AI_LIBEVENT_ALLOCATED;
	ai->ai_socktype = hints->ai_socktype;
	ai->ai_protocol = hints->ai_protocol;
	return ai;
}

struct evutil_addrinfo *gev_addrinfo_append(struct evutil_addrinfo *first,
    struct evutil_addrinfo *more)
{
	struct evutil_addrinfo *ai = first;
	if (!ai)
		return more;
	while (ai->ai_next)
		ai = ai->ai_next;
	ai->ai_next = more;
	return first;
}

void gev_free_addrinfo(struct evutil_addrinfo *ai)
{
	while (ai) {
		struct evutil_addrinfo *next = ai->ai_next;
		gev_free(ai->ai_canonname);
		gev_free(ai);
		ai = next;
	}
}

/* ---- the answers known without a lookup (libevent's getaddrinfo_common) ---- */

static int parse_servname(const char *servname, const char *proto, const struct evutil_addrinfo *hints)
{
	char *end = NULL;
	long n = strtol(servname, &end, 10);
	if (n >= 0 && n <= 65535 && servname[0] && end && !end[0])
		return (int)n;
	if (!(hints->ai_flags & EVUTIL_AI_NUMERICSERV)) {
		struct servent *ent = getservbyname(servname, proto);
		if (ent)
			return ntohs(ent->s_port);
	}
	return -1;
}

static const char *proto_name(int proto)
{
	switch (proto) {
	case 0: return NULL;
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	default: {
		struct protoent *ent = getprotobynumber(proto);
		return ent ? ent->p_name : NULL;
	}
	}
}

static void infer_protocols(struct evutil_addrinfo *hints)
{
	if (!hints->ai_protocol && hints->ai_socktype) {
		if (hints->ai_socktype == SOCK_DGRAM)
			hints->ai_protocol = IPPROTO_UDP;
		else if (hints->ai_socktype == SOCK_STREAM)
			hints->ai_protocol = IPPROTO_TCP;
	}
	if (!hints->ai_socktype && hints->ai_protocol) {
		if (hints->ai_protocol == IPPROTO_UDP)
			hints->ai_socktype = SOCK_DGRAM;
		else if (hints->ai_protocol == IPPROTO_TCP || hints->ai_protocol == IPPROTO_SCTP)
			hints->ai_socktype = SOCK_STREAM;
	}
}

/* 0 or an EVUTIL_EAI_* code with *res set, or EAI_NEED_RESOLVE with the
 * port in *port. hints is adjusted (socktype, protocol). */
static int getaddrinfo_common(const char *nodename, const char *servname,
    struct evutil_addrinfo *hints, struct evutil_addrinfo **res, int *portnum)
{
	int port = 0;
	if (!nodename && !servname)
		return EVUTIL_EAI_NONAME;
	if (hints->ai_family != PF_UNSPEC && hints->ai_family != PF_INET && hints->ai_family != PF_INET6)
		return EVUTIL_EAI_FAMILY;
	infer_protocols(hints);
	if (servname) {
		port = parse_servname(servname, proto_name(hints->ai_protocol), hints);
		if (port < 0)
			return EVUTIL_EAI_NONAME;
	}
	if (!nodename) {
		/* bind to any / connect to localhost: ::(1) first, then 0.0.0.0/127.0.0.1 */
		struct evutil_addrinfo *res4 = NULL, *res6 = NULL;
		if (hints->ai_family != PF_INET) {
			struct sockaddr_in6 sin6;
			memset(&sin6, 0, sizeof(sin6));
			sin6.sin6_family = AF_INET6;
			sin6.sin6_port = htons((uint16_t)port);
			if (!(hints->ai_flags & EVUTIL_AI_PASSIVE))
				sin6.sin6_addr.s6_addr[15] = 1;
			if (!(res6 = gev_new_addrinfo((struct sockaddr *)&sin6, sizeof(sin6), hints)))
				return EVUTIL_EAI_MEMORY;
		}
		if (hints->ai_family != PF_INET6) {
			struct sockaddr_in sin;
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_port = htons((uint16_t)port);
			if (!(hints->ai_flags & EVUTIL_AI_PASSIVE))
				sin.sin_addr.s_addr = htonl(0x7f000001);
			if (!(res4 = gev_new_addrinfo((struct sockaddr *)&sin, sizeof(sin), hints))) {
				gev_free_addrinfo(res6);
				return EVUTIL_EAI_MEMORY;
			}
		}
		*res = gev_addrinfo_append(res4, res6);
		return 0;
	}
	if (hints->ai_family == PF_INET6 || hints->ai_family == PF_UNSPEC) {
		struct sockaddr_in6 sin6;
		unsigned scope = 0;
		memset(&sin6, 0, sizeof(sin6));
		if (evutil_inet_pton_scope(AF_INET6, nodename, &sin6.sin6_addr, &scope) == 1) {
			sin6.sin6_family = AF_INET6;
			sin6.sin6_port = htons((uint16_t)port);
			sin6.sin6_scope_id = scope;
			*res = gev_new_addrinfo((struct sockaddr *)&sin6, sizeof(sin6), hints);
			return *res ? 0 : EVUTIL_EAI_MEMORY;
		}
	}
	if (hints->ai_family == PF_INET || hints->ai_family == PF_UNSPEC) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		if (evutil_inet_pton(AF_INET, nodename, &sin.sin_addr) == 1) {
			sin.sin_family = AF_INET;
			sin.sin_port = htons((uint16_t)port);
			*res = gev_new_addrinfo((struct sockaddr *)&sin, sizeof(sin), hints);
			return *res ? 0 : EVUTIL_EAI_MEMORY;
		}
	}
	if (hints->ai_flags & EVUTIL_AI_NUMERICHOST)
		return EVUTIL_EAI_NONAME;
	*portnum = port;
	return EAI_NEED_RESOLVE;
}

/* EVUTIL_AI_ADDRCONFIG: which families this host has a usable address of
 * (loopback, link-local, multicast and unspecified ones do not count). */
static int have_checked_interfaces, had_ipv4, had_ipv6;

static void found_ifaddr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		if (a != 0 && (a >> 24) != 127 && ((a >> 24) & 0xf0) != 0xe0)
			had_ipv4 = 1;
	} else if (sa->sa_family == AF_INET6) {
		static const unsigned char zero[8];
		const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (!(memcmp(a, zero, 8) == 0 || (a[0] & 0xfe) == 0xfc ||
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) || a[0] == 0xff))
			had_ipv6 = 1;
	}
}

static void check_interfaces(void)
{
	struct ifaddrs *ifa = NULL;
	if (have_checked_interfaces)
		return;
	if (getifaddrs(&ifa) < 0) {
		gev_warnx("Unable to call getifaddrs()");
		return;
	}
	for (const struct ifaddrs *i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr)
			found_ifaddr(i->ifa_addr);
	freeifaddrs(ifa);
	have_checked_interfaces = 1;
}

static void adjust_hints_for_addrconfig(struct evutil_addrinfo *hints)
{
	if (!(hints->ai_flags & EVUTIL_AI_ADDRCONFIG) || hints->ai_family != PF_UNSPEC)
		return;
	check_interfaces();
	if (had_ipv4 && !had_ipv6)
		hints->ai_family = PF_INET;
	else if (!had_ipv4 && had_ipv6)
		hints->ai_family = PF_INET6;
}

struct evdns_getaddrinfo_request *evdns_getaddrinfo(struct evdns_base *dns_base,
    const char *nodename, const char *servname, const struct evutil_addrinfo *hints_in,
    evdns_getaddrinfo_cb cb, void *arg)
{
	static const char fn[] = "evdns_getaddrinfo";
	struct evutil_addrinfo hints, *res = NULL;
	int err, port = 0;

	if (!cb) {
		gev_warnx("%s: NULL callback", fn);
		return NULL;
	}
	if (!dns_base) {
		dns_base = gev_dns_current_base;
		if (!dns_base) {
			gev_dns_warnx("Call to getaddrinfo_async with no evdns_base configured.");
			cb(EVUTIL_EAI_FAIL, NULL, arg);
			return NULL;
		}
	}
	if (!gev_dns_check(dns_base, GEV_DNS_BASE_LIVE, "evdns_base", fn)) {
		cb(EVUTIL_EAI_FAIL, NULL, arg);
		return NULL;
	}
	/* Numeric hosts only: the blocking resolver, at once. */
	if (hints_in && (hints_in->ai_flags & EVUTIL_AI_NUMERICHOST)) {
		err = evutil_getaddrinfo(nodename, servname, hints_in, &res);
		cb(err, res, arg);
		return NULL;
	}
	if (hints_in) {
		hints = *hints_in;
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = PF_UNSPEC;
	}
	adjust_hints_for_addrconfig(&hints);
	err = getaddrinfo_common(nodename, servname, &hints, &res, &port);
	if (err != EAI_NEED_RESOLVE) {
		cb(err, res, arg);
		return NULL;
	}
	if (gev_dns_ready(fn) < 0) {
		cb(EVUTIL_EAI_FAIL, NULL, arg);
		return NULL;
	}
	/* The hosts file, else a lookup. An answer known now comes back in
	 * res/err and the callback runs here, without the lock. */
	int err_now = GEV_DNS_NO_ANSWER;
	struct evdns_getaddrinfo_request *req;
	{
		struct gev_thread *th = gev_dns_lock(dns_base);
		req = gev_ops.dns_getaddrinfo(dns_base, (char *)nodename, &hints, port, (void *)cb, arg, &res, &err_now);
		gev_base_unlock(th);
	}
	if (!req && err_now != GEV_DNS_NO_ANSWER)
		cb(err_now, res, arg);
	return req;
}

void evdns_getaddrinfo_cancel(struct evdns_getaddrinfo_request *req)
{
	static const char fn[] = "evdns_getaddrinfo_cancel";
	if (!gev_dns_check(req, GEV_DNS_GAI_LIVE, "evdns_getaddrinfo_request", fn) || gev_dns_ready(fn) < 0)
		return;
	struct gev_thread *th = gev_dns_lock(req);
	gev_ops.dns_getaddrinfo_cancel(req);
	gev_base_unlock(th);
}
