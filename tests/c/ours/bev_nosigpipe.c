/*
 * bev_nosigpipe.c - goevent only: a socket bufferevent writing to a peer that
 * went away reports BEV_EVENT_WRITING|BEV_EVENT_ERROR (EPIPE or ECONNRESET)
 * and the process survives with SIGPIPE at its default action (libevent
 * 2.1.12 writes with writev and is killed). Exit 0 when every check holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static short got;
static int got_err;

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)b; (void)arg;
	got = what;
	got_err = errno;
	event_base_loopbreak(base);
}

static void check(const char *name, int fds[2])
{
	struct bufferevent *b;
	char *big = calloc(1, 1 << 20);
	char m[128];
	int i, ok;

	evutil_make_socket_nonblocking(fds[0]);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, NULL, NULL, eventcb, NULL);
	close(fds[1]);
	got = 0;
	for (i = 0; i < 5 && !got; i++) {
		bufferevent_write(b, big, 1 << 20);
		tc_dispatch_for(base, 300);
	}
	ok = got == (BEV_EVENT_WRITING | BEV_EVENT_ERROR) && (got_err == EPIPE || got_err == ECONNRESET);
	snprintf(m, sizeof(m), "%s: event 0x%02x errno %s", name, got, strerror(got_err));
	TC_CHECK(m, ok);
	bufferevent_free(b);
	free(big);
}

int main(void)
{
	int fds[2];

	signal(SIGPIPE, SIG_DFL);
	tc_alarm("bev_nosigpipe", 20);
	base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 1;
	check("unix socketpair", fds);

	if (tc_tcp_pair(fds) != 0)
		return 1;
	check("tcp", fds);
	event_base_free(base);
	printf("%s\n", tc_failures ? "FAILED" : "all ok");
	return tc_exit_status();
}
