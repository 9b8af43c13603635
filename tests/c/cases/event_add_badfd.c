/* event_add_badfd: event_add of an I/O event on a descriptor the backend
 * cannot watch. On epoll libevent registers the fd at once, so a closed fd,
 * a huge one or a file epoll refuses (a regular file, /dev/null) fails the
 * event_add with -1 and a warning, and the event is not pending; on poll
 * only the fd map's own limit refuses (INT_MAX), and the others are added
 * and reported by poll as invalid (POLLNVAL: read and write) at dispatch.
 * Each is tried on a fresh base (no loop has run yet: goevent's preload
 * list) and on a base that has run its loop once. A negative fd is accepted
 * and watches nothing on both. (With EVENT_EPOLL_USE_CHANGELIST libevent
 * defers epoll_ctl to the dispatch and accepts them all; goevent refuses
 * them as plain epoll does: docs/DIFFERENCES.md, "Backends".) */
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

struct probe {
	const char *name;
	int fd;
	short events;
	int with_timeout;
	struct event *ev;
	int added;
	int fired;  /* callbacks run */
	short what; /* the last callback's result */
};

static void cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;
	(void)fd;
	p->fired++;
	p->what = what;
	if (p->ev && (p->events & EV_PERSIST))
		event_del(p->ev); /* once is enough to see it */
}

/* A descriptor that was open and is closed now; far above the ones the
 * libraries open meanwhile (epoll, pipes), so that none of them reuses it. */
static int closed_fd(void)
{
	int fd = fcntl(0, F_DUPFD, 500);
	if (fd < 0)
		exit(2);
	close(fd);
	return fd;
}

static void run(const char *phase, int loop_first)
{
	struct rlimit rl;
	int sv[2];
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(2);
	FILE *tmp = tmpfile();
	int devnull = open("/dev/null", O_RDONLY | O_NONBLOCK);
	if (!tmp || devnull < 0)
		exit(2);
	/* non-blocking descriptors, which libevent's debug mode insists on */
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(fileno(tmp));
	int past_limit = rl.rlim_cur < 100000 ? (int)rl.rlim_cur + 7 : 100007;
	struct probe probes[] = {
		{ "socket", sv[0], EV_WRITE, 0, NULL, 0, 0, 0 },
		{ "closed fd", closed_fd(), EV_READ, 0, NULL, 0, 0, 0 },
		{ "closed fd, write persist", closed_fd(), EV_WRITE | EV_PERSIST, 0, NULL, 0, 0, 0 },
		{ "closed fd, with timeout", closed_fd(), EV_READ, 1, NULL, 0, 0, 0 },
		{ "fd past the limit", past_limit, EV_READ, 0, NULL, 0, 0, 0 },
		{ "INT_MAX", INT_MAX, EV_READ, 0, NULL, 0, 0, 0 },
		{ "INT_MAX/2", INT_MAX / 2, EV_READ, 0, NULL, 0, 0, 0 },
		{ "regular file", fileno(tmp), EV_READ, 0, NULL, 0, 0, 0 },
		{ "/dev/null", devnull, EV_READ, 0, NULL, 0, 0, 0 },
		{ "fd -1", -1, EV_READ, 0, NULL, 0, 0, 0 },
	};
	int n = (int)(sizeof probes / sizeof probes[0]);
	struct event_base *base = event_base_new();
	if (!base)
		exit(2);
	printf("%s:\n", phase);
	if (loop_first)
		printf("  loop(NONBLOCK) first: %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	for (int i = 0; i < n; i++) {
		struct probe *p = &probes[i];
		struct timeval tv = { 0, 30 * 1000 };
		p->ev = event_new(base, p->fd, p->events, cb, p);
		tc_log_reset();
		int r = event_add(p->ev, p->with_timeout ? &tv : NULL);
		p->added = r == 0;
		/* Past libevent's fd map (2^27) libevent fails silently, goevent
		 * with a warning (docs/DIFFERENCES.md): the log is not compared. */
		const char *logged = p->fd >= (1 << 27) ? "(not compared)" :
		    tc_log_.n == 0 ? "nothing" :
		    tc_log_.by_severity[EVENT_LOG_WARN] == tc_log_.n ? "warnings" : "other";
		printf("  add %s: %d, logged %s, pending 0x%x\n", p->name, r, logged,
		    event_pending(p->ev, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	}
	/* the refused ones are not counted; nothing but the socket fires */
	printf("  events added: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	struct timeval guard = { 0, 100 * 1000 };
	event_base_loopexit(base, &guard);
	tc_log_reset();
	int r = event_base_dispatch(base);
	printf("  dispatch: %d, logged %s\n", r, tc_log_.n == 0 ? "nothing" : "something");
	/* in the probes' order: poll's dispatch starts at a random slot */
	for (int i = 0; i < n; i++)
		if (probes[i].fired)
			printf("  cb %s: %d time(s), what=0x%x\n", probes[i].name, probes[i].fired, probes[i].what);
	for (int i = 0; i < n; i++)
		event_free(probes[i].ev);
	event_base_free(base);
	fclose(tmp);
	close(devnull);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	tc_alarm("event_add_badfd", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	tc_log_capture();
	run("fresh base", 0);
	run("after a loop", 1);
	return 0;
}
