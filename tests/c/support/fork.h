/* fork.h — helpers for the cases whose forked child reports back through a
 * pipe (tests/c/cases/fork_*): the child's safety alarm, which reports
 * through tc_report before it ends the child, and the parent's bounded wait
 * that collects what the child wrote.
 *
 * Also a small loop (a pair echo and a timer) that tells whether libevent
 * works in the process that runs it, for the programs about the core after
 * fork (tests/c/ours/fork_*).
 *
 * Same rules as testcase.h (which it includes): static inline, libevent's
 * public API and libc only, names start with tc_. */
#ifndef GOEVENT_TESTS_C_FORK_H
#define GOEVENT_TESTS_C_FORK_H

#include "testcase.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>

/* ---- in the child ------------------------------------------------------ */

static const char *tc_child_who_ = "child";

static inline void tc_child_alarm_fired_(int sig)
{
	(void)sig;
	tc_report("%s: safety alarm fired (hung)", tc_child_who_);
	_exit(3);
}

/* For a forked child that reports with tc_report (after tc_report_to): if it
 * is still running `seconds` from now, it reports "WHO: safety alarm fired
 * (hung)" and exits with status 3, so the parent's transcript shows it. who
 * must stay valid for the life of the process. */
static inline void tc_child_alarm(const char *who, unsigned seconds)
{
	tc_child_who_ = who;
	signal(SIGALRM, tc_child_alarm_fired_);
	alarm(seconds);
}

/* ---- in the parent ------------------------------------------------------ */

/* Reads what child `pid` writes to `fd` (the read end of its pipe) into buf
 * until the child exits or `seconds` pass; a child still running then is
 * killed with SIGKILL. What is left in the pipe after that is read too. buf
 * gets at most size-1 bytes and is NUL-terminated; *status gets the child's
 * wait status. Returns 1 if the child exited by itself, 0 if it was killed. */
static inline int tc_collect_child(pid_t pid, int fd, char *buf, size_t size, double seconds, int *status)
{
	double deadline = tc_now() + seconds;
	size_t len = 0;
	int exited = 0;

	while (tc_now() < deadline) {
		struct pollfd pfd = {fd, POLLIN, 0};
		if (poll(&pfd, 1, 50) > 0) {
			ssize_t n = read(fd, buf + len, size - 1 - len);
			if (n > 0) {
				len += (size_t)n;
				continue;
			}
		}
		if (waitpid(pid, status, WNOHANG) == pid) {
			exited = 1;
			break;
		}
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
	}
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	return exited;
}

/* ---- does libevent work in this process -------------------------------- */

/* A bufferevent read callback that sends back what arrived. */
static inline void tc_echo_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

/* An event callback that counts its runs in the int at arg. */
static inline void tc_count_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	(*(int *)arg)++;
}

/* A pair echo and a timer on a new base; 0 on success. */
static inline int tc_small_loop(void)
{
	struct event_base *b = event_base_new();
	struct bufferevent *pair[2];
	struct timeval tv = {0, 2000};
	int fired = 0;
	if (!b || bufferevent_pair_new(b, 0, pair) != 0)
		return -1;
	struct event *t = evtimer_new(b, tc_count_cb, &fired);
	evtimer_add(t, &tv);
	bufferevent_setcb(pair[1], tc_echo_cb, NULL, NULL, NULL);
	bufferevent_enable(pair[0], EV_READ);
	bufferevent_enable(pair[1], EV_READ);
	bufferevent_write(pair[0], "pong", 4);
	struct evbuffer *in = bufferevent_get_input(pair[0]);
	while (evbuffer_get_length(in) < 4 || !fired)
		if (event_base_loop(b, EVLOOP_ONCE) != 0)
			break;
	int ok = evbuffer_get_length(in) == 4 && fired == 1;
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_free(t);
	event_base_free(b);
	return ok ? 0 : -1;
}

#endif /* GOEVENT_TESTS_C_FORK_H */
