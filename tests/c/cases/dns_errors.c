/* dns_errors: evdns's handling of error replies and of replies that are
 * not for it, with one nameserver: REFUSED and NOTIMPL (no other server
 * to reissue to), FORMERR, an RCODE past 5 (DNS_ERR_UNKNOWN), TC set
 * (DNS_ERR_TRUNCATED), no question / another question's name
 * (DNS_ERR_UNKNOWN), a datagram without QR, with another id, or from
 * another address (all ignored: the request times out after "attempts"
 * sends), a reply sent twice, a reply later than the timeout (the
 * retransmission keeps the id: the late reply answers it), and a dropped
 * query (DNS_ERR_TIMEOUT after exactly "attempts" queries). */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;

static const char *names[] = {
	"refused.test", "notimpl.test", "formerr.test", "rcode9.test", "trunc.test",
	"noquestion.test", "wrongname.test", "notresponse.test", "wrongid.test",
	"other.test", "twice.test", "late.test", "drop.test",
};
#define N (int)(sizeof names / sizeof names[0])
static char lines[N][256];
static int nq[N];
static int ndone;

static int index_of(const struct tc_dns_query *q)
{
	for (int i = 0; i < N; i++)
		if (tc_dns_is(q, names[i]))
			return i;
	return -1;
}

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	int i = index_of(q), off;
	if (i < 0)
		return -1;
	tc_dns_lock();
	nq[i]++;
	tc_dns_unlock();
	switch (i) {
	case 0: return tc_dns_error(out, q, 5, -1, 0);
	case 1: return tc_dns_error(out, q, 4, -1, 0);
	case 2: return tc_dns_error(out, q, 1, -1, 0);
	case 3: return tc_dns_error(out, q, 9, -1, 0);
	case 4:
		off = tc_dns_answer(out, q, "10.0.0.4", 60);
		out[2] |= 0x02; /* TC */
		return off;
	case 5:
		off = tc_dns_header(out, q, 0, 0, 0, 1, 0, 0);
		off = tc_dns_rr(out, off, 1, 60, 4); /* points at 12: itself a record */
		memcpy(out + off, "\x0a\x00\x00\x05", 4);
		return off + 4;
	case 6: {
		struct tc_dns_query other = *q;
		/* the question names another host */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_name(out, off, "another.test");
		off = tc_dns_put16(out, off, 1);
		off = tc_dns_put16(out, off, 1);
		(void)other;
		off = tc_dns_rr(out, off, 1, 60, 4);
		memcpy(out + off, "\x0a\x00\x00\x06", 4);
		return off + 4;
	}
	case 7:
		off = tc_dns_answer(out, q, "10.0.0.7", 60);
		out[2] &= 0x7f; /* no QR: a query, not a response */
		return off;
	case 8:
		off = tc_dns_answer(out, q, "10.0.0.8", 60);
		out[1] ^= 0x55; /* another transaction id */
		return off;
	case 9:
		q->from_other = 1; /* from 127.0.0.2 */
		return tc_dns_answer(out, q, "10.0.0.9", 60);
	case 10:
		q->twice = 1;
		return tc_dns_answer(out, q, "10.0.0.10", 60);
	case 11:
		if (nq[i] == 1)
			q->delay_ms = 400; /* the first reply comes after the retransmission */
		else
			return -1;
		return tc_dns_answer(out, q, "10.0.0.11", 60);
	default:
		return -1;
	}
}

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	int i = (int)(long)arg;
	tc_dns_describe(lines[i], sizeof lines[i], result, type, count, ttl, addresses);
	if (++ndone == N)
		event_base_loopexit(base, NULL);
}

static int nwarn;
static void logcb(int is_warning, const char *msg)
{
	(void)msg;
	if (is_warning)
		nwarn++;
}

int main(void)
{
	struct tc_dns_server srv;
	tc_alarm("dns_errors", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	printf("timeout: %d\n", evdns_base_set_option(dns, "timeout", "0.25"));
	printf("attempts: %d\n", evdns_base_set_option(dns, "attempts:", "2"));
	/* a failed nameserver is probed again after 10 s: later than this case */
	evdns_set_log_fn(logcb);
	for (int i = 0; i < N; i++)
		if (!evdns_base_resolve_ipv4(dns, names[i], DNS_QUERY_NO_SEARCH, cb, (void *)(long)i))
			printf("%s: not started\n", names[i]);
	double t0 = tc_mono();
	event_base_dispatch(base);
	double el = tc_mono() - t0;
	tc_dns_lock();
	for (int i = 0; i < N; i++)
		printf("%-16s queries=%d %s\n", names[i], nq[i], lines[i]);
	tc_dns_unlock();
	printf("warnings logged: %s\n", tc_yesno(nwarn > 0));
	printf("all done within [0.4,2.0) s: %s\n", tc_yesno(el >= 0.4 && el < 2.0));
	evdns_set_log_fn(NULL);
	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
