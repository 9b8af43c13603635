/*
 * evutil_addr.c - evutil's address helpers: text <-> binary addresses
 * (libevent's own parser and printer, whose accepted forms differ from
 * libc's inet_pton/inet_ntop in small ways programs may rely on), the
 * "addr:port" parser, address ordering, and getaddrinfo.
 *
 * Pure C, no state, never loads the Go core. evutil_getaddrinfo hands the
 * query to the C library's getaddrinfo as libevent does on glibc, so results
 * (order, SOCK_RAW entries, ai_canonname, error codes) are the same, and
 * evutil_freeaddrinfo gives them back with freeaddrinfo (the nodes of
 * evdns_getaddrinfo, dns_gai.c, it frees itself).
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/util.h>

#include "capi.h"

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "a.b.c.d", each a decimal of at most 255 as scanf's %u reads it (so
 * leading blanks, a sign and leading zeros pass, trailing text does not). */
static int parse_quad(const char *s, unsigned char out[4])
{
	unsigned v[4];
	char extra;
	int i;
	if (sscanf(s, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &extra) != 4)
		return 0;
	for (i = 0; i < 4; i++) {
		if (v[i] > 255)
			return 0;
		out[i] = (unsigned char)v[i];
	}
	return 1;
}

static int pton6(const char *src, unsigned char out[16])
{
	uint16_t w[8];
	int nset = 0, gap = -1, i = 0;
	const char *dot = strchr(src, '.'), *end, *p;

	memset(w, 0, sizeof(w));
	if (dot == src)
		return 0;
	if (!dot) {
		end = src + strlen(src);
	} else {
		/* a trailing dotted quad: it starts at the digits before the
		 * first dot and fills the last two words */
		unsigned char q[4];
		end = dot;
		while (end > src && is_digit(end[-1]))
			end--;
		if (!parse_quad(end, q))
			return 0;
		w[6] = (uint16_t)(q[0] << 8 | q[1]);
		w[7] = (uint16_t)(q[2] << 8 | q[3]);
		nset = 2;
	}

	p = src;
	while (p < end) {
		if (i > 7)
			return 0;
		if (is_xdigit(*p)) {
			char *next;
			long v = strtol(p, &next, 16);
			if (next == p || next - p > 4 || v < 0 || v > 0xffff)
				return 0;
			w[i++] = (uint16_t)v;
			nset++;
			p = next;
			if (*p != ':' && p != end)
				return 0;
			p++;
		} else if (*p == ':' && gap == -1 && i > 0) {
			gap = i;
			p++;
		} else if (*p == ':' && gap == -1 && i == 0 && p[1] == ':') {
			gap = 0;
			p += 2;
		} else {
			return 0;
		}
	}

	if (nset > 8 || (nset == 8 && gap != -1) || (nset < 8 && gap == -1))
		return 0;
	if (gap >= 0) {
		int after = nset - (dot ? 2 : 0) - gap; /* words written after the gap */
		int len = 8 - nset;
		if (after < 0)
			return -1;
		memmove(&w[gap + len], &w[gap], sizeof(w[0]) * (size_t)after);
		memset(&w[gap], 0, sizeof(w[0]) * (size_t)len);
	}
	for (i = 0; i < 8; i++) {
		out[2 * i] = (unsigned char)(w[i] >> 8);
		out[2 * i + 1] = (unsigned char)(w[i] & 0xff);
	}
	return 1;
}

int evutil_inet_pton(int af, const char *src, void *dst)
{
	if (!src || !dst) {
		gev_warnx("evutil_inet_pton: %s", !src ? "no text given" : "no destination given");
		return -1;
	}
	if (af == AF_INET) {
		unsigned char q[4];
		if (!parse_quad(src, q))
			return 0;
		memcpy(dst, q, 4);
		return 1;
	}
	if (af == AF_INET6)
		return pton6(src, dst);
	return -1;
}

int evutil_inet_pton_scope(int af, const char *src, void *dst, unsigned *indexp)
{
	const char *pct;
	unsigned idx;
	char *copy;
	size_t n;
	int r;

	if (!indexp) {
		gev_warnx("evutil_inet_pton_scope: no index pointer given");
		return -1;
	}
	*indexp = 0;
	if (af != AF_INET6 || !src || !(pct = strchr(src, '%')))
		return evutil_inet_pton(af, src, dst);

	/* the zone: an interface name, else a decimal index */
	idx = if_nametoindex(pct + 1);
	if (idx == 0) {
		char *check;
		idx = (unsigned)strtoul(pct + 1, &check, 10);
		if (*check != '\0')
			return 0;
	}
	*indexp = idx;

	n = (size_t)(pct - src);
	if (!(copy = gev_malloc(n + 1)))
		return -1;
	memcpy(copy, src, n);
	copy[n] = '\0';
	r = evutil_inet_pton(af, copy, dst);
	gev_free(copy);
	return r;
}

