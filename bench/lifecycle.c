/*
 * lifecycle.c - start-up, exit and memory-return shapes (plain libevent 2.1 API).
 *
 *   lifecycle load
 *       links the library (event_base_new is referenced) but calls nothing:
 *       the cost of loading it.  Timed from outside by `spawn run`.
 *   lifecycle start
 *       event_base_new, one zero-timeout timer, event_base_dispatch (the timer
 *       runs), event_free, event_base_free, exit: the time to a first dispatch.
 *       Timed from outside by `spawn run`.
 *   lifecycle exit
 *       a short program that does some work (a bufferevent pair exchanging 100
 *       messages, 100 timers), then in its last callback writes
 *       "LAST <CLOCK_MONOTONIC ns>" to stdout, breaks the loop, frees the
 *       base and returns from main.  `spawn exit` measures the time from that
 *       stamp to the process being gone (waitpid).
 *   lifecycle memback NAME TIMERS cold|running
 *       memory given back: makes a base ("running": and runs its loop once,
 *       which starts goevent's core), reads RSS; adds TIMERS timers
 *       (evtimer_new + event_add, 10-60 ms), deletes every other one, lets
 *       the loop fire the rest, event_free()s all of them; then idles 1 s
 *       inside the loop and reads RSS again.  "cold" is the order of a
 *       program's start-up: the timers are added before the base's first
 *       dispatch, so goevent's core (its runtime) starts while they exist
 *       (its start-up memory, a few MiB, is counted here too).
 *       RESULT name=NAME value=MiB_kept unit=MiB peak_mib=...
 */
#include "bench.h"

#include <stdint.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>

/* ------------------------------------------------------------------ start */

static void zero_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	(*(int *)arg)++;
}

static int start_main(void)
{
	struct event_base *base = event_base_new();
	if (!base)
		failf("event_base_new failed");
	int ran = 0;
	struct event *ev = evtimer_new(base, zero_cb, &ran);
	struct timeval tv = { 0, 0 };
	if (!ev || evtimer_add(ev, &tv) < 0 || event_base_dispatch(base) < 0 || ran != 1)
		failf("the zero timer did not run");
	event_free(ev);
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ exit */

static struct event_base *base;
static int pongs;

static void pair_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	char buf[64];
	size_t n;
	while ((n = bufferevent_read(bev, buf, sizeof buf)) > 0)
		if (arg == NULL && pongs++ < 100)      /* side A answers side B */
			bufferevent_write(bev, buf, n);
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	(*(int *)arg)++;
}

static void last_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	char line[64];
	int n = snprintf(line, sizeof line, "LAST %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (write(1, line, (size_t)n) != n)
		failf("write failed");
	event_base_loopbreak(base);
}

static int exit_main(void)
{
	base = event_base_new();
	if (!base)
		failf("event_base_new failed");
	struct bufferevent *pair[2];
	if (bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair) < 0)
		failf("bufferevent_pair_new failed");
	static int side_b = 1;
	bufferevent_setcb(pair[0], pair_read_cb, NULL, NULL, NULL);
	bufferevent_setcb(pair[1], pair_read_cb, NULL, NULL, &side_b);
	bufferevent_enable(pair[0], EV_READ | EV_WRITE);
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	for (int i = 0; i < 100; i++)
		bufferevent_write(pair[1], "ping", 4);
	int ticks = 0;
	struct event *t[100];
	for (int i = 0; i < 100; i++) {
		struct timeval tv = { 0, 100 * i };
		t[i] = evtimer_new(base, tick_cb, &ticks);
		if (!t[i] || evtimer_add(t[i], &tv) < 0)
			failf("evtimer_new/add failed");
	}
	struct timeval last = { 0, 20000 };
	struct event *lastev = evtimer_new(base, last_cb, NULL);
	if (!lastev || evtimer_add(lastev, &last) < 0)
		failf("evtimer_new/add failed");
	if (event_base_dispatch(base) < 0)
		failf("event_base_dispatch failed");
	if (ticks != 100)
		failf("timers did not all run");
	for (int i = 0; i < 100; i++)
		event_free(t[i]);
	event_free(lastev);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_free(base);
	return 0;
}

/* ------------------------------------------------------------------ memback */

static long fired;

static void fire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	fired++;
}

static void idle_done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	*(long *)arg = rss_bytes();
}

static int memback_main(const char *name, long n, int running)
{
	base = event_base_new();
	if (!base)
		failf("event_base_new failed");
	if (running && event_base_loop(base, EVLOOP_NONBLOCK) < 0)
		failf("event_base_loop failed");
	long rss0 = rss_bytes();
	struct event **ev = malloc((size_t)n * sizeof *ev);
	if (!ev)
		failf("out of memory");
	for (long i = 0; i < n; i++) {
		struct timeval tv = { 0, 10000 + (i * 7919) % 50000 };
		if (!(ev[i] = evtimer_new(base, fire_cb, NULL)) || evtimer_add(ev[i], &tv) < 0)
			failf("evtimer_new/add failed");
	}
	for (long i = 0; i < n; i += 2)
		if (event_del(ev[i]) < 0)
			failf("event_del failed");
	long peak = rss_bytes();
	if (event_base_dispatch(base) < 0)   /* returns when no timer is left */
		failf("event_base_dispatch failed");
	if (fired != n / 2)
		failf("%ld of %ld timers fired", fired, n / 2);
	for (long i = 0; i < n; i++)
		event_free(ev[i]);
	free(ev);
	long rss1 = 0;
	struct timeval sec = { 1, 0 };
	if (event_base_once(base, -1, EV_TIMEOUT, idle_done_cb, &rss1, &sec) < 0 ||
	    event_base_dispatch(base) < 0 || rss1 == 0)
		failf("idle second failed");
	printf("RESULT name=%s value=%.2f unit=MiB timers=%ld rss_before_mib=%.1f peak_mib=%.1f rss_after_mib=%.1f\n",
	    name, (rss1 - rss0) / 1048576.0, n, rss0 / 1048576.0, peak / 1048576.0, rss1 / 1048576.0);
	event_base_free(base);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "load"))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "start"))
		return start_main();
	if (argc == 2 && !strcmp(argv[1], "exit"))
		return exit_main();
	if (argc == 5 && !strcmp(argv[1], "memback") && atol(argv[3]) > 1 &&
	    (!strcmp(argv[4], "cold") || !strcmp(argv[4], "running"))) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return memback_main(argv[2], atol(argv[3]), !strcmp(argv[4], "running"));
	}
	if (argc == 99)   /* never: keeps the library linked for "load" */
		event_base_free(event_base_new());
	fprintf(stderr, "usage: lifecycle load|start|exit\n       lifecycle memback NAME TIMERS cold|running\n");
	return 2;
}
