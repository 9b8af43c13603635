/* dns_compat: the libevent 1.x evdns API (event2/dns_compat.h and the
 * global-base functions of event2/dns.h) on event_init()'s base: the
 * global evdns_base made by the first nameserver/option/resolv.conf call,
 * lookups, search list, count/clear/resume, evdns_add_server_port,
 * evdns_shutdown (which also forgets evdns_set_log_fn's function),
 * evdns_init. Built with the old <evdns.h>. */
#include <evdns.h>

#include "testcase.h"
#include "dnstest.h"

static int ndone;
static char lines[6][256];

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (tc_dns_is(q, "h.c.test"))
		return tc_dns_answer(out, q, q->qtype == 1 ? "10.0.0.1" : "fd00::1", 60);
	if (q->qtype == 12)
		return tc_dns_answer_ptr(out, q, "ptr.test", 60);
	return tc_dns_error(out, q, 3, -1, 0);
}

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	int i = (int)(long)arg;
	tc_dns_describe(lines[i], sizeof lines[i], result, type, count, ttl, addresses);
	if (++ndone == 4)
		event_loopexit(NULL);
}

static int nlog;
static void logfn(int is_warning, const char *msg)
{
	(void)is_warning; (void)msg;
	nlog++;
}

static void server_cb(struct evdns_server_request *req, void *arg)
{
	(void)arg;
	evdns_server_request_respond(req, DNS_ERR_NOTEXIST);
}

int main(void)
{
	struct tc_dns_server srv;
	struct in_addr in4;
	struct in6_addr in6;
	char addr[32];
	tc_alarm("dns_compat", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	event_init();
	printf("global base at start: %s\n", tc_yesno(evdns_get_global_base() != NULL));
	snprintf(addr, sizeof addr, "%s", tc_dns_addr(&srv));
	printf("evdns_nameserver_ip_add: %d\n", evdns_nameserver_ip_add(addr));
	printf("global base now: %s\n", tc_yesno(evdns_get_global_base() != NULL));
	printf("evdns_count_nameservers: %d\n", evdns_count_nameservers());
	printf("evdns_set_option timeout: %d\n", evdns_set_option("timeout:", "1", DNS_OPTIONS_ALL));
	printf("evdns_set_option bad: %d\n", evdns_set_option("attempts:", "x", 0));
	evdns_search_add("c.test");
	evdns_search_ndots_set(1);

	inet_pton(AF_INET, "10.0.0.9", &in4);
	inet_pton(AF_INET6, "fd00::9", &in6);
	printf("resolve_ipv4: %d\n", evdns_resolve_ipv4("h", 0, cb, (void *)0));
	printf("resolve_ipv6: %d\n", evdns_resolve_ipv6("h", 0, cb, (void *)1));
	printf("resolve_reverse: %d\n", evdns_resolve_reverse(&in4, 0, cb, (void *)2));
	printf("resolve_reverse_ipv6: %d\n", evdns_resolve_reverse_ipv6(&in6, 0, cb, (void *)3));
	event_dispatch();
	for (int i = 0; i < 4; i++)
		printf("  %d: %s\n", i, lines[i]);

	evdns_search_clear();
	printf("clear_nameservers_and_suspend: %d\n", evdns_clear_nameservers_and_suspend());
	printf("count: %d\n", evdns_count_nameservers());
	printf("evdns_nameserver_add: %d\n", evdns_nameserver_add(htonl(0x7f000001)));
	printf("count: %d\n", evdns_count_nameservers());
	printf("evdns_resume: %d\n", evdns_resume());
	printf("evdns_resolv_conf_parse missing file: %d\n",
	    evdns_resolv_conf_parse(DNS_OPTION_NAMESERVERS, "/nonexistent/resolv.conf"));
	printf("count: %d\n", evdns_count_nameservers());

	int sfd = socket(AF_INET, SOCK_DGRAM, 0);
	evutil_make_socket_nonblocking(sfd);
	struct evdns_server_port *port = evdns_add_server_port(sfd, 0, server_cb, NULL);
	printf("evdns_add_server_port: %s\n", tc_yesno(port != NULL));
	evdns_close_server_port(port);

	evdns_set_log_fn(logfn);
	evdns_shutdown(0);
	printf("global base after shutdown: %s\n", tc_yesno(evdns_get_global_base() != NULL));
	nlog = 0;
	event_set_log_callback(NULL);
	/* a warning now goes to the event log, not to logfn */
	struct evdns_base *b = evdns_base_new(NULL, 0);
	evdns_base_nameserver_ip_add(b, "not an address");
	printf("log function called after shutdown: %s\n", tc_yesno(nlog > 0));
	evdns_base_free(b, 0);

	int r = evdns_init();
	printf("evdns_init made the global base when it returned 0: %s\n",
	    tc_yesno((r == 0) == (evdns_get_global_base() != NULL)));
	evdns_shutdown(1);

	event_base_free(event_base_new()); /* a second base leaves the first alone */
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
