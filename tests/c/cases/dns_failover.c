/* dns_failover: two nameservers. Their order (evdns_base_get_nameserver_addr,
 * which counts from the head that every pick moves); a REFUSED marks the
 * first one down and the request is reissued to the other -- but only
 * sent when its timeout fires, and by then the first one, probed
 * ("google.com", after initial-probe-timeout) and back up, gets it again
 * (and refuses again: one reissue only); both up take turns; clear_nameservers_and_suspend puts a request in
 * flight back in the queue (count 0), and resume after adding a server
 * sends it there. */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static struct tc_dns_server s1, s2;
static char log1[4096], log2[4096]; /* names each server got, in order */
static int refuse = 1;

static void note(char *log, const struct tc_dns_query *q)
{
	char n[300];
	snprintf(n, sizeof n, "%s ", q->name);
	for (char *c = n; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	tc_dns_lock();
	if (strlen(log) + strlen(n) < 4000)
		strcat(log, n);
	tc_dns_unlock();
}

static int h1(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	note(log1, q);
	if (tc_dns_is(q, "google.com"))
		return tc_dns_answer(out, q, "10.9.9.9", 60);
	if (tc_dns_is(q, "slow.test")) {
		q->delay_ms = 150;
		return tc_dns_answer(out, q, "10.0.0.99", 60);
	}
	if (refuse)
		return tc_dns_error(out, q, 5, -1, 0);
	return tc_dns_answer(out, q, "10.0.0.1", 60);
}

static int h2(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	note(log2, q);
	if (tc_dns_is(q, "slow.test"))
		q->delay_ms = 150;
	return tc_dns_answer(out, q, "10.0.0.2", 60);
}

static char line[256];
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)arg;
	tc_dns_describe(line, sizeof line, result, type, count, ttl, addresses);
	event_base_loopexit(base, NULL);
}

static void show_logs(const char *when)
{
	tc_dns_lock();
	printf("%s: server1 got [%s] server2 got [%s]\n", when, log1, log2);
	log1[0] = log2[0] = 0;
	tc_dns_unlock();
}

static const char *which(const struct sockaddr *sa)
{
	int port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return port == s1.port ? "server1" : port == s2.port ? "server2" : "?";
}

static void show_order(struct evdns_base *dns)
{
	struct sockaddr_storage ss;
	printf("order:");
	for (int i = 0; i < 3; i++) {
		int r = evdns_base_get_nameserver_addr(dns, i, (struct sockaddr *)&ss, sizeof ss);
		printf(" %d=%s", i, r > 0 ? which((struct sockaddr *)&ss) : "none");
	}
	printf("\n");
}

static void resolve(struct evdns_base *dns, const char *name)
{
	struct timeval guard = { 3, 0 };
	line[0] = 0;
	double t0 = tc_mono();
	if (!evdns_base_resolve_ipv4(dns, name, 0, cb, NULL))
		printf("%s: not started\n", name);
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	double el = tc_mono() - t0;
	printf("%s: %s (after the 0.3 s timeout: %s)\n", name, line, tc_yesno(el >= 0.28));
}

static void wait_s(double s)
{
	struct timeval tv = { 0, (long)(s * 1e6) };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	struct sockaddr_storage ss;
	tc_alarm("dns_failover", 15);
	if (tc_dns_start(&s1, h1, NULL) != 0 || tc_dns_start(&s2, h2, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	printf("add 1: %d\n", evdns_base_nameserver_ip_add(dns, tc_dns_addr(&s1)));
	printf("add 2: %d\n", evdns_base_nameserver_ip_add(dns, tc_dns_addr(&s2)));
	printf("add 1 again: %d\n", evdns_base_nameserver_ip_add(dns, tc_dns_addr(&s1)));
	printf("count: %d\n", evdns_base_count_nameservers(dns));
	show_order(dns);
	printf("addr len with room 4: %d\n", evdns_base_get_nameserver_addr(dns, 0, (struct sockaddr *)&ss, 4));
	printf("addr of index -1: %d\n", evdns_base_get_nameserver_addr(dns, -1, (struct sockaddr *)&ss, sizeof ss));
	evdns_base_set_option(dns, "timeout", "0.3");
	evdns_base_set_option(dns, "attempts", "3");
	evdns_base_set_option(dns, "initial-probe-timeout", "0.2");

	resolve(dns, "r.test");
	show_logs("refused, reissued");
	show_order(dns);

	refuse = 0;
	wait_s(0.5); /* the probe of server1 */
	show_logs("probe");
	show_order(dns);
	resolve(dns, "x.test");
	resolve(dns, "y.test");
	show_logs("both up");

	/* a request in flight when the nameservers go */
	line[0] = 0;
	evdns_base_resolve_ipv4(dns, "slow.test", 0, cb, NULL);
	wait_s(0.05);
	show_logs("slow sent");
	printf("clear: %d\n", evdns_base_clear_nameservers_and_suspend(dns));
	printf("count: %d\n", evdns_base_count_nameservers(dns));
	wait_s(0.4);
	printf("callback while suspended: %s\n", tc_yesno(line[0] != 0));
	printf("add 2: %d\n", evdns_base_nameserver_ip_add(dns, tc_dns_addr(&s2)));
	printf("resume: %d\n", evdns_base_resume(dns));
	struct timeval guard = { 2, 0 };
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	printf("slow.test: %s\n", line);
	show_logs("resumed");

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&s1);
	tc_dns_stop(&s2);
	printf("done\n");
	return 0;
}
