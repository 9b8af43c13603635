/* ratelim_api: ev_token_bucket_cfg_new (refusals as libevent), cfg_free,
 * bufferevent_set_rate_limit / bufferevent_get_token_bucket_cfg /
 * bufferevent_get_read_limit / bufferevent_get_write_limit /
 * bufferevent_decrement_read_limit / bufferevent_decrement_write_limit, and
 * the group calls: bufferevent_rate_limit_group_new, _set_cfg,
 * _set_min_share, _get_read_limit, _get_write_limit, _decrement_read,
 * _decrement_write, _get_totals, _reset_totals, _free,
 * bufferevent_add_to_rate_limit_group, bufferevent_remove_from_rate_limit_group.
 * Ticks are an hour long so that no refill happens while it runs. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static size_t got;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)arg;
	got += evbuffer_get_length(bufferevent_get_input(b));
	evbuffer_drain(bufferevent_get_input(b), evbuffer_get_length(bufferevent_get_input(b)));
	if (got >= 5000)
		event_base_loopbreak(base);
}

static const char *lim(ev_ssize_t v)
{
	static char buf[8][32];
	static int i;
	i = (i + 1) % 8;
	if (v == EV_SSIZE_MAX)
		return "SSIZE_MAX";
	snprintf(buf[i], sizeof(buf[i]), "%ld", (long)v);
	return buf[i];
}

int main(void)
{
	struct timeval hour = { 3600, 0 }, ms500 = { 0, 500000 };
	struct ev_token_bucket_cfg *c, *c2, *gc;
	struct bufferevent_rate_limit_group *g;
	struct bufferevent *b1, *b2;
	ev_uint64_t tr = 7, tw = 7;
	int s[2], r;
	char data[5000];

	tc_alarm("ratelim_api", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();

	/* Refusals. */
	printf("rate > burst: %s\n", ev_token_bucket_cfg_new(10, 5, 10, 10, NULL) ? "cfg" : "NULL");
	printf("write rate > burst: %s\n", ev_token_bucket_cfg_new(10, 10, 11, 10, NULL) ? "cfg" : "NULL");
	printf("read rate 0: %s\n", ev_token_bucket_cfg_new(0, 10, 10, 10, NULL) ? "cfg" : "NULL");
	printf("write rate 0: %s\n", ev_token_bucket_cfg_new(10, 10, 0, 10, NULL) ? "cfg" : "NULL");
	printf("burst > EV_RATE_LIMIT_MAX: %s\n",
	    ev_token_bucket_cfg_new(10, (size_t)EV_RATE_LIMIT_MAX + 1, 10, 10, NULL) ? "cfg" : "NULL");
	printf("rate > EV_RATE_LIMIT_MAX: %s\n",
	    ev_token_bucket_cfg_new(SIZE_MAX, SIZE_MAX, 10, 10, NULL) ? "cfg" : "NULL");
	c = ev_token_bucket_cfg_new(1, 1, 1, 1, NULL);
	printf("rate == burst == 1, default tick: %s\n", c ? "cfg" : "NULL");
	ev_token_bucket_cfg_free(c);
	c = ev_token_bucket_cfg_new(EV_RATE_LIMIT_MAX, EV_RATE_LIMIT_MAX, 5, 5, &ms500);
	printf("EV_RATE_LIMIT_MAX, 500 ms tick: %s\n", c ? "cfg" : "NULL");
	ev_token_bucket_cfg_free(c);

	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	evutil_make_socket_nonblocking(s[1]);
	b1 = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	b2 = bufferevent_socket_new(base, s[1], BEV_OPT_CLOSE_ON_FREE);

	/* One bufferevent's own bucket. */
	printf("no limit: cfg=%s read=%s write=%s\n", bufferevent_get_token_bucket_cfg(b1) ? "set" : "NULL",
	    lim(bufferevent_get_read_limit(b1)), lim(bufferevent_get_write_limit(b1)));
	c = ev_token_bucket_cfg_new(1000, 4000, 300, 600, &hour);
	printf("set_rate_limit: %d\n", bufferevent_set_rate_limit(b1, c));
	printf("cfg is ours: %d read=%s write=%s\n", bufferevent_get_token_bucket_cfg(b1) == c,
	    lim(bufferevent_get_read_limit(b1)), lim(bufferevent_get_write_limit(b1)));
	r = bufferevent_decrement_read_limit(b1, 250);
	printf("decrement_read_limit(250): %d -> %s\n", r, lim(bufferevent_get_read_limit(b1)));
	r = bufferevent_decrement_write_limit(b1, -1000);
	printf("decrement_write_limit(-1000): %d -> %s\n", r, lim(bufferevent_get_write_limit(b1)));
	r = bufferevent_set_rate_limit(b1, c);
	printf("same cfg again: %d read=%s write=%s\n", r,
	    lim(bufferevent_get_read_limit(b1)), lim(bufferevent_get_write_limit(b1)));
	c2 = ev_token_bucket_cfg_new(10, 500, 10, 700, &hour);
	r = bufferevent_set_rate_limit(b1, c2);
	printf("new cfg (clips): %d read=%s write=%s cfg is c2: %d\n", r,
	    lim(bufferevent_get_read_limit(b1)), lim(bufferevent_get_write_limit(b1)),
	    bufferevent_get_token_bucket_cfg(b1) == c2);
	r = bufferevent_decrement_read_limit(b1, 800);
	printf("decrement_read_limit(800): %d -> %s\n", r, lim(bufferevent_get_read_limit(b1)));
	r = bufferevent_decrement_read_limit(b1, -1000);
	printf("decrement_read_limit(-1000): %d -> %s\n", r, lim(bufferevent_get_read_limit(b1)));
	r = bufferevent_set_rate_limit(b1, NULL);
	printf("remove limit: %d cfg=%s read=%s\n", r,
	    bufferevent_get_token_bucket_cfg(b1) ? "set" : "NULL", lim(bufferevent_get_read_limit(b1)));
	printf("remove again: %d\n", bufferevent_set_rate_limit(b1, NULL));
	r = bufferevent_set_rate_limit(b1, c);
	printf("set again after removal: %d read=%s\n", r, lim(bufferevent_get_read_limit(b1)));
	bufferevent_set_rate_limit(b1, NULL);

	/* Groups. */
	gc = ev_token_bucket_cfg_new(1000, 5000, 2000, 5000, &hour);
	{
		int added0 = event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED);
		g = bufferevent_rate_limit_group_new(base, gc);
		printf("group_new adds a refill event: %s\n",
		    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED) == added0 + 1 ? "yes" : "no");
	}
	printf("group: %s read=%s write=%s\n", g ? "made" : "NULL",
	    lim(bufferevent_rate_limit_group_get_read_limit(g)), lim(bufferevent_rate_limit_group_get_write_limit(g)));
	ev_token_bucket_cfg_free(gc); /* the group keeps a copy */
	bufferevent_rate_limit_group_get_totals(g, &tr, &tw);
	printf("totals: %lu %lu\n", (unsigned long)tr, (unsigned long)tw);
	bufferevent_rate_limit_group_get_totals(g, NULL, NULL);
	r = bufferevent_rate_limit_group_decrement_read(g, 300);
	printf("decrement_read(300): %d -> %s\n", r, lim(bufferevent_rate_limit_group_get_read_limit(g)));
	r = bufferevent_rate_limit_group_decrement_write(g, -4000);
	printf("decrement_write(-4000): %d -> %s\n", r, lim(bufferevent_rate_limit_group_get_write_limit(g)));
	printf("set_min_share(10): %d\n", bufferevent_rate_limit_group_set_min_share(g, 10));
	printf("set_min_share(SIZE_MAX): %d\n", bufferevent_rate_limit_group_set_min_share(g, SIZE_MAX));
	printf("set_cfg(NULL): %d\n", bufferevent_rate_limit_group_set_cfg(g, NULL));
	printf("set_cfg on NULL group: %d\n", bufferevent_rate_limit_group_set_cfg(NULL, c));
	gc = ev_token_bucket_cfg_new(100, 200, 100, 3000, &hour);
	r = bufferevent_rate_limit_group_set_cfg(g, gc);
	printf("set_cfg (clips): %d read=%s write=%s\n", r,
	    lim(bufferevent_rate_limit_group_get_read_limit(g)), lim(bufferevent_rate_limit_group_get_write_limit(g)));
	ev_token_bucket_cfg_free(gc);
	gc = ev_token_bucket_cfg_new(1000000, 1000000, 1000000, 1000000, &hour);
	bufferevent_rate_limit_group_set_cfg(g, gc);
	ev_token_bucket_cfg_free(gc);
	bufferevent_rate_limit_group_decrement_read(g, -999800);
	bufferevent_rate_limit_group_decrement_write(g, -997000);
	printf("refilled by decrement: read=%s write=%s\n",
	    lim(bufferevent_rate_limit_group_get_read_limit(g)), lim(bufferevent_rate_limit_group_get_write_limit(g)));

	/* Members: add twice, per-bufferevent limits untouched. */
	r = bufferevent_add_to_rate_limit_group(b1, g);
	printf("add b1: %d\n", r);
	r = bufferevent_add_to_rate_limit_group(b1, g);
	printf("add b1 again: %d\n", r);
	r = bufferevent_add_to_rate_limit_group(b2, g);
	printf("add b2: %d\n", r);
	printf("member's own limit: %s\n", lim(bufferevent_get_read_limit(b1)));

	/* Real traffic counts in the totals. */
	memset(data, 'x', sizeof(data));
	bufferevent_setcb(b2, readcb, NULL, NULL, NULL);
	bufferevent_enable(b2, EV_READ);
	bufferevent_write(b1, data, sizeof(data));
	event_base_dispatch(base);
	bufferevent_rate_limit_group_get_totals(g, &tr, &tw);
	printf("got %u; totals: read %lu written %lu\n", (unsigned)got, (unsigned long)tr, (unsigned long)tw);
	printf("group levels: read=%s write=%s\n",
	    lim(bufferevent_rate_limit_group_get_read_limit(g)), lim(bufferevent_rate_limit_group_get_write_limit(g)));
	bufferevent_rate_limit_group_reset_totals(g);
	bufferevent_rate_limit_group_get_totals(g, &tr, &tw);
	printf("after reset: %lu %lu\n", (unsigned long)tr, (unsigned long)tw);

	/* The share of each member: level / members, at least min_share. */
	printf("max_to_read with a big group budget: %s\n", lim(bufferevent_get_max_to_read(b1)));
	bufferevent_rate_limit_group_decrement_read(g, bufferevent_rate_limit_group_get_read_limit(g) - 100);
	printf("group read level %s: max_to_read %s\n", lim(bufferevent_rate_limit_group_get_read_limit(g)),
	    lim(bufferevent_get_max_to_read(b1)));
	r = bufferevent_rate_limit_group_set_min_share(g, 80);
	printf("min_share 80 (%d): max_to_read %s\n", r, lim(bufferevent_get_max_to_read(b1)));
	bufferevent_rate_limit_group_decrement_read(g, 105);
	printf("group level %s: max_to_read %s\n", lim(bufferevent_rate_limit_group_get_read_limit(g)),
	    lim(bufferevent_get_max_to_read(b1)));
	bufferevent_rate_limit_group_decrement_read(g, -1000);
	printf("group level %s: max_to_read %s, write side %s\n", lim(bufferevent_rate_limit_group_get_read_limit(g)),
	    lim(bufferevent_get_max_to_read(b1)), lim(bufferevent_get_max_to_write(b1)));
	ev_token_bucket_cfg_free(c2);
	c2 = ev_token_bucket_cfg_new(30, 30, 30, 30, &hour);
	bufferevent_set_rate_limit(b1, c2);
	printf("own bucket 30 inside the group: max_to_read %s\n", lim(bufferevent_get_max_to_read(b1)));
	bufferevent_set_rate_limit(b1, NULL);

	r = bufferevent_remove_from_rate_limit_group(b1);
	printf("remove b1: %d\n", r);
	r = bufferevent_remove_from_rate_limit_group(b1);
	printf("remove b1 again: %d\n", r);
	r = bufferevent_remove_from_rate_limit_group(b2);
	printf("remove b2: %d\n", r);
	bufferevent_free(b2);
	bufferevent_free(b1);
	r = event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED);
	bufferevent_rate_limit_group_free(g);
	printf("group_free removes its refill event: %s\n",
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED) == r - 1 ? "yes" : "no");
	ev_token_bucket_cfg_free(c);
	ev_token_bucket_cfg_free(c2);
	event_base_free(base);
	printf("done\n");
	return 0;
}
