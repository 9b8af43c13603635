/* loop_control: event_base_loop/dispatch return values, EVLOOP_ONCE and
 * EVLOOP_NONBLOCK, loopexit (with and without delay, before dispatch, from a
 * callback), loopbreak (before dispatch, from a callback), got_exit/got_break. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event_base *base;

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
}

/* callback that calls loopbreak and records itself */
static void break_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	int r;
	tc_order_add((const char *)arg);
	r = event_base_loopbreak(base);
	printf("  in %s: event_base_loopbreak -> %d, got_break now %d\n",
	    (const char *)arg, r, event_base_got_break(base));
}

static struct event *late_ev;
/* callback that calls loopexit(NULL) */
static void exit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	int r;
	tc_order_add((const char *)arg);
	r = event_base_loopexit(base, NULL);
	printf("  in %s: event_base_loopexit(NULL) -> %d, got_exit now %d\n",
	    (const char *)arg, r, event_base_got_exit(base));
}
/* callback that activates another event after a loopexit was requested */
static void activate_late_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
	event_active(late_ev, EV_TIMEOUT, 0);
}

int main(void)
{
	struct event *a, *b, *c, *t1, *t2, *io;
	struct timeval tv100 = {0, 100000}, tv250 = {0, 250000}, tv600 = {0, 600000};
	struct timeval tv50 = {0, 50000}, tv200 = {0, 200000}, tv1s = {1, 0};
	double t0, el;
	int r, sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("loop_control", 15);

	base = event_base_new();

	printf("== empty base\n");
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));
	printf("dispatch: %d\n", event_base_dispatch(base));
	printf("loop(0): %d\n", event_base_loop(base, 0));
	printf("loop(ONCE): %d\n", event_base_loop(base, EVLOOP_ONCE));
	printf("loop(NONBLOCK): %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	printf("loop(ONCE|NONBLOCK): %d\n", event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK));

	printf("== loopexit(NULL) before dispatch\n");
	t1 = evtimer_new(base, named_cb, "T");
	evtimer_add(t1, &tv1s);
	t0 = tc_now();
	printf("loopexit: %d\n", event_base_loopexit(base, NULL));
	printf("got_exit before loop: %d\n", event_base_got_exit(base));
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d, quick (<0.5s): %s, timer ran: %s\n", r, el < 0.5 ? "yes" : "no",
	    tc_order[0] ? "yes" : "no");
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));
	printf("timer still pending: 0x%02x\n", event_pending(t1, EV_TIMEOUT, NULL));
	/* a new loop resets got_exit, even on a loop that does nothing */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) with pending timer: %d, got_exit now %d\n", r, event_base_got_exit(base));
	event_del(t1);
	r = event_base_loopexit(base, NULL);
	printf("loopexit again: %d\n", r);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) with only the exit request: %d, got_exit=%d\n", r, event_base_got_exit(base));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) after that: %d, got_exit=%d\n", r, event_base_got_exit(base));

	printf("== loopexit(250ms) before dispatch, timers at 100ms and 600ms\n");
	tc_order[0] = 0;
	t2 = evtimer_new(base, named_cb, "B");
	evtimer_assign(t1, base, named_cb, "A");
	evtimer_add(t1, &tv100);
	evtimer_add(t2, &tv600);
	t0 = tc_now();
	printf("loopexit: %d\n", event_base_loopexit(base, &tv250));
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d, order=%s, elapsed in [0.2,0.55): %s\n", r, tc_order,
	    (el >= 0.2 && el < 0.55) ? "yes" : "no");
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));
	printf("600ms timer pending: 0x%02x\n", event_pending(t2, EV_TIMEOUT, NULL));
	event_del(t2);

	printf("== loopbreak before dispatch has no effect\n");
	tc_order[0] = 0;
	evtimer_add(t1, &tv50);
	printf("loopbreak: %d\n", event_base_loopbreak(base));
	printf("got_break before loop: %d\n", event_base_got_break(base));
	r = event_base_dispatch(base);
	printf("dispatch: %d, order=%s\n", r, tc_order);
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));

	printf("== loopbreak from a callback: rest of the active queue waits\n");
	tc_order[0] = 0;
	a = event_new(base, -1, 0, break_cb, "a");
	b = event_new(base, -1, 0, named_cb, "b");
	c = event_new(base, -1, 0, named_cb, "c");
	event_active(a, EV_READ, 0);
	event_active(b, EV_READ, 0);
	event_active(c, EV_READ, 0);
	evtimer_add(t1, &tv1s);
	r = event_base_dispatch(base);
	printf("dispatch: %d, order=%s\n", r, tc_order);
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));
	printf("b pending(active) flags: 0x%02x, c: 0x%02x\n",
	    event_pending(b, EV_READ | EV_WRITE | EV_TIMEOUT, NULL),
	    event_pending(c, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d, order=%s, got_break=%d\n", r, tc_order, event_base_got_break(base));
	event_del(t1);

	printf("== loopexit(NULL) from a callback: the whole active queue still runs\n");
	tc_order[0] = 0;
	late_ev = event_new(base, -1, 0, named_cb, "L");
	event_assign(a, base, -1, 0, exit_cb, "a");
	event_assign(b, base, -1, 0, named_cb, "b");
	event_assign(c, base, -1, 0, activate_late_cb, "c");
	event_active(a, EV_READ, 0);
	event_active(b, EV_READ, 0);
	event_active(c, EV_READ, 0);
	evtimer_add(t1, &tv1s);
	r = event_base_dispatch(base);
	printf("dispatch: %d, order=%s\n", r, tc_order);
	printf("got_exit=%d got_break=%d\n", event_base_got_exit(base), event_base_got_break(base));
	printf("late event still active: 0x%02x\n", event_pending(late_ev, EV_TIMEOUT, NULL));
	event_del(t1);
	event_del(late_ev);

	printf("== EVLOOP_ONCE with two timers\n");
	tc_order[0] = 0;
	evtimer_assign(t1, base, named_cb, "1");
	evtimer_assign(t2, base, named_cb, "2");
	evtimer_add(t1, &tv50);
	evtimer_add(t2, &tv200);
	t0 = tc_now();
	r = event_base_loop(base, EVLOOP_ONCE);
	el = tc_now() - t0;
	printf("loop(ONCE): %d order=%s elapsed in [0.04,0.19): %s\n", r, tc_order,
	    (el >= 0.04 && el < 0.19) ? "yes" : "no");
	r = event_base_loop(base, EVLOOP_ONCE);
	el = tc_now() - t0;
	printf("loop(ONCE): %d order=%s elapsed>=0.19: %s\n", r, tc_order, el >= 0.19 ? "yes" : "no");
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) now empty: %d\n", r);

	printf("== EVLOOP_NONBLOCK with I/O\n");
	tc_order[0] = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, named_cb, "R");
	event_add(io, NULL);
	t0 = tc_now();
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	el = tc_now() - t0;
	printf("loop(NONBLOCK) nothing ready: %d order=%s quick: %s\n", r, tc_order, el < 0.1 ? "yes" : "no");
	if (send(sv[1], "x", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) readable: %d order=%s\n", r, tc_order);
	printf("io pending after non-persistent run: 0x%02x\n", event_pending(io, EV_READ, NULL));
	event_add(io, NULL);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("loop(ONCE|NONBLOCK) readable: %d order=%s\n", r, tc_order);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("loop(ONCE|NONBLOCK) empty: %d\n", r);

	printf("== loopexit with delay, timer later than the exit\n");
	tc_order[0] = 0;
	evtimer_assign(t1, base, named_cb, "x");
	evtimer_add(t1, &tv600);
	t0 = tc_now();
	event_base_loopexit(base, &tv100);
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d order=%s elapsed in [0.09,0.5): %s got_exit=%d\n", r, tc_order,
	    (el >= 0.09 && el < 0.5) ? "yes" : "no", event_base_got_exit(base));
	event_del(t1);
	/* two exit requests: the earlier one wins, the later one is still
	 * pending afterwards and ends the next loop */
	tc_order[0] = 0;
	event_base_loopexit(base, &tv200);
	event_base_loopexit(base, &tv50);
	evtimer_add(t1, &tv1s);
	t0 = tc_now();
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("two loopexits: dispatch %d, ended by the earlier one: %s\n", r,
	    (el >= 0.04 && el < 0.19) ? "yes" : "no");
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("next dispatch: %d, ended by the later one: %s, order=%s\n", r,
	    (el >= 0.19 && el < 0.9) ? "yes" : "no", tc_order);
	event_del(t1);
	printf("final empty dispatch: %d\n", event_base_dispatch(base));

	event_free(a);
	event_free(b);
	event_free(c);
	event_free(late_ev);
	event_free(t1);
	event_free(t2);
	event_free(io);
	event_base_free(base);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	printf("done\n");
	return 0;
}
