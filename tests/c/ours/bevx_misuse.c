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

static int nlogs, last_severity = -1;
static int failures;

static void on_log(int severity, const char *msg)
{
	nlogs++;
	last_severity = severity;
	(void)msg;
}

#define EXPECT(what, got, want)                                                      \
	do {                                                                         \
		int before_ = nlogs;                                                 \
		long got_ = (long)(got);                                             \
		int logged_ = nlogs - before_;                                       \
		if (got_ != (long)(want) || logged_ < 1 || last_severity != EVENT_LOG_WARN) { \
			printf("FAIL %s: got %ld want %ld, %d warnings logged\n",    \
			    what, got_, (long)(want), logged_);                      \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

#define EXPECT_LOGGED(what, stmt)                                                    \
	do {                                                                         \
		int before_ = nlogs;                                                 \
		stmt;                                                                \
		if (nlogs - before_ < 1) {                                           \
			printf("FAIL %s: nothing logged\n", what);                   \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

#define CHECK(what, cond)                                                            \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("FAIL %s\n", what);                                   \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

int main(void)
{
	struct timeval tick = { 0, 500 }, sec = { 1, 0 };
	struct event_base *base;
	struct bufferevent *pair[2], *b;
	struct ev_token_bucket_cfg *cfg;
	struct bufferevent_rate_limit_group *g;
	ev_uint64_t r = 1, w = 1;

	alarm(10);
	event_set_log_callback(on_log);
	base = event_base_new();

	EXPECT("bufferevent_pair_new(NULL array)", bufferevent_pair_new(base, 0, NULL), -1);
	EXPECT("bufferevent_pair_get_partner(NULL)", bufferevent_pair_get_partner(NULL) != NULL, 0);
	EXPECT("bufferevent_get_underlying(NULL)", bufferevent_get_underlying(NULL) != NULL, 0);
	cfg = ev_token_bucket_cfg_new(100, 100, 100, 100, &sec);
	EXPECT("bufferevent_set_rate_limit(NULL)", bufferevent_set_rate_limit(NULL, cfg), -1);
	EXPECT("bufferevent_rate_limit_group_new(NULL cfg)", bufferevent_rate_limit_group_new(base, NULL) != NULL, 0);
	EXPECT("bufferevent_rate_limit_group_set_min_share(NULL)", bufferevent_rate_limit_group_set_min_share(NULL, 1), -1);
	EXPECT("bufferevent_rate_limit_group_get_read_limit(NULL)", bufferevent_rate_limit_group_get_read_limit(NULL), -1);
	EXPECT_LOGGED("bufferevent_rate_limit_group_get_totals(NULL)", bufferevent_rate_limit_group_get_totals(NULL, &r, &w));

	/* decrement without a limit: libevent asserts. */
	bufferevent_pair_new(base, 0, pair);
	EXPECT("bufferevent_decrement_read_limit without a limit", bufferevent_decrement_read_limit(pair[0], 5), -1);
	EXPECT("bufferevent_decrement_write_limit without a limit", bufferevent_decrement_write_limit(pair[0], 5), -1);

	/* a pair end that is not a pair / a socket bufferevent has no partner, no underlying */
	b = bufferevent_socket_new(base, -1, 0);
	CHECK("get_partner of a socket bufferevent is NULL", bufferevent_pair_get_partner(b) == NULL);
	CHECK("get_underlying of a socket bufferevent is NULL", bufferevent_get_underlying(b) == NULL);

	/* freeing a group with members: libevent asserts; we detach them. */
	g = bufferevent_rate_limit_group_new(base, cfg);
	bufferevent_add_to_rate_limit_group(pair[0], g);
	bufferevent_add_to_rate_limit_group(b, g);
	bufferevent_rate_limit_group_decrement_read(g, 1000); /* suspends the members */
	EXPECT_LOGGED("bufferevent_rate_limit_group_free with members", bufferevent_rate_limit_group_free(g));
	CHECK("a detached member still works", bufferevent_remove_from_rate_limit_group(pair[0]) == 0 &&
	    bufferevent_write(pair[0], "x", 1) == 0);
	EXPECT_LOGGED("bufferevent_rate_limit_group_free twice", bufferevent_rate_limit_group_free(g));

	/* a tick shorter than a millisecond: libevent divides by zero. */
	ev_token_bucket_cfg_free(cfg);
	cfg = ev_token_bucket_cfg_new(100, 100, 100, 100, &tick);
	CHECK("sub-millisecond tick accepted", cfg != NULL);
	CHECK("set_rate_limit with it", bufferevent_set_rate_limit(pair[1], cfg) == 0 &&
	    bufferevent_get_read_limit(pair[1]) == 100);
	g = bufferevent_rate_limit_group_new(base, cfg);
	CHECK("group with it", g != NULL && bufferevent_rate_limit_group_get_write_limit(g) == 100);
	event_base_loop(base, EVLOOP_NONBLOCK);
	bufferevent_rate_limit_group_free(g);

	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	bufferevent_free(b);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
	if (failures) {
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all ok\n");
	return 0;
}
