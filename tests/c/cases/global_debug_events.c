/* global_debug_events: with event_enable_debug_logging(EVENT_DBG_ALL),
 * which event operations produce debug-severity messages in libevent
 * (whether any, not how many or what they say), and that none do once it
 * is turned off again. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

/* prints and resets what the log capture saw */
static void step(const char *what)
{
	int ndebug = tc_log_.by_severity[EVENT_LOG_DEBUG];
	printf("%s: debug messages: %s, other messages: %d\n", what, tc_yesno(ndebug), tc_log_.n - ndebug);
	tc_log_reset();
}

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)arg;
	if (what & EV_READ) {
		char buf[8];
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			printf("recv failed\n");
	}
}

static void run(const char *label)
{
	struct event_base *b;
	struct event *t, *io, stackev;
	struct timeval tv = {0, 1000};
	int sv[2];

	printf("-- %s\n", label);
	tc_log_reset();
	b = event_base_new();
	step("event_base_new");
	t = evtimer_new(b, cb, NULL);
	event_assign(&stackev, b, -1, 0, cb, NULL);
	step("event_new, event_assign");
	evtimer_add(t, &tv);
	step("event_add (timer)");
	event_del(t);
	step("event_del (pending timer)");
	event_del(t);
	step("event_del (not pending)");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(b, sv[0], EV_READ, cb, NULL);
	event_add(io, NULL);
	step("event_add (read)");
	if (send(sv[1], "x", 1, 0) != 1)
		printf("send failed\n");
	event_base_loop(b, EVLOOP_ONCE);
	step("loop running a read callback");
	event_active(&stackev, EV_TIMEOUT, 1);
	step("event_active");
	event_base_loop(b, EVLOOP_NONBLOCK);
	step("loop running an active event");
	event_base_loop(b, EVLOOP_NONBLOCK);
	step("loop with nothing to do");
	event_free(io);
	event_free(t);
	step("event_free");
	event_base_free(b);
	step("event_base_free");
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("global_debug_events", 15);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");
	tc_log_capture();

	run("debug logging off (default)");
	event_enable_debug_logging(EVENT_DBG_ALL);
	run("EVENT_DBG_ALL");
	event_enable_debug_logging(EVENT_DBG_NONE);
	run("EVENT_DBG_NONE");
	printf("done\n");
	return 0;
}
