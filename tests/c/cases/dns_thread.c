/* dns_thread: evdns used from another thread than the loop's, with
 * evthread_use_pthreads: the loop runs (blocked in its wait) on the main
 * thread while a second thread starts lookups (one held 300 ms by the
 * server) and adds a nameserver; the lookups are sent at once (the loop is woken) and their
 * callbacks run on the loop's thread. */
/* libs: libevent libevent_pthreads */
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static struct evdns_base *dns;
static pthread_t loop_thread;
static int answered, on_loop_thread, cancelled;
static struct tc_dns_server srv;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (tc_dns_is(q, "slow.test"))
		q->delay_ms = 300;
	return tc_dns_answer(out, q, "10.0.0.7", 60);
}

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)type; (void)count; (void)ttl; (void)addresses; (void)arg;
	if (pthread_equal(pthread_self(), loop_thread))
		on_loop_thread++;
	if (result == DNS_ERR_NONE)
		answered++;
	else if (result == DNS_ERR_CANCEL)
		cancelled++;
	if (answered + cancelled == 5)
		event_base_loopbreak(base);
}

static void *worker(void *arg)
{
	(void)arg;
	usleep(100000); /* the loop is waiting by now */
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	for (int i = 0; i < 4; i++) {
		char name[32];
		snprintf(name, sizeof name, "w%d.test", i);
		evdns_base_resolve_ipv4(dns, name, DNS_QUERY_NO_SEARCH, cb, NULL);
	}
	/* Not cancelled from here: libevent 2.1.12 aborts now and then
	 * (evdns.c:657, request_finished) when another thread cancels a
	 * request (10-45% of runs here); cancelling is in case dns_cancel. */
	evdns_base_resolve_ipv4(dns, "slow.test", DNS_QUERY_NO_SEARCH, cb, NULL);
	return NULL;
}

static void guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	event_base_loopbreak(base);
}

int main(void)
{
	pthread_t t;
	tc_alarm("dns_thread", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	evthread_use_pthreads();
	base = event_base_new();
	dns = evdns_base_new(base, 0);
	loop_thread = pthread_self();
	struct event *guard = evtimer_new(base, guard_cb, NULL);
	struct timeval tv = { 5, 0 };
	evtimer_add(guard, &tv);
	pthread_create(&t, NULL, worker, NULL);
	double t0 = tc_mono();
	event_base_dispatch(base);
	double el = tc_mono() - t0;
	pthread_join(t, NULL);
	printf("answered: %d, cancelled: %d, all on the loop thread: %s\n", answered, cancelled,
	    tc_yesno(on_loop_thread == answered + cancelled));
	printf("done before the guard: %s\n", tc_yesno(el < 4));
	printf("nameservers: %d\n", evdns_base_count_nameservers(dns));
	event_free(guard);
	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
