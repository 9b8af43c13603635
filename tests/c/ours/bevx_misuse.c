/*
 * bevx_misuse.c - goevent only: misuse of pairs, filters and rate limits
 * that makes libevent 2.1.12 abort or crash (EVUTIL_ASSERT, NULL
 * dereference, division by zero) gets the failure value and a logged
 * warning here. The program checks itself and exits 1 on the first miss.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

int main(void)
{
	struct timeval tick = { 0, 500 }, sec = { 1, 0 };
	struct event_base *base;
	struct bufferevent *pair[2], *b;
	struct ev_token_bucket_cfg *cfg;
	struct bufferevent_rate_limit_group *g;
	ev_uint64_t r = 1, w = 1;

	tc_alarm("bevx_misuse", 10);
	tc_log_capture();
	base = event_base_new();

	TC_EXPECT_WARN("bufferevent_pair_new(NULL array)", bufferevent_pair_new(base, 0, NULL), -1);
	TC_EXPECT_WARN("bufferevent_pair_get_partner(NULL)", bufferevent_pair_get_partner(NULL) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_get_underlying(NULL)", bufferevent_get_underlying(NULL) != NULL, 0);
	cfg = ev_token_bucket_cfg_new(100, 100, 100, 100, &sec);
	TC_EXPECT_WARN("bufferevent_set_rate_limit(NULL)", bufferevent_set_rate_limit(NULL, cfg), -1);
	TC_EXPECT_WARN("bufferevent_rate_limit_group_new(NULL cfg)", bufferevent_rate_limit_group_new(base, NULL) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_rate_limit_group_set_min_share(NULL)", bufferevent_rate_limit_group_set_min_share(NULL, 1), -1);
	TC_EXPECT_WARN("bufferevent_rate_limit_group_get_read_limit(NULL)", bufferevent_rate_limit_group_get_read_limit(NULL), -1);
	TC_EXPECT_LOGGED("bufferevent_rate_limit_group_get_totals(NULL)", bufferevent_rate_limit_group_get_totals(NULL, &r, &w));

	/* decrement without a limit: libevent asserts. */
	bufferevent_pair_new(base, 0, pair);
	TC_EXPECT_WARN("bufferevent_decrement_read_limit without a limit", bufferevent_decrement_read_limit(pair[0], 5), -1);
	TC_EXPECT_WARN("bufferevent_decrement_write_limit without a limit", bufferevent_decrement_write_limit(pair[0], 5), -1);

	/* a pair end that is not a pair / a socket bufferevent has no partner, no underlying */
	b = bufferevent_socket_new(base, -1, 0);
	TC_CHECK("get_partner of a socket bufferevent is NULL", bufferevent_pair_get_partner(b) == NULL);
	TC_CHECK("get_underlying of a socket bufferevent is NULL", bufferevent_get_underlying(b) == NULL);

	/* freeing a group with members: libevent asserts; we detach them. */
	g = bufferevent_rate_limit_group_new(base, cfg);
	bufferevent_add_to_rate_limit_group(pair[0], g);
	bufferevent_add_to_rate_limit_group(b, g);
	bufferevent_rate_limit_group_decrement_read(g, 1000); /* suspends the members */
	TC_EXPECT_LOGGED("bufferevent_rate_limit_group_free with members", bufferevent_rate_limit_group_free(g));
	TC_CHECK("a detached member still works", bufferevent_remove_from_rate_limit_group(pair[0]) == 0 &&
	    bufferevent_write(pair[0], "x", 1) == 0);
	TC_EXPECT_LOGGED("bufferevent_rate_limit_group_free twice", bufferevent_rate_limit_group_free(g));

	/* a tick shorter than a millisecond: libevent divides by zero. */
	ev_token_bucket_cfg_free(cfg);
	cfg = ev_token_bucket_cfg_new(100, 100, 100, 100, &tick);
	TC_CHECK("sub-millisecond tick accepted", cfg != NULL);
	TC_CHECK("set_rate_limit with it", bufferevent_set_rate_limit(pair[1], cfg) == 0 &&
	    bufferevent_get_read_limit(pair[1]) == 100);
	g = bufferevent_rate_limit_group_new(base, cfg);
	TC_CHECK("group with it", g != NULL && bufferevent_rate_limit_group_get_write_limit(g) == 100);
	event_base_loop(base, EVLOOP_NONBLOCK);
	bufferevent_rate_limit_group_free(g);

	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	bufferevent_free(b);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
	if (tc_failures)
		printf("%d failure(s)\n", tc_failures);
	else
		printf("all ok\n");
	return tc_exit_status();
}
