/* evbuffer_defer: deferred evbuffer callbacks scheduled from inside event
 * callbacks, with one and with three priorities (they run at the middle
 * priority), EVLOOP_ONCE, and several changes folded into one call. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "testcase.h"

static struct evbuffer *b;

static void cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf;
	printf("  deferred cb %s: orig=%zu added=%zu deleted=%zu\n", (const char *)arg, info->orig_size,
	    info->n_added, info->n_deleted);
}

static void evcb(evutil_socket_t fd, short w, void *arg)
{
	const char *name = arg;
	(void)fd;
	(void)w;
	printf("  event %s\n", name);
	if (name[0] == 'A') {
		evbuffer_add(b, "xyz", 3);
		evbuffer_drain(b, 1);
	}
}

static void run(int npri)
{
	struct event_base *base = event_base_new();
	struct event *a, *c, *d;
	printf("priorities %d\n", npri);
	event_base_priority_init(base, npri);
	a = event_new(base, -1, 0, evcb, "A");
	c = event_new(base, -1, 0, evcb, "B");
	d = event_new(base, -1, 0, evcb, "C");
	if (npri > 1) {
		event_priority_set(a, 0);
		event_priority_set(c, npri - 1);
		event_priority_set(d, npri - 1);
	}
	b = evbuffer_new();
	evbuffer_add_cb(b, cb, "x");
	evbuffer_defer_callbacks(b, base);
	event_active(a, EV_READ, 1);
	event_active(c, EV_READ, 1);
	printf(" loop once\n");
	event_base_loop(base, EVLOOP_ONCE);
	event_active(d, EV_READ, 1);
	event_active(a, EV_READ, 1);
	printf(" loop nonblock\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf(" loop nonblock (nothing)\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	evbuffer_free(b);
	event_free(a);
	event_free(c);
	event_free(d);
	event_base_free(base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_defer", 10);
	run(1);
	run(3);
	printf("done\n");
	return 0;
}
