/* ssl_timeouts: bufferevent_set_timeouts on TLS bufferevents.
 *   - socket, handshaking: the client connects to a server that accepts and
 *     never speaks; with a 200 ms read timeout the client's event callback
 *     gets BEV_EVENT_TIMEOUT alone (no READING) and the events stay: it
 *     comes again each period (counted over ~700 ms; the callback disables
 *     nothing);
 *   - socket, open: after the handshake the server is silent; the read
 *     timeout gives BEV_EVENT_TIMEOUT|READING, again each period while
 *     EV_READ stays enabled (TLS bufferevents do not disable it);
 *   - filter over a socket, open: the generic timer gives
 *     BEV_EVENT_TIMEOUT|READING once and disables EV_READ.
 * Printed: the events and how many came in the window (coarse ranges). */
/* libs: libevent_openssl libevent openssl */
/* timeout: 30 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "tls.h"

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static int speak; /* the server runs TLS */
static int use_filter;
static struct bufferevent *sbev, *cbev;
static evutil_socket_t silent_fd = -1;
static int ntimeouts, nconnected;
static short first_what;

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	struct timeval tv = {0, 200000};
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		nconnected++;
		bufferevent_set_timeouts(bev, &tv, NULL);
		return;
	}
	if (!ntimeouts)
		first_what = what;
	ntimeouts++;
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	if (!speak) {
		silent_fd = fd;
		return;
	}
	sbev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_enable(sbev, EV_READ);
}

static void run_for(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void run(const char *title, struct sockaddr_in *sin)
{
	struct timeval tv = {0, 200000};
	printf("%s:\n", title);
	ntimeouts = nconnected = 0;
	first_what = 0;
	if (use_filter) {
		struct bufferevent *raw = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
		bufferevent_socket_connect(raw, (struct sockaddr *)sin, sizeof(*sin));
		cbev = bufferevent_openssl_filter_new(base, raw, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
		    BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(cbev, NULL, NULL, c_event, NULL);
		bufferevent_enable(cbev, EV_READ);
	} else {
		cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
		    BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(cbev, NULL, NULL, c_event, NULL);
		bufferevent_enable(cbev, EV_READ);
		if (!speak)
			bufferevent_set_timeouts(cbev, &tv, NULL);
		bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	}
	run_for(100);
	ntimeouts = 0;
	run_for(700);
	printf("  connected %d, first event %s, events in ~700 ms: %s, EV_READ still enabled: %s\n", nconnected,
	    tc_bev_what(first_what), ntimeouts == 0 ? "none" : ntimeouts == 1 ? "one" : ntimeouts <= 5 ? "several" : "too many",
	    tc_yesno(bufferevent_get_enabled(cbev) & EV_READ));
	bufferevent_free(cbev);
	if (sbev)
		bufferevent_free(sbev);
	sbev = NULL;
	if (silent_fd >= 0)
		close(silent_fd);
	silent_fd = -1;
	run_for(20);
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;

	tc_alarm("ssl_timeouts", 25);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	speak = 0;
	use_filter = 0;
	run("socket, the server never speaks (handshaking)", &sin);
	speak = 1;
	run("socket, open, the server is silent", &sin);
	use_filter = 1;
	run("filter over a socket, open, the server is silent", &sin);

	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
