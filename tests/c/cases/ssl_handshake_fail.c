/* ssl_handshake_fail: handshakes that fail, reported to both TLS socket
 * bufferevents' event callbacks with the errors queued for
 * bufferevent_get_openssl_error:
 *   - the client trusts another certificate than the server's (verification
 *     fails on the client; the server gets its alert);
 *   - the client speaks TLS to a server that answers in plain text;
 *   - client and server have no protocol version in common (TLS 1.2 only
 *     against TLS 1.3 only);
 *   - the server's socket is closed (after reading the ClientHello) before
 *     it answers.
 * Printed: each side's event flags and errors (at most 3 are kept, the
 * most recent returned first), and that no CONNECTED event came. SIGPIPE is
 * ignored, as TLS programs do: OpenSSL writes to the socket itself. */
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
static int scenario, nconnected, ndone, nexpect;
static evutil_socket_t plain_fd = -1;

static void done_one(void)
{
	if (++ndone == nexpect)
		event_base_loopexit(base, NULL);
}

static void ev(struct bufferevent *bev, short what, void *arg)
{
	const char *who = arg;
	if (what & BEV_EVENT_CONNECTED) {
		nconnected++;
		printf("  %s CONNECTED\n", who);
		return;
	}
	printf("  %s event %s\n", who, tc_bev_what(what));
	tc_tls_print_errors(who[0] == 's' ? "  server errors" : "  client errors", bev);
	bufferevent_free(bev);
	if (bev == sbev)
		sbev = NULL;
	else
		cbev = NULL;
	done_one();
}

/* reads the ClientHello, then closes: a FIN, not a reset for unread data */
static void read_then_close(evutil_socket_t fd, short what, void *arg)
{
	char buf[4096];
	(void)what;
	(void)arg;
	if (read(fd, buf, sizeof(buf)) < 0)
		printf("read failed\n");
	close(fd);
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	if (scenario == 1) {
		/* a plain-text server: one line, then it waits */
		plain_fd = fd;
		if (write(fd, "220 hello, no TLS here\r\n", 24) < 0)
			printf("write failed\n");
		return;
	}
	if (scenario == 3) {
		event_base_once(base, fd, EV_READ, read_then_close, NULL, NULL);
		return;
	}
	sbev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(sbev, NULL, NULL, ev, "server");
	bufferevent_enable(sbev, EV_READ);
}

static void run(const char *title, struct sockaddr_in *sin, SSL_CTX *s, SSL_CTX *c, int expect)
{
	struct timeval tv = {5, 0};
	struct event *g = evtimer_new(base, tc_tls_guard_indented_cb, base);
	printf("%s:\n", title);
	sctx = s;
	cctx = c;
	nconnected = ndone = 0;
	nexpect = expect;
	cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cbev, NULL, NULL, ev, "client");
	bufferevent_enable(cbev, EV_READ);
	bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	event_free(g);
	printf("  connected events: %d\n", nconnected);
	if (sbev)
		bufferevent_free(sbev);
	if (cbev)
		bufferevent_free(cbev);
	sbev = cbev = NULL;
	if (plain_fd >= 0)
		close(plain_fd);
	plain_fd = -1;
	scenario++;
}

int main(void)
{
	struct tc_tls_id id, other;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	SSL_CTX *s_any, *c_wrong, *c_right, *s_13, *c_12;

	tc_alarm("ssl_handshake_fail", 35);
	signal(SIGPIPE, SIG_IGN); /* OpenSSL writes to the socket itself, as TLS programs do */
	if (tc_tls_make_id(&id, "localhost") < 0 || tc_tls_make_id(&other, "someone else") < 0)
		return 1;
	s_any = tc_tls_server_ctx(&id, 0);
	c_wrong = tc_tls_client_ctx(&other, 0);
	c_right = tc_tls_client_ctx(&id, 0);
	s_13 = tc_tls_server_ctx(&id, 0);
	SSL_CTX_set_min_proto_version(s_13, TLS1_3_VERSION);
	c_12 = tc_tls_client_ctx(&id, TLS1_2_VERSION);
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	run("client does not trust the server's certificate", &sin, s_any, c_wrong, 2);
	run("server answers in plain text", &sin, s_any, c_right, 1);
	run("no common protocol version", &sin, s_13, c_12, 2);
	run("server closes without answering", &sin, s_any, c_right, 1);

	evconnlistener_free(lev);
	event_base_free(base);
	SSL_CTX_free(s_any);
	SSL_CTX_free(c_wrong);
	SSL_CTX_free(c_right);
	SSL_CTX_free(s_13);
	SSL_CTX_free(c_12);
	tc_tls_free_id(&id);
	tc_tls_free_id(&other);
	return 0;
}
