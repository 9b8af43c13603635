/* Timers on a base whose loop has run (goevent answers these adds and
 * deletes in C, on the heap it shares with its loop): counts and their
 * high-water mark, ties between equal deadlines after re-adds and deletes,
 * an I/O event's timeout replaced while it stays registered, an event moved
 * between the heap and a common-timeout queue and back, a persistent timer
 * re-added from its own callback, event_base_foreach_event over them. */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "loop.h"

static struct event_base *base;

static void counts(const char *when)
{
	printf("%s: added %d, max %d\n", when, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0));
}

static int count_cb(const struct event_base *b, const struct event *ev, void *arg)
{
	(void)b;
	if (event_pending(ev, EV_TIMEOUT, NULL))
		(*(int *)arg)++;
	return 0;
}

/* ---- ties ---- */
#define NT 6
static struct event *tie[NT];
static const char *const tie_names[NT] = {"A", "B", "C", "D", "E", "F"};
static struct timeval t30 = {0, 30000};

static void ties_setup(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	/* all in one callback: one cached time, equal deadlines */
	for (int i = 0; i < NT; i++)
		event_add(tie[i], &t30);
	event_add(tie[0], &t30); /* re-add: out and in again */
	event_del(tie[2]);
	event_add(tie[3], &t30);
	event_add(tie[2], &t30);
	counts("  in the callback");
}

/* ---- persistent timer re-added from its callback ---- */
static struct event *pt;
static int pt_runs;
static void pt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval t5 = {0, 5000};
	(void)fd; (void)arg;
	pt_runs++;
	printf("  persist run %d what=0x%x pending 0x%x\n", pt_runs, what, event_pending(pt, EV_TIMEOUT, NULL));
	if (pt_runs == 2)
		event_add(pt, &t5);
	if (pt_runs == 4)
		event_del(pt);
}

static void io_cb(evutil_socket_t fd, short what, void *arg)
{
	char c;
	(void)arg;
	if ((what & EV_READ) && read(fd, &c, 1) < 0)
		printf("  read failed\n");
	printf("  io what=0x%x\n", what);
}

int main(void)
{
	int sv[2], r, n;

	tc_alarm("timer_readd", 15);
	base = event_base_new();
	if (!base || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	event_base_loop(base, EVLOOP_NONBLOCK); /* the loop has run: the base is in use */

	printf("== counts\n");
	struct event *a = evtimer_new(base, tc_named_cb, "a");
	struct event *b = evtimer_new(base, tc_named_cb, "b");
	struct timeval t10 = {10, 0}, t20 = {20, 0};
	counts("start");
	r = evtimer_add(a, &t10);
	printf("add a: %d\n", r);
	r = evtimer_add(b, &t20);
	printf("add b: %d\n", r);
	counts("two pending");
	printf("re-add a: %d\n", evtimer_add(a, &t20));
	counts("re-added");
	r = event_del(a);
	printf("del a: %d\n", r);
	r = event_del(a);
	printf("del a again: %d\n", r);
	counts("one deleted");
	r = event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 1);
	printf("max with clear: %d\n", r);
	counts("after the clear");
	printf("a pending: 0x%x\n", event_pending(a, EV_TIMEOUT, NULL));
	printf("b pending: 0x%x\n", event_pending(b, EV_TIMEOUT, NULL));
	n = 0;
	event_base_foreach_event(base, count_cb, &n);
	printf("foreach: %d pending timers\n", n);
	event_del(b);
	counts("none");

	printf("== equal deadlines after re-adds and a delete\n");
	for (int i = 0; i < NT; i++)
		tie[i] = evtimer_new(base, tc_named_cb, (void *)tie_names[i]);
	struct event *setup = event_new(base, -1, 0, ties_setup, NULL);
	event_active(setup, EV_TIMEOUT, 0);
	tc_order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch: %d, order: %s\n", r, tc_order);
	counts("after");

	printf("== an I/O event's timeout replaced while registered\n");
	struct event *io = event_new(base, sv[0], EV_READ, io_cb, NULL);
	struct timeval t50 = {0, 50000}, t5s = {5, 0};
	printf("add io 5 s: %d\n", event_add(io, &t5s));
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("re-add io 50 ms: %d\n", event_add(io, &t50));
	counts("io pending");
	double t0 = tc_mono();
	r = event_base_dispatch(base);
	double el = tc_mono() - t0;
	printf("dispatch: %d, timed out in [0.04,1): %s\n", r, tc_yesno(el >= 0.04 && el < 1));
	printf("re-add io 5 s: %d\n", event_add(io, &t5s));
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("re-add io 5 s again: %d\n", event_add(io, &t5s));
	if (write(sv[1], "x", 1) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop: %d, io pending after: 0x%x\n", r, event_pending(io, EV_READ | EV_TIMEOUT, NULL));
	counts("io done");

	printf("== heap -> common queue -> heap -> deleted\n");
	struct timeval d40 = {0, 40000};
	const struct timeval *c40 = event_base_init_common_timeout(base, &d40);
	struct event *m = evtimer_new(base, tc_named_cb, "m");
	struct event *h = evtimer_new(base, tc_named_cb, "h");
	printf("m heap: %d\n", evtimer_add(m, &t10));
	printf("m common: %d\n", evtimer_add(m, c40));
	printf("m heap again: %d\n", evtimer_add(m, &t20));
	printf("m common again: %d\n", evtimer_add(m, c40));
	printf("h heap: %d\n", evtimer_add(h, &t50));
	counts("m and h");
	tc_order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch: %d, order: %s\n", r, tc_order);
	r = evtimer_add(m, &t10);
	printf("m heap: %d\n", r);
	r = event_del(m);
	printf("del m: %d\n", r);
	counts("m deleted");

	printf("== persistent timer\n");
	struct timeval t10ms = {0, 10000};
	pt = event_new(base, -1, EV_PERSIST, pt_cb, NULL);
	printf("add: %d\n", event_add(pt, &t10ms));
	r = event_base_dispatch(base);
	printf("dispatch: %d, runs %d\n", r, pt_runs);
	counts("end");

	event_free(a);
	event_free(b);
	for (int i = 0; i < NT; i++)
		event_free(tie[i]);
	event_free(setup);
	event_free(io);
	event_free(m);
	event_free(h);
	event_free(pt);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
