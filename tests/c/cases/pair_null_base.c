/* pair_null_base: bufferevent_pair_new(NULL, ...) in an old-style program
 * (event_init, event_dispatch) makes a pair that works on the current base,
 * as libevent's regression tests for pairs do: data both ways, callbacks
 * from event_dispatch, a flush with BEV_FINISHED. */
#include <event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

static struct bufferevent *pa, *pb;
static int reads;

static const char *name(struct bufferevent *b)
{
	return b == pa ? "A" : b == pb ? "B" : "?";
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	printf("  readcb %s: \"%s\"\n", name(b), buf);
	if (b == pb && ++reads == 1)
		bufferevent_write(pb, "pong", 4);
	else
		event_loopexit(NULL);
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	printf("  writecb %s\n", name(b));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("  eventcb %s %s\n", name(b), tc_bev_what(what));
}

int main(void)
{
	struct bufferevent *pair[2] = { NULL, NULL };
	struct event_base *base;
	struct timeval tv = {2, 0};
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("pair_null_base", 10);
	base = event_init();

	r = bufferevent_pair_new(NULL, 0, pair);
	printf("pair_new(NULL): %d both set: %s\n", r, tc_yesno(pair[0] && pair[1]));
	if (r != 0)
		return 0;
	pa = pair[0];
	pb = pair[1];
	printf("partners: %s\n", tc_yesno(bufferevent_pair_get_partner(pa) == pb));
	printf("fd: %d\n", (int)bufferevent_getfd(pa));
	bufferevent_setcb(pa, readcb, writecb, eventcb, NULL);
	bufferevent_setcb(pb, readcb, writecb, eventcb, NULL);
	bufferevent_enable(pa, EV_READ | EV_WRITE);
	bufferevent_enable(pb, EV_READ | EV_WRITE);
	bufferevent_write(pa, "ping", 4);
	printf("dispatch\n");
	event_loopexit(&tv);
	event_dispatch();
	printf("flush A finished: %d\n", bufferevent_flush(pa, EV_WRITE, BEV_FINISHED));
	event_loop(EVLOOP_NONBLOCK);
	bufferevent_free(pa);
	bufferevent_free(pb);
	event_base_free(base);
	printf("done\n");
	return 0;
}
