/* seed_like: the hello-world server pattern in one process. A listener on
 * 127.0.0.1:0 answers each connection with "Hello, World!\n" through a
 * bufferevent (write callback frees it once flushed); 40 clients, each a
 * bufferevent over a non-blocking connect, read until EOF. Five more clients
 * close right after connecting. A signal event then ends the loop through
 * event_base_loopexit with a delay, like the seed's SIGINT handler. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

static const char MESSAGE[] = "Hello, World!\n";
#define NGOOD 40
#define NEARLY 5

static struct event_base *base;
static int accepted, flushed, srv_closed, srv_error;
static int cli_done, cli_ok, cli_bad, cli_connected_events;

static void conn_writecb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		flushed++;
		bufferevent_free(bev);
	}
}

static void conn_eventcb(struct bufferevent *bev, short events, void *arg)
{
	(void)arg;
	if (events & BEV_EVENT_EOF)
		srv_closed++;
	else if (events & BEV_EVENT_ERROR)
		srv_error++;
	bufferevent_free(bev);
}

static void listener_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	struct bufferevent *bev;
	(void)lev; (void)sa; (void)socklen; (void)arg;
	accepted++;
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, NULL, conn_writecb, conn_eventcb, NULL);
	bufferevent_enable(bev, EV_WRITE);
	bufferevent_disable(bev, EV_READ);
	bufferevent_write(bev, MESSAGE, strlen(MESSAGE));
}

struct client {
	struct bufferevent *bev;
	char buf[64];
	size_t len;
};
static struct client clients[NGOOD];

static void cli_readcb(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	size_t n = bufferevent_read(bev, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	c->len += n;
}

static void cli_eventcb(struct bufferevent *bev, short events, void *arg)
{
	struct client *c = arg;
	if (events & BEV_EVENT_CONNECTED) {
		cli_connected_events++;
		return;
	}
	if (events & BEV_EVENT_EOF) {
		/* drain anything left */
		c->len += bufferevent_read(bev, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		c->buf[c->len] = 0;
		if (strcmp(c->buf, MESSAGE) == 0)
			cli_ok++;
		else
			cli_bad++;
	} else {
		cli_bad++;
	}
	cli_done++;
	bufferevent_free(bev);
	c->bev = NULL;
}

static int sig_calls;
static double sig_time;
static void signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct timeval delay = {0, 300000};
	(void)sig; (void)events; (void)arg;
	sig_calls++;
	sig_time = tc_now();
	event_base_loopexit(base, &delay);
}

static struct event *checker;
static void check_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	if (cli_done == NGOOD && flushed + srv_closed + srv_error == NGOOD + NEARLY) {
		event_del(checker);
		raise(SIGUSR1);
	}
}

static int connect_nb(unsigned short port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	evutil_make_socket_nonblocking(fd);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	struct evconnlistener *listener;
	struct event *signal_event;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct timeval tv20 = {0, 20000};
	unsigned short port;
	int i, r;
	double t_end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("seed_like", 15);
	signal(SIGPIPE, SIG_IGN);

	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = evconnlistener_new_bind(base, listener_cb, base, LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE,
	    -1, (struct sockaddr *)&sin, sizeof(sin));
	printf("listener: %s\n", listener ? "ok" : "FAILED");
	if (!listener)
		return 1;
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);

	signal_event = evsignal_new(base, SIGUSR1, signal_cb, base);
	r = event_add(signal_event, NULL);
	printf("signal event add: %d\n", r);

	for (i = 0; i < NGOOD; i++) {
		int fd = connect_nb(port);
		clients[i].bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(clients[i].bev, cli_readcb, NULL, cli_eventcb, &clients[i]);
		bufferevent_enable(clients[i].bev, EV_READ);
	}
	for (i = 0; i < NEARLY; i++) {
		int fd = connect_nb(port);
		if (i % 2) {
			struct linger lg = {1, 0};   /* RST on close */
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		usleep(2000);
		close(fd);
	}
	checker = event_new(base, -1, EV_PERSIST, check_done, NULL);
	event_add(checker, &tv20);

	r = event_base_dispatch(base);
	t_end = tc_now();
	printf("dispatch: %d\n", r);
	printf("accepted=%d (expected %d)\n", accepted, NGOOD + NEARLY);
	printf("clients done=%d ok=%d bad=%d connected-events=%d\n", cli_done, cli_ok, cli_bad,
	    cli_connected_events);
	printf("server: flushed answers >= %d: %s; every connection accounted for: %s\n", NGOOD,
	    flushed >= NGOOD ? "yes" : "no",
	    flushed + srv_closed + srv_error == NGOOD + NEARLY ? "yes" : "no");
	printf("signal calls=%d, loop ended ~0.3 s after it: %s\n", sig_calls,
	    (t_end - sig_time >= 0.28 && t_end - sig_time < 1.5) ? "yes" : "no");

	event_free(checker);
	evconnlistener_free(listener);
	event_free(signal_event);
	event_base_free(base);
	printf("done\n");
	return 0;
}
