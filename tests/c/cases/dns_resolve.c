/* dns_resolve: evdns_base_resolve_ipv4/_ipv6/_reverse/_reverse_ipv6 against
 * a DNS server of our own on 127.0.0.1: answers with several addresses,
 * PTR names, NXDOMAIN with an SOA (the TTL comes from it), an empty answer
 * (DNS_ERR_NODATA), DNS_QUERY_NO_SEARCH; the TTL is the smallest of the
 * answers'; evdns_err_to_string of every code; the query is a standard
 * recursive one and its name's letters arrive in mixed case (0x20, on by
 * default). */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static char lines[8][512];
static int ndone;
#define NREQ 7
static int saw_rd, saw_upper, queries;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	tc_dns_lock();
	queries++;
	if (q->flags & 0x0100)
		saw_rd++;
	for (const char *c = q->name; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			saw_upper = 1;
	tc_dns_unlock();
	if (tc_dns_is(q, "a.test") && q->qtype == 1) {
		/* two records with different TTLs: the callback gets the smaller */
		int off = tc_dns_header(out, q, 0, 0, 1, 3, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_rr(out, off, 1, 300, 4);
		memcpy(out + off, "\x01\x02\x03\x04", 4), off += 4;
		off = tc_dns_rr(out, off, 5, 50, 3); /* a CNAME in between: skipped */
		off = tc_dns_name(out, off, "x");
		off = tc_dns_rr(out, off, 1, 120, 4);
		memcpy(out + off, "\x05\x06\x07\x08", 4), off += 4;
		return off;
	}
	if (tc_dns_is(q, "a.test") && q->qtype == 28)
		return tc_dns_answer(out, q, "", 0); /* no records: NODATA */
	if (tc_dns_is(q, "v6.test") && q->qtype == 28)
		return tc_dns_answer(out, q, "::1,2001:db8::42", 200);
	if (tc_dns_is(q, "4.3.2.1.in-addr.arpa") && q->qtype == 12)
		return tc_dns_answer_ptr(out, q, "host.test", 100);
	if (tc_dns_is(q, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa") && q->qtype == 12)
		return tc_dns_answer_ptr(out, q, "localhost6.test", 90);
	if (tc_dns_is(q, "missing.test"))
		return tc_dns_error(out, q, 3, 70, 30); /* NXDOMAIN, SOA minimum 30 */
	return tc_dns_error(out, q, 2, -1, 0);
}

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	int i = (int)(long)arg;
	tc_dns_describe(lines[i], sizeof lines[i], result, type, count, ttl, addresses);
	if (++ndone == NREQ)
		event_base_loopexit(base, NULL);
}

int main(void)
{
	struct tc_dns_server srv;
	struct in_addr in4;
	struct in6_addr in6;
	static const char *what[NREQ] = {
		"ipv4 a.test", "ipv6 v6.test", "reverse 1.2.3.4", "reverse_ipv6 ::1",
		"ipv4 missing.test", "ipv6 a.test (no AAAA)", "ipv4 v6.test (SERVFAIL)",
	};

	tc_alarm("dns_resolve", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0) {
		printf("cannot start the DNS server\n");
		return 1;
	}
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	printf("evdns_base_new: %s\n", tc_yesno(dns != NULL));
	printf("count before: %d\n", evdns_base_count_nameservers(dns));
	printf("nameserver_ip_add: %d\n", evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv)));
	printf("count after: %d\n", evdns_base_count_nameservers(dns));
	evdns_base_set_option(dns, "timeout:", "0.3");
	evdns_base_set_option(dns, "attempts:", "1");

	inet_pton(AF_INET, "1.2.3.4", &in4);
	inet_pton(AF_INET6, "::1", &in6);
	int ok = 0;
	ok += evdns_base_resolve_ipv4(dns, "a.test", 0, cb, (void *)0) != NULL;
	ok += evdns_base_resolve_ipv6(dns, "v6.test", 0, cb, (void *)1) != NULL;
	ok += evdns_base_resolve_reverse(dns, &in4, 0, cb, (void *)2) != NULL;
	ok += evdns_base_resolve_reverse_ipv6(dns, &in6, 0, cb, (void *)3) != NULL;
	ok += evdns_base_resolve_ipv4(dns, "missing.test", DNS_QUERY_NO_SEARCH, cb, (void *)4) != NULL;
	ok += evdns_base_resolve_ipv6(dns, "a.test", 0, cb, (void *)5) != NULL;
	ok += evdns_base_resolve_ipv4(dns, "v6.test", 0, cb, (void *)6) != NULL;
	printf("requests started: %d\n", ok);
	printf("callbacks before dispatch: %d\n", ndone);

	event_base_dispatch(base);
	for (int i = 0; i < NREQ; i++)
		printf("%s: %s\n", what[i], lines[i]);
	tc_dns_lock();
	printf("queries: %d, all with RD: %s, names in mixed case: %s\n", queries,
	    tc_yesno(saw_rd == queries), tc_yesno(saw_upper));
	tc_dns_unlock();

	static const int codes[] = { 0, 1, 2, 3, 4, 5, 6, 64, 65, 66, 67, 68, 69, 70, 71, -1 };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		printf("err %d: %s\n", codes[i], evdns_err_to_string(codes[i]));

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
