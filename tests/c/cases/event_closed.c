/* event_closed: EV_CLOSED. An event waiting for EV_CLOSED fires when the
 * peer shuts down its writing side, with EV_CLOSED in the result, alone or
 * beside EV_READ: epoll reports it with EPOLLRDHUP, and libevent 2.1.12's
 * poll backend too, with POLLRDHUP (one transcript for both). The peer's
 * close(), resets and pipes: event_closed_peer. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int ncalls;

static void cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[16];
	ssize_t n = 0;
	(void)arg;
	ncalls++;
	if (what & EV_READ)
		n = read(fd, buf, sizeof buf);
	printf("  cb %s what=0x%x%s\n", (const char *)arg, what,
	    (what & EV_READ) ? (n == 0 ? " (read: eof)" : " (read: data)") : "");
}

static void run(const char *name, short events, int send_data)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	struct event *ev = event_new(base, sv[0], events, cb, (void *)name);
	event_add(ev, NULL);
	printf("%s: events 0x%x, pending 0x%x\n", name, events,
	    event_pending(ev, EV_READ | EV_CLOSED | EV_WRITE, NULL));
	if (send_data && write(sv[1], "hi", 2) != 2)
		_exit(2);
	shutdown(sv[1], SHUT_WR);
	struct timeval guard = { 0, 150 * 1000 };
	event_base_loopexit(base, &guard);
	ncalls = 0;
	int r = event_base_dispatch(base);
	printf("%s: dispatch %d, callbacks %s\n", name, r, ncalls == 0 ? "none" : ncalls == 1 ? "one" : "several");
	event_free(ev);
	close(sv[0]);
	close(sv[1]);
	event_base_free(base);
}

int main(void)
{
	tc_alarm("event_closed", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	run("closed-only", EV_CLOSED, 0);
	run("read+closed", EV_READ | EV_CLOSED, 0);
	run("read+closed, data first", EV_READ | EV_CLOSED, 1);
	run("read-only", EV_READ, 0);
	return 0;
}
