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

static int nlogs, last_severity = -1, failures;

static void on_log(int severity, const char *msg)
{
	(void)msg;
	nlogs++;
	last_severity = severity;
}

#define CHECK(what, cond)                                          \
	do {                                                       \
		if (cond) {                                        \
			printf("ok   %s\n", what);                 \
		} else {                                           \
			printf("FAIL %s\n", what);                 \
			failures++;                                \
		}                                                  \
	} while (0)

/* value, and exactly one warning logged while computing it */
#define EXPECT(what, expr, want)                                                  \
	do {                                                                      \
		int before_ = nlogs;                                              \
		long got_ = (long)(expr);                                         \
		CHECK(what, got_ == (long)(want) && nlogs - before_ == 1 &&      \
		    last_severity == EVENT_LOG_WARN);                             \
	} while (0)

#define EXPECT_LOGGED(what, stmt)                                                 \
	do {                                                                      \
		int before_ = nlogs;                                              \
		stmt;                                                             \
		CHECK(what, nlogs - before_ == 1 && last_severity == EVENT_LOG_WARN); \
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
	event_set_log_callback(on_log);

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
	CHECK("nothing allocated before", live == 0);
	event_get_supported_methods();
	event_get_supported_methods();
	CHECK("one array kept", live == 1);
	libevent_global_shutdown();
	CHECK("libevent_global_shutdown frees it", live == 0);
	libevent_global_shutdown();
	CHECK("a second shutdown is harmless", live == 0);

	/* With debug logging off, a failed base logs its warning only. */
	{
		struct event_config *cfg = event_config_new();
		int before = nlogs;
		event_config_require_features(cfg, 0xff);
		base = event_base_new_with_config(cfg);
		CHECK("impossible base: NULL, one warning",
		    base == NULL && nlogs - before == 1 && last_severity == EVENT_LOG_WARN);
		event_enable_debug_logging(EVENT_DBG_ALL);
		before = nlogs;
		base = event_base_new_with_config(cfg);
		CHECK("with debug logging: a debug message follows",
		    base == NULL && nlogs - before == 2 && last_severity == EVENT_LOG_DEBUG);
		event_enable_debug_logging(EVENT_DBG_NONE);
		event_config_free(cfg);
	}
	CHECK("all blocks back", live == 0);

	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	return 0;
}