const char *evutil_inet_ntop(int af, const void *src, char *dst, size_t len)
{
	char buf[64], *cp;
	const unsigned char *b = src;
	uint16_t w[8];
	int i, best = -1, bestlen = 0;

	if (!src || !dst) {
		gev_warnx("evutil_inet_ntop: %s", !src ? "no address given" : "no destination given");
		return NULL;
	}
	if (af == AF_INET) {
		int r = evutil_snprintf(dst, len, "%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
		return (r < 0 || (size_t)r >= len) ? NULL : dst;
	}
	if (af != AF_INET6)
		return NULL;

	for (i = 0; i < 8; i++)
		w[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
	if (!w[0] && !w[1] && !w[2] && !w[3] && !w[4] &&
	    ((!w[5] && w[6] && w[7]) || w[5] == 0xffff)) {
		/* IPv4-compatible (both last words non-zero) or IPv4-mapped */
		if (w[5] == 0)
			snprintf(buf, sizeof(buf), "::%d.%d.%d.%d", b[12], b[13], b[14], b[15]);
		else
			snprintf(buf, sizeof(buf), "::%x:%d.%d.%d.%d", w[5], b[12], b[13], b[14], b[15]);
	} else {
		/* the first longest run of two or more zero words becomes "::" */
		for (i = 0; i < 8;) {
			int start = i;
			while (i < 8 && w[i] == 0)
				i++;
			if (i - start > bestlen) {
				best = start;
				bestlen = i - start;
			}
			if (i == start)
				i++;
		}
		if (bestlen < 2)
			best = -1;
		cp = buf;
		for (i = 0; i < 8; i++) {
			if (i == best) {
				if (i == 0)
					*cp++ = ':';
				*cp++ = ':';
				i += bestlen - 1;
				continue;
			}
			cp += sprintf(cp, "%x", w[i]);
			if (i != 7)
				*cp++ = ':';
		}
		*cp = '\0';
	}
	/* libevent refuses only text longer than len; text of exactly len
	 * characters comes back cut to len - 1 (and dst is returned) */
	{
		size_t n = strlen(buf);
		if (n > len)
			return NULL;
		if (n >= len)
			n = len - 1; /* len > 0 here: buf is never empty */
		memcpy(dst, buf, n);
		dst[n] = '\0';
	}
	return dst;
}

int evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen)
{
	char buf[128];
	const char *colon, *addr, *port_text = NULL;
	unsigned scope = 0;
	int port = 0, v6;

	if (!str || !out || !outlen) {
		gev_warnx("evutil_parse_sockaddr_port: %s", !str ? "no text given" :
		    !out ? "no sockaddr given" : "no length given");
		return -1;
	}

	/* "[v6]", "[v6]:port", "v6" (two colons or more), "v4", "v4:port" */
	colon = strchr(str, ':');
	if (str[0] == '[') {
		const char *close = strchr(str, ']');
		size_t n;
		if (!close)
			return -1;
		n = (size_t)(close - (str + 1));
		if (n > sizeof(buf) - 1)
			return -1;
		memcpy(buf, str + 1, n);
		buf[n] = '\0';
		addr = buf;
		if (close[1] == ':')
			port_text = close + 2;
		v6 = 1;
	} else if (colon && strchr(colon + 1, ':')) {
		addr = str;
		v6 = 1;
	} else if (colon) {
		size_t n = (size_t)(colon - str);
		if (n > sizeof(buf) - 1)
			return -1;
		memcpy(buf, str, n);
		buf[n] = '\0';
		addr = buf;
		port_text = colon + 1;
		v6 = 0;
	} else {
		addr = str;
		v6 = 0;
	}

	if (port_text) {
		/* atoi's reading: leading blanks, a sign, digits, then anything */
		port = atoi(port_text);
		if (port <= 0 || port > 65535)
			return -1;
	}

	if (v6) {
		struct sockaddr_in6 sin6;
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)port);
		if (evutil_inet_pton_scope(AF_INET6, addr, &sin6.sin6_addr, &scope) != 1)
			return -1;
		if ((int)sizeof(sin6) > *outlen)
			return -1;
		sin6.sin6_scope_id = scope;
		memset(out, 0, (size_t)*outlen);
		memcpy(out, &sin6, sizeof(sin6));
		*outlen = (int)sizeof(sin6);
	} else {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		if (evutil_inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			return -1;
		if ((int)sizeof(sin) > *outlen)
			return -1;
		memset(out, 0, (size_t)*outlen);
		memcpy(out, &sin, sizeof(sin));
		*outlen = (int)sizeof(sin);
	}
	return 0;
}

