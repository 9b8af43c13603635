/* dns_misc: EVDNS_BASE_DISABLE_WHEN_INACTIVE (an idle resolver leaves the
 * loop nothing to wait for; without it the nameserver's socket keeps the
 * loop running); an unknown evdns_base_new flag is warned about;
 * evdns_set_log_fn gets warnings (is_warning 1) and the debug messages
 * too, evdns_set_log_fn(NULL) sends them back to the event log; the 0x20
 * hack: with randomize-case on (the default) a reply whose question is in
 * another case than sent is accepted all the same (libevent 2.1.12
 * compares names ignoring case), with it off names go out as given; the
 * two obsolete setters. */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static char lastname[256];

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	tc_dns_lock();
	snprintf(lastname, sizeof lastname, "%s", q->name);
	tc_dns_unlock();
	int off = tc_dns_answer(out, q, "10.0.0.1", 60);
	if (tc_dns_is(q, "lower.test")) /* the question echoed in lower case */
		for (int i = 12; i < q->qend; i++)
			out[i] = (unsigned char)tolower(out[i]);
	return off;
}

static char line[256];
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)arg;
	tc_dns_describe(line, sizeof line, result, type, count, ttl, addresses);
}

static int nwarn, nother;
static void logfn(int is_warning, const char *msg)
{
	(void)msg;
	if (is_warning)
		nwarn++;
	else
		nother++;
}
static int nevlog;
static void evlog(int sev, const char *msg)
{
	(void)sev; (void)msg;
	nevlog++;
}

static ev_uint16_t idfn(void) { return 7; }
static void rndfn(char *b, size_t n) { memset(b, 0, n); }

int main(void)
{
	struct tc_dns_server srv;
	tc_alarm("dns_misc", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	evdns_set_transaction_id_fn(idfn);
	evdns_set_random_bytes_fn(rndfn);

	struct evdns_base *dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	int r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("disable when inactive, idle: loop returned %d\n", r);
	evdns_base_resolve_ipv4(dns, "a.test", 0, cb, NULL);
	double t0 = tc_mono();
	r = event_base_dispatch(base);
	printf("  with a request: %s; dispatch returned %d by itself: %s\n", line, r, tc_yesno(tc_mono() - t0 < 1.5));
	evdns_base_free(dns, 0);
	event_base_free(base);

	base = event_base_new();
	dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("without the flag, idle: loop returned %d\n", r);
	evdns_base_resolve_ipv4(dns, "a.test", 0, cb, NULL);
	struct timeval g2 = { 0, 300000 };
	event_base_loopexit(base, &g2);
	t0 = tc_mono();
	event_base_dispatch(base);
	printf("  with a request: %s; dispatch ran until the guard: %s\n", line, tc_yesno(tc_mono() - t0 >= 0.25));

	printf("0x20 on (default):\n");
	evdns_base_resolve_ipv4(dns, "lower.test", 0, cb, NULL);
	event_base_loopexit(base, &g2);
	event_base_dispatch(base);
	printf("  reply in lower case: %s\n", line);
	printf("set randomize-case 0: %d\n", evdns_base_set_option(dns, "randomize-case:", "0"));
	evdns_base_resolve_ipv4(dns, "lower.test", 0, cb, NULL);
	event_base_loopexit(base, &g2);
	event_base_dispatch(base);
	printf("  reply in lower case: %s\n", line);
	evdns_base_resolve_ipv4(dns, "MiXeD.TeSt", 0, cb, NULL);
	event_base_loopexit(base, &g2);
	event_base_dispatch(base);
	tc_dns_lock();
	printf("  name as sent: %s\n", lastname);
	tc_dns_unlock();

	printf("log function:\n");
	evdns_set_log_fn(logfn);
	evdns_base_nameserver_ip_add(dns, "not-an-address");
	evdns_base_nameserver_ip_add(dns, "127.0.0.1:1");
	printf("  warnings: %d, other messages: %s\n", nwarn, tc_yesno(nother > 0));
	evdns_set_log_fn(NULL);
	event_set_log_callback(evlog);
	evdns_base_nameserver_ip_add(dns, "also-not-an-address");
	printf("  after set_log_fn(NULL): to the event log: %s, to the function: %d\n", tc_yesno(nevlog > 0), nwarn);
	nevlog = 0;
	struct evdns_base *d2 = evdns_base_new(base, 0x4 /* unknown */);
	printf("unknown flag warned: %s\n", tc_yesno(nevlog > 0));
	if (d2)
		evdns_base_free(d2, 0);
	event_set_log_callback(NULL);

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
