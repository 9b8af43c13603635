/* config_basic: event_config_new/free and the return values of its setters
 * (event_config_set_flag, event_config_require_features,
 * event_config_set_num_cpus_hint, event_config_set_max_dispatch_interval,
 * event_config_avoid_method), event_base_new_with_config with and without
 * a config, event_base_get_method and event_base_get_features. Whether the
 * loop honours max_dispatch_interval is tested elsewhere: here only that a
 * base made with it runs. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static int ncb;
static void count_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	ncb++;
}

/* Runs a few callbacks on base: five active events, then a short timer. */
static void exercise(struct event_base *base)
{
	struct event *ev[5], *t;
	struct timeval tv = {0, 2000};
	int i, r;
	ncb = 0;
	for (i = 0; i < 5; i++) {
		ev[i] = event_new(base, -1, 0, count_cb, NULL);
		event_active(ev[i], EV_TIMEOUT, 1);
	}
	t = evtimer_new(base, count_cb, NULL);
	evtimer_add(t, &tv);
	r = event_base_dispatch(base);
	printf("  exercise: dispatch %d callbacks %d\n", r, ncb);
	for (i = 0; i < 5; i++)
		event_free(ev[i]);
	event_free(t);
}

static void show(const char *what, struct event_base *b)
{
	if (!b) {
		printf("%s: NULL\n", what);
		return;
	}
	printf("%s: method %s features 0x%x\n", what, event_base_get_method(b),
	    event_base_get_features(b));
}

int main(void)
{
	int w;
	struct event_config *cfg;
	struct event_base *b;
	struct timeval tv;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("config_basic", 15);
	tc_log_capture();
	tc_unset_event_env();

	b = event_base_new_with_config(NULL);
	show("new_with_config(NULL)", b);
	exercise(b);
	event_base_free(b);

	cfg = event_config_new();
	printf("event_config_new: %s\n", cfg ? "non-NULL" : "NULL");
	b = event_base_new_with_config(cfg);
	show("empty config", b);
	event_base_free(b);
	/* The config is not consumed by a base: it can make another. */
	b = event_base_new_with_config(cfg);
	show("same config again", b);
	event_base_free(b);

	r = event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	printf("set_flag NOLOCK: %d\n", r);
	r = event_config_set_flag(cfg, 0);
	printf("set_flag 0: %d\n", r);
	r = event_config_set_flag(cfg, 0x4000);
	printf("set_flag unknown 0x4000: %d\n", r);
	w = tc_log_.by_severity[EVENT_LOG_WARN]; /* libevent is silent here, goevent warns (tests/c/ours/config_misuse.c) */
	r = event_config_set_flag(NULL, EVENT_BASE_FLAG_NOLOCK);
	tc_log_.by_severity[EVENT_LOG_WARN] = w;
	printf("set_flag NULL config: %d\n", r);

	r = event_config_require_features(cfg, 0);
	printf("require_features 0: %d\n", r);
	r = event_config_require_features(cfg, EV_FEATURE_O1);
	printf("require_features O1: %d\n", r);
	w = tc_log_.by_severity[EVENT_LOG_WARN]; /* libevent is silent here, goevent warns (tests/c/ours/config_misuse.c) */
	r = event_config_require_features(NULL, EV_FEATURE_O1);
	tc_log_.by_severity[EVENT_LOG_WARN] = w;
	printf("require_features NULL config: %d\n", r);

	r = event_config_set_num_cpus_hint(cfg, 4);
	printf("num_cpus_hint 4: %d\n", r);
	r = event_config_set_num_cpus_hint(cfg, -1);
	printf("num_cpus_hint -1: %d\n", r);
	w = tc_log_.by_severity[EVENT_LOG_WARN]; /* libevent is silent here, goevent warns (tests/c/ours/config_misuse.c) */
	r = event_config_set_num_cpus_hint(NULL, 2);
	tc_log_.by_severity[EVENT_LOG_WARN] = w;
	printf("num_cpus_hint NULL config: %d\n", r);

	tv.tv_sec = 0;
	tv.tv_usec = 5000;
	r = event_config_set_max_dispatch_interval(cfg, &tv, 3, 1);
	printf("max_dispatch_interval 5ms,3,1: %d\n", r);
	r = event_config_set_max_dispatch_interval(cfg, NULL, -1, -5);
	printf("max_dispatch_interval NULL,-1,-5: %d\n", r);
	r = event_config_set_max_dispatch_interval(cfg, NULL, 2, 0);
	printf("max_dispatch_interval NULL,2,0: %d\n", r);

	r = event_config_avoid_method(cfg, "select");
	printf("avoid_method select: %d\n", r);
	r = event_config_avoid_method(cfg, "no-such-method");
	printf("avoid_method unknown name: %d\n", r);
	r = event_config_avoid_method(cfg, "select");
	printf("avoid_method select twice: %d\n", r);
	r = event_config_avoid_method(cfg, NULL);
	printf("avoid_method NULL: %d\n", r);

	b = event_base_new_with_config(cfg);
	show("config with all of the above", b);
	if (b) {
		exercise(b);
		event_base_free(b);
	}
	event_config_free(cfg);

	/* A base made with a time limit and a callback limit still runs. */
	cfg = event_config_new();
	tv.tv_sec = 0;
	tv.tv_usec = 100;
	r = event_config_set_max_dispatch_interval(cfg, &tv, 1, 0);
	printf("max_dispatch_interval 100us,1,0: %d\n", r);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	show("with dispatch limits", b);
	exercise(b);
	event_base_free(b);

	/* Freeing a config does not affect the base it made. */
	cfg = event_config_new();
	event_config_avoid_method(cfg, "epoll");
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	show("base outliving its config", b);
	exercise(b);
	event_base_free(b);

	/* Many configs at once. */
	{
		struct event_config *many[20];
		int i, ok = 1;
		for (i = 0; i < 20; i++) {
			many[i] = event_config_new();
			if (!many[i] || event_config_avoid_method(many[i], i % 2 ? "epoll" : "poll") != 0)
				ok = 0;
		}
		for (i = 0; i < 20; i++) {
			b = event_base_new_with_config(many[i]);
			if (!b || strcmp(event_base_get_method(b), i % 2 ? "poll" : "epoll") != 0)
				ok = 0;
			if (b)
				event_base_free(b);
			event_config_free(many[i]);
		}
		printf("20 configs, alternating avoided method: %s\n", ok ? "ok" : "wrong");
	}

	printf("warnings: %d\n", tc_log_.by_severity[EVENT_LOG_WARN]);
	printf("done\n");
	return 0;
}
