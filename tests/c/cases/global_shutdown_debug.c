/* global_shutdown_debug: libevent_global_shutdown also turns debug mode off
 * and frees its table of events: blocks from the program's allocator are all
 * returned; afterwards event_enable_debug_mode is refused as "too late" (a
 * base was made), not as "called twice"; and with debug mode on but no event
 * or base ever made, it may be enabled again after the shutdown. Each step
 * runs in a child so that the fatal error ends only the child. */
/* debug-mode: skip: it enables debug mode itself (a second call is fatal) */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static long live;
static void *my_malloc(size_t n) { live++; return malloc(n); }
static void *my_realloc(void *p, size_t n) { if (!p) live++; return realloc(p, n); }
static void my_free(void *p) { if (p) live--; free(p); }

static void logcb(int severity, const char *msg)
{
	printf("  log[%d]: %s\n", severity, msg);
}

static void fatal_cb(int err)
{
	printf("  fatal(%d)\n", err);
	fflush(stdout);
	_exit(7);
}

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

static void run(const char *name, void (*fn)(void))
{
	pid_t pid;
	int status;
	printf("%s:\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		event_set_log_callback(logcb);
		event_set_fatal_callback(fatal_cb);
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void with_events(void)
{
	struct event_base *b;
	struct event *ev[40];
	struct timeval tv = {0, 1000};
	int i;

	event_set_mem_functions(my_malloc, my_realloc, my_free);
	event_enable_debug_mode();
	b = event_base_new();
	for (i = 0; i < 40; i++) {
		ev[i] = evtimer_new(b, cb, NULL);
		evtimer_add(ev[i], &tv);
	}
	event_base_dispatch(b);
	for (i = 0; i < 40; i++)
		event_free(ev[i]);
	event_base_free(b);
	libevent_global_shutdown();
	printf("  all blocks returned: %s\n", live == 0 ? "yes" : "no");
	printf("  enabling debug mode again:\n");
	fflush(stdout);
	event_enable_debug_mode();
	printf("  enabled\n");
}

static void nothing_made(void)
{
	event_enable_debug_mode();
	libevent_global_shutdown();
	printf("  enabling debug mode again:\n");
	fflush(stdout);
	event_enable_debug_mode();
	printf("  enabled\n");
}

static void no_shutdown(void)
{
	event_enable_debug_mode();
	printf("  enabling debug mode again without a shutdown:\n");
	fflush(stdout);
	event_enable_debug_mode();
	printf("  enabled\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("global_shutdown_debug", 15);
	run("debug mode with events, then shutdown", with_events);
	run("debug mode, nothing made, shutdown", nothing_made);
	run("debug mode twice", no_shutdown);
	printf("done\n");
	return 0;
}
