/*
 * hello-world.c - goevent's greeting server.
 *
 * Every client that connects is sent one line, "Hello, World!", and is
 * disconnected once the line has left our output buffer. Ctrl-C (SIGINT)
 * stops the server two seconds later. Written against the plain libevent 2.1
 * API: it builds unchanged against libevent or goevent.
 *
 *   cc hello-world.c $(pkg-config --cflags --libs libevent)
 *   ./a.out [port]        (default 9995; 0 picks a free port)
 */
#include <errno.h>
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
#include <event2/util.h>

static const char GREETING[] = "Hello, World!\n";

/* The whole greeting has been handed to the kernel: say so, hang up. */
static void on_flushed(struct bufferevent *bev, void *ctx)
{
	(void)ctx;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		printf("flushed answer\n");
		bufferevent_free(bev);
	}
}

/* The client went away (or the socket failed) before we were done. */
static void on_conn_event(struct bufferevent *bev, short what, void *ctx)
{
	(void)ctx;
	if (what & BEV_EVENT_EOF)
		printf("Connection closed.\n");
	else if (what & BEV_EVENT_ERROR)
		printf("Got an error on the connection: %s\n", strerror(errno));
	bufferevent_free(bev);
}

/* A client connected: queue the greeting; we never read from it. */
static void on_accept(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *ctx)
{
	struct event_base *base = ctx;
	(void)listener; (void)peer; (void)peerlen;

	struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		fprintf(stderr, "cannot make a bufferevent for the new client\n");
		event_base_loopbreak(base);
		return;
	}
	bufferevent_setcb(bev, NULL, on_flushed, on_conn_event, NULL);
	bufferevent_enable(bev, EV_WRITE);
	bufferevent_disable(bev, EV_READ);
	bufferevent_write(bev, GREETING, strlen(GREETING));
}

static void on_sigint(evutil_socket_t sig, short what, void *ctx)
{
	struct event_base *base = ctx;
	struct timeval grace = { 2, 0 };
	(void)sig; (void)what;

	printf("Caught an interrupt signal; exiting cleanly in two seconds.\n");
	event_base_loopexit(base, &grace);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 9995;

	struct event_base *base = event_base_new();
	if (!base) {
		fprintf(stderr, "Could not initialize libevent!\n");
		return 1;
	}

	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);

	struct evconnlistener *listener = evconnlistener_new_bind(base, on_accept, base,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof sin);
	if (!listener) {
		fprintf(stderr, "Could not create a listener!\n");
		return 1;
	}

	/* Tell the caller where we listen (port 0 means the kernel chose). */
	struct sockaddr_in bound;
	socklen_t len = sizeof bound;
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&bound, &len);
	printf("listening on 127.0.0.1:%d\n", ntohs(bound.sin_port));
	fflush(stdout);

	struct event *sigint = evsignal_new(base, SIGINT, on_sigint, base);
	if (!sigint || event_add(sigint, NULL) < 0) {
		fprintf(stderr, "Could not create/add a signal event!\n");
		return 1;
	}

	event_base_dispatch(base);

	evconnlistener_free(listener);
	event_free(sigint);
	event_base_free(base);

	printf("done\n");
	return 0;
}
