/* ssl_fork: TLS bufferevents across fork(). The parent runs a TLS exchange
 * on 127.0.0.1 (client and server socket bufferevents, a line each way, a
 * clean close), then forks twice:
 *   - a child that makes a new base and runs the same exchange there
 *     (goevent starts a fresh core in such a child: TLS bufferevents work
 *     as in any process);
 *   - a child that exits at once.
 * Then the parent runs the exchange again. Printed: each run's lines and
 * events, the children's reports. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "fork.h"
#include "tls.h"

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static char notes[512];
static int ndone;

static void note(const char *s)
{
	if (strlen(notes) + strlen(s) + 2 < sizeof(notes)) {
		strcat(notes, s);
		strcat(notes, " ");
	}
}

static void s_read(struct bufferevent *bev, void *arg)
{
	char line[32];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(line);
	bufferevent_write(bev, "pong", 4);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		return;
	note(tc_bev_what(what));
	bufferevent_free(bev);
	if (++ndone == 2)
		event_base_loopexit(base, NULL);
}

static void c_read(struct bufferevent *bev, void *arg)
{
	char line[32];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(line);
	SSL_shutdown(bufferevent_openssl_get_ssl(bev));
	bufferevent_free(bev);
	if (++ndone == 2)
		event_base_loopexit(base, NULL);
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		note("connected");
		bufferevent_write(bev, "ping", 4);
		return;
	}
	note(tc_bev_what(what));
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *b;
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	b = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, s_read, NULL, s_event, NULL);
	bufferevent_enable(b, EV_READ);
}

/* One exchange on a new base; returns the notes. */
static const char *exchange(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct evconnlistener *lev;
	struct bufferevent *c;
	struct timeval tv = {5, 0};

	notes[0] = 0;
	ndone = 0;
	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	lev = evconnlistener_new_bind(base, acceptcb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4,
	    (struct sockaddr *)&sin, sizeof(sin));
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &sl);
	c = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c, c_read, NULL, c_event, NULL);
	bufferevent_enable(c, EV_READ);
	bufferevent_socket_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	evconnlistener_free(lev);
	event_base_free(base);
	base = NULL;
	return notes;
}

int main(void)
{
	struct tc_tls_id id;
	int p[2], status;
	pid_t pid;
	char buf[1024];

	tc_alarm("ssl_fork", 35);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;

	printf("parent: %s\n", exchange());
	fflush(stdout);

	if (pipe(p) != 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		tc_report_to(p[1]);
		tc_child_alarm("child", 15);
		tc_report("child: %s", exchange());
		_exit(0);
	}
	close(p[1]);
	tc_collect_child(pid, p[0], buf, sizeof(buf), 20, &status);
	close(p[0]);
	printf("%s", buf);
	printf("child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	printf("parent again: %s\n", exchange());

	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
