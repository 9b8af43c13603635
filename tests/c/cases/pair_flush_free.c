/* pair_flush_free: bufferevent_flush on a pair (BEV_FLUSH moves data past
 * the partner's watermark and disabled flags, BEV_FINISHED also delivers
 * EOF to the partner), freeing one end (the partner gets no event, its
 * get_partner becomes NULL, its flush fails), BEV_OPT_DEFER_CALLBACKS implied. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct bufferevent *pa, *pb;

static const char *name(struct bufferevent *b)
{
	return b == pa ? "A" : b == pb ? "B" : "?";
}

static void readcb(struct bufferevent *b, void *arg)
{
	/* Takes everything (a pair reader that leaves its input at the high
	 * watermark makes libevent 2.1.12 spin). */
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	printf("  readcb %s took %u '%s'\n", name(b), (unsigned)n, buf);
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	printf("  writecb %s output=%u\n", name(b), (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("  eventcb %s what=0x%x enabled=0x%x\n", name(b), what, bufferevent_get_enabled(b));
}

static void lens(const char *when)
{
	if (!pa || !pb) {
		struct bufferevent *b = pa ? pa : pb;
		printf("%s: %s in=%u out=%u\n", when, name(b),
		    (unsigned)evbuffer_get_length(bufferevent_get_input(b)),
		    (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
		return;
	}
	printf("%s: A in=%u out=%u | B in=%u out=%u\n", when,
	    (unsigned)evbuffer_get_length(bufferevent_get_input(pa)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(pa)),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(pb)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(pb)));
}

static void spin(const char *when)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
	lens(when);
}

static void drain(struct bufferevent *b)
{
	evbuffer_drain(bufferevent_get_input(b), evbuffer_get_length(bufferevent_get_input(b)));
}

int main(void)
{
	struct bufferevent *pair[2];
	int r;

	tc_alarm("pair_flush_free", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	/* Options: DEFER_CALLBACKS is implied, callbacks never run inline. */
	bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair);
	pa = pair[0];
	pb = pair[1];
	bufferevent_setcb(pa, readcb, writecb, eventcb, NULL);
	bufferevent_setcb(pb, readcb, writecb, eventcb, NULL);

	/* BEV_FLUSH with B not reading: data moves anyway, no event. */
	bufferevent_write(pa, "flushed", 7);
	lens("B not reading");
	r = bufferevent_flush(pa, EV_WRITE, BEV_FLUSH);
	printf("flush(A, EV_WRITE, BEV_FLUSH) = %d\n", r);
	lens("right after");
	spin("after loop");
	drain(pb);

	/* BEV_FLUSH past B's high watermark. */
	bufferevent_enable(pb, EV_READ);
	bufferevent_setwatermark(pb, EV_READ, 0, 4);
	bufferevent_write(pa, "0123456789", 10);
	lens("10 bytes, B high 4");
	r = bufferevent_flush(pa, EV_WRITE, BEV_FLUSH);
	printf("flush BEV_FLUSH = %d\n", r);
	spin("after flush + loop");
	bufferevent_setwatermark(pb, EV_READ, 0, 0);
	drain(pb);
	spin("B drained");

	/* Flushing EV_READ pulls from the partner's output. */
	bufferevent_disable(pa, EV_READ);
	bufferevent_write(pb, "pull", 4);
	lens("B wrote, A not reading");
	r = bufferevent_flush(pa, EV_READ, BEV_FLUSH);
	printf("flush(A, EV_READ, BEV_FLUSH) = %d\n", r);
	spin("after loop");
	drain(pa);

	/* BEV_FINISHED: data, then EOF to the partner (what = iotype|EOF). */
	bufferevent_write(pa, "last", 4);
	r = bufferevent_flush(pa, EV_WRITE, BEV_FINISHED);
	printf("flush(A, EV_WRITE, BEV_FINISHED) = %d\n", r);
	lens("right after");
	spin("after loop");
	printf("enabled after EOF: A=0x%x B=0x%x\n", bufferevent_get_enabled(pa), bufferevent_get_enabled(pb));
	drain(pb);
	r = bufferevent_flush(pb, EV_READ | EV_WRITE, BEV_FINISHED);
	printf("flush(B, EV_READ|EV_WRITE, BEV_FINISHED) = %d\n", r);
	spin("after loop");

	/* Still usable after the EOF. */
	bufferevent_write(pa, "more", 4);
	spin("write after EOF");
	drain(pb);

	/* Free A: B gets no event; its partner is gone. */
	bufferevent_write(pb, "to A", 4);
	bufferevent_disable(pa, EV_READ);
	bufferevent_free(pa);
	pa = NULL;
	printf("freed A\n");
	spin("B after free");
	printf("partner(B) after free: %s\n", bufferevent_pair_get_partner(pb) ? "set" : "NULL");
	printf("B write after free: %d\n", bufferevent_write(pb, "x", 1));
	printf("B output: %u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(pb)));
	printf("flush(B, EV_WRITE, BEV_FLUSH) = %d\n", bufferevent_flush(pb, EV_WRITE, BEV_FLUSH));
	printf("flush(B, EV_WRITE, BEV_FINISHED) = %d\n", bufferevent_flush(pb, EV_WRITE, BEV_FINISHED));
	spin("after flushes");
	printf("B enable: %d enabled=0x%x\n", bufferevent_enable(pb, EV_READ | EV_WRITE), bufferevent_get_enabled(pb));
	bufferevent_free(pb);

	/* A second pair, freed from inside a callback. */
	bufferevent_pair_new(base, 0, pair);
	pa = pair[0];
	pb = pair[1];
	bufferevent_enable(pb, EV_READ);
	bufferevent_setcb(pb, readcb, NULL, eventcb, NULL);
	bufferevent_write(pa, "bye", 3);
	bufferevent_free(pb);
	pb = NULL;
	printf("freed B with its callback pending\n");
	spin("loop after free");
	printf("partner(A): %s\n", bufferevent_pair_get_partner(pa) ? "set" : "NULL");
	bufferevent_free(pa);

	event_base_free(base);
	printf("done\n");
	return 0;
}
