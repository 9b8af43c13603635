/* ssl_filter_socket: TLS filters over socket bufferevents on 127.0.0.1
 * (bufferevent_openssl_filter_new over bufferevent_socket_new), the client's
 * underlying one connected with bufferevent_socket_connect, the server's
 * made on the accepted descriptor. The handshake starts from the
 * underlying's callbacks (its first write callback); then 300 KiB go each
 * way, the client's output held by a write high watermark of 16 KiB on its
 * underlying bufferevent (the filter writes no more than that into it at a
 * time), and the client closes with SSL_shutdown and frees its filter with
 * BEV_OPT_CLOSE_ON_FREE (the socket bufferevent and its descriptor go too).
 * Printed: per-side events, byte counts, the largest output seen in the
 * client's underlying bufferevent (at most its high watermark plus one
 * record), getfd (the underlying's descriptor), get_underlying. (The
 * client frees its filter 100 ms after SSL_shutdown: libevent frees a
 * socket bufferevent before its pending output goes out, goevent may send
 * it first; docs/DIFFERENCES.md, "Writing to a socket bufferevent".) */
/* libs: libevent_openssl libevent openssl */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "tls.h"

#define TOTAL (300u << 10)

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev, *craw;
static char snotes[1024], cnotes[1024];
static size_t s_got, c_got, max_under_out;
static evutil_socket_t craw_fd = -1;

static void note(char *buf, const char *s)
{
	if (strlen(buf) + strlen(s) + 2 < 1024) {
		strcat(buf, s);
		strcat(buf, " ");
	}
}

static void fill(struct bufferevent *bev)
{
	static char chunk[TOTAL];
	memset(chunk, 'x', sizeof(chunk));
	bufferevent_write(bev, chunk, sizeof(chunk));
}

static void s_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	(void)arg;
	s_got += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(snotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED) {
		printf("server: getfd is the underlying's: %s, get_underlying set: %s\n",
		    tc_yesno(bufferevent_getfd(bev) == bufferevent_getfd(bufferevent_get_underlying(bev))),
		    tc_yesno(bufferevent_get_underlying(bev) != NULL));
		fill(bev);
		return;
	}
	bufferevent_free(bev);
	sbev = NULL;
	if (!cbev)
		event_base_loopexit(base, NULL);
}

static void c_close(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	bufferevent_free(cbev);
	cbev = NULL;
	if (!sbev)
		event_base_loopexit(base, NULL);
}

static void c_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct timeval tv = {0, 100000};
	(void)arg;
	c_got += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (c_got == TOTAL && s_got == TOTAL) {
		note(cnotes, "done");
		/* close_notify goes into the underlying's output; free once it is out */
		SSL_shutdown(bufferevent_openssl_get_ssl(bev));
		event_base_once(base, -1, EV_TIMEOUT, c_close, NULL, &tv);
	}
}

static void c_write(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg;
}

static void under_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)info;
	(void)arg;
	if (evbuffer_get_length(buf) > max_under_out)
		max_under_out = evbuffer_get_length(buf);
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(cnotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED)
		fill(bev);
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *raw = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	sbev = bufferevent_openssl_filter_new(base, raw, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(sbev, s_read, NULL, s_event, NULL);
	bufferevent_enable(sbev, EV_READ);
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	struct timeval tv = {10, 0};
	int r;

	tc_alarm("ssl_filter_socket", 35);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	craw = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	r = bufferevent_socket_connect(craw, (struct sockaddr *)&sin, sizeof(sin));
	craw_fd = bufferevent_getfd(craw);
	bufferevent_setwatermark(craw, EV_WRITE, 0, 16384);
	evbuffer_add_cb(bufferevent_get_output(craw), under_out_cb, NULL);
	cbev = bufferevent_openssl_filter_new(base, craw, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	printf("client: connect %d, filter %s, getfd is the socket's %s, enabled 0x%x, underlying 0x%x\n", r,
	    tc_yesno(cbev != NULL), tc_yesno(bufferevent_getfd(cbev) == craw_fd), bufferevent_get_enabled(cbev),
	    bufferevent_get_enabled(craw));
	bufferevent_setcb(cbev, c_read, c_write, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);

	event_base_once(base, -1, EV_TIMEOUT, tc_tls_guard_cb, base, &tv);
	event_base_dispatch(base);
	tv.tv_sec = 0;
	tv.tv_usec = 50000; /* the finalizers */
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);

	printf("server: %s\nclient: %s\n", snotes, cnotes);
	printf("bytes: server got %zu, client got %zu\n", s_got, c_got);
	printf("client underlying output at most its high watermark plus one record: %s\n",
	    tc_yesno(max_under_out <= 16384 + 16384 + 256));
	printf("client socket closed with the filter: %s\n", tc_yesno(!tc_fd_open(craw_fd)));

	if (sbev)
		bufferevent_free(sbev);
	if (cbev)
		bufferevent_free(cbev);
	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
