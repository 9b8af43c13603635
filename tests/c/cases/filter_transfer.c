/* filter_transfer: bytes through an input filter end to end, over a socket
 * (a socketpair, the sender a socket bufferevent on the other end) and over
 * a bufferevent pair, for several payload sizes, filter read watermarks,
 * filter functions (NULL, one that respects the limit, one that prepends a
 * 20-byte header once, as libevent's "data stuck" regression test does) and
 * readers (draining everything, or at most 300 bytes a callback). When the
 * filter's input reaches its high watermark with bytes left in the
 * underlying input, draining the filter's input runs the filter again (the
 * read callback then follows in the same loop pass), so nothing stays behind
 * in the underlying bufferevent. libevent does leave bytes in the filter's
 * own input: below the read low watermark, or when the reader took only
 * part and nothing arrives any more; those counts are printed too.
 *
 * A reader taking 300 bytes at a time is run on payloads up to 4116 bytes
 * only: with more, a pair refills the underlying input while both ends'
 * deferred callbacks reschedule each other, and how far the reader gets
 * depends on how many deferred callbacks a loop pass runs
 * (docs/DIFFERENCES.md, "Deferred bufferevent callbacks"). */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static size_t received, expected;
static int header_left;
static int reader_max; /* 0: drain everything */
static int readcbs;

static void readcb(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	size_t n = evbuffer_get_length(in);
	(void)arg;
	readcbs++;
	if (reader_max && n > (size_t)reader_max)
		n = (size_t)reader_max;
	received += n;
	evbuffer_drain(in, n);
	if (received >= expected)
		event_base_loopbreak(base);
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)b;
	(void)arg;
	printf("    eventcb %s\n", tc_bev_what(what));
}

/* Moves what the limit allows. */
static enum bufferevent_filter_result copy_limit(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *ctx)
{
	size_t n = evbuffer_get_length(src);
	(void)mode;
	(void)ctx;
	if (lim >= 0 && n > (size_t)lim)
		n = (size_t)lim;
	evbuffer_remove_buffer(src, dst, n);
	return BEV_OK;
}

/* Prepends a 20-byte header once, then moves what fits below the limit. */
static enum bufferevent_filter_result header_once(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *ctx)
{
	size_t n = evbuffer_get_length(src), hdr = 0;
	(void)mode;
	(void)ctx;
	if (header_left) {
		static const char h[20];
		evbuffer_add(dst, h, sizeof(h));
		hdr = sizeof(h);
		header_left = 0;
	}
	if (lim >= 0 && n > (size_t)lim - hdr)
		n = (size_t)lim - hdr;
	evbuffer_remove_buffer(src, dst, n);
	return BEV_OK;
}

struct config {
	const char *under;   /* "socket" or "pair" */
	int pair_wm;         /* pair: read high watermark on both ends (4096) */
	size_t payload;
	int filter_high;     /* filter's read high watermark (0: none) */
	int filter_low;
	const char *fn;      /* "null", "copy", "header" */
	int reader_max;
};

static void run(const struct config *c)
{
	struct bufferevent *under, *sender, *filter;
	char *payload = malloc(c->payload);
	int sv[2] = {-1, -1};
	bufferevent_filter_cb fn = NULL;

	memset(payload, 'p', c->payload);
	received = 0;
	readcbs = 0;
	reader_max = c->reader_max;
	header_left = 0;
	expected = c->payload;
	if (!strcmp(c->fn, "copy")) {
		fn = copy_limit;
	} else if (!strcmp(c->fn, "header")) {
		fn = header_once;
		header_left = 1;
		expected += 20;
	}

	if (!strcmp(c->under, "socket")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			exit(1);
		evutil_make_socket_nonblocking(sv[0]);
		evutil_make_socket_nonblocking(sv[1]);
		under = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
		sender = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	} else {
		struct bufferevent *pair[2];
		if (bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, pair) != 0)
			exit(1);
		if (c->pair_wm) {
			bufferevent_setwatermark(pair[0], EV_READ, 0, (size_t)c->pair_wm);
			bufferevent_setwatermark(pair[1], EV_READ, 0, (size_t)c->pair_wm);
		}
		sender = pair[0];
		under = pair[1];
	}
	filter = bufferevent_filter_new(under, fn, NULL, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS,
	    NULL, NULL);
	bufferevent_setcb(filter, readcb, NULL, eventcb, NULL);
	bufferevent_enable(filter, EV_READ | EV_WRITE);
	if (c->filter_high)
		bufferevent_setwatermark(filter, EV_READ, (size_t)c->filter_low, (size_t)c->filter_high);
	bufferevent_enable(sender, EV_WRITE);
	bufferevent_write(sender, payload, c->payload);

	tc_dispatch_for(base, 150);
	printf("%s payload %zu, filter wm %d/%d, %s filter, reader %s: received %zu of %zu%s\n",
	    c->under, c->payload, c->filter_low,
	    c->filter_high, c->fn, c->reader_max ? "300 at a time" : "drains all", received, expected,
	    received == expected ? "" : " (stuck)");
	bufferevent_free(filter);
	bufferevent_free(sender);
	event_base_loop(base, EVLOOP_NONBLOCK);
	free(payload);
}

static void one(const char *under, size_t payload, int low, int high, const char *fn, int reader_max)
{
	struct config c;
	c.under = under;
	c.pair_wm = !strcmp(under, "pair") ? 4096 : 0;
	c.payload = payload;
	c.filter_low = low;
	c.filter_high = high;
	c.fn = fn;
	c.reader_max = reader_max;
	run(&c);
}

int main(void)
{
	static const size_t payloads[] = {4096, 4116, 10000, 70000};
	static const int wms[][2] = {{0, 0}, {0, 4096}, {0, 1000}, {500, 1000}};
	static const char *fns[] = {"null", "copy", "header"};
	size_t p, w, f;
	int s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("filter_transfer", 38);
	base = event_base_new();

	/* Every combination where the transcript cannot depend on how the
	 * kernel splits the bytes: a pair always, a socket for payloads that
	 * both libraries read in the same pieces (4096 bytes first), and for
	 * larger ones where no low watermark makes the remainder depend on
	 * the pieces. */
	for (s = 0; s < 2; s++)
		for (p = 0; p < 4; p++)
			for (w = 0; w < 4; w++)
				for (f = 0; f < 3; f++) {
					const char *under = s ? "socket" : "pair";
					int small = payloads[p] <= 4116;
					if (!strcmp(fns[f], "copy") && payloads[p] != 4116)
						continue;
					if (s && !small && wms[w][0])
						continue;
					one(under, payloads[p], wms[w][0], wms[w][1], fns[f], 0);
					if (wms[w][1] && small)
						one(under, payloads[p], wms[w][0], wms[w][1], fns[f], 300);
				}
	event_base_free(base);
	printf("done\n");
	return 0;
}