/* libevent's order: family number first; then, for IPv4, the address as a
 * number in network byte order read natively, for IPv6 its bytes; then, if
 * asked, the port the same way. Any other family is "greater" (1), even
 * compared with itself. Only the sign is meaningful. */
int evutil_sockaddr_cmp(const struct sockaddr *sa1, const struct sockaddr *sa2, int include_port)
{
	int r;

	if (!sa1 || !sa2) {
		gev_warnx("evutil_sockaddr_cmp: no address given");
		return sa1 ? 1 : sa2 ? -1 : 0;
	}
	if ((r = sa1->sa_family - sa2->sa_family) != 0)
		return r;
	if (sa1->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)sa1;
		const struct sockaddr_in *b = (const struct sockaddr_in *)sa2;
		if (a->sin_addr.s_addr != b->sin_addr.s_addr)
			return a->sin_addr.s_addr < b->sin_addr.s_addr ? -1 : 1;
		return include_port ? (int)a->sin_port - (int)b->sin_port : 0;
	}
	if (sa1->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa1;
		const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)sa2;
		if ((r = memcmp(a->sin6_addr.s6_addr, b->sin6_addr.s6_addr, 16)) != 0)
			return r;
		return include_port ? (int)a->sin6_port - (int)b->sin6_port : 0;
	}
	return 1;
}

/* libevent's private flag marking nodes it allocated itself; it clears it
 * from the hints before calling the C library, so a caller passing it gets
 * the same answer as without it. */
#define GEV_AI_LIBEVENT_ALLOCATED ((int)0x80000000u)

int evutil_getaddrinfo(const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in, struct evutil_addrinfo **res)
{
	struct evutil_addrinfo hints;

	if (!res) {
		gev_warnx("evutil_getaddrinfo: no result pointer given");
		return EVUTIL_EAI_FAIL;
	}
	/* no hints means "anything", with no flags (not the C library's
	 * AI_V4MAPPED|AI_ADDRCONFIG default) */
	memset(&hints, 0, sizeof(hints));
	if (hints_in) {
		hints.ai_flags = hints_in->ai_flags & ~GEV_AI_LIBEVENT_ALLOCATED;
		hints.ai_family = hints_in->ai_family;
		hints.ai_socktype = hints_in->ai_socktype;
		hints.ai_protocol = hints_in->ai_protocol;
	} else {
		hints.ai_family = AF_UNSPEC;
	}
	return getaddrinfo(nodename, servname, &hints, res);
}

void evutil_freeaddrinfo(struct evutil_addrinfo *ai)
{
	/* Lists evutil_getaddrinfo returns come from getaddrinfo; those of
	 * evdns_getaddrinfo are ours (dns_gai.c), marked as libevent marks its own. */
	if (!ai)
		return;
	if (!(ai->ai_flags & GEV_AI_LIBEVENT_ALLOCATED)) {
		freeaddrinfo(ai);
		return;
	}
	while (ai) {
		struct evutil_addrinfo *next = ai->ai_next;
		gev_free(ai->ai_canonname);
		gev_free(ai);
		ai = next;
	}
}

const char *evutil_gai_strerror(int err)
{
	switch (err) {
	case EVUTIL_EAI_CANCEL: return "Request canceled";
	case 0: return "No error";
	case EVUTIL_EAI_ADDRFAMILY: return "address family for nodename not supported";
	case EVUTIL_EAI_AGAIN: return "temporary failure in name resolution";
	case EVUTIL_EAI_BADFLAGS: return "invalid value for ai_flags";
	case EVUTIL_EAI_FAIL: return "non-recoverable failure in name resolution";
	case EVUTIL_EAI_FAMILY: return "ai_family not supported";
	case EVUTIL_EAI_MEMORY: return "memory allocation failure";
	case EVUTIL_EAI_NODATA: return "no address associated with nodename";
	case EVUTIL_EAI_NONAME: return "nodename nor servname provided, or not known";
	case EVUTIL_EAI_SERVICE: return "servname not supported for ai_socktype";
	case EVUTIL_EAI_SOCKTYPE: return "ai_socktype not supported";
	case EVUTIL_EAI_SYSTEM: return "system error";
	default: return gai_strerror(err);
	}
}
