/* http_server_sockets: how a server gets its sockets: two
 * evhttp_bind_socket_with_handle (their fds and listeners), binding a port
 * in use (fails), evhttp_accept_socket on a listening socket of the
 * program's, evhttp_bind_listener on an evconnlistener of the program's,
 * evhttp_foreach_bound_socket (order), evhttp_del_accept_socket (the port
 * no longer answers), evhttp_set_bevcb (called for each connection, with
 * the server's base; a bufferevent of the program's used); requests
 * answered on every socket; evhttp_free closes them all; evhttp_start (the
 * compat API on event_init's base). */
#include <event2/bufferevent.h>
#include <event2/event_compat.h>
#include <event2/http_compat.h>
#include <event2/listener.h>

#include "httptest.h"

static struct event_base *base;
static int nbev;

static void cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "on %s\n", evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)));
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static struct bufferevent *mkbev(struct event_base *b, void *arg)
{
	nbev++;
	printf("  bevcb(%s) base-ok=%s\n", (const char *)arg, tc_yesno(b == base));
	return bufferevent_socket_new(b, -1, 0);
}

static int ask(int port, const char *path)
{
	char req[128];
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nConnection: close\r\n\r\n", path);
	struct ht_step st = { req, -1, 0, 0 };
	struct ht_client c = { .name = path, .port = port, .steps = &st, .nsteps = 1, .idle_ms = 300 };
	ht_run_clients(base, &c, 1, 1, 10);
	int ok = c.outlen > 0 && strstr(c.out, "200 OK") != NULL;
	printf("  %s -> %s\n", path, c.connect_failed ? "connect failed" : ok ? "200" : "no answer");
	free(c.out);
	return ok;
}

static int nforeach;
static void each(struct evhttp_bound_socket *b, void *arg)
{
	(void)arg;
	printf("  foreach #%d: fd-open=%s port-known=%s\n", ++nforeach, tc_yesno(tc_fd_open(evhttp_bound_socket_get_fd(b))),
	    tc_yesno(ht_bound_port(b) > 0));
}

int main(void)
{
	tc_alarm("http_server_sockets", 30);
	base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	evhttp_set_gencb(http, cb, NULL);
	struct evhttp_bound_socket *b1 = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	struct evhttp_bound_socket *b2 = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	int p1 = ht_bound_port(b1), p2 = ht_bound_port(b2);
	printf("two sockets: %s, distinct ports: %s, listeners: %s\n", tc_yesno(b1 && b2), tc_yesno(p1 != p2),
	    tc_yesno(evhttp_bound_socket_get_listener(b1) != NULL &&
	        evconnlistener_get_fd(evhttp_bound_socket_get_listener(b1)) == evhttp_bound_socket_get_fd(b1)));
	printf("bind a port in use: %d\n", evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)p1));
	printf("bind a bad address: %d\n", evhttp_bind_socket(http, "not an address", 0));

	/* a socket of the program's */
	struct sockaddr_in sin;
	int fd = tc_listen_loopback(&sin, 16);
	evutil_make_socket_nonblocking(fd);
	int p3 = ntohs(sin.sin_port);
	struct evhttp_bound_socket *b3 = evhttp_accept_socket_with_handle(http, fd);
	printf("accept_socket: %s fd-same=%s\n", tc_yesno(b3 != NULL), tc_yesno(evhttp_bound_socket_get_fd(b3) == fd));
	int fd2 = tc_listen_loopback(&sin, 16);
	evutil_make_socket_nonblocking(fd2);
	int p5 = ntohs(sin.sin_port);
	printf("accept_socket (no handle): %d\n", evhttp_accept_socket(http, fd2));
	/* a listener of the program's */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	struct evconnlistener *lev = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
	    16, (struct sockaddr *)&sin, sizeof sin);
	struct evhttp_bound_socket *b4 = evhttp_bind_listener(http, lev);
	int p4 = ht_bound_port(b4);
	printf("bind_listener: %s same-listener=%s\n", tc_yesno(b4 != NULL), tc_yesno(evhttp_bound_socket_get_listener(b4) == lev));
	evhttp_foreach_bound_socket(http, each, NULL);

	ask(p1, "/one");
	ask(p2, "/two");
	ask(p3, "/three");
	ask(p4, "/four");
	ask(p5, "/five");
	evhttp_set_bevcb(http, mkbev, "mine");
	ask(p1, "/with-bevcb");
	ask(p4, "/with-bevcb-too");
	evhttp_set_bevcb(http, NULL, NULL);
	printf("bevcb calls: %d\n", nbev);

	evhttp_del_accept_socket(http, b2);
	printf("after del_accept_socket:\n");
	ask(p2, "/two-again");
	nforeach = 0;
	evhttp_foreach_bound_socket(http, each, NULL);
	evhttp_free(http);
	printf("after evhttp_free: own socket closed=%s\n", tc_yesno(!tc_fd_open(fd)));
	ask(p1, "/gone");

	/* evhttp_start: event_init's base */
	struct event_base *old = event_init();
	struct evhttp *h2 = evhttp_start("127.0.0.1", 0);
	printf("evhttp_start: %s\n", tc_yesno(h2 != NULL));
	evhttp_free(h2);
	event_base_free(old);
	event_base_free(base);
	printf("done\n");
	return 0;
}
