/* log_and_version: event_get_version/event_get_version_number and the header
 * macros, event_set_log_callback (which misuses are logged, with which
 * severity, and what they return; message texts are NOT compared), the
 * default logger's "[warn] " prefix on stderr, and silence during normal use. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static int sev[32];
static int empty_msgs;

static void logcb(int severity, const char *msg)
{
	if (nlog < 32)
		sev[nlog] = severity;
	if (!msg || !msg[0])
		empty_msgs++;
	nlog++;
}

static const char *sevname(int s)
{
	switch (s) {
	case EVENT_LOG_DEBUG: return "DEBUG";
	case EVENT_LOG_MSG: return "MSG";
	case EVENT_LOG_WARN: return "WARN";
	case EVENT_LOG_ERR: return "ERR";
	default: return "?";
	}
}

/* print and reset the log record */
static void logs(const char *what)
{
	int i;
	printf("%s: log calls=%d", what, nlog);
	for (i = 0; i < nlog && i < 32; i++)
		printf(" %s", sevname(sev[i]));
	printf("\n");
	nlog = 0;
}

/* Where libevent 2.1.12 fails silently and goevent also logs why (bad input
 * gets a message: docs/DIFFERENCES.md), only the return value is compared. */
static void logs_not_compared(void)
{
	nlog = 0;
}

static struct event_base *base;
static int reentry_loop = -100, reentry_dispatch = -100;
static void reenter_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	reentry_loop = event_base_loop(base, EVLOOP_NONBLOCK);
	reentry_dispatch = event_base_dispatch(base);
}

static void noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

int main(void)
{
	struct event *e;
	static struct event st;
	struct timeval tv10 = {0, 10000};
	int r, sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("log_and_version", 15);

	printf("== version\n");
	printf("event_get_version: %s\n", event_get_version());
	printf("event_get_version_number: 0x%08x\n", (unsigned)event_get_version_number());
	printf("LIBEVENT_VERSION: %s\n", LIBEVENT_VERSION);
	printf("LIBEVENT_VERSION_NUMBER: 0x%08x\n", (unsigned)LIBEVENT_VERSION_NUMBER);
	printf("header matches library: %s\n",
	    (event_get_version_number() == LIBEVENT_VERSION_NUMBER &&
		strcmp(event_get_version(), LIBEVENT_VERSION) == 0) ? "yes" : "no");
	printf("severities: DEBUG=%d MSG=%d WARN=%d ERR=%d\n", EVENT_LOG_DEBUG, EVENT_LOG_MSG,
	    EVENT_LOG_WARN, EVENT_LOG_ERR);

	event_set_log_callback(logcb);

	printf("== normal use logs nothing\n");
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	e = event_new(base, sv[0], EV_READ, noop_cb, NULL);
	event_add(e, NULL);
	event_del(e);
	event_free(e);
	e = evtimer_new(base, noop_cb, NULL);
	evtimer_add(e, &tv10);
	event_base_dispatch(base);
	event_free(e);
	e = evsignal_new(base, SIGUSR1, noop_cb, NULL);
	evsignal_add(e, NULL);
	raise(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE);
	evsignal_del(e);
	event_free(e);
	logs("normal use");

	printf("== misuse\n");
	e = event_new(base, -1, 0, reenter_cb, NULL);
	event_active(e, EV_TIMEOUT, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("re-entrant event_base_loop -> %d, event_base_dispatch -> %d (outer loop %d)\n",
	    reentry_loop, reentry_dispatch, r);
	logs("re-entrant loop");
	event_free(e);

	memset(&st, 0, sizeof(st));
	r = event_assign(&st, base, SIGUSR1, EV_SIGNAL | EV_READ, noop_cb, NULL);
	printf("event_assign(EV_SIGNAL|EV_READ) -> %d\n", r);
	logs("signal+read assign");
	e = event_new(base, SIGUSR1, EV_SIGNAL | EV_WRITE, noop_cb, NULL);
	printf("event_new(EV_SIGNAL|EV_WRITE) -> %s\n", e ? "non-NULL" : "NULL");
	logs("signal+write new");

	e = evsignal_new(base, NSIG + 5, noop_cb, NULL);
	printf("evsignal_new(NSIG+5) -> %s\n", e ? "non-NULL" : "NULL");
	logs("evsignal_new out of range");
	r = evsignal_add(e, NULL);
	printf("evsignal_add(NSIG+5) -> %d\n", r);
	logs_not_compared();
	event_free(e);
	e = evsignal_new(base, -1, noop_cb, NULL);
	r = evsignal_add(e, NULL);
	printf("evsignal_add(-1) -> %d\n", r);
	logs_not_compared();
	event_free(e);
	e = evsignal_new(base, SIGKILL, noop_cb, NULL);
	r = evsignal_add(e, NULL);
	printf("evsignal_add(SIGKILL) -> %d pending=0x%02x\n", r, evsignal_pending(e, NULL));
	logs("evsignal_add(SIGKILL)");
	event_free(e);

	r = evutil_make_socket_nonblocking(-1);
	printf("evutil_make_socket_nonblocking(-1) -> %d\n", r);
	logs("make_socket_nonblocking(-1)");

	memset(&st, 0, sizeof(st));
	r = event_add(&st, NULL);
	printf("event_add(zeroed event, no base) -> %d\n", r);
	logs("event_add without base");
	r = event_del(&st);
	printf("event_del(zeroed event, no base) -> %d\n", r);
	logs("event_del without base");
	r = event_pending(&st, EV_TIMEOUT, NULL);
	printf("event_pending(zeroed event, no base) -> %d\n", r);
	logs("event_pending without base");

	{
		int dead[2];
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, dead) != 0)
			return 1;
		close(dead[0]);
		close(dead[1]);
		e = event_new(base, dead[0], EV_READ, noop_cb, NULL);
		r = event_add(e, NULL);
		printf("event_add(closed fd) -> %d pending=0x%02x\n", r, event_pending(e, EV_READ, NULL));
		logs("event_add on a closed fd");
		r = event_del(e);
		printf("event_del of it -> %d\n", r);
		logs("event_del after failed add");
		event_free(e);
	}

	r = event_base_loopexit(NULL, NULL);
	printf("event_base_loopexit(NULL) -> %d\n", r);
	logs_not_compared();

	event_base_free(base);
	logs("event_base_free(base)");
	base = NULL;
	event_base_free(base);
	logs("event_base_free(NULL) without a current base");

	printf("== callback removed: the default logger writes to stderr\n");
	event_set_log_callback(NULL);
	fflush(stderr);
	{
		int p[2], saved = dup(2);
		char buf[512];
		ssize_t n;
		if (pipe(p) != 0)
			return 1;
		dup2(p[1], 2);
		r = evutil_make_socket_nonblocking(-1);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		close(p[1]);
		n = read(p[0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		close(p[0]);
		printf("returned %d; stderr got a line: %s; starts with \"[warn] \": %s; one line: %s\n", r,
		    n > 0 ? "yes" : "no", strncmp(buf, "[warn] ", 7) == 0 ? "yes" : "no",
		    (n > 0 && buf[n - 1] == '\n' && strchr(buf, '\n') == buf + n - 1) ? "yes" : "no");
	}
	printf("log callbacks after removal: %d; empty messages seen: %d\n", nlog, empty_msgs);

	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
