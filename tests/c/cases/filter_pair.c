/* filter_pair: bufferevent_filter_new over one end of a bufferevent pair:
 * NULL filters pass data through both ways, a counting output filter,
 * BEV_FINISHED flushed through the filter reaches the partner as EOF,
 * BEV_OPT_CLOSE_ON_FREE frees the pair end (the partner loses it). */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct bufferevent *pa, *pb, *filt;

static const char *name(struct bufferevent *b)
{
	return b == pa ? "A" : b == pb ? "B" : b == filt ? "filter" : "?";
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[128];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	printf("  readcb %s: '%s'\n", name(b), buf);
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("  eventcb %s: what=0x%x\n", name(b), what);
}

static int out_calls;
static enum bufferevent_filter_result out_count(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *arg)
{
	(void)arg;
	out_calls++;
	printf("    out filter: mode=%d lim=%ld src=%u\n", (int)mode, (long)lim, (unsigned)evbuffer_get_length(src));
	if (evbuffer_get_length(src) == 0)
		return BEV_OK;
	evbuffer_add_printf(dst, "%u:", (unsigned)evbuffer_get_length(src));
	evbuffer_add_buffer(dst, src);
	return BEV_OK;
}

static void spin(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

int main(void)
{
	struct bufferevent *pair[2];

	tc_alarm("filter_pair", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	/* NULL filters over A. */
	bufferevent_pair_new(base, 0, pair);
	pa = pair[0];
	pb = pair[1];
	filt = bufferevent_filter_new(pa, NULL, NULL, 0, NULL, NULL);
	printf("filter made: %d underlying==A: %d enabled A=0x%x filter=0x%x\n", filt != NULL,
	    bufferevent_get_underlying(filt) == pa, bufferevent_get_enabled(pa), bufferevent_get_enabled(filt));
	bufferevent_setcb(filt, readcb, NULL, eventcb, NULL);
	bufferevent_setcb(pb, readcb, NULL, eventcb, NULL);
	bufferevent_enable(pb, EV_READ);
	bufferevent_enable(filt, EV_READ);
	bufferevent_write(filt, "down", 4);
	spin();
	bufferevent_write(pb, "up", 2);
	spin();
	printf("flush(filter, EV_WRITE, BEV_FINISHED): %d\n", bufferevent_flush(filt, EV_WRITE, BEV_FINISHED));
	spin();
	bufferevent_free(filt);
	spin();
	printf("without CLOSE_ON_FREE: partner(B)==A: %d\n", bufferevent_pair_get_partner(pb) == pa);
	bufferevent_free(pa);
	bufferevent_free(pb);

	/* A counting output filter with BEV_OPT_CLOSE_ON_FREE. */
	bufferevent_pair_new(base, 0, pair);
	pa = pair[0];
	pb = pair[1];
	filt = bufferevent_filter_new(pa, NULL, out_count, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
	bufferevent_setcb(pb, readcb, NULL, eventcb, NULL);
	bufferevent_enable(pb, EV_READ);
	bufferevent_write(filt, "abc", 3);
	bufferevent_write(filt, "de", 2);
	spin();
	printf("flush BEV_FLUSH: %d\n", bufferevent_flush(filt, EV_WRITE, BEV_FLUSH));
	spin();
	bufferevent_free(filt);
	filt = NULL;
	pa = NULL;
	spin();
	printf("after free with CLOSE_ON_FREE: partner(B): %s, out_calls=%d\n",
	    bufferevent_pair_get_partner(pb) ? "set" : "NULL", out_calls);
	bufferevent_free(pb);

	event_base_free(base);
	printf("done\n");
	return 0;
}
