/* loop_flags: return values of event_base_loop with EVLOOP_ONCE,
 * EVLOOP_NONBLOCK and EVLOOP_NO_EXIT_ON_EMPTY (empty base, pending but not
 * ready events, active events), and event_base_loopcontinue: after the
 * callback that calls it, the loop polls and processes due timers before
 * running the rest of the current priority. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event_base *base;
static int do_continue;

static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_note((const char *)arg);
	usleep(80 * 1000); /* the timer T becomes due meanwhile */
	if (do_continue) {
		int r = event_base_loopcontinue(base);
		tc_note(r == 0 ? "(continue)" : "(continue failed)");
	}
}

static void exit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	tc_note("exit");
	event_base_loopexit(base, NULL);
}

int main(void)
{
	int r;
	double t0;
	tc_alarm("loop_flags", 10);
	setvbuf(stdout, NULL, _IONBF, 0);

	base = event_base_new();
	r = event_base_loop(base, 0);
	printf("empty base, loop(0): %d\n", r);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("empty base, loop(ONCE): %d\n", r);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("empty base, loop(NONBLOCK): %d\n", r);
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY | EVLOOP_NONBLOCK);
	printf("empty base, loop(NO_EXIT_ON_EMPTY|NONBLOCK): %d\n", r);
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY | EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("empty base, loop(NO_EXIT_ON_EMPTY|ONCE|NONBLOCK): %d\n", r);

	/* NO_EXIT_ON_EMPTY keeps waiting with nothing pending: a loopexit
	 * timer (itself an event) ends it. */
	struct timeval tv = { 0, 100 * 1000 };
	event_base_loopexit(base, &tv);
	t0 = tc_now();
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	printf("loopexit(100ms), loop(NO_EXIT_ON_EMPTY): %d, got_exit %d, elapsed>=0.09: %s\n",
	    r, event_base_got_exit(base), tc_now() - t0 >= 0.09 ? "yes" : "no");

	/* A pending timer that is not due. */
	struct event *later = event_new(base, -1, 0, tc_named_cb, "later");
	struct timeval five = { 5, 0 };
	event_add(later, &five);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("pending timer not due, loop(NONBLOCK): %d, order: %s\n", r, tc_order);
	r = event_base_loop(base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
	printf("pending timer not due, loop(NONBLOCK|ONCE): %d, order: %s\n", r, tc_order);

	/* Active events with ONCE. */
	struct event *a = event_new(base, -1, 0, tc_named_cb, "a");
	struct event *b = event_new(base, -1, 0, tc_named_cb, "b");
	event_active(a, EV_TIMEOUT, 1);
	event_active(b, EV_TIMEOUT, 1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("two active, loop(ONCE): %d, order: %s\n", r, tc_order);
	event_active(a, EV_TIMEOUT, 1);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("one active, loop(NONBLOCK): %d, order: %s\n", r, tc_order);
	tc_order[0] = 0;
	struct timeval short_tv = { 0, 30 * 1000 };
	event_add(a, &short_tv);
	t0 = tc_now();
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("timer 30ms, loop(ONCE): %d, order: %s, elapsed>=0.025: %s\n", r, tc_order,
	    tc_now() - t0 >= 0.025 ? "yes" : "no");
	event_del(later);
	r = event_base_loop(base, 0);
	printf("nothing left, loop(0): %d\n", r);

	/* loopcontinue outside a loop, and on NULL. */
	r = event_base_loopcontinue(base);
	printf("loopcontinue, no loop running: %d\n", r);
	r = event_base_loopcontinue(NULL);
	printf("loopcontinue(NULL): %d\n", r);

	/* loopcontinue from a callback: S runs, then (continue) lets the loop
	 * poll and process the timer T (due while S slept, more urgent) before
	 * R, which is in S's priority. */
	r = event_base_priority_init(base, 2);
	printf("priority_init(2): %d\n", r);
	for (do_continue = 0; do_continue < 2; do_continue++) {
		struct event *s = event_new(base, -1, 0, slow_cb, "S");
		struct event *rr = event_new(base, -1, 0, tc_named_cb, "R");
		struct event *t = event_new(base, -1, 0, tc_named_cb, "T");
		struct event *x = event_new(base, -1, 0, exit_cb, NULL);
		struct timeval tt = { 0, 40 * 1000 };
		struct timeval tx = { 0, 300 * 1000 };
		tc_order[0] = 0;
		event_priority_set(s, 1);
		event_priority_set(rr, 1);
		event_priority_set(t, 0);
		event_add(t, &tt);
		event_add(x, &tx);
		event_active(s, EV_TIMEOUT, 1);
		event_active(rr, EV_TIMEOUT, 1);
		r = event_base_loop(base, 0);
		printf("loopcontinue=%d: loop: %d, order: %s\n", do_continue, r, tc_order);
		event_free(s);
		event_free(rr);
		event_free(t);
		event_free(x);
	}

	event_free(a);
	event_free(b);
	event_free(later);
	event_base_free(base);
	return 0;
}
