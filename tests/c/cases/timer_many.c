/* timer_many: 100 000 pending timers stay cheap. Timers with pseudo-random
 * durations (0-300 ms) fire once each in deadline order; 100 000 more on one
 * common timeout go on a queue; adding, deleting half and dispatching all
 * of them takes well under the bound. Counts via event_base_get_num_events
 * and event_base_get_max_events. */
/* timeout: 40 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"

#define N 100000
static struct event *evs[N];
static double deadline[N];
static unsigned char fired[N];
static int nfired, in_order = 1;
static double last_deadline;

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	int i = (int)(long)arg;
	fired[i]++;
	nfired++;
	if (deadline[i] < last_deadline - 5e-6) /* wall-clock conversion jitter */
		in_order = 0;
	last_deadline = deadline[i];
}

static unsigned lcg = 12345;
static unsigned rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return (lcg >> 8) & 0xffffff;
}

int main(void)
{
	tc_alarm("timer_many", 35);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct event_base *base = event_base_new();

	double t0 = tc_now();
	for (int i = 0; i < N; i++) {
		evs[i] = event_new(base, -1, 0, cb, (void *)(long)i);
		struct timeval tv = { 0, (long)(rnd() % 300) * 1000 + (long)(rnd() % 1000) };
		event_add(evs[i], &tv);
		struct timeval when;
		event_pending(evs[i], EV_TIMEOUT, &when);
		deadline[i] = when.tv_sec + when.tv_usec / 1e6;
	}
	double add_time = tc_now() - t0;
	printf("added %d timers, fast (<3s): %s\n", N, add_time < 3 ? "yes" : "no");
	printf("num added: %d, max added: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0));
	/* Delete every third one. */
	int ndel = 0;
	for (int i = 0; i < N; i += 3) {
		event_del(evs[i]);
		ndel++;
	}
	printf("deleted %d, num added now: %d, max added still: %d\n", ndel,
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0));
	t0 = tc_now();
	int r = event_base_dispatch(base);
	double el = tc_now() - t0;
	int ok = 1;
	for (int i = 0; i < N; i++)
		if (fired[i] != (i % 3 == 0 ? 0 : 1))
			ok = 0;
	printf("dispatch: %d, fired %d, each as expected: %s, in deadline order: %s, elapsed < 5s: %s\n",
	    r, nfired, ok ? "yes" : "no", in_order ? "yes" : "no", el < 5 ? "yes" : "no");
	int maxact = event_base_get_max_events(base, EVENT_BASE_COUNT_ACTIVE, 0);
	int maxadd = event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 1);
	int maxadd2 = event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0);
	printf("max active: %s, max added (clear) %d, max added after clear %d\n",
	    maxact >= 1 ? ">=1" : "0", maxadd, maxadd2);

	/* The same count on one common timeout. */
	struct timeval d = { 0, 100 * 1000 };
	const struct timeval *c = event_base_init_common_timeout(base, &d);
	nfired = 0;
	t0 = tc_now();
	for (int i = 0; i < N; i++) {
		fired[i] = 0;
		event_add(evs[i], c);
	}
	add_time = tc_now() - t0;
	printf("common: added %d, fast (<3s): %s, num added %d\n", N, add_time < 3 ? "yes" : "no",
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	for (int i = 1; i < N; i += 2)
		event_del(evs[i]);
	r = event_base_dispatch(base);
	ok = 1;
	for (int i = 0; i < N; i++)
		if (fired[i] != (i % 2 == 0 ? 1 : 0))
			ok = 0;
	printf("common: dispatch %d, fired %d, each as expected: %s\n", r, nfired, ok ? "yes" : "no");
	for (int i = 0; i < N; i++)
		event_free(evs[i]);
	event_base_free(base);
	return 0;
}
