/* event_del_active: event_del of an active event from another callback (it
 * never runs), event_del of a persistent event inside its own callback,
 * event_active with arbitrary flags on a pending I/O event (ev_res, pending
 * state kept), repeated event_active ORs the flags, re-adding a pending event
 * replaces its timeout, event_del_block / event_del_noblock, and
 * event_remove_timer (the timeout goes, the I/O interest stays). */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"

static struct event_base *base;
static struct event *victim, *selfdel, *io;
static int selfdel_calls;

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	printf("  cb %s what=0x%x\n", (const char *)arg, what);
}

static void killer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	int p = event_pending(victim, EV_TIMEOUT | EV_READ | EV_WRITE, NULL);
	int r = event_del(victim);
	printf("  cb killer: victim pending 0x%x, event_del -> %d, pending now 0x%x\n",
	    p, r, event_pending(victim, EV_TIMEOUT | EV_READ | EV_WRITE, NULL));
}

static void selfdel_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)arg;
	selfdel_calls++;
	int r = event_del(selfdel);
	printf("  cb selfdel what=0x%x: event_del(self) -> %d, pending now 0x%x\n", what, r,
	    event_pending(selfdel, EV_TIMEOUT | EV_READ | EV_WRITE, NULL));
}

int main(void)
{
	int r;
	tc_alarm("event_del_active", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);

	/* Deleting an active event from an earlier callback. */
	struct event *killer = event_new(base, -1, 0, killer_cb, NULL);
	victim = event_new(base, -1, 0, named_cb, "victim");
	struct event *after = event_new(base, -1, 0, named_cb, "after");
	struct timeval ten = { 10, 0 };
	event_add(victim, &ten);
	event_active(killer, EV_TIMEOUT, 1);
	event_active(victim, EV_WRITE, 1);
	event_active(after, EV_TIMEOUT, 1);
	printf("victim pending before loop: 0x%x\n", event_pending(victim, EV_TIMEOUT | EV_READ | EV_WRITE, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d\n", r);

	/* A persistent read event deletes itself in its callback; data stays
	 * readable but it is not called again. */
	selfdel = event_new(base, sv[0], EV_READ | EV_PERSIST, selfdel_cb, NULL);
	event_add(selfdel, NULL);
	if (write(sv[1], "x", 1) != 1)
		return 2;
	struct timeval guard = { 0, 100 * 1000 };
	event_base_loopexit(base, &guard);
	r = event_base_dispatch(base);
	printf("dispatch: %d, selfdel ran %d time(s)\n", r, selfdel_calls);

	/* event_active with arbitrary flags on a pending (not ready) event. */
	io = event_new(base, sv[1], EV_READ | EV_PERSIST, named_cb, "io");
	event_add(io, NULL);
	event_active(io, EV_WRITE | EV_TIMEOUT, 1);
	printf("io pending after event_active(WRITE|TIMEOUT): 0x%x\n",
	    event_pending(io, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, NULL));
	event_active(io, EV_SIGNAL, 1);
	printf("io pending after event_active(SIGNAL) too: 0x%x\n",
	    event_pending(io, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d, io pending after: 0x%x\n", r,
	    event_pending(io, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, NULL));
	event_active(io, 0x4000, 1);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop after event_active(0x4000): %d\n", r);

	/* Re-adding a pending event replaces its timeout. */
	struct event *re = event_new(base, -1, 0, named_cb, "re");
	struct timeval long_tv = { 10, 0 }, short_tv = { 0, 50 * 1000 };
	event_add(re, &long_tv);
	struct timeval when1, when2;
	event_pending(re, EV_TIMEOUT, &when1);
	event_add(re, &short_tv);
	event_pending(re, EV_TIMEOUT, &when2);
	printf("re-add: deadline moved earlier by >9s: %s\n",
	    (when1.tv_sec + when1.tv_usec / 1e6) - (when2.tv_sec + when2.tv_usec / 1e6) > 9.5 ? "yes" : "no");
	double t0 = tc_now();
	event_del(io);
	r = event_base_dispatch(base);
	printf("dispatch: %d, elapsed in [0.045,2): %s\n", r,
	    (tc_now() - t0 >= 0.045 && tc_now() - t0 < 2) ? "yes" : "no");
	/* And a timeout re-added with a later value. */
	event_add(re, &short_tv);
	event_add(re, &long_tv);
	event_pending(re, EV_TIMEOUT, &when1);
	printf("re-add later: deadline >9.5s away: %s\n", when1.tv_sec + when1.tv_usec / 1e6 - tc_now() > 9.5 ? "yes" : "no");

	/* event_del_block / event_del_noblock. */
	r = event_del_block(re);
	printf("event_del_block: %d, pending 0x%x\n", r, event_pending(re, EV_TIMEOUT, NULL));
	event_add(re, &long_tv);
	r = event_del_noblock(re);
	printf("event_del_noblock: %d, pending 0x%x\n", r, event_pending(re, EV_TIMEOUT, NULL));
	r = event_del_noblock(re);
	printf("event_del_noblock again: %d\n", r);

	/* event_remove_timer. */
	struct event *rt = event_new(base, sv[0], EV_READ, named_cb, "rt");
	event_add(rt, &long_tv);
	printf("rt pending: 0x%x\n", event_pending(rt, EV_TIMEOUT | EV_READ, NULL));
	r = event_remove_timer(rt);
	printf("event_remove_timer: %d, pending 0x%x\n", r, event_pending(rt, EV_TIMEOUT | EV_READ, NULL));
	r = event_remove_timer(rt);
	printf("event_remove_timer again: %d, pending 0x%x\n", r, event_pending(rt, EV_TIMEOUT | EV_READ, NULL));
	event_add(re, &long_tv);
	r = event_remove_timer(re);
	printf("event_remove_timer on a pure timer: %d, pending 0x%x\n", r, event_pending(re, EV_TIMEOUT, NULL));
	/* The read interest still works (the byte written above is unread). */
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d\n", r);
	/* A persistent event with a timeout: after event_remove_timer it
	 * is not re-armed with one. */
	struct event *pt = event_new(base, sv[0], EV_READ | EV_PERSIST, named_cb, "pt");
	event_add(pt, &long_tv);
	event_remove_timer(pt);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d, pt pending 0x%x\n", r, event_pending(pt, EV_TIMEOUT | EV_READ, NULL));
	event_free(pt);
	printf("event_base_get_num_events(ADDED) at end: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));

	event_free(rt);
	event_free(re);
	event_free(io);
	event_free(selfdel);
	event_free(killer);
	event_free(victim);
	event_free(after);
	event_base_free(base);
	return 0;
}
