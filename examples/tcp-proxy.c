/*
 * tcp-proxy.c - forwards each client connection to a fixed address.
 *
 * Every accepted client gets a second bufferevent connected to the target;
 * what one side reads is moved to the other side's output. Back-pressure:
 * when the other side's output holds more than MAX_QUEUED bytes (its peer
 * reads slowly), we stop reading from this side, and resume once that
 * output has drained below half (a write low watermark). So the proxy never
 * buffers more than about MAX_QUEUED bytes per direction, whatever the
 * speeds of the two peers.
 *
 *   cc tcp-proxy.c $(pkg-config --cflags --libs libevent)
 *   ./a.out LISTEN-PORT TARGET-HOST:PORT     (port 0 picks a free one; printed)
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
#include <event2/util.h>

#define MAX_QUEUED (256 * 1024)

static struct sockaddr_storage target;
static int target_len;

/* Each bufferevent's callback argument is its partner. */
static void on_read(struct bufferevent *bev, void *ctx);
static void on_event(struct bufferevent *bev, short what, void *ctx);

/* The partner's output drained below the low watermark: read again. */
static void on_drained(struct bufferevent *partner, void *ctx)
{
	struct bufferevent *bev = ctx; /* the side we stopped reading from */
	bufferevent_setcb(partner, on_read, NULL, on_event, bev);
	bufferevent_setwatermark(partner, EV_WRITE, 0, 0);
	bufferevent_enable(bev, EV_READ);
}

static void on_read(struct bufferevent *bev, void *ctx)
{
	struct bufferevent *partner = ctx;
	struct evbuffer *out;

	if (!partner) { /* the other side is gone: discard */
		evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
		return;
	}
	out = bufferevent_get_output(partner);
	evbuffer_add_buffer(out, bufferevent_get_input(bev));

	if (evbuffer_get_length(out) >= MAX_QUEUED) {
		/* Too much queued for the partner: pause this side until the
		 * partner's output drops below MAX_QUEUED/2. */
		bufferevent_setcb(partner, on_read, on_drained, on_event, bev);
		bufferevent_setwatermark(partner, EV_WRITE, MAX_QUEUED / 2, MAX_QUEUED);
		bufferevent_disable(bev, EV_READ);
	}
}

/* Closes bev once its output is written (used when its partner is gone). */
static void close_when_flushed(struct bufferevent *bev, void *ctx)
{
	(void)ctx;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void on_event(struct bufferevent *bev, short what, void *ctx)
{
	struct bufferevent *partner = ctx;

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (partner) {
		/* Hand over what is left, then close the partner once it has
		 * written it; it no longer has anyone to forward to. */
		on_read(bev, partner);
		bufferevent_disable(partner, EV_READ);
		bufferevent_setcb(partner, on_read, close_when_flushed, on_event, NULL);
		bufferevent_setwatermark(partner, EV_WRITE, 0, 0);
		close_when_flushed(partner, NULL);
	}
	bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *ctx)
{
	struct event_base *base = evconnlistener_get_base(lev);
	struct bufferevent *client, *server;
	(void)peer; (void)peerlen; (void)ctx;

	client = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	server = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!client || !server ||
	    bufferevent_socket_connect(server, (struct sockaddr *)&target, target_len) < 0) {
		if (client)
			bufferevent_free(client);
		else
			evutil_closesocket(fd);
		if (server)
			bufferevent_free(server);
		return;
	}
	bufferevent_setcb(client, on_read, NULL, on_event, server);
	bufferevent_setcb(server, on_read, NULL, on_event, client);
	bufferevent_enable(client, EV_READ | EV_WRITE);
	bufferevent_enable(server, EV_READ | EV_WRITE);
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
	struct event *sigint;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LISTEN-PORT TARGET-HOST:PORT\n", argv[0]);
		return 2;
	}
	target_len = sizeof target;
	if (evutil_parse_sockaddr_port(argv[2], (struct sockaddr *)&target, &target_len) < 0) {
		fprintf(stderr, "bad target address %s\n", argv[2]);
		return 2;
	}

	base = event_base_new();
	if (!base)
		return 1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(atoi(argv[1]));
	lev = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof sin);
	if (!lev) {
		perror("evconnlistener_new_bind");
		return 1;
	}
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &len);
	printf("listening on 127.0.0.1:%d, forwarding to %s\n", ntohs(sin.sin_port), argv[2]);
	fflush(stdout);

	sigint = evsignal_new(base, SIGINT, on_signal, base);
	event_add(sigint, NULL);
	event_base_dispatch(base);

	event_free(sigint);
	evconnlistener_free(lev);
	event_base_free(base);
	printf("done\n");
	return 0;
}
