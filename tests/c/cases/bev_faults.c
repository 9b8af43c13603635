/* bev_faults: a socket bufferevent facing a misbehaving peer: reset
 * (ECONNRESET), half-close (EOF on reading, writing still works), data then
 * close, writes to a closed peer (an error event), and a peer that stops
 * reading. SIGPIPE is ignored here because libevent's writes raise it;
 * goevent's never do (tests/c/ours/bev_nosigpipe.c). */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void safety(int sig)
{
	static const char m[] = "bev_faults: safety alarm fired\n";
	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0) { /* nothing */ }
	_exit(3);
}

static struct event_base *base;
static char log_[512];

static void note(const char *s)
{
	if (strlen(log_) + strlen(s) + 2 < sizeof(log_)) {
		strcat(log_, s);
		strcat(log_, " ");
	}
}

static void show(const char *what)
{
	printf("%s: %s\n", what, log_);
	log_[0] = 0;
}

static const char *evname(short w)
{
	static char s[128];
	s[0] = 0;
	if (w & BEV_EVENT_READING) strcat(s, "READING|");
	if (w & BEV_EVENT_WRITING) strcat(s, "WRITING|");
	if (w & BEV_EVENT_EOF) strcat(s, "EOF|");
	if (w & BEV_EVENT_ERROR) strcat(s, "ERROR|");
	if (w & BEV_EVENT_TIMEOUT) strcat(s, "TIMEOUT|");
	if (w & BEV_EVENT_CONNECTED) strcat(s, "CONNECTED|");
	if (s[0]) s[strlen(s) - 1] = 0;
	return s;
}

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
	note(m);
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	char m[128];
	int e = EVUTIL_SOCKET_ERROR();
	(void)arg;
	if (what & BEV_EVENT_ERROR)
		snprintf(m, sizeof(m), "event:%s(%s,enabled=0x%02x)", evname(what), errname(e), bufferevent_get_enabled(b));
	else
		snprintf(m, sizeof(m), "event:%s(enabled=0x%02x)", evname(what), bufferevent_get_enabled(b));
	note(m);
	event_base_loopbreak(base);
}

static void guard_cb(evutil_socket_t fd, short w, void *arg)
{
	(void)fd; (void)w; (void)arg;
	event_base_loopbreak(base);
}

static void run_ms(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	struct event *g = evtimer_new(base, guard_cb, NULL);
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	event_free(g);
}

static void tcp_pair(int fds[2])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&sin, &len))
		exit(1);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)))
		exit(1);
	fds[1] = accept(l, NULL, NULL);
	close(l);
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
	signal(SIGALRM, safety);
	signal(SIGPIPE, SIG_IGN);
	alarm(20);
	base = event_base_new();

	printf("== peer resets the connection\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fds[1]);
	run_ms(2000);
	show("callbacks");
	bufferevent_free(b);

	printf("== peer resets while we write\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fds[1]);
	usleep(20000);
	bufferevent_write(b, "into the void", 13);
	run_ms(2000);
	show("callbacks");
	bufferevent_free(b);

	printf("== half-close by the peer\n");
	tcp_pair(fds);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	if (send(fds[1], "last words", 10, 0) != 10)
		return 1;
	shutdown(fds[1], SHUT_WR);
	run_ms(2000);
	show("callbacks");
	bufferevent_write(b, "reply after EOF", 15);
	run_ms(100);
	n = recv(fds[1], buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = 0;
	printf("peer got: '%s'\n", buf);
	show("callbacks while replying");

	printf("== writing to a closed peer\n");
	close(fds[1]);
	usleep(20000);
	for (i = 0; i < 3 && !log_[0]; i++) {
		bufferevent_write(b, "more", 4);
		run_ms(300);
	}
	show("callbacks");
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
	run_ms(2000);
	show("callbacks");
	bufferevent_free(b);

	printf("== peer stops reading: the output grows\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 1;
	evutil_make_socket_nonblocking(fds[0]);
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	for (i = 0; i < 8; i++)
		bufferevent_write(b, big, 1 << 20);
	run_ms(200);
	printf("output still holds more than 6 MiB: %s\n",
	    evbuffer_get_length(bufferevent_get_output(b)) > (6u << 20) ? "yes" : "no");
	show("callbacks");
	bufferevent_free(b);
	close(fds[1]);
	free(big);

	run_ms(10);
	event_base_free(base);
	printf("done\n");
	return 0;
}
