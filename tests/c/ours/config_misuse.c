/*
 * config_misuse.c - goevent only: event_config and base queries given NULL
 * or freed handles (Debian's libevent dereferences them) return libevent's
 * failure value and log a warning; libevent_global_shutdown releases the
 * array event_get_supported_methods allocated, and debug-severity messages
 * from anywhere are dropped while debug logging is off. The program checks
 * each expectation itself and exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "testcase.h"

/* Stricter than testcase.h's TC_EXPECT_WARN / TC_EXPECT_LOGGED: exactly one
 * message logged, and it is a warning. */
#define EXPECT(what, expr, want)                                                  \
	do {                                                                      \
		int before_ = tc_log_.n;                                          \
		long got_ = (long)(expr);                                         \
		TC_CHECK(what, got_ == (long)(want) && tc_log_.n - before_ == 1 && \
		    tc_log_.last_severity == EVENT_LOG_WARN);                     \
	} while (0)

#define EXPECT_LOGGED(what, stmt)                                                 \
	do {                                                                      \
		int before_ = tc_log_.n;                                          \
		stmt;                                                             \
		TC_CHECK(what, tc_log_.n - before_ == 1 &&                        \
		    tc_log_.last_severity == EVENT_LOG_WARN);                     \
	} while (0)

static long live;
static void *my_malloc(size_t n) { live++; return malloc(n); }
static void *my_realloc(void *p, size_t n) { if (!p) live++; return realloc(p, n); }
static void my_free(void *p) { if (p) live--; free(p); }

int main(void)
{
	struct timeval tv = {0, 1000};
	struct event_base *base;

	event_set_mem_functions(my_malloc, my_realloc, my_free);
	tc_log_capture();

	EXPECT_LOGGED("event_config_free(NULL)", event_config_free(NULL));
	EXPECT("event_config_avoid_method(NULL, \"epoll\")", event_config_avoid_method(NULL, "epoll"), -1);
	EXPECT("event_config_set_max_dispatch_interval(NULL)",
	    event_config_set_max_dispatch_interval(NULL, &tv, 1, 0), -1);
	EXPECT("event_config_set_flag(NULL)", event_config_set_flag(NULL, EVENT_BASE_FLAG_NOLOCK), -1);
	EXPECT("event_config_require_features(NULL)", event_config_require_features(NULL, EV_FEATURE_O1), -1);
	EXPECT("event_config_set_num_cpus_hint(NULL)", event_config_set_num_cpus_hint(NULL, 2), -1);
	EXPECT("event_base_get_features(NULL)", event_base_get_features(NULL), 0);
	EXPECT("event_base_get_method(NULL)", event_base_get_method(NULL) != NULL, 0);

	base = event_base_new();
	event_base_free(base);
	/* The freed block is still ours (nothing allocated since): the check
	 * sees the dead magic. */
	EXPECT("event_base_get_features(freed base)", event_base_get_features(base), 0);
	EXPECT("event_base_get_method(freed base)", event_base_get_method(base) != NULL, 0);

	/* libevent_global_shutdown releases the supported-methods array. */
	TC_CHECK("nothing allocated before", live == 0);
	event_get_supported_methods();
	event_get_supported_methods();
	TC_CHECK("one array kept", live == 1);
	libevent_global_shutdown();
	TC_CHECK("libevent_global_shutdown frees it", live == 0);
	libevent_global_shutdown();
	TC_CHECK("a second shutdown is harmless", live == 0);

	/* With debug logging off, a failed base logs its warning only. */
	{
		struct event_config *cfg = event_config_new();
		int before = tc_log_.n;
		event_config_require_features(cfg, 0xff);
		base = event_base_new_with_config(cfg);
		TC_CHECK("impossible base: NULL, one warning",
		    base == NULL && tc_log_.n - before == 1 && tc_log_.last_severity == EVENT_LOG_WARN);
		event_enable_debug_logging(EVENT_DBG_ALL);
		before = tc_log_.n;
		base = event_base_new_with_config(cfg);
		TC_CHECK("with debug logging: a debug message follows",
		    base == NULL && tc_log_.n - before == 2 && tc_log_.last_severity == EVENT_LOG_DEBUG);
		event_enable_debug_logging(EVENT_DBG_NONE);
		event_config_free(cfg);
	}
	TC_CHECK("all blocks back", live == 0);

	if (tc_failures)
		printf("%d failures\n", tc_failures);
	return tc_exit_status();
}
