/* bev_faults: a socket bufferevent facing a misbehaving peer: reset
 * (ECONNRESET), half-close (EOF on reading, writing still works), data then
 * close, writes to a closed peer (an error event), and a peer that stops
 * reading. SIGPIPE is ignored here because libevent's writes raise it;
 * goevent's never do (tests/c/ours/bev_nosigpipe.c). */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;

static const char *errname(int e)
{
	switch (e) {
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	default: return "other";
	}
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[64], m[96];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	snprintf(m, sizeof(m), "read:'%s'", buf);
	tc_note(m);
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	char m[128];
	int e = EVUTIL_SOCKET_ERROR();
	(void)arg;
	if (what & BEV_EVENT_ERROR)
		snprintf(m, sizeof(m), "event:%s(%s,enabled=0x%02x)", tc_bev_what(what), errname(e), bufferevent_get_enabled(b));
	else
		snprintf(m, sizeof(m), "event:%s(enabled=0x%02x)", tc_bev_what(what), bufferevent_get_enabled(b));
	tc_note(m);
	event_base_loopbreak(base);
}

/* fds[0] (ours) nonblocking, fds[1] (the peer) blocking */
static void tcp_pair(int fds[2])
{
	if (tc_tcp_pair(fds) != 0)
		exit(1);
	evutil_make_socket_nonblocking(fds[0]);
}

int main(void)
{
	int fds[2];
	struct bufferevent *b;
	struct linger lg = {1, 0};
	char buf[64];
	ssize_t n;
	char *big;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_faults", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();

	printf("== peer resets the connection\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fds[1]);
	tc_dispatch_for(base, 2000);
	tc_show("callbacks");
	bufferevent_free(b);

	printf("== peer resets while we write\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fds[1]);
	usleep(20000);
	bufferevent_write(b, "into the void", 13);
	tc_dispatch_for(base, 2000);
	tc_show("callbacks");
	bufferevent_free(b);

	printf("== half-close by the peer\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	if (send(fds[1], "last words", 10, 0) != 10)
		return 1;
	shutdown(fds[1], SHUT_WR);
	tc_dispatch_for(base, 2000);
	tc_show("callbacks");
	bufferevent_write(b, "reply after EOF", 15);
	tc_dispatch_for(base, 100);
	n = recv(fds[1], buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = 0;
	printf("peer got: '%s'\n", buf);
	tc_show("callbacks while replying");

	printf("== writing to a closed peer\n");
	close(fds[1]);
	usleep(20000);
	for (i = 0; i < 3 && !tc_noted(); i++) {
		bufferevent_write(b, "more", 4);
		tc_dispatch_for(base, 300);
	}
	tc_show("callbacks");
	printf("process still alive: yes\n");
	bufferevent_free(b);

	printf("== unix socketpair peer closed before a large write\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 1;
	evutil_make_socket_nonblocking(fds[0]);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	close(fds[1]);
	big = calloc(1, 1 << 20);
	bufferevent_write(b, big, 1 << 20);
	tc_dispatch_for(base, 2000);
	tc_show("callbacks");
	bufferevent_free(b);

	printf("== peer stops reading: the output grows\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 1;
	evutil_make_socket_nonblocking(fds[0]);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	for (i = 0; i < 8; i++)
		bufferevent_write(b, big, 1 << 20);
	tc_dispatch_for(base, 200);
	printf("output still holds more than 6 MiB: %s\n",
	    evbuffer_get_length(bufferevent_get_output(b)) > (6u << 20) ? "yes" : "no");
	tc_show("callbacks");
	bufferevent_free(b);
	close(fds[1]);
	free(big);

	tc_dispatch_for(base, 10);
	event_base_free(base);
	printf("done\n");
	return 0;
}
