/* event_base_once_modes: what each event mask and timeval does to a
 * one-shot event. EV_TIMEOUT with no timeval or a zero one is active at
 * once (counted as active before any loop, and, made from a callback, run
 * in the same loop pass: a chain of them completes within one
 * EVLOOP_ONCE); a non-zero timeval waits for the timer; EV_READ/EV_WRITE
 * wait for the fd (with or without a timeout; EV_TIMEOUT beside them
 * without a timeval adds no timeout); an empty mask is refused. Tried on a
 * fresh base (no loop has run yet) and from callbacks. */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int pass;  /* loop pass being run (1-based) */
static int seq;   /* callbacks run so far */

struct rec {
	const char *name;
	int pass, seq;
	short what;
};

static void cb(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;
	(void)fd;
	r->pass = pass;
	r->seq = ++seq;
	r->what = what;
}

static void show(struct rec *r, int n)
{
	for (int i = 0; i < n; i++) {
		if (r[i].seq)
			printf("  %s: %s, #%d, what=0x%x\n", r[i].name,
			    r[i].pass == 1 ? "first pass" : r[i].pass == 2 ? "second pass" : "a later pass",
			    r[i].seq, r[i].what);
		else
			printf("  %s: did not run\n", r[i].name);
	}
}

/* Loop passes (EVLOOP_ONCE) until nothing is left, a loopexit ended one,
 * or max passes ran; returns the passes that ran callbacks. */
static int run_passes(struct event_base *base, int max)
{
	for (pass = 1; pass <= max; pass++) {
		int r = event_base_loop(base, EVLOOP_ONCE);
		if (r != 0)
			return pass - 1;
		if (event_base_got_exit(base))
			return pass;
	}
	return max;
}

static void fresh_base(void)
{
	struct event_base *base = event_base_new();
	int sv[2], idle[2];
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, idle) != 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(idle[0]);
	if (write(sv[1], "x", 1) != 1)
		_exit(2);
	struct timeval zero = { 0, 0 }, ms200 = { 0, 200 * 1000 }, ms400 = { 0, 400 * 1000 };
	static struct rec r[] = {
		{ "TIMEOUT, NULL tv", 0, 0, 0 },
		{ "TIMEOUT, zero tv", 0, 0, 0 },
		{ "TIMEOUT, 200 ms", 0, 0, 0 },
		{ "READ (data waiting)", 0, 0, 0 },
		{ "READ|TIMEOUT, NULL tv (data waiting)", 0, 0, 0 },
		{ "READ on an idle socket, 400 ms", 0, 0, 0 },
		{ "READ|TIMEOUT on an idle socket, NULL tv", 0, 0, 0 },
		{ "TIMEOUT, NULL tv, again", 0, 0, 0 },
	};
	printf("fresh base:\n");
	printf("  once(empty mask): %d\n", event_base_once(base, -1, 0, cb, &r[0], NULL));
	printf("  once(EV_ET alone): %d\n", event_base_once(base, -1, EV_ET, cb, &r[0], NULL));
	printf("  once(TIMEOUT, NULL tv): %d\n", event_base_once(base, -1, EV_TIMEOUT, cb, &r[0], NULL));
	printf("  once(TIMEOUT, zero tv): %d\n", event_base_once(base, -1, EV_TIMEOUT, cb, &r[1], &zero));
	printf("  once(TIMEOUT, 200 ms): %d\n", event_base_once(base, -1, EV_TIMEOUT, cb, &r[2], &ms200));
	printf("  once(READ, data waiting): %d\n", event_base_once(base, sv[0], EV_READ, cb, &r[3], NULL));
	printf("  once(READ|TIMEOUT, NULL tv): %d\n", event_base_once(base, sv[0], EV_READ | EV_TIMEOUT, cb, &r[4], NULL));
	printf("  once(READ, idle, 400 ms): %d\n", event_base_once(base, idle[0], EV_READ, cb, &r[5], &ms400));
	printf("  once(READ|TIMEOUT, idle, NULL tv): %d\n", event_base_once(base, idle[0], EV_READ | EV_TIMEOUT, cb, &r[6], NULL));
	printf("  once(TIMEOUT, NULL tv) again: %d\n", event_base_once(base, -1, EV_TIMEOUT, cb, &r[7], NULL));
	/* counted by goevent only now: this loads its core */
	printf("  active: %d, added: %d, both: %d\n",
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_ADDED));
	/* the idle READ without a timeout never runs: a guard ends the loop.
	 * (The timeouts are long enough that a loaded machine does not reach
	 * them before the first pass.) */
	struct timeval guard = { 0, 700 * 1000 };
	event_base_loopexit(base, &guard);
	seq = 0;
	run_passes(base, 10);
	show(r, (int)(sizeof r / sizeof r[0]));
	event_base_free(base); /* frees the one-shot that never ran */
	close(sv[0]);
	close(sv[1]);
	close(idle[0]);
	close(idle[1]);
}

/* ---- from callbacks ---- */

static struct event_base *cbase;
static struct rec chain[4] = {
	{ "chain 1 (timer)", 0, 0, 0 },
	{ "chain 2 (once NULL tv)", 0, 0, 0 },
	{ "chain 3 (once zero tv)", 0, 0, 0 },
	{ "chain 4 (event_once, NULL tv)", 0, 0, 0 },
};
static struct rec later = { "once 1 ms from chain 2", 0, 0, 0 };
static int active_after_once;

static void chain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;
	struct timeval zero = { 0, 0 }, ms1 = { 0, 1000 };
	cb(fd, what, arg);
	if (r == &chain[0]) {
		event_base_once(cbase, -1, EV_TIMEOUT, chain_cb, &chain[1], NULL);
		active_after_once = event_base_get_num_events(cbase, EVENT_BASE_COUNT_ACTIVE);
	} else if (r == &chain[1]) {
		event_base_once(cbase, -1, EV_TIMEOUT, cb, &later, &ms1);
		event_base_once(cbase, -1, EV_TIMEOUT, chain_cb, &chain[2], &zero);
	} else if (r == &chain[2]) {
		event_once(-1, EV_TIMEOUT, chain_cb, &chain[3], NULL); /* the current base */
	}
}

static void from_callbacks(void)
{
	cbase = event_init();
	struct event *t = evtimer_new(cbase, chain_cb, &chain[0]);
	struct timeval ms5 = { 0, 5 * 1000 };
	evtimer_add(t, &ms5);
	seq = 0;
	printf("from callbacks:\n");
	int n = run_passes(cbase, 10);
	printf("  loop passes: %d, active right after the first once: %d\n", n, active_after_once);
	show(chain, 4);
	show(&later, 1);
	event_free(t);
	event_base_free(cbase);
}

int main(void)
{
	tc_alarm("event_base_once_modes", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	fresh_base();
	from_callbacks();
	return 0;
}
