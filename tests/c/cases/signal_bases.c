/* signal_bases: the same signal on two bases of one thread. One base at a
 * time receives signals: the one that most recently added the first event
 * of some signal, or whose event_base_loop most recently started while it
 * had signal events. Adding another event of a signal the base already has
 * events for changes nothing, deleting a base's last signal event does not
 * move the receiver (its signals are lost until another base takes over),
 * and freeing the receiving base leaves none (a signal then only makes the
 * handler log a warning). Adding a signal event to one base while another
 * holds signals logs a warning. A base runs the signals its own pipe got,
 * also when the receiver changed before it read them. A signal is raised (delivered before raise
 * returns) and then both loops run once, nonblocking, in a given order, so
 * that the transcript shows which base's pipe got it. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>

#include "testcase.h"

static struct event_base *a, *b;
static int na, nb;

static void cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	if (arg == a)
		na++;
	else
		nb++;
	(void)sig;
}

static void logs(const char *step)
{
	printf("%s: log messages %d (warnings %d)\n", step, tc_log_.n, tc_log_.by_severity[EVENT_LOG_WARN]);
	tc_log_reset();
}

/* Raises sig, runs the loop of first, then of second (NULL: none), and prints
 * how many callbacks each base ran. */
static void check(const char *step, int sig, struct event_base *first, struct event_base *second)
{
	na = nb = 0;
	raise(sig);
	logs(step);
	event_base_loop(first, EVLOOP_NONBLOCK);
	if (second)
		event_base_loop(second, EVLOOP_NONBLOCK);
	printf("%s: base A ran %d, base B ran %d (loops: %s%s)\n", step, na, nb,
	    first == a ? "A" : "B", second ? (second == a ? " then A" : " then B") : "");
}

int main(void)
{
	struct event *a1, *b1, *b2, *b3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("signal_bases", 20);
	tc_log_capture();
	a = event_base_new();
	b = event_base_new();
	a1 = evsignal_new(a, SIGUSR1, cb, a);
	b1 = evsignal_new(b, SIGUSR1, cb, b);
	b2 = evsignal_new(b, SIGUSR1, cb, b);
	b3 = evsignal_new(b, SIGUSR2, cb, b);

	printf("add SIGUSR1 to A: %d\n", event_add(a1, NULL));
	logs("add to A");
	printf("add SIGUSR1 to B: %d\n", event_add(b1, NULL));
	logs("add to B");
	check("1 B added last", SIGUSR1, a, b);

	event_base_loop(a, EVLOOP_NONBLOCK);
	check("2 A's loop started last", SIGUSR1, b, a);

	printf("add a second SIGUSR1 event to B: %d\n", event_add(b2, NULL));
	logs("second event on B");
	check("3 after B's second SIGUSR1 event", SIGUSR1, b, a);

	printf("add SIGUSR2 to B: %d\n", event_add(b3, NULL));
	logs("SIGUSR2 on B");
	check("4 after B's first SIGUSR2 event", SIGUSR1, a, b);

	event_base_loop(a, EVLOOP_NONBLOCK);
	check("5 SIGUSR2 while A receives", SIGUSR2, b, a);

	event_base_loop(b, EVLOOP_NONBLOCK);
	printf("delete B's events: %d %d %d\n", event_del(b1), event_del(b2), event_del(b3));
	logs("delete B's events");
	check("6 B receives but has no events", SIGUSR1, a, b);
	check("7 A's loop started since", SIGUSR1, b, a);

	printf("add SIGUSR1 to B again: %d\n", event_add(b1, NULL));
	logs("add to B again");
	/* Step 6's signal waited in B's pipe (a loop without events returns
	 * before it reads anything). */
	na = nb = 0;
	event_base_loop(b, EVLOOP_NONBLOCK);
	printf("B's loop with an event again: B ran %d\n", nb);
	/* One signal waits in each base's pipe: each base runs its own. */
	event_base_loop(a, EVLOOP_NONBLOCK);
	na = nb = 0;
	raise(SIGUSR1);
	event_base_loop(b, EVLOOP_NONBLOCK);
	raise(SIGUSR1);
	printf("one signal to A, one to B: A ran %d, B ran %d", na, nb);
	event_base_loop(b, EVLOOP_NONBLOCK);
	event_base_loop(a, EVLOOP_NONBLOCK);
	printf(", after both loops ran: A ran %d, B ran %d\n", na, nb);
	event_base_loop(b, EVLOOP_NONBLOCK);
	printf("delete it: %d\n", event_del(b1));
	event_free(b1);
	event_free(b2);
	event_free(b3);
	event_base_free(b);
	logs("free B while it receives");
	na = nb = 0;
	raise(SIGUSR1);
	logs("8 no base receives");
	event_base_loop(a, EVLOOP_NONBLOCK);
	printf("8 no base receives: base A ran %d\n", na);
	na = 0;
	raise(SIGUSR1);
	logs("9 A's loop started since");
	event_base_loop(a, EVLOOP_NONBLOCK);
	printf("9 A's loop started since: base A ran %d\n", na);

	event_free(a1);
	event_base_free(a);
	logs("end");
	printf("done\n");
	return 0;
}
