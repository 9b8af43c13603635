/* timer_common: event_base_init_common_timeout. The returned timeval is
 * libevent's magic value (same pointer for the same duration, a new one per
 * duration, usable with event_add); events added with it fire in the order
 * they were added; a common-timeout event fires after a heap timer with the
 * same duration even when added first (the queue fires through an internal
 * event); persistent events re-arm on the queue; event_pending reports the
 * real deadline; deleting and event_remove_timer work on queued events. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

#define N 2000
static struct event_base *base;
static int fired[N], nfired, in_order = 1, last = -1;
static struct event *persist_ev;
static int persist_runs;

/* The adds of the order checks run in one callback. Made one after the other
 * outside the loop, each reads the clock, so deadlines of equal durations
 * differ by microseconds and which timer is due first would depend on where
 * the loop's wake-up lands. In a callback both libraries use the loop's cached
 * time: equal durations give equal deadlines, and the order depends only on
 * the heap and the queues. */
struct pending_add {
	struct event *ev;
	const struct timeval *tv;
};
static struct pending_add adds[8];
static int nadds;

static void queue_add(struct event *ev, const struct timeval *tv)
{
	if (nadds < (int)(sizeof(adds) / sizeof(adds[0])))
		adds[nadds++] = (struct pending_add){ev, tv};
}

static void run_adds(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	for (int i = 0; i < nadds; i++)
		if (event_add(adds[i].ev, adds[i].tv) != 0)
			printf("  event_add %d failed\n", i);
	nadds = 0;
}

/* event_base_dispatch, after making the queued adds from a callback. */
static int dispatch_with_adds(void)
{
	struct event *starter = event_new(base, -1, 0, run_adds, NULL);
	event_active(starter, EV_TIMEOUT, 0);
	int r = event_base_dispatch(base);
	event_free(starter);
	return r;
}

static void many_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	int i = (int)(long)arg;
	if (what != EV_TIMEOUT)
		printf("  unexpected what=0x%x\n", what);
	if (i <= last)
		in_order = 0;
	last = i;
	fired[i]++;
	nfired++;
}

static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)arg;
	persist_runs++;
	printf("  persist run %d what=0x%x pending 0x%x\n", persist_runs, what,
	    event_pending(persist_ev, EV_TIMEOUT, NULL));
	if (persist_runs == 3)
		event_del(persist_ev);
}

int main(void)
{
	tc_alarm("timer_common", 15);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	struct timeval d50 = { 0, 50 * 1000 }, d50b = { 0, 50 * 1000 }, d2 = { 2, 500000 };
	const struct timeval *c50 = event_base_init_common_timeout(base, &d50);
	const struct timeval *c50b = event_base_init_common_timeout(base, &d50b);
	const struct timeval *c2 = event_base_init_common_timeout(base, &d2);
	printf("c50 non-NULL: %s, same for the same duration: %s, c2 differs: %s\n",
	    c50 ? "yes" : "no", c50 == c50b ? "yes" : "no", c2 != c50 ? "yes" : "no");
	printf("c50: tv_sec %ld, usec bits 0x%08lx\n", (long)c50->tv_sec, (long)c50->tv_usec);
	printf("c2: tv_sec %ld, usec bits 0x%08lx\n", (long)c2->tv_sec, (long)c2->tv_usec);
	/* Passing a magic value back in gives the same queue. */
	const struct timeval *again = event_base_init_common_timeout(base, c2);
	printf("init with the magic value itself: same: %s\n", again == c2 ? "yes" : "no");
	struct timeval big = { 1, 2500000 };
	const struct timeval *cbig = event_base_init_common_timeout(base, &big);
	printf("usec > 1000000: tv_sec %ld, usec bits 0x%08lx\n", (long)cbig->tv_sec, (long)cbig->tv_usec);

	/* Many events on one queue fire in order. */
	static struct event *evs[N];
	for (int i = 0; i < N; i++) {
		evs[i] = event_new(base, -1, 0, many_cb, (void *)(long)i);
		if (event_add(evs[i], c50) != 0)
			printf("event_add %d failed\n", i);
	}
	/* Delete a few, including the head. */
	event_del(evs[0]);
	event_del(evs[7]);
	event_del(evs[N - 1]);
	printf("pending evs[1]: 0x%x, evs[0]: 0x%x\n", event_pending(evs[1], EV_TIMEOUT, NULL),
	    event_pending(evs[0], EV_TIMEOUT, NULL));
	struct timeval when;
	event_pending(evs[1], EV_TIMEOUT, &when);
	double w = when.tv_sec + when.tv_usec / 1e6, n0 = tc_now();
	printf("evs[1] deadline in (now, now+0.06]: %s\n", (w > n0 && w <= n0 + 0.06) ? "yes" : "no");
	printf("num events added: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	event_remove_timer(evs[8]);
	printf("evs[8] after event_remove_timer: pending 0x%x\n", event_pending(evs[8], EV_TIMEOUT, NULL));
	double t0 = tc_now();
	int r = event_base_dispatch(base);
	double el = tc_now() - t0;
	int ok = 1;
	for (int i = 0; i < N; i++)
		if (fired[i] != (i == 0 || i == 7 || i == 8 || i == N - 1 ? 0 : 1))
			ok = 0;
	printf("dispatch: %d, fired %d, each once as expected: %s, in order: %s, elapsed in [0.045,1): %s\n",
	    r, nfired, ok ? "yes" : "no", in_order ? "yes" : "no", (el >= 0.045 && el < 1) ? "yes" : "no");

	/* Common vs heap with the same duration. */
	struct event *cq = event_new(base, -1, 0, tc_named_cb, "common");
	struct event *hp = event_new(base, -1, 0, tc_named_cb, "heap");
	struct event *cq2 = event_new(base, -1, 0, tc_named_cb, "common2");
	queue_add(cq, c50);
	queue_add(hp, &d50);
	queue_add(cq2, c50);
	r = dispatch_with_adds();
	printf("dispatch: %d, order: %s\n", r, tc_order);
	tc_order[0] = 0;
	queue_add(hp, &d50);
	queue_add(cq, c50);
	r = dispatch_with_adds();
	printf("dispatch: %d, order: %s\n", r, tc_order);

	/* A persistent event on a common timeout. */
	struct timeval d20 = { 0, 20 * 1000 };
	const struct timeval *c20 = event_base_init_common_timeout(base, &d20);
	persist_ev = event_new(base, -1, EV_PERSIST, persist_cb, NULL);
	event_add(persist_ev, c20);
	t0 = tc_now();
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d, persist runs %d, elapsed in [0.055,1): %s\n", r, persist_runs,
	    (el >= 0.055 && el < 1) ? "yes" : "no");

	/* Re-adding moves an event between the heap and a queue. */
	tc_order[0] = 0;
	struct timeval ten = { 10, 0 };
	queue_add(cq, &ten);
	queue_add(cq, c20);
	queue_add(hp, c2);
	queue_add(hp, &d20);
	r = dispatch_with_adds();
	printf("dispatch: %d, order: %s\n", r, tc_order);

	for (int i = 0; i < N; i++)
		event_free(evs[i]);
	event_free(cq);
	event_free(cq2);
	event_free(hp);
	event_free(persist_ev);
	event_base_free(base);
	return 0;
}
