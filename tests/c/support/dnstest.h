/* dnstest.h - a DNS server of the evdns cases' own: a thread of plain C
 * (sockets and poll, no libevent) answering UDP queries on 127.0.0.1 with
 * a kernel-chosen port. The case's handler sees each query and writes the
 * reply bytes itself (with the builders below), so a reply can be anything:
 * an answer, an error code, truncated, malformed or hostile, delayed,
 * dropped, sent twice, or sent from 127.0.0.2 (the wrong address).
 *
 * The handler runs on the server thread: it must not print (the case's
 * transcript is printed by its main thread); it may record what it saw in
 * the case's own variables, protected by tc_dns_lock/unlock.
 *
 * Header-only, libc and pthreads only, like testcase.h; names start with
 * tc_dns_. */
#ifndef GOEVENT_TESTS_C_DNSTEST_H
#define GOEVENT_TESTS_C_DNSTEST_H

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TC_DNS_MAX 1500

/* One query as received, and what to do with the handler's reply. */
struct tc_dns_query {
	unsigned char pkt[TC_DNS_MAX];
	int len;
	int id;              /* transaction id */
	int flags;           /* header flags word */
	char name[256];      /* first question's name, case as sent ("" if none) */
	int qtype, qclass;
	int qend;            /* offset just past the first question (-1 if none) */
	int n;               /* 0 for the first query the server got, 1, ... */
	struct sockaddr_in from;
	/* set by the handler: */
	int delay_ms;        /* send the reply this much later */
	int from_other;      /* send it from 127.0.0.2 instead */
	int twice;           /* send it two times */
};

/* Returns the reply's length (written to out, at most TC_DNS_MAX bytes), or
 * -1 to send nothing. */
typedef int (*tc_dns_handler)(struct tc_dns_query *q, unsigned char *out, void *arg);

struct tc_dns_pending {
	double due;
	int len, other;
	struct sockaddr_in to;
	unsigned char buf[TC_DNS_MAX];
};

struct tc_dns_server {
	int fd, fd2, port;
	pthread_t th;
	tc_dns_handler handler;
	void *arg;
	volatile int stop;
	int nq;              /* queries received */
	struct tc_dns_pending pend[64];
	int npend;
};

static pthread_mutex_t tc_dns_mu_ = PTHREAD_MUTEX_INITIALIZER;
static inline void tc_dns_lock(void) { pthread_mutex_lock(&tc_dns_mu_); }
static inline void tc_dns_unlock(void) { pthread_mutex_unlock(&tc_dns_mu_); }

static inline double tc_dns_now_(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- parsing the query ---- */

/* The name at off (no compression in queries we get); -1 when malformed. */
static inline int tc_dns_get_name_(const unsigned char *p, int len, int off, char *out, int outlen)
{
	int o = 0;
	out[0] = 0;
	for (;;) {
		if (off >= len)
			return -1;
		int l = p[off++];
		if (l == 0)
			break;
		if (l & 0xc0 || off + l > len || o + l + 2 > outlen)
			return -1;
		if (o)
			out[o++] = '.';
		memcpy(out + o, p + off, (size_t)l);
		o += l;
		off += l;
	}
	out[o] = 0;
	return off;
}

static inline void tc_dns_parse_(struct tc_dns_query *q)
{
	q->id = q->len >= 2 ? (q->pkt[0] << 8 | q->pkt[1]) : 0;
	q->flags = q->len >= 4 ? (q->pkt[2] << 8 | q->pkt[3]) : 0;
	q->name[0] = 0;
	q->qtype = q->qclass = 0;
	q->qend = -1;
	if (q->len < 12 || !(q->pkt[4] || q->pkt[5]))
		return;
	int off = tc_dns_get_name_(q->pkt, q->len, 12, q->name, sizeof q->name);
	if (off < 0 || off + 4 > q->len)
		return;
	q->qtype = q->pkt[off] << 8 | q->pkt[off + 1];
	q->qclass = q->pkt[off + 2] << 8 | q->pkt[off + 3];
	q->qend = off + 4;
}

/* 1 if the query's name is `name`, ignoring case (evdns randomizes it). */
static inline int tc_dns_is(const struct tc_dns_query *q, const char *name)
{
	return strcasecmp(q->name, name) == 0;
}

/* ---- building replies ---- */

static inline int tc_dns_put16(unsigned char *out, int off, int v)
{
	out[off] = (unsigned char)(v >> 8);
	out[off + 1] = (unsigned char)v;
	return off + 2;
}

static inline int tc_dns_put32(unsigned char *out, int off, unsigned long v)
{
	off = tc_dns_put16(out, off, (int)(v >> 16));
	return tc_dns_put16(out, off, (int)(v & 0xffff));
}

/* A header answering q: QR, RD copied, RA, rcode, and the given counts.
 * extra is or-ed into the flags (0x0200 TC, 0x0400 AA). */
static inline int tc_dns_header(unsigned char *out, const struct tc_dns_query *q, int rcode, int extra,
    int qd, int an, int ns, int ar)
{
	tc_dns_put16(out, 0, q->id);
	tc_dns_put16(out, 2, 0x8080 | (q->flags & 0x0100) | extra | (rcode & 0xf));
	tc_dns_put16(out, 4, qd);
	tc_dns_put16(out, 6, an);
	tc_dns_put16(out, 8, ns);
	return tc_dns_put16(out, 10, ar);
}

/* The question of q copied as it came (name case kept). */
static inline int tc_dns_question(unsigned char *out, int off, const struct tc_dns_query *q)
{
	if (q->qend < 0)
		return off;
	memcpy(out + off, q->pkt + 12, (size_t)(q->qend - 12));
	return off + q->qend - 12;
}

/* name as labels (no compression). */
static inline int tc_dns_name(unsigned char *out, int off, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		int l = dot ? (int)(dot - name) : (int)strlen(name);
		out[off++] = (unsigned char)l;
		memcpy(out + off, name, (size_t)l);
		off += l;
		name += l;
		if (*name == '.')
			name++;
	}
	out[off++] = 0;
	return off;
}

