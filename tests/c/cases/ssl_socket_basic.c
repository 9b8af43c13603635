/* ssl_socket_basic: a TLS client and server, both bufferevent_openssl_socket_new,
 * on 127.0.0.1. The server is made in the listener's accept callback on the
 * accepted descriptor (BUFFEREVENT_SSL_ACCEPTING), the client with no
 * descriptor (BUFFEREVENT_SSL_CONNECTING) and bufferevent_socket_connect.
 * Both report BEV_EVENT_CONNECTED once the handshake is done; the client
 * sends a line, the server answers it in upper case, the client closes the
 * TLS session (SSL_shutdown: a close_notify) and the server sees a clean
 * EOF, answers with its own close_notify and frees its side, and the client
 * sees a clean EOF too. Printed: the accessors on a new bufferevent
 * (getfd, get_ssl, get_underlying, allow_dirty_shutdown, enabled), each
 * side's callbacks in order, and the errors queued for
 * bufferevent_get_openssl_error. */
/* libs: libevent_openssl libevent openssl */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <ctype.h>

#include "testcase.h"
#include "bev.h"
#include "tls.h"

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev;
static char snotes[1024], cnotes[1024];
static int done;

static void note(char *buf, const char *s)
{
	if (strlen(buf) + strlen(s) + 2 < 1024) {
		strcat(buf, s);
		strcat(buf, " ");
	}
}

static void finish(void)
{
	if (++done == 2)
		event_base_loopexit(base, NULL);
}

static void s_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1), i;
	(void)arg;
	line[n] = 0;
	note(snotes, "read");
	note(snotes, line);
	for (i = 0; i < n; i++)
		line[i] = (char)toupper((unsigned char)line[i]);
	bufferevent_write(bev, line, n);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(snotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED) {
		SSL *ssl = bufferevent_openssl_get_ssl(bev);
		note(snotes, SSL_get_version(ssl));
		return;
	}
	tc_tls_print_errors("server errors", bev);
	/* answer the close_notify, then go */
	SSL_shutdown(bufferevent_openssl_get_ssl(bev));
	bufferevent_free(bev);
	sbev = NULL;
	finish();
}

static void c_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(cnotes, "read");
	note(cnotes, line);
	/* close the TLS session: SSL_shutdown sends close_notify at once */
	note(cnotes, SSL_shutdown(bufferevent_openssl_get_ssl(bev)) >= 0 ? "shutdown-sent" : "shutdown-failed");
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(cnotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED) {
		note(cnotes, SSL_get_version(bufferevent_openssl_get_ssl(bev)));
		bufferevent_write(bev, "hello tls", 9);
		return;
	}
	tc_tls_print_errors("client errors", bev);
	bufferevent_free(bev);
	cbev = NULL;
	finish();
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	SSL *ssl = SSL_new(sctx);
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	sbev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	printf("server: new %s, getfd is the accepted fd %s, get_ssl %s, enabled 0x%x\n", tc_yesno(sbev != NULL),
	    tc_yesno(bufferevent_getfd(sbev) == fd), tc_yesno(bufferevent_openssl_get_ssl(sbev) == ssl),
	    bufferevent_get_enabled(sbev));
	bufferevent_setcb(sbev, s_read, NULL, s_event, NULL);
	bufferevent_enable(sbev, EV_READ);
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	struct timeval tv = {10, 0};
	SSL *cssl;
	int r;

	tc_alarm("ssl_socket_basic", 20);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0) {
		printf("cannot make a certificate\n");
		return 1;
	}
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	cssl = SSL_new(cctx);
	cbev = bufferevent_openssl_socket_new(base, -1, cssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	printf("client: new %s, getfd %d, get_ssl %s, get_underlying %s, enabled 0x%x\n", tc_yesno(cbev != NULL),
	    bufferevent_getfd(cbev), tc_yesno(bufferevent_openssl_get_ssl(cbev) == cssl),
	    bufferevent_get_underlying(cbev) ? "set" : "NULL", bufferevent_get_enabled(cbev));
	printf("client: allow_dirty_shutdown %d", bufferevent_openssl_get_allow_dirty_shutdown(cbev));
	bufferevent_openssl_set_allow_dirty_shutdown(cbev, 7);
	printf(", after set(7) %d", bufferevent_openssl_get_allow_dirty_shutdown(cbev));
	bufferevent_openssl_set_allow_dirty_shutdown(cbev, 0);
	printf(", after set(0) %d\n", bufferevent_openssl_get_allow_dirty_shutdown(cbev));
	printf("client: openssl error before anything %lu\n", bufferevent_get_openssl_error(cbev));
	bufferevent_setcb(cbev, c_read, NULL, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	r = bufferevent_socket_connect(cbev, (struct sockaddr *)&sin, sizeof(sin));
	printf("client: connect %d, getfd set %s, enabled 0x%x\n", r, tc_yesno(bufferevent_getfd(cbev) >= 0),
	    bufferevent_get_enabled(cbev));

	event_base_once(base, -1, EV_TIMEOUT, tc_tls_guard_cb, base, &tv);
	event_base_dispatch(base);
	printf("server: %s\n", snotes);
	printf("client: %s\n", cnotes);

	if (sbev)
		bufferevent_free(sbev);
	if (cbev)
		bufferevent_free(cbev);
	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
