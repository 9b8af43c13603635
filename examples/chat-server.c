/*
 * chat-server.c - a line-based chat room.
 *
 * Each client is greeted with its number; every line a client sends (LF or
 * CRLF ended, read with evbuffer_readln) goes to every other client as
 * "N: text". Joins and departures are announced the same way. SIGINT or
 * SIGTERM stops the server.
 *
 *   cc chat-server.c $(pkg-config --cflags --libs libevent)
 *   ./a.out [port]        (0, the default, picks a free port; printed)
 */
#include <signal.h>
#include <stdarg.h>
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

#define MAX_LINE 4096

struct client {
	struct bufferevent *bev;
	int id;
	struct client *next;
};

static struct client *clients; /* everyone connected */
static int next_id = 1;

/* Sends the formatted line to every client except from. */
static void broadcast(struct client *from, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void broadcast(struct client *from, const char *fmt, ...)
{
	struct client *c;
	va_list ap;
	for (c = clients; c; c = c->next) {
		if (c == from)
			continue;
		va_start(ap, fmt);
		evbuffer_add_vprintf(bufferevent_get_output(c->bev), fmt, ap);
		va_end(ap);
	}
}

static void drop(struct client *cl)
{
	struct client **p;
	for (p = &clients; *p; p = &(*p)->next) {
		if (*p == cl) {
			*p = cl->next;
			break;
		}
	}
	broadcast(cl, "* %d left\n", cl->id);
	bufferevent_free(cl->bev);
	free(cl);
}

static void on_read(struct bufferevent *bev, void *ctx)
{
	struct client *cl = ctx;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	char *line;

	/* Every complete line; a partial one stays in the buffer until its
	 * end arrives. */
	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		broadcast(cl, "%d: %s\n", cl->id, line);
		free(line);
	}
	/* A "line" longer than MAX_LINE without an end: not a chat client. */
	if (evbuffer_get_length(in) > MAX_LINE)
		drop(cl);
}

static void on_event(struct bufferevent *bev, short what, void *ctx)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		drop(ctx);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *ctx)
{
	struct event_base *base = evconnlistener_get_base(lev);
	struct client *cl = calloc(1, sizeof *cl);
	(void)peer; (void)peerlen; (void)ctx;

	if (!cl || !(cl->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE))) {
		free(cl);
		evutil_closesocket(fd);
		return;
	}
	cl->id = next_id++;
	bufferevent_setcb(cl->bev, on_read, NULL, on_event, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	evbuffer_add_printf(bufferevent_get_output(cl->bev), "* welcome, you are %d\n", cl->id);
	broadcast(cl, "* %d joined\n", cl->id);
	cl->next = clients;
	clients = cl;
}

static void on_signal(evutil_socket_t sig, short what, void *ctx)
{
	(void)sig; (void)what;
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

	while (clients) {
		struct client *c = clients;
		clients = c->next;
		bufferevent_free(c->bev);
		free(c);
	}
	event_free(sigint);
	event_free(sigterm);
	evconnlistener_free(lev);
	event_base_free(base);
	printf("done\n");
	return 0;
}
