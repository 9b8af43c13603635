/* fork.h — helpers for the cases whose forked child reports back through a
 * pipe (tests/c/cases/fork_*): the child's safety alarm, which reports
 * through tc_report before it ends the child, and the parent's bounded wait
 * that collects what the child wrote.
 *
 * Same rules as testcase.h (which it includes): static inline, libevent's
 * public API and libc only, names start with tc_. */
#ifndef GOEVENT_TESTS_C_FORK_H
#define GOEVENT_TESTS_C_FORK_H

#include "testcase.h"

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

#endif /* GOEVENT_TESTS_C_FORK_H */
