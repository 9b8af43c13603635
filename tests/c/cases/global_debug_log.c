/* global_debug_log: event_enable_debug_logging. Debug-severity messages
 * reach the log callback only while enabled (off by default). Making
 * configs and bases logs nothing at debug severity; a base that cannot be
 * made logs a warning and, when debug logging is on, a debug message after
 * it. Only severities are printed, never message texts. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static int nlog, ndebug, sev[16];
static void logcb(int severity, const char *msg)
{
	(void)msg;
	if (nlog < 16)
		sev[nlog] = severity;
	nlog++;
	if (severity == EVENT_LOG_DEBUG)
		ndebug++;
}

static void reset(void)
{
	nlog = ndebug = 0;
}

static void show(const char *what)
{
	int i;
	printf("%s: log calls %d, debug %d, severities:", what, nlog, ndebug);
	for (i = 0; i < nlog && i < 16; i++)
		printf(" %d", sev[i]);
	printf("\n");
	reset();
}

static struct event_base *impossible(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;
	event_config_avoid_method(cfg, "epoll");
	event_config_avoid_method(cfg, "poll");
	event_config_avoid_method(cfg, "select");
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

/* Makes configs and bases of every kind; the bases are kept in keep[] and
 * freed by the caller (with debug logging off: freeing is not this case's
 * subject). */
static int make_bases(struct event_base **keep)
{
	struct event_config *cfg;
	int n = 0;
	keep[n++] = event_base_new();
	keep[n++] = event_base_new_with_config(NULL);
	cfg = event_config_new();
	event_config_avoid_method(cfg, "epoll");
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_PRECISE_TIMER);
	event_config_require_features(cfg, EV_FEATURE_FDS);
	event_config_set_num_cpus_hint(cfg, 2);
	event_config_set_max_dispatch_interval(cfg, NULL, 5, 0);
	keep[n++] = event_base_new_with_config(cfg);
	event_config_free(cfg);
	cfg = event_config_new();
	event_config_avoid_method(cfg, "epoll");
	event_config_avoid_method(cfg, "poll");
	keep[n++] = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return n;
}

static void free_bases(struct event_base **keep, int n)
{
	int i;
	for (i = 0; i < n; i++)
		if (keep[i])
			event_base_free(keep[i]);
}

int main(void)
{
	struct event_base *keep[8], *b;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("global_debug_log", 15);
	event_set_log_callback(logcb);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");

	reset();
	n = make_bases(keep);
	show("default, making bases");
	free_bases(keep, n);
	reset();
	b = impossible();
	show("default, impossible base");

	event_enable_debug_logging(EVENT_DBG_ALL);
	reset();
	n = make_bases(keep);
	show("EVENT_DBG_ALL, making bases");
	b = impossible();
	printf("impossible base: %s\n", b ? "made" : "NULL");
	show("EVENT_DBG_ALL, impossible base");
	setenv("EVENT_SHOW_METHOD", "1", 1);
	b = event_base_new();
	show("EVENT_DBG_ALL, EVENT_SHOW_METHOD");
	unsetenv("EVENT_SHOW_METHOD");
	event_enable_debug_logging(EVENT_DBG_NONE);
	event_base_free(b);
	free_bases(keep, n);

	reset();
	b = impossible();
	show("EVENT_DBG_NONE again, impossible base");

	event_enable_debug_logging(1);
	reset();
	b = impossible();
	show("mask 1, impossible base");
	event_enable_debug_logging(0x80000000u);
	reset();
	b = impossible();
	show("mask 0x80000000, impossible base");
	event_enable_debug_logging(EVENT_DBG_NONE);

	/* Without a log callback, messages go to stderr: nothing to check here
	 * but that it does not crash. */
	event_set_log_callback(NULL);
	event_enable_debug_logging(EVENT_DBG_ALL);
	b = impossible();
	event_enable_debug_logging(EVENT_DBG_NONE);
	event_set_log_callback(logcb);
	printf("stderr logging: survived\n");
	printf("done\n");
	return 0;
}
