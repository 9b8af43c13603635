/* ssl_renegotiate: bufferevent_ssl_renegotiate on TLS 1.2 socket
 * bufferevents. Client and server exchange a line; then
 *   - the server renegotiates (its bufferevent goes back to handshaking and
 *     reports BEV_EVENT_CONNECTED again when done; the client's OpenSSL
 *     follows inside its reads and writes), and lines keep flowing;
 *   - the client renegotiates, with a server that allows it
 *     (SSL_OP_ALLOW_CLIENT_RENEGOTIATION): the same from the other side;
 *   - the client renegotiates with a server that refuses it (OpenSSL 3's
 *     default): the server fails the connection.
 * Also bufferevent_ssl_renegotiate on TLS 1.3 (OpenSSL refuses it: the
 * bufferevent handshakes with nothing to do and reports CONNECTED again).
 * Printed: return values, each side's events and lines in order (per
 * side), errors on failure. After the server's renegotiation the
 * client's SSL_shutdown sends nothing (OpenSSL refuses it while its side of
 * the renegotiation is unfinished): that run ends on its guard timer. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "tls.h"

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev;
static char snotes[2048], cnotes[2048];
static int who_renegotiates; /* 0 server, 1 client */
static int round_;

static void note(char *buf, const char *s)
{
	if (strlen(buf) + strlen(s) + 2 < 2048) {
		strcat(buf, s);
		strcat(buf, " ");
	}
}

static void reneg(evutil_socket_t fd, short what, void *arg)
{
	struct bufferevent *bev = who_renegotiates ? cbev : sbev;
	char buf[64];
	int r;
	(void)fd;
	(void)what;
	(void)arg;
	if (!bev)
		return;
	r = bufferevent_ssl_renegotiate(bev);
	snprintf(buf, sizeof(buf), "renegotiate=%d", r);
	note(who_renegotiates ? cnotes : snotes, buf);
	/* the client keeps talking: its next line goes out after the renegotiation */
	bufferevent_write(cbev, "line 2", 6);
}

static void s_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(snotes, line);
	bufferevent_write(bev, "ack", 3);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(snotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED)
		return;
	{
		unsigned long e;
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			note(snotes, tc_tls_err(e));
	}
	bufferevent_free(bev);
	sbev = NULL;
	if (!cbev)
		event_base_loopexit(base, NULL);
}

static void c_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	struct timeval tv = {0, 50000};
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(cnotes, line);
	if (++round_ == 1) {
		event_base_once(base, -1, EV_TIMEOUT, reneg, NULL, &tv);
	} else {
		/* done: close cleanly */
		SSL_shutdown(bufferevent_openssl_get_ssl(bev));
	}
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(cnotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED) {
		if (round_ == 0)
			bufferevent_write(bev, "line 1", 6);
		return;
	}
	{
		unsigned long e;
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			note(cnotes, tc_tls_err(e));
	}
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
	bufferevent_setcb(sbev, s_read, NULL, s_event, NULL);
	bufferevent_enable(sbev, EV_READ);
}

static void run(const char *title, struct sockaddr_in *sin, SSL_CTX *s, SSL_CTX *c, int who)
{
	struct timeval tv = {2, 0};
	struct event *g = evtimer_new(base, tc_tls_guard_indented_cb, base);
	printf("%s:\n", title);
	sctx = s;
	cctx = c;
	who_renegotiates = who;
	round_ = 0;
	snotes[0] = cnotes[0] = 0;
	cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cbev, c_read, NULL, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	event_free(g);
	printf("  server: %s\n", snotes);
	printf("  client: %s\n", cnotes);
	if (sbev)
		bufferevent_free(sbev);
	if (cbev)
		bufferevent_free(cbev);
	sbev = cbev = NULL;
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	SSL_CTX *s12, *s12_allow, *c12, *s13, *c13;

	tc_alarm("ssl_renegotiate", 35);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_make_id(&id, "localhost") < 0)
		return 1;
	s12 = tc_tls_server_ctx(&id, TLS1_2_VERSION);
	s12_allow = tc_tls_server_ctx(&id, TLS1_2_VERSION);
	SSL_CTX_set_options(s12_allow, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
	c12 = tc_tls_client_ctx(&id, TLS1_2_VERSION);
	s13 = tc_tls_server_ctx(&id, 0);
	c13 = tc_tls_client_ctx(&id, 0);
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	run("TLS 1.2, the server renegotiates", &sin, s12, c12, 0);
	run("TLS 1.2, the client renegotiates, allowed", &sin, s12_allow, c12, 1);
	run("TLS 1.2, the client renegotiates, refused", &sin, s12, c12, 1);
	run("TLS 1.3, the server asks", &sin, s13, c13, 0);

	evconnlistener_free(lev);
	event_base_free(base);
	SSL_CTX_free(s12);
	SSL_CTX_free(s12_allow);
	SSL_CTX_free(c12);
	SSL_CTX_free(s13);
	SSL_CTX_free(c13);
	tc_tls_free_id(&id);
	return 0;
}
