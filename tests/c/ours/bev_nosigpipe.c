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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

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

static void guard(evutil_socket_t fd, short w, void *arg)
{
	(void)fd; (void)w; (void)arg;
	event_base_loopbreak(base);
}

static int check(const char *name, int fds[2])
{
	struct bufferevent *b;
	struct event *g;
	struct timeval tv = {0, 300000};
	char *big = calloc(1, 1 << 20);
	int i, ok;

	evutil_make_socket_nonblocking(fds[0]);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, NULL, NULL, eventcb, NULL);
	close(fds[1]);
	got = 0;
	for (i = 0; i < 5 && !got; i++) {
		bufferevent_write(b, big, 1 << 20);
		g = evtimer_new(base, guard, NULL);
		evtimer_add(g, &tv);
		event_base_dispatch(base);
		event_free(g);
	}
	ok = got == (BEV_EVENT_WRITING | BEV_EVENT_ERROR) && (got_err == EPIPE || got_err == ECONNRESET);
	printf("%s %s: event 0x%02x errno %s\n", ok ? "ok  " : "FAIL", name, got, strerror(got_err));
	bufferevent_free(b);
	free(big);
	return ok;
}

int main(void)
{
	int fds[2], l, ok = 1;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	signal(SIGPIPE, SIG_DFL);
	alarm(20);
	base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 1;
	ok &= check("unix socketpair", fds);

	l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&sin, &len))
		return 1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)))
		return 1;
	fds[1] = accept(l, NULL, NULL);
	close(l);
	ok &= check("tcp", fds);
	event_base_free(base);
	printf("%s\n", ok ? "all ok" : "FAILED");
	return ok ? 0 : 1;
}
