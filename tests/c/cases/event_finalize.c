/* event_finalize: event_finalize / event_free_finalize. The event is
 * removed at once (not pending, add refused, del a no-op) and its finalizer
 * runs later from the loop with (ev, arg), in the event's priority among the
 * other callbacks; event_free_finalize frees the event afterwards (seen
 * through event_set_mem_functions). event_base_free runs finalizers that
 * have not run yet; event_base_free_nofinalize does not. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

/* Allocation tracking: which of our events were freed. */
static void *watch[8];
static int watch_freed[8];

static void *my_malloc(size_t n) { return malloc(n); }
static void *my_realloc(void *p, size_t n) { return realloc(p, n); }
static void my_free(void *p)
{
	for (int i = 0; i < 8; i++)
		if (p && watch[i] == p)
			watch_freed[i]++;
	free(p);
}

static struct event *fin_target;
static void fin_cb(struct event *ev, void *arg)
{
	char buf[64];
	snprintf(buf, sizeof buf, "fin(%s%s)", (const char *)arg, ev == fin_target ? "" : ",other");
	tc_note(buf);
}

static void fin_cb_any(struct event *ev, void *arg)
{
	(void)ev;
	char buf[64];
	snprintf(buf, sizeof buf, "fin(%s)", (const char *)arg);
	tc_note(buf);
}

int main(void)
{
	int r;
	tc_alarm("event_finalize", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	event_set_mem_functions(my_malloc, my_realloc, my_free);

	struct event_base *base = event_base_new();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	evutil_make_socket_nonblocking(sv[0]);

	/* A pending read event with a timeout, finalized. */
	struct event *a = event_new(base, sv[0], EV_READ | EV_PERSIST, tc_named_cb, "a");
	struct event *b = event_new(base, -1, 0, tc_named_cb, "b");
	struct event *c = event_new(base, -1, 0, tc_named_cb, "c");
	struct timeval tv = { 5, 0 };
	event_add(a, &tv);
	event_active(b, EV_TIMEOUT, 1);
	fin_target = a;
	r = event_finalize(0, a, fin_cb);
	printf("event_finalize: %d\n", r);
	printf("a pending after finalize: 0x%x, initialized %d\n",
	    event_pending(a, EV_READ | EV_TIMEOUT | EV_WRITE, NULL), event_initialized(a));
	r = event_add(a, NULL);
	printf("event_add on a finalizing event: %d\n", r);
	r = event_del(a);
	printf("event_del on a finalizing event: %d\n", r);
	event_active(a, EV_READ, 1);
	event_active(c, EV_TIMEOUT, 1);
	printf("num active: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
	if (write(sv[1], "x", 1) != 1)
		return 2;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d, order: %s\n", r, tc_order);
	if (!tc_debug_mode()) /* debug mode: torn down, event_pending is fatal */
		printf("a pending after its finalizer: 0x%x\n", event_pending(a, EV_READ | EV_TIMEOUT, NULL));
	event_free(a);

	/* event_free_finalize frees the event after the finalizer. */
	tc_order[0] = 0;
	struct event *d = event_new(base, -1, EV_PERSIST, tc_named_cb, "d");
	watch[0] = d;
	event_add(d, &tv);
	r = event_free_finalize(0, d, fin_cb_any);
	printf("event_free_finalize: %d, freed yet: %d\n", r, watch_freed[0]);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d, order: %s, freed: %d\n", r, tc_order, watch_freed[0]);

	/* Finalizing twice: the second callback replaces the first. */
	tc_order[0] = 0;
	struct event *e = event_new(base, -1, 0, tc_named_cb, "e");
	event_finalize(0, e, fin_cb_any);
	r = event_finalize(0, e, fin_cb);
	printf("second event_finalize: %d\n", r);
	fin_target = e;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d, order: %s\n", r, tc_order);
	event_free(e);

	/* Pending finalizers run from event_base_free, in queue order. */
	tc_order[0] = 0;
	struct event *f = event_new(base, -1, 0, tc_named_cb, "f");
	struct event *g = event_new(base, -1, 0, tc_named_cb, "g");
	watch[1] = g;
	event_add(f, &tv);
	event_finalize(0, f, fin_cb_any);
	event_free_finalize(0, g, fin_cb_any);
	event_active(c, EV_TIMEOUT, 1);
	event_free(b);
	event_free(c);
	event_base_free(base);
	printf("after event_base_free: order: %s, g freed: %d\n", tc_order, watch_freed[1]);
	event_free(f);

	/* ... but not from event_base_free_nofinalize. */
	tc_order[0] = 0;
	base = event_base_new();
	struct event *h = event_new(base, -1, 0, tc_named_cb, "h");
	struct event *i = event_new(base, -1, 0, tc_named_cb, "i");
	watch[2] = i;
	event_finalize(0, h, fin_cb_any);
	event_free_finalize(0, i, fin_cb_any);
	event_base_free_nofinalize(base);
	printf("after event_base_free_nofinalize: order: '%s', i freed: %d\n", tc_order, watch_freed[2]);
	event_free(h);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
