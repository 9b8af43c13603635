/* ssl_shutdown: how a TLS socket bufferevent reports the end of a
 * connection, with allow_dirty_shutdown 0 and 1. After the handshake and
 * one line from the client, the client ends the connection one way:
 *   - close_notify (SSL_shutdown) and then its socket closed: a clean EOF;
 *   - its socket closed without close_notify (FIN): a dirty shutdown;
 *   - its socket reset (SO_LINGER 0, RST): a dirty shutdown too;
 *   - close_notify but the socket kept open (TLS half-close): the server
 *     still writes a reply after its EOF, which the client reads, then the
 *     server closes its side (SSL_shutdown, free) and the client sees EOF.
 * Printed for the server: the line, the event flags, the errors queued for
 * bufferevent_get_openssl_error; for the half-close, the client's too. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "tls.h"

enum how { CLEAN, FIN, RST, HALF };
static const char *hows[] = {"close_notify+close", "close without close_notify", "reset", "half-close"};

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev;
static enum how how;
static int allow;

static void s_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	printf("  server read \"%s\"\n", line);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		return;
	printf("  server event %s\n", tc_bev_what(what));
	tc_tls_print_errors("  server errors", bev);
	if (how == HALF && (what & BEV_EVENT_EOF)) {
		/* the client only closed its sending side: answer, then close ours */
		int r = bufferevent_write(bev, "bye", 3);
		printf("  server writes after EOF: %d\n", r);
		return;
	}
	bufferevent_free(bev);
	sbev = NULL;
	if (!cbev)
		event_base_loopexit(base, NULL);
}

static void s_write(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (how == HALF && evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		printf("  server reply written; closing\n");
		SSL_shutdown(bufferevent_openssl_get_ssl(bev));
		bufferevent_free(bev);
		sbev = NULL;
	}
}

static void c_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	printf("  client read \"%s\"\n", line);
}

static void c_end(evutil_socket_t fd, short what, void *arg)
{
	SSL *ssl = bufferevent_openssl_get_ssl(cbev);
	struct linger lg = {1, 0};
	(void)fd;
	(void)what;
	(void)arg;
	switch (how) {
	case CLEAN:
		SSL_shutdown(ssl);
		bufferevent_free(cbev);
		cbev = NULL;
		break;
	case FIN:
		bufferevent_free(cbev);
		cbev = NULL;
		break;
	case RST:
		setsockopt(bufferevent_getfd(cbev), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		bufferevent_free(cbev);
		cbev = NULL;
		break;
	case HALF:
		SSL_shutdown(ssl);
		break;
	}
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	struct timeval tv = {0, 100000};
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_write(bev, "last words", 10);
		/* end the connection once the line is surely out */
		event_base_once(base, -1, EV_TIMEOUT, c_end, NULL, &tv);
		return;
	}
	printf("  client event %s\n", tc_bev_what(what));
	tc_tls_print_errors("  client errors", bev);
	bufferevent_free(bev);
	cbev = NULL;
	if (!sbev)
		event_base_loopexit(base, NULL);
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	sbev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_openssl_set_allow_dirty_shutdown(sbev, allow);
	bufferevent_setcb(sbev, s_read, s_write, s_event, NULL);
	bufferevent_enable(sbev, EV_READ);
}

static void run(struct evconnlistener *lev, struct sockaddr_in *sin)
{
	struct timeval tv = {5, 0};
	struct event *g = evtimer_new(base, tc_tls_guard_indented_cb, base);
	(void)lev;
	printf("%s, allow_dirty_shutdown %d:\n", hows[how], allow);
	cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_openssl_set_allow_dirty_shutdown(cbev, allow);
	bufferevent_setcb(cbev, c_read, NULL, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	event_free(g);
	if (sbev) {
		bufferevent_free(sbev);
		sbev = NULL;
	}
	if (cbev) {
		bufferevent_free(cbev);
		cbev = NULL;
	}
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;

	tc_alarm("ssl_shutdown", 35);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	for (how = CLEAN; how <= HALF; how++)
		for (allow = 0; allow <= 1; allow++)
			run(lev, &sin);

	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
