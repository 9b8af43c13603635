/* bev_connect: bufferevent_socket_connect (to a listener, to a closed port,
 * on an existing socket, with a NULL address, on a unix socket, with
 * BEV_OPT_DEFER_CALLBACKS), bufferevent_socket_connect_hostname with a NULL
 * evdns base (numeric address, lookup failure, bad family and port),
 * bufferevent_socket_get_dns_error, bufferevent_setfd/getfd. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static int accepted;
static int nevents;

/* server side: echo */
static void srv_read(struct bufferevent *b, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(b, bufferevent_get_input(b));
}
static void srv_event(struct bufferevent *b, short what, void *arg)
{
	(void)what; (void)arg;
	bufferevent_free(b);
}
static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *b = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	(void)sa; (void)len; (void)arg;
	accepted++;
	bufferevent_setcb(b, srv_read, NULL, srv_event, NULL);
	bufferevent_enable(b, EV_READ | EV_WRITE);
}

static void cli_read(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	char m[96];
	(void)arg;
	buf[n] = 0;
	snprintf(m, sizeof(m), "read:'%s'", buf);
	tc_note(m);
	event_base_loopbreak(base);
}
static void cli_write(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	tc_note("writecb");
}
static void cli_event(struct bufferevent *b, short what, void *arg)
{
	char m[160];
	int e = EVUTIL_SOCKET_ERROR();
	(void)arg;
	nevents++;
	snprintf(m, sizeof(m), "event:%s", tc_bev_what(what));
	tc_note(m);
	if (what & BEV_EVENT_ERROR) {
		snprintf(m, sizeof(m), "(errno ECONNREFUSED: %s, enabled=0x%02x)", e == ECONNREFUSED ? "yes" : "no",
		    bufferevent_get_enabled(b));
		tc_note(m);
	}
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))
		event_base_loopbreak(base);
	if (what & BEV_EVENT_CONNECTED) {
		if (!(intptr_t)arg)
			event_base_loopbreak(base);
		else
			bufferevent_write(b, "ping", 4);
	}
}

static void run_ms(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int fd_nonblocking(int fd)
{
	return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

int main(void)
{
	struct sockaddr_in sin, closed;
	struct sockaddr_un sun;
	socklen_t slen = sizeof(sin);
	struct evconnlistener *lev, *ulev;
	struct bufferevent *bev;
	int r, fd, port;
	char path[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_connect", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	lev = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &slen);
	port = ntohs(sin.sin_port);

	/* a port nobody listens on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&closed, 0, sizeof(closed));
	closed.sin_family = AF_INET;
	closed.sin_addr.s_addr = htonl(0x7f000001);
	bind(fd, (struct sockaddr *)&closed, sizeof(closed));
	slen = sizeof(closed);
	getsockname(fd, (struct sockaddr *)&closed, &slen);
	close(fd);

	printf("== connect to a listener (fd -1: the bufferevent makes the socket)\n");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	printf("getfd before: %d\n", bufferevent_getfd(bev));
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, (void *)1);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	fd = bufferevent_getfd(bev);
	printf("connect: %d getfd valid: %s nonblocking: %s enabled=0x%02x\n", r, fd >= 0 ? "yes" : "no",
	    fd >= 0 && fd_nonblocking(fd) ? "yes" : "no", bufferevent_get_enabled(bev));
	run_ms(2000);
	tc_show("callbacks");
	printf("accepted=%d\n", accepted);
	bufferevent_free(bev);

	printf("== connect to a closed port\n");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, NULL);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&closed, sizeof(closed));
	printf("connect: %d\n", r);
	run_ms(2000);
	tc_show("callbacks");
	printf("enabled after: 0x%02x\n", bufferevent_get_enabled(bev));
	bufferevent_free(bev);

	printf("== connect to a closed port, reading enabled first\n");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, NULL);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&closed, sizeof(closed));
	printf("connect: %d\n", r);
	run_ms(2000);
	tc_show("callbacks");
	bufferevent_free(bev);

	printf("== BEV_OPT_DEFER_CALLBACKS\n");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, (void *)1);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect: %d\n", r);
	run_ms(2000);
	tc_show("callbacks");
	bufferevent_free(bev);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, NULL);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&closed, sizeof(closed));
	printf("connect to the closed port: %d\n", r);
	run_ms(2000);
	tc_show("callbacks");
	bufferevent_free(bev);

	printf("== connect on a socket set with bufferevent_setfd\n");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	evutil_make_socket_nonblocking(fd);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	r = bufferevent_setfd(bev, fd);
	printf("setfd: %d getfd same: %s\n", r, bufferevent_getfd(bev) == fd ? "yes" : "no");
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, (void *)1);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect: %d same fd: %s\n", r, bufferevent_getfd(bev) == fd ? "yes" : "no");
	run_ms(2000);
	tc_show("callbacks");
	r = bufferevent_setfd(bev, -1);
	printf("setfd(-1): %d getfd: %d\n", r, bufferevent_getfd(bev));
	bufferevent_free(bev);
	close(fd);

	printf("== connect with no address and no socket\n");
	bev = bufferevent_socket_new(base, -1, 0);
	r = bufferevent_socket_connect(bev, NULL, 0);
	printf("connect(NULL): %d getfd: %d\n", r, bufferevent_getfd(bev));
	bufferevent_free(bev);

	printf("== unix socket\n");
	snprintf(path, sizeof(path), "/tmp/bev_connect.%d.sock", (int)getpid());
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	ulev = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sun,
	    sizeof(sun));
	printf("unix listener: %s\n", ulev ? "non-NULL" : "NULL");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, (void *)1);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sun, sizeof(sun));
	printf("connect: %d\n", r);
	run_ms(2000);
	tc_show("callbacks");
	bufferevent_free(bev);
	evconnlistener_free(ulev);
	unlink(path);

	printf("== connect_hostname, NULL evdns base\n");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, (void *)1);
	bufferevent_enable(bev, EV_READ);
	r = bufferevent_socket_connect_hostname(bev, NULL, AF_INET, "127.0.0.1", port);
	printf("connect_hostname(127.0.0.1): %d dns_error=%d getfd valid: %s\n", r,
	    bufferevent_socket_get_dns_error(bev), bufferevent_getfd(bev) >= 0 ? "yes" : "no");
	run_ms(2000);
	tc_show("callbacks");
	bufferevent_free(bev);

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, cli_read, cli_write, cli_event, NULL);
	nevents = 0;
	r = bufferevent_socket_connect_hostname(bev, NULL, AF_INET, "::1", port);
	printf("connect_hostname(::1 as AF_INET): %d events during the call=%d dns_error nonzero: %s\n", r, nevents,
	    bufferevent_socket_get_dns_error(bev) != 0 ? "yes" : "no");
	tc_show("callbacks during the call");
	run_ms(100);
	tc_show("callbacks from the loop");
	r = bufferevent_socket_connect_hostname(bev, NULL, AF_UNIX, "127.0.0.1", port);
	printf("bad family: %d\n", r);
	r = bufferevent_socket_connect_hostname(bev, NULL, AF_INET, "127.0.0.1", 0);
	printf("port 0: %d\n", r);
	r = bufferevent_socket_connect_hostname(bev, NULL, AF_INET, "127.0.0.1", 65536);
	printf("port 65536: %d\n", r);
	bufferevent_free(bev);

	evconnlistener_free(lev);
	run_ms(50);
	event_base_free(base);
	printf("done\n");
	return 0;
}
