/*
 * bev_buffer_defer.c - a bufferevent's own buffers (whose handles live in the
 * bufferevent's block in goevent) with deferred evbuffer callbacks
 * (evbuffer_defer_callbacks): the callback runs from the loop with the
 * buffer it was registered on, which can be read there; the bufferevent is
 * freed afterwards. (Freeing it while such a callback is scheduled crashes
 * libevent 2.1.12 once the callback has run; goevent's behaviour there is
 * checked by tests/c/ours/bev_misuse.c.)
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

static int calls;
static struct evbuffer *watched;

static void buf_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	calls++;
	printf("%s callback: same buffer: %s, added %d, deleted %d, length %d\n", (const char *)arg,
	    tc_yesno(buf == watched), (int)info->n_added, (int)info->n_deleted, (int)evbuffer_get_length(buf));
}

static void round_(struct event_base *base, int which, int free_before_loop)
{
	struct bufferevent *pair[2];
	struct evbuffer *buf;
	const char *name = which ? "output" : "input";
	calls = 0;
	if (bufferevent_pair_new(base, 0, pair) != 0) {
		printf("bufferevent_pair_new failed\n");
		return;
	}
	bufferevent_enable(pair[0], EV_READ);
	buf = which ? bufferevent_get_output(pair[0]) : bufferevent_get_input(pair[0]);
	watched = buf;
	printf("%s: defer: %d\n", name, evbuffer_defer_callbacks(buf, base));
	evbuffer_add_cb(buf, buf_cb, (void *)name);
	if (which)
		bufferevent_write(pair[0], "hello", 5); /* the pair moves it at once */
	else
		bufferevent_write(pair[1], "hello", 5);
	printf("%s: callbacks before the loop: %d\n", name, calls);
	if (free_before_loop) {
		bufferevent_free(pair[0]);
		bufferevent_free(pair[1]);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("%s: callbacks after the loop (bufferevent freed %s): %d\n", name,
	    free_before_loop ? "before" : "after", calls);
	if (!free_before_loop) {
		bufferevent_free(pair[0]);
		bufferevent_free(pair[1]);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
}

int main(void)
{
	struct event_base *base;
	tc_alarm("bev_buffer_defer", 10);
	setvbuf(stdout, NULL, _IOLBF, 0);
	base = event_base_new();
	round_(base, 0, 0);
	round_(base, 1, 0);
	event_base_free(base);
	printf("done\n");
	return 0;
}