/* A record header whose owner is the question's name (pointer to 12). */
static inline int tc_dns_rr(unsigned char *out, int off, int type, int ttl, int rdlen)
{
	off = tc_dns_put16(out, off, 0xc00c);
	off = tc_dns_put16(out, off, type);
	off = tc_dns_put16(out, off, 1);
	off = tc_dns_put32(out, off, (unsigned long)ttl);
	return tc_dns_put16(out, off, rdlen);
}

/* A whole answer to q with the addresses of a comma-separated list (A for
 * dotted quads, AAAA for the others), each its own record, TTL ttl. */
static inline int tc_dns_answer(unsigned char *out, const struct tc_dns_query *q, const char *addrs, int ttl)
{
	char list[512], *save = NULL, *a;
	int n = 0, off;
	snprintf(list, sizeof list, "%s", addrs);
	for (a = list; *a; a++)
		n += *a == ',';
	off = tc_dns_header(out, q, 0, 0, 1, addrs[0] ? n + 1 : 0, 0, 0);
	off = tc_dns_question(out, off, q);
	for (a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		unsigned char bin[16];
		if (inet_pton(AF_INET, a, bin) == 1) {
			off = tc_dns_rr(out, off, 1, ttl, 4);
			memcpy(out + off, bin, 4);
			off += 4;
		} else if (inet_pton(AF_INET6, a, bin) == 1) {
			off = tc_dns_rr(out, off, 28, ttl, 16);
			memcpy(out + off, bin, 16);
			off += 16;
		}
	}
	return off;
}

/* An answer with one PTR record naming host. */
static inline int tc_dns_answer_ptr(unsigned char *out, const struct tc_dns_query *q, const char *host, int ttl)
{
	int off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
	off = tc_dns_question(out, off, q);
	int rd = off + 12;
	int end = tc_dns_name(out, rd, host);
	off = tc_dns_rr(out, off, 12, ttl, end - rd);
	return end;
}

/* An error reply (rcode) with the question, and with an SOA of minimum
 * `minimum` and TTL ttl in the authority section when ttl >= 0. */
static inline int tc_dns_error(unsigned char *out, const struct tc_dns_query *q, int rcode, int ttl, int minimum)
{
	int off = tc_dns_header(out, q, rcode, 0, 1, 0, ttl >= 0, 0);
	off = tc_dns_question(out, off, q);
	if (ttl >= 0) {
		int rd = off + 12, o;
		o = tc_dns_name(out, rd, "ns.test");
		o = tc_dns_name(out, o, "admin.test");
		o = tc_dns_put32(out, o, 1);
		o = tc_dns_put32(out, o, 3600);
		o = tc_dns_put32(out, o, 600);
		o = tc_dns_put32(out, o, 86400);
		o = tc_dns_put32(out, o, (unsigned long)minimum);
		off = tc_dns_rr(out, off, 6, ttl, o - rd);
		off = o;
	}
	return off;
}

/* ---- the server thread ---- */

