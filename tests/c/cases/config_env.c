/* config_env: the environment variables read when a base is made
 * (EVENT_NOEPOLL, EVENT_NOPOLL, EVENT_NOSELECT, EVENT_SHOW_METHOD,
 * EVENT_PRECISE_TIMER, EVENT_EPOLL_USE_CHANGELIST), set with setenv() after
 * the library is loaded, through event_base_new, event_init and
 * event_base_new_with_config, and EVENT_BASE_FLAG_IGNORE_ENV. */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static void report(const char *what, struct event_base *b, int run)
{
	int i;
	printf("%s: ", what);
	if (!b)
		printf("NULL");
	else
		printf("%s features 0x%x", event_base_get_method(b), event_base_get_features(b));
	printf(", log calls %d:", tc_sevlog_.n);
	for (i = 0; i < tc_sevlog_.n && i < 8; i++)
		if (tc_sevlog_.sev[i] != EVENT_LOG_DEBUG)
			printf(" severity=%d", tc_sevlog_.sev[i]);
	printf("\n");
	if (b && run)
		tc_exercise_io_timer(b);
	if (b)
		event_base_free(b);
	tc_sevlog_.n = 0;
}

static struct event_base *with_flags(int flags, const char *avoid)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;
	event_config_set_flag(cfg, flags);
	if (avoid)
		event_config_avoid_method(cfg, avoid);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

int main(void)
{
	struct event_base *b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("config_env", 15);
	tc_sevlog_capture();
	tc_unset_event_env();

	report("no variables", event_base_new(), 0);

	setenv("EVENT_NOEPOLL", "1", 1);
	report("NOEPOLL", event_base_new(), 1);
	setenv("EVENT_NOPOLL", "yes", 1);
	report("NOEPOLL NOPOLL", event_base_new(), 1);
	setenv("EVENT_NOSELECT", "", 1);
	report("NOEPOLL NOPOLL NOSELECT(empty)", event_base_new(), 0);
	report("all three, new_with_config(NULL)", event_base_new_with_config(NULL), 0);
	report("all three, IGNORE_ENV", with_flags(EVENT_BASE_FLAG_IGNORE_ENV, NULL), 1);
	report("all three, IGNORE_ENV, avoid epoll", with_flags(EVENT_BASE_FLAG_IGNORE_ENV, "epoll"), 1);
	report("all three, flag 0", with_flags(0, NULL), 0);
	unsetenv("EVENT_NOEPOLL");
	report("NOPOLL NOSELECT", event_base_new(), 0);
	report("NOPOLL NOSELECT, avoid epoll", with_flags(0, "epoll"), 0);
	unsetenv("EVENT_NOPOLL");
	report("NOSELECT", event_base_new(), 0);
	report("NOSELECT, avoid epoll", with_flags(0, "epoll"), 0);
	unsetenv("EVENT_NOSELECT");
	setenv("EVENT_NOPOLL", "0", 1);
	report("NOPOLL=0, avoid epoll", with_flags(0, "epoll"), 0);
	unsetenv("EVENT_NOPOLL");

	/* The variables are read at each base creation, by name. */
	setenv("EVENT_noepoll", "1", 1);
	report("lower-case EVENT_noepoll", event_base_new(), 0);
	unsetenv("EVENT_noepoll");
	setenv("EVENT_NOEPOLL", "1", 1);
	{
		struct event_config *cfg = event_config_new();
		event_config_require_features(cfg, EV_FEATURE_ET);
		b = event_base_new_with_config(cfg);
		event_config_free(cfg);
		report("NOEPOLL, require ET", b, 0);
	}
	unsetenv("EVENT_NOEPOLL");

	/* EVENT_SHOW_METHOD: a message naming the method. */
	setenv("EVENT_SHOW_METHOD", "1", 1);
	report("SHOW_METHOD", event_base_new(), 0);
	setenv("EVENT_NOEPOLL", "1", 1);
	report("SHOW_METHOD NOEPOLL", event_base_new(), 0);
	report("SHOW_METHOD NOEPOLL, IGNORE_ENV", with_flags(EVENT_BASE_FLAG_IGNORE_ENV, NULL), 0);
	setenv("EVENT_NOPOLL", "1", 1);
	setenv("EVENT_NOSELECT", "1", 1);
	report("SHOW_METHOD, nothing left", event_base_new(), 0);
	tc_unset_event_env();

	/* EVENT_PRECISE_TIMER and EVENT_EPOLL_USE_CHANGELIST: bases work. */
	setenv("EVENT_PRECISE_TIMER", "1", 1);
	report("PRECISE_TIMER", event_base_new(), 1);
	setenv("EVENT_NOEPOLL", "1", 1);
	report("PRECISE_TIMER NOEPOLL", event_base_new(), 1);
	tc_unset_event_env();
	setenv("EVENT_EPOLL_USE_CHANGELIST", "1", 1);
	report("EPOLL_USE_CHANGELIST", event_base_new(), 1);
	report("EPOLL_USE_CHANGELIST, IGNORE_ENV", with_flags(EVENT_BASE_FLAG_IGNORE_ENV, NULL), 1);
	tc_unset_event_env();

	/* The old API reads them too. */
	setenv("EVENT_NOEPOLL", "1", 1);
	b = event_init();
	printf("event_init NOEPOLL: %s, event_get_method %s\n", event_base_get_method(b),
	    event_get_method());
	tc_unset_event_env();
	tc_exercise_io_timer(b);
	event_base_free(b);

	printf("done\n");
	return 0;
}
