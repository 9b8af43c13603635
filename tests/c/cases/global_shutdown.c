/* global_shutdown: libevent_global_shutdown as the last call of a program
 * that used bases, events, signals, configs, debug logging and custom
 * allocators and freed them all; calling it twice is harmless. A child
 * process calls it with nothing ever created. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static long live;
static void *my_malloc(size_t n) { live++; return malloc(n); }
static void *my_realloc(void *p, size_t n) { if (!p) live++; return realloc(p, n); }
static void my_free(void *p) { if (p) live--; free(p); }

static int ncb;
static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	ncb++;
}

int main(void)
{
	struct event_config *cfg;
	struct event_base *b1, *b2;
	struct event *sig, *t;
	struct timeval tv = {0, 1000};
	const char **m;
	pid_t pid;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("global_shutdown", 15);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		libevent_global_shutdown();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("shutdown with nothing created: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	event_set_mem_functions(my_malloc, my_realloc, my_free);
	tc_log_capture();
	event_enable_debug_logging(EVENT_DBG_ALL);
	event_enable_debug_logging(EVENT_DBG_NONE);
	m = event_get_supported_methods();
	printf("methods: %s\n", m && m[0] ? "yes" : "no");

	cfg = event_config_new();
	event_config_avoid_method(cfg, "epoll");
	b1 = event_base_new_with_config(cfg);
	event_config_free(cfg);
	b2 = event_base_new();
	sig = evsignal_new(b1, SIGUSR1, cb, NULL);
	evsignal_add(sig, NULL);
	raise(SIGUSR1);
	event_base_loop(b1, EVLOOP_ONCE);
	t = evtimer_new(b2, cb, NULL);
	evtimer_add(t, &tv);
	event_base_dispatch(b2);
	printf("callbacks: %d\n", ncb);
	event_free(sig);
	event_free(t);
	event_base_free(b1);
	event_base_free(b2);

	libevent_global_shutdown();
	printf("first shutdown: returned\n");
	libevent_global_shutdown();
	printf("second shutdown: returned\n");
	printf("blocks still out are at most the methods array: %s\n", live <= 1 ? "yes" : "no");
	printf("log calls: %d\n", tc_log_.n);
	printf("done\n");
	return 0;
}
