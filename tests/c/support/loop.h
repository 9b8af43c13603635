/* loop.h — helpers shared by the C cases about the event loop and how a base
 * is configured (tests/c/cases: loop_*, timers, timer_common, prio_order,
 * io_events, event_finalize, compat_api, config_*, method_env); include it
 * after testcase.h.
 *
 * - tc_order: the order callbacks ran in, as the names they were given
 *   ("A B C " with tc_note, "ABC" with tc_order_add);
 * - tc_sevlog: the severities of the log messages, in order;
 * - tc_unset_event_env and tc_exercise_io_timer: for the cases that build
 *   bases under different EVENT_* variables and configurations and check
 *   that each base runs an I/O event and a timer.
 *
 * Like testcase.h: static inline, libevent's public API and libc only, names
 * start with tc_. */
#ifndef GOEVENT_TESTS_C_LOOP_H
#define GOEVENT_TESTS_C_LOOP_H

#include <event2/event.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the order callbacks ran in -------------------------------------- */

/* Cleared by the case (tc_order[0] = 0) before each scenario. */
static char tc_order[256];

/* Appends s to tc_order (truncating when full). */
static inline void tc_order_add(const char *s)
{
	strncat(tc_order, s, sizeof(tc_order) - strlen(tc_order) - 1);
}

/* Appends s and a space: tc_order reads "A B C ". */
static inline void tc_note(const char *s)
{
	tc_order_add(s);
	tc_order_add(" ");
}

/* An event callback whose argument is its name: tc_note(name). */
static inline void tc_named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_note((const char *)arg);
}

/* An event callback whose argument is its name: tc_order_add(name); on
 * EV_READ it also reads (up to 8 bytes) from fd, adding "!" if recv fails. */
static inline void tc_order_recv_cb(evutil_socket_t fd, short what, void *arg)
{
	tc_order_add((const char *)arg);
	if (what & EV_READ) {
		char buf[8];
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			tc_order_add("!");
	}
}

/* ---- log severities, in order ---------------------------------------- */

/* What tc_sevlog_capture's callback has seen: the number of messages and the
 * severities of the first 8. Clear it with tc_sevlog_.n = 0. */
struct tc_sevlog {
	int n;
	int sev[8];
};
static struct tc_sevlog tc_sevlog_;

static inline void tc_sevlog_cb_(int severity, const char *msg)
{
	(void)msg;
	if (tc_sevlog_.n < 8)
		tc_sevlog_.sev[tc_sevlog_.n] = severity;
	tc_sevlog_.n++;
}

/* Routes libevent's log messages into tc_sevlog_ (and nowhere else). */
static inline void tc_sevlog_capture(void)
{
	memset(&tc_sevlog_, 0, sizeof(tc_sevlog_));
	event_set_log_callback(tc_sevlog_cb_);
}

/* ---- bases under different configurations ---------------------------- */

/* Unsets the EVENT_* variables that change how libevent builds a base (run.sh
 * sets EVENT_NOEPOLL for the poll backend). */
static inline void tc_unset_event_env(void)
{
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");
	unsetenv("EVENT_PRECISE_TIMER");
	unsetenv("EVENT_EPOLL_USE_CHANGELIST");
}

/* Runs base until it has no events: a readable socket "R" and a 5 ms timer
 * "T"; prints "  dispatch RESULT order=ORDER" ("RT" when both ran). */
static inline void tc_exercise_io_timer(struct event_base *base)
{
	struct event *io, *t;
	struct timeval tv = {0, 5000};
	int sv[2], r;
	tc_order[0] = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, tc_order_recv_cb, "R");
	t = evtimer_new(base, tc_order_recv_cb, "T");
	event_add(io, NULL);
	evtimer_add(t, &tv);
	if (send(sv[1], "x", 1, 0) != 1)
		printf("  send failed\n");
	r = event_base_dispatch(base);
	printf("  dispatch %d order=%s\n", r, tc_order);
	event_free(io);
	event_free(t);
	close(sv[0]);
	close(sv[1]);
}

#endif /* GOEVENT_TESTS_C_LOOP_H */
