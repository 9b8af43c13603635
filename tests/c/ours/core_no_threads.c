/*
 * core_no_threads.c - goevent only: a process that may not create threads
 * cannot start the Go core, and is told so instead of being aborted.
 * ladvd's privilege-separated child (Debian's ladvd, tests/programs/ladvd.sh)
 * drops to its own user and sets RLIMIT_NPROC to 0 before its first libevent
 * call; libevent runs there, our Go runtime cannot (runtime/cgo aborted the
 * process with "pthread_create failed"). Here the process does the same (as
 * nobody when started as root: the kernel does not apply RLIMIT_NPROC to
 * root), then: a base and a timer are made (the C layer's own paths), the
 * first dispatch fails with -1 and a warning that names the cause, again on
 * a second try, evbuffer_new and bufferevent_socket_new return NULL with a
 * warning, and the base is freed. Exit 0 when every check holds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

static void cb(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }

int main(void)
{
	struct rlimit none = {0, 0};
	struct timeval tv = {0, 1000};
	struct event_base *base;
	struct event *ev;

	tc_alarm("core_no_threads", 10);
	tc_log_capture();
	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
		printf("cannot become nobody: %s\n", strerror(errno));
		return 1;
	}
	TC_CHECK("RLIMIT_NPROC set to 0", setrlimit(RLIMIT_NPROC, &none) == 0);

	base = event_base_new();
	TC_CHECK("event_base_new works without the core", base != NULL);
	if (!base)
		return tc_exit_status();
	ev = evtimer_new(base, cb, NULL);
	TC_CHECK("evtimer_add works without the core", ev && evtimer_add(ev, &tv) == 0);
	tc_log_reset();
	TC_CHECK("the first dispatch fails", event_base_dispatch(base) == -1);
	TC_CHECK("with a warning", tc_log_.by_severity[EVENT_LOG_WARN] >= 1);
	TC_CHECK("that names the cause (threads)", strstr(tc_log_.last, "threads") != NULL);
	tc_log_reset();
	TC_CHECK("a second dispatch fails too (no abort)", event_base_dispatch(base) == -1);
	TC_CHECK("and warns again", tc_log_.n >= 1);
	tc_log_reset();
	TC_CHECK("evbuffer_new fails (NULL)", evbuffer_new() == NULL);
	TC_CHECK("bufferevent_socket_new fails (NULL)", bufferevent_socket_new(base, -1, 0) == NULL);
	TC_CHECK("each with a warning", tc_log_.n >= 2);
	event_free(ev);
	event_base_free(base);
	return tc_exit_status();
}
