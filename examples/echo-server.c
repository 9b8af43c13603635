/*
 * echo-server.c - sends every client back whatever it sends.
 *
 * One listener, one bufferevent per client; the read callback moves the
 * client's input buffer into its output buffer (no copy: evbuffer_add_buffer
 * hands the data over). SIGINT or SIGTERM stops the server.
 *
 *   cc echo-server.c $(pkg-config --cflags --libs libevent)
 *   ./a.out [port]        (0, the default, picks a free port; printed)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

static void on_read(struct bufferevent *bev, void *ctx)
{
	(void)ctx;
	/* Echo: all of the input goes to the output, which the bufferevent
	 * then writes as the socket accepts it. */
	evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void on_event(struct bufferevent *bev, short what, void *ctx)
{
	(void)ctx;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev); /* closes the socket (BEV_OPT_CLOSE_ON_FREE) */
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *ctx)
{
	struct event_base *base = evconnlistener_get_base(lev);
	struct bufferevent *bev;
	(void)peer; (void)peerlen; (void)ctx;

	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void on_signal(evutil_socket_t sig, short what, void *ctx)
{
	(void)what;
	printf("caught signal %d, stopping\n", (int)sig);
	event_base_loopexit(ctx, NULL);
}

int main(int argc, char **argv)
{
	struct event_base *base;
	struct evconnlistener *lev;
	struct event *sigint, *sigterm;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	base = event_base_new();
	if (!base)
		return 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(argc > 1 ? atoi(argv[1]) : 0);
	lev = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof sin);
	if (!lev) {
		perror("evconnlistener_new_bind");
		return 1;
	}
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &len);
	printf("listening on 127.0.0.1:%d\n", ntohs(sin.sin_port));
	fflush(stdout);

	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);

	event_base_dispatch(base);

	/* Connections still open are simply dropped: their sockets close at exit. */
	event_free(sigint);
	event_free(sigterm);
	evconnlistener_free(lev);
	event_base_free(base);
	printf("done\n");
	return 0;
}
