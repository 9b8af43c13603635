/* prio_order: event_base_priority_init (refused while events are active, out
 * of range), event_base_get_npriorities, event_priority_set (range, refused
 * on an active event), the default priority (middle), the order in which
 * priorities run, and preemption: an event activated at a more urgent
 * priority from a callback runs before the rest of the current priority,
 * as libevent rechecks the queues after each callback. event_priority_init
 * (compat, current base). */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event *evs[8];
static struct event_base *base;

/* B1: activates U0 (priority 0) and B3 (priority 1). */
static void preempt_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_note((const char *)arg);
	event_active(evs[4], EV_TIMEOUT, 1);
	event_active(evs[5], EV_TIMEOUT, 1);
	int r = event_priority_set(evs[4], 2);
	printf("  in B1: event_priority_set on an active event -> %d\n", r);
}

/* L2 (least urgent) activates M1. */
static void late_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_note((const char *)arg);
	event_active(evs[6], EV_READ, 1);
}

int main(void)
{
	int r;
	tc_alarm("prio_order", 10);
	setvbuf(stdout, NULL, _IONBF, 0);

	base = event_base_new();
	printf("default npriorities: %d\n", event_base_get_npriorities(base));
	r = event_base_priority_init(base, 0);
	printf("priority_init(0): %d\n", r);
	r = event_base_priority_init(base, 256);
	printf("priority_init(256): %d\n", r);
	r = event_base_priority_init(base, -3);
	printf("priority_init(-3): %d\n", r);
	r = event_base_priority_init(base, 255);
	printf("priority_init(255): %d, npriorities %d\n", r, event_base_get_npriorities(base));
	r = event_base_priority_init(base, 3);
	printf("priority_init(3): %d, npriorities %d\n", r, event_base_get_npriorities(base));

	struct event *t = event_new(base, -1, 0, tc_named_cb, "X");
	printf("default priority of a new event: %d\n", event_get_priority(t));
	r = event_priority_set(t, 3);
	printf("priority_set(3): %d\n", r);
	r = event_priority_set(t, -1);
	printf("priority_set(-1): %d\n", r);
	r = event_priority_set(t, 2);
	printf("priority_set(2): %d, now %d\n", r, event_get_priority(t));

	/* Active events refuse priority_init; pending ones do not. */
	struct timeval tv = { 5, 0 };
	event_add(t, &tv);
	r = event_base_priority_init(base, 4);
	printf("priority_init(4) with a pending event: %d, npriorities %d\n", r, event_base_get_npriorities(base));
	r = event_base_priority_init(base, 3);
	printf("priority_init(3) again: %d\n", r);
	event_active(t, EV_TIMEOUT, 1);
	r = event_base_priority_init(base, 2);
	printf("priority_init(2) with an active event: %d, npriorities %d\n", r, event_base_get_npriorities(base));
	event_del(t);
	r = event_base_priority_init(base, 3);
	printf("priority_init(3) after event_del: %d\n", r);

	/* Order: activated least urgent first; they run most urgent first,
	 * FIFO within a priority. */
	static const char *names[] = { "L2", "B1", "A0", "C1", "U0", "B3", "M1", "Z2" };
	static const int pris[] = { 2, 1, 0, 1, 0, 1, 1, 2 };
	for (int i = 0; i < 8; i++) {
		event_callback_fn cb = tc_named_cb;
		if (i == 1)
			cb = preempt_cb;
		if (i == 0)
			cb = late_cb;
		evs[i] = event_new(base, -1, 0, cb, (void *)names[i]);
		r = event_priority_set(evs[i], pris[i]);
		if (r != 0)
			printf("priority_set %s failed\n", names[i]);
	}
	event_active(evs[0], EV_TIMEOUT, 1); /* L2 */
	event_active(evs[7], EV_TIMEOUT, 1); /* Z2 */
	event_active(evs[1], EV_TIMEOUT, 1); /* B1 */
	event_active(evs[3], EV_TIMEOUT, 1); /* C1 */
	event_active(evs[2], EV_TIMEOUT, 1); /* A0 */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d\n", r);
	printf("order: %s\n", tc_order);
	printf("event_priority_set on B1 after it ran: %d\n", event_priority_set(evs[1], 0));

	/* EVLOOP_ONCE runs only the most urgent non-empty priority. */
	tc_order[0] = 0;
	event_active(evs[0], EV_TIMEOUT, 1); /* L2 */
	event_active(evs[3], EV_TIMEOUT, 1); /* C1 */
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d, order: %s\n", r, tc_order);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d, order: %s\n", r, tc_order);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d, order: %s\n", r, tc_order);

	for (int i = 0; i < 8; i++)
		event_free(evs[i]);
	event_free(t);
	event_base_free(base);

	/* Compat: event_priority_init works on the current base. */
	struct event_base *cb = event_init();
	r = event_priority_init(4);
	printf("event_priority_init(4): %d, npriorities %d\n", r, event_base_get_npriorities(cb));
	printf("event_base_get_npriorities(NULL): %d\n", event_base_get_npriorities(NULL));
	struct event ev;
	event_set(&ev, -1, 0, tc_named_cb, "compat");
	printf("event_set priority: %d\n", event_get_priority(&ev));
	r = event_priority_init(300);
	printf("event_priority_init(300): %d\n", r);
	event_base_free(cb);
	return 0;
}
