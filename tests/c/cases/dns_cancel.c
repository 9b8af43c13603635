/* dns_cancel: evdns_cancel_request (the callback runs from the loop with
 * DNS_ERR_CANCEL, not inside the call; a late reply is then ignored;
 * cancelling from inside the request's own callback, or a request whose
 * answer is waiting to be delivered, does nothing; NULL base: the
 * request's own), callbacks are never run inside the resolve call, the
 * order of callbacks, max-inflight (requests beyond it wait and go out as
 * others end), and evdns_base_free with and without fail_requests (the
 * DNS_ERR_SHUTDOWN callbacks run at the next dispatch; without, nothing
 * runs), and an evdns_base freed from inside a callback. */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (strncasecmp(q->name, "slow", 4) == 0)
		q->delay_ms = 200;
	if (strncasecmp(q->name, "held", 4) == 0)
		return -1;
	return tc_dns_answer(out, q, "10.0.0.1", 60);
}

static struct evdns_request *self_req;
static struct evdns_base *the_dns;
static int ncb;
static const char *order[32];

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	char l[256];
	(void)type; (void)ttl; (void)addresses;
	const char *what = arg;
	if (ncb < 32)
		order[ncb] = what;
	ncb++;
	printf("  callback %s: %s\n", what, tc_dns_describe(l, sizeof l, result, 0, count, 0, NULL));
	if (strcmp(what, "self") == 0) {
		evdns_cancel_request(the_dns, self_req);
		printf("  cancelled itself from its callback\n");
	}
}

static void cb_count(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)result; (void)type; (void)count; (void)ttl; (void)addresses; (void)arg;
	ncb++;
}

static struct evdns_request *other_req;
static void cb_cancel_other(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	cb(result, type, count, ttl, addresses, arg);
	evdns_cancel_request(the_dns, other_req);
	printf("  cancelled the other request\n");
}

static void wait_s(double s)
{
	struct timeval tv = { (long)s, (long)((s - (long)s) * 1e6) };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void cb_free(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)type; (void)count; (void)ttl; (void)addresses; (void)arg;
	printf("  callback free-me: result=%d, freeing the evdns_base in it\n", result);
	evdns_base_free(the_dns, 1);
}

int main(void)
{
	struct tc_dns_server srv;
	tc_alarm("dns_cancel", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = the_dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_set_option(dns, "timeout", "2");

	printf("cancel before the reply:\n");
	struct evdns_request *r = evdns_base_resolve_ipv4(dns, "slow1.test", 0, cb, "slow1");
	evdns_cancel_request(dns, r);
	printf("  callbacks inside the calls: %d\n", ncb);
	wait_s(0.4);
	printf("  callbacks: %d (the late reply ignored)\n", ncb);

	printf("cancel with a NULL base:\n");
	ncb = 0;
	r = evdns_base_resolve_ipv4(dns, "slow2.test", 0, cb, "slow2");
	evdns_cancel_request(NULL, r);
	wait_s(0.4);

	printf("cancel from its own callback:\n");
	ncb = 0;
	self_req = evdns_base_resolve_ipv4(dns, "fast.test", 0, cb, "self");
	wait_s(0.2);
	printf("  callbacks: %d\n", ncb);

	printf("cancel after the answer arrived, before its callback ran:\n");
	ncb = 0;
	evdns_base_resolve_ipv4(dns, "fast2a.test", 0, cb_cancel_other, "fast2a");
	other_req = evdns_base_resolve_ipv4(dns, "fast2b.test", 0, cb, "fast2b");
	usleep(100000); /* both replies wait in the socket: one read takes both */
	wait_s(0.1);
	printf("  callbacks: %d\n", ncb);

	printf("max-inflight 2, five requests:\n");
	ncb = 0;
	evdns_base_set_option(dns, "max-inflight", "2");
	static const char *five[] = { "slowa.test", "slowb.test", "slowc.test", "slowd.test", "slowe.test" };
	int before = tc_dns_count(&srv);
	for (int i = 0; i < 5; i++)
		evdns_base_resolve_ipv4(dns, five[i], 0, cb_count, NULL);
	wait_s(0.1);
	printf("  queries out after 0.1 s: %d\n", tc_dns_count(&srv) - before);
	wait_s(0.8);
	printf("  queries out at the end: %d, callbacks: %d\n", tc_dns_count(&srv) - before, ncb);
	evdns_base_set_option(dns, "max-inflight", "64");

	printf("evdns_base_free without fail_requests:\n");
	ncb = 0;
	evdns_base_resolve_ipv4(dns, "held1.test", 0, cb, "held1");
	evdns_base_resolve_ipv6(dns, "held2.test", 0, cb, "held2");
	wait_s(0.05);
	evdns_base_free(dns, 0);
	printf("  callbacks inside free: %d\n", ncb);
	wait_s(0.1);
	printf("  callbacks after: %d\n", ncb);

	printf("evdns_base_free with fail_requests:\n");
	ncb = 0;
	dns = the_dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_resolve_ipv4(dns, "held3.test", 0, cb, "held3");
	wait_s(0.05);
	evdns_base_free(dns, 1);
	printf("  callbacks inside free: %d\n", ncb);
	wait_s(0.1);
	printf("  callbacks after: %d\n", ncb);

	printf("evdns_base_free from a callback:\n");
	ncb = 0;
	dns = the_dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_resolve_ipv4(dns, "held5.test", 0, cb, "held5");
	evdns_base_resolve_ipv4(dns, "fast3.test", 0, cb_free, NULL);
	wait_s(0.3);
	printf("  callbacks: %d\n", ncb);

	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