static inline void tc_dns_send_(struct tc_dns_server *s, const unsigned char *buf, int len,
    const struct sockaddr_in *to, int other)
{
	if (sendto(other ? s->fd2 : s->fd, buf, (size_t)len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		/* the client is gone: nothing to do */
	}
}

static inline void *tc_dns_thread_(void *p)
{
	struct tc_dns_server *s = p;
	static struct tc_dns_query q;
	static unsigned char out[TC_DNS_MAX];
	while (!s->stop) {
		int wait = 50;
		double now = tc_dns_now_();
		for (int i = 0; i < s->npend; i++) {
			int ms = (int)((s->pend[i].due - now) * 1000) + 1;
			if (ms < wait)
				wait = ms < 0 ? 0 : ms;
		}
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int r = poll(&pfd, 1, wait);
		now = tc_dns_now_();
		for (int i = 0; i < s->npend;) {
			if (s->pend[i].due <= now) {
				tc_dns_send_(s, s->pend[i].buf, s->pend[i].len, &s->pend[i].to, s->pend[i].other);
				s->pend[i] = s->pend[--s->npend];
			} else {
				i++;
			}
		}
		if (r <= 0 || !(pfd.revents & POLLIN))
			continue;
		socklen_t fl = sizeof(q.from);
		memset(&q, 0, sizeof(q));
		q.len = (int)recvfrom(s->fd, q.pkt, sizeof q.pkt, 0, (struct sockaddr *)&q.from, &fl);
		if (q.len < 0)
			continue;
		tc_dns_parse_(&q);
		tc_dns_lock();
		q.n = s->nq++;
		tc_dns_unlock();
		int len = s->handler(&q, out, s->arg);
		if (len < 0)
			continue;
		for (int k = 0; k < (q.twice ? 2 : 1); k++) {
			if (q.delay_ms > 0 && s->npend < 64) {
				struct tc_dns_pending *pd = &s->pend[s->npend++];
				pd->due = tc_dns_now_() + q.delay_ms / 1000.0;
				pd->len = len;
				pd->other = q.from_other;
				pd->to = q.from;
				memcpy(pd->buf, out, (size_t)len);
			} else {
				tc_dns_send_(s, out, len, &q.from, q.from_other);
			}
		}
	}
	return NULL;
}

static inline int tc_dns_bind_(const char *ip, int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Starts the server; 0, or -1 (nothing left running). */
static inline int tc_dns_start(struct tc_dns_server *s, tc_dns_handler h, void *arg)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	memset(s, 0, sizeof(*s));
	s->handler = h;
	s->arg = arg;
	s->fd = tc_dns_bind_("127.0.0.1", 0);
	if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	s->port = ntohs(sin.sin_port);
	s->fd2 = tc_dns_bind_("127.0.0.2", 0);
	if (s->fd2 < 0 || pthread_create(&s->th, NULL, tc_dns_thread_, s) != 0) {
		close(s->fd);
		if (s->fd2 >= 0)
			close(s->fd2);
		return -1;
	}
	return 0;
}

static inline void tc_dns_stop(struct tc_dns_server *s)
{
	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->fd);
	close(s->fd2);
}

/* "127.0.0.1:PORT", for evdns_base_nameserver_ip_add. */
static inline const char *tc_dns_addr(const struct tc_dns_server *s)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "127.0.0.1:%d", s->port);
	return buf;
}

/* Queries the server got so far. */
static inline int tc_dns_count(struct tc_dns_server *s)
{
	tc_dns_lock();
	int n = s->nq;
	tc_dns_unlock();
	return n;
}

#endif /* GOEVENT_TESTS_C_DNSTEST_H */

/* ---- the client side: what an evdns callback got ---- */
#include <event2/dns.h>

/* One line describing an evdns_callback_type call: result name, type,
 * count, ttl, the addresses or PTR name. Into buf (returned). */
static inline const char *tc_dns_describe(char *buf, size_t n, int result, char type, int count, int ttl,
    void *addresses)
{
	int o = snprintf(buf, n, "result=%d (%s) type=%d count=%d ttl=%d", result,
	    evdns_err_to_string(result), (int)type, count, ttl);
	if (result == DNS_ERR_NONE && addresses) {
		for (int i = 0; i < count && o < (int)n - 48; i++) {
			char a[64];
			if (type == DNS_IPv4_A)
				inet_ntop(AF_INET, (char *)addresses + 4 * i, a, sizeof a);
			else if (type == DNS_IPv6_AAAA)
				inet_ntop(AF_INET6, (char *)addresses + 16 * i, a, sizeof a);
			else if (type == DNS_PTR) {
				/* lower case: a name echoed from the question has evdns's random case */
				snprintf(a, sizeof a, "%s", *(char **)addresses);
				for (char *c = a; *c; c++)
					*c = (char)tolower((unsigned char)*c);
			}
			else
				snprintf(a, sizeof a, "?");
			o += snprintf(buf + o, n - (size_t)o, " %s", a);
		}
	}
	return buf;
}
