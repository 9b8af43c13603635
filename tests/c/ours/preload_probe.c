/*
 * preload_probe.c - goevent only: before the core is loaded, an epoll base
 * checks the fd of each I/O event it is given with a probe epoll instance
 * of its own (capi/event.c preload_fd_ok), so that event_add fails at once
 * as libevent's does. If the program closes that probe behind our back (a
 * daemon closing every descriptor) and reuses its number, valid fds must
 * still be accepted and bad ones refused; the probe goes away when the
 * core adopts the base, and event_base_once never loads the core.
 *
 * The Go runtime starts with the first event_base and, on a thread of its
 * own, opens and closes a few files of its own meanwhile (docs/DIFFERENCES.md,
 * "Descriptors left open"), which could take a descriptor number while this
 * case counts them. So the case first makes an evbuffer, which needs the
 * core and waits for the runtime's start to end (the runtime's poller opens
 * then too): the base made afterwards is still not adopted until its first
 * dispatch, and keeps its probe until then.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(*(int *)arg)++;
}

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += tc_fd_open(fd);
	return n;
}

int main(void)
{
	int sv[2], fired = 0;
	setenv("EVENT_NOPOLL", "1", 1); /* epoll, whatever the runner's backend */
	unsetenv("EVENT_NOEPOLL");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		return 2;
	evbuffer_free(evbuffer_new()); /* the runtime's start is over */
	struct event_base *base = event_base_new();
	TC_CHECK("the base uses epoll", strcmp(event_base_get_method(base), "epoll") == 0);
	static char was_open[1024];
	for (int fd = 0; fd < 1024; fd++)
		was_open[fd] = (char)tc_fd_open(fd);
	int before = count_fds();
	struct event *a = event_new(base, sv[0], EV_READ, cb, &fired);
	TC_CHECK("a socket is accepted", event_add(a, NULL) == 0);
	int probe = -1;
	for (int fd = 0; fd < 1024 && probe < 0; fd++)
		if (!was_open[fd] && tc_fd_open(fd))
			probe = fd; /* the one new descriptor */
	TC_CHECK("one probe descriptor was opened", count_fds() == before + 1 && probe >= 0);

	/* The program closes the probe and reuses its number for a socket. */
	close(probe);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	TC_CHECK("the probe's number is reused", s == probe);
	struct event *b = event_new(base, s, EV_WRITE, cb, &fired);
	TC_CHECK("a socket on the probe's old number is accepted", event_add(b, NULL) == 0);
	int closed = dup(sv[1]);
	close(closed);
	struct event *c = event_new(base, closed, EV_READ, cb, &fired);
	tc_log_capture();
	TC_EXPECT_WARN("a closed fd is still refused", event_add(c, NULL), -1);
	struct event *d = event_new(base, sv[1], EV_READ, cb, &fired);
	TC_CHECK("a third socket is accepted", event_add(d, NULL) == 0);

	/* event_base_once does not load the core (the probe stays until then) */
	int n_before_once = count_fds();
	TC_CHECK("event_base_once", event_base_once(base, -1, EV_TIMEOUT, cb, &fired, NULL) == 0);
	TC_CHECK("event_base_once opened nothing (no core)", count_fds() == n_before_once);

	/* The core adopts the base (and closes the probe it made last). */
	event_base_loop(base, EVLOOP_NONBLOCK);
	TC_CHECK("the one-shot ran", fired >= 1);
	TC_CHECK("the socket on the reused number is still open", tc_fd_open(s));
	event_free(a);
	event_free(b);
	event_free(c);
	event_free(d);
	event_base_free(base);
	TC_CHECK("the socket on the reused number survives the base", tc_fd_open(s));
	close(s);
	close(sv[0]);
	close(sv[1]);
	return tc_exit_status();
}
