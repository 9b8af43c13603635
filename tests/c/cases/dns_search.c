/* dns_search: search domains. evdns_base_search_add puts a domain at the
 * head of the list (leading dots dropped), so domains added one by one are
 * tried last-added first; a name with fewer than ndots dots is tried in
 * each domain, then as it is; one with ndots or more as it is first, then
 * in each domain; NXDOMAIN and NODATA go on to the next name, an answer
 * ends the search; DNS_QUERY_NO_SEARCH and PTR lookups never search; a
 * name ending in a dot; evdns_base_search_ndots_set; evdns_base_search_clear;
 * AAAA lookups search too. The server's query log shows the order. */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static char qlog[4096];

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	char n[300];
	snprintf(n, sizeof n, "%s/%d ", q->name, q->qtype);
	for (char *c = n; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	tc_dns_lock();
	if (strlen(qlog) + strlen(n) < 4000)
		strcat(qlog, n);
	tc_dns_unlock();
	if (tc_dns_is(q, "host.one.test") && q->qtype == 1)
		return tc_dns_answer(out, q, "10.1.1.1", 60);
	if (tc_dns_is(q, "host.one.test") && q->qtype == 28)
		return tc_dns_answer(out, q, "fd00::1", 60);
	if (tc_dns_is(q, "nodata.two.test"))
		return tc_dns_answer(out, q, "", 0);
	if (tc_dns_is(q, "nodata.one.test"))
		return tc_dns_answer(out, q, "10.3.3.3", 60);
	if (tc_dns_is(q, "a.b"))
		return tc_dns_answer(out, q, "10.2.2.2", 60);
	return tc_dns_error(out, q, 3, 60, 10);
}

static char line[256];
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)arg;
	tc_dns_describe(line, sizeof line, result, type, count, ttl, addresses);
	event_base_loopexit(base, NULL);
}

static void run(struct evdns_base *dns, const char *what, int v6, const char *name, int flags)
{
	struct timeval guard = { 3, 0 };
	line[0] = 0;
	struct evdns_request *r = v6 ? evdns_base_resolve_ipv6(dns, name, flags, cb, NULL)
	                             : evdns_base_resolve_ipv4(dns, name, flags, cb, NULL);
	if (!r) {
		printf("%s: not started\n", what);
		return;
	}
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	tc_dns_lock();
	printf("%s: %s\n    queries: %s\n", what, line, qlog);
	qlog[0] = 0;
	tc_dns_unlock();
}

int main(void)
{
	struct tc_dns_server srv;
	struct in_addr in4;
	tc_alarm("dns_search", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_set_option(dns, "timeout", "1");

	run(dns, "no search list", 0, "host", 0);
	evdns_base_search_add(dns, "one.test");
	evdns_base_search_add(dns, "..two.test");
	run(dns, "host (0 dots)", 0, "host", 0);
	run(dns, "host AAAA", 1, "host", 0);
	run(dns, "nodata goes on", 0, "nodata", 0);
	run(dns, "a.b (1 dot: as is first)", 0, "a.b", 0);
	run(dns, "c.d (1 dot, none answers)", 0, "c.d", 0);
	run(dns, "missing (0 dots, none answers)", 0, "missing", 0);
	run(dns, "host. (trailing dot)", 0, "host.", 0);
	run(dns, "host with NO_SEARCH", 0, "host", DNS_QUERY_NO_SEARCH);
	evdns_base_search_ndots_set(dns, 2);
	run(dns, "c.d with ndots 2", 0, "c.d", 0);
	evdns_base_search_ndots_set(dns, 0);
	run(dns, "host with ndots 0", 0, "host", 0);
	inet_pton(AF_INET, "10.0.0.1", &in4);
	line[0] = 0;
	evdns_base_resolve_reverse(dns, &in4, 0, cb, NULL);
	event_base_dispatch(base);
	tc_dns_lock();
	printf("reverse: %s\n    queries: %s\n", line, qlog);
	qlog[0] = 0;
	tc_dns_unlock();
	evdns_base_search_clear(dns);
	run(dns, "host after search_clear", 0, "host", 0);
	evdns_base_search_add(dns, "one.test");
	run(dns, "host after adding one.test again", 0, "host", 0);

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
