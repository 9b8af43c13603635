/* ssl_limits: watermarks and rate limits on TLS socket bufferevents.
 *   - a read high watermark of 8192 on the server while the client sends
 *     200 KiB: the input never grows past it by more than one TLS record
 *     (libevent reads what OpenSSL already decrypted) and every byte
 *     arrives (with a low watermark the last bytes could stay below it);
 *   - the client's write callback runs when its output drains to its write
 *     low watermark;
 *   - a read rate limit on the server (32 KiB per 250 ms tick, burst the
 *     same): the first 128 KiB arrive in about as long as the bucket allows
 *     (it is charged with the TLS bytes, a bit more than the payload). The
 *     client sends more than that: libevent 2.1.12 leaves bytes OpenSSL has
 *     already decrypted unread when the socket is then idle;
 *   - a write rate limit on the client, sending 192 KiB in 1 KiB writes
 *     (one large write would go out at once: the limit only bounds how
 *     many bytes a round starts with, and SSL_write takes whole segments).
 * Printed: byte counts, yes/no checks, coarse elapsed times. */
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
static size_t total, got, max_in;
static int wm_mode, rl_read, rl_write, writecbs;
static struct ev_token_bucket_cfg *cfg;

static void s_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);
	(void)arg;
	if (n > max_in)
		max_in = n;
	evbuffer_drain(in, n);
	got += n;
	if (got >= total)
		event_base_loopexit(base, NULL);
}

static void c_write(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg;
	writecbs++;
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		char buf[1024];
		size_t i;
		memset(buf, 'l', sizeof(buf));
		/* the read limit run sends more than the reader waits for */
		for (i = 0; i < (rl_read ? 2 * total : total); i += sizeof(buf))
			bufferevent_write(bev, buf, sizeof(buf));
		return;
	}
	printf("  client event %s\n", tc_bev_what(what));
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (!(what & BEV_EVENT_CONNECTED))
		printf("  server event %s\n", tc_bev_what(what));
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
	if (wm_mode)
		bufferevent_setwatermark(sbev, EV_READ, 0, 8192);
	if (rl_read)
		bufferevent_set_rate_limit(sbev, cfg);
	bufferevent_enable(sbev, EV_READ);
}

static double run(const char *title, struct sockaddr_in *sin, size_t n)
{
	struct timeval tv = {10, 0};
	struct event *g = evtimer_new(base, tc_tls_guard_indented_cb, base);
	double t0;
	printf("%s:\n", title);
	total = n;
	got = max_in = 0;
	writecbs = 0;
	cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cbev, NULL, c_write, c_event, NULL);
	if (wm_mode)
		bufferevent_setwatermark(cbev, EV_WRITE, 0, 4096);
	if (rl_write)
		bufferevent_set_rate_limit(cbev, cfg);
	bufferevent_enable(cbev, EV_READ);
	bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	evtimer_add(g, &tv);
	t0 = tc_mono();
	event_base_dispatch(base);
	t0 = tc_mono() - t0;
	event_free(g);
	printf("  received %s\n", got >= total ? "all" : "not all");
	bufferevent_free(cbev);
	if (sbev)
		bufferevent_free(sbev);
	sbev = NULL;
	return t0;
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	struct timeval tick = {0, 250000};
	double t;

	tc_alarm("ssl_limits", 35);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	cfg = ev_token_bucket_cfg_new(32768, 32768, 32768, 32768, &tick);
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	wm_mode = 1;
	run("read high watermark 8192 on the server", &sin, 200u << 10);
	printf("  input at most the high watermark plus one record: %s\n", tc_yesno(max_in <= 8192 + 16384));
	printf("  client write callbacks (output drained): %s\n", tc_yesno(writecbs > 0));
	wm_mode = 0;

	rl_read = 1;
	t = run("read rate limit 32 KiB per 250 ms on the server", &sin, 128u << 10);
	printf("  took about 0.75 to 1 s (in [0.5, 2.0)): %s\n", tc_yesno(t >= 0.5 && t < 2.0));
	rl_read = 0;

	rl_write = 1;
	t = run("write rate limit 32 KiB per 250 ms on the client", &sin, 192u << 10);
	printf("  took about 1.25 s (in [0.75, 2.5)): %s\n", tc_yesno(t >= 0.75 && t < 2.5));
	rl_write = 0;

	evconnlistener_free(lev);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
