/* ssl_filter_pair: TLS over a bufferevent pair, bufferevent_openssl_filter_new
 * on both ends (client CONNECTING, server ACCEPTING). libevent 2.1.12 does
 * not call SSL_do_handshake when it makes a filter: the handshake starts
 * when something reads or writes, here the client's bufferevent_enable
 * (EV_READ), whose read round (SSL_read) sends the ClientHello, which the
 * pair moves on at once. Then a line each way (the server reads the line
 * before its CONNECTED event: its handshake ended inside SSL_read), and the
 * filters freed, with and without BEV_OPT_CLOSE_ON_FREE: with it the pair
 * ends are freed too (our decref of them then frees them: 1), without it
 * their callbacks are cleared and they stay. Printed: events and lines per
 * side, get_underlying, getfd, enabled flags, byte counts, decref results. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 30 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "testcase.h"
#include "tls.h"

static struct event_base *base;
static struct bufferevent *pair[2], *sbev, *cbev;
static char snotes[1024], cnotes[1024];

static void note(char *buf, const char *s)
{
	if (strlen(buf) + strlen(s) + 2 < 1024) {
		strcat(buf, s);
		strcat(buf, " ");
	}
}

static void s_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(snotes, line);
	bufferevent_write(bev, "pong", 4);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	note(snotes, tc_bev_what(what));
}

static void c_read(struct bufferevent *bev, void *arg)
{
	char line[64];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	(void)arg;
	line[n] = 0;
	note(cnotes, line);
	event_base_loopexit(base, NULL);
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	note(cnotes, tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED)
		bufferevent_write(bev, "ping", 4);
}

static void run_for(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void show(const char *when)
{
	printf("%s:\n  server: %s\n  client: %s\n", when, snotes, cnotes);
	snotes[0] = cnotes[0] = 0;
}

static void run(SSL_CTX *sctx, SSL_CTX *cctx, int options)
{
	int r;
	printf("options 0x%x:\n", options);
	r = bufferevent_pair_new(base, 0, pair);
	printf("pair: %d\n", r);
	cbev = bufferevent_openssl_filter_new(base, pair[0], SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, options);
	sbev = bufferevent_openssl_filter_new(base, pair[1], SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, options);
	printf("filters: client %s, server %s\n", tc_yesno(cbev != NULL), tc_yesno(sbev != NULL));
	printf("get_underlying is the pair end: %s %s; getfd %d %d\n",
	    tc_yesno(bufferevent_get_underlying(cbev) == pair[0]), tc_yesno(bufferevent_get_underlying(sbev) == pair[1]),
	    bufferevent_getfd(cbev), bufferevent_getfd(sbev));
	printf("enabled: client 0x%x, server 0x%x, pair ends 0x%x 0x%x\n", bufferevent_get_enabled(cbev),
	    bufferevent_get_enabled(sbev), bufferevent_get_enabled(pair[0]), bufferevent_get_enabled(pair[1]));
	bufferevent_setcb(cbev, c_read, NULL, c_event, NULL);
	bufferevent_setcb(sbev, s_read, NULL, s_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	printf("client enabled EV_READ: %zu bytes wait in its pair end's output, %zu in the other's input\n",
	    evbuffer_get_length(bufferevent_get_output(pair[0])), evbuffer_get_length(bufferevent_get_input(pair[1])));
	bufferevent_enable(sbev, EV_READ);
	run_for(200);
	show("after enabling both");

	/* Free the filters while we hold a reference on each pair end: the
	 * decref below says whether the filter freed its pair end too. */
	bufferevent_incref(pair[0]);
	bufferevent_incref(pair[1]);
	bufferevent_free(cbev);
	bufferevent_free(sbev);
	run_for(50);
	r = bufferevent_decref(pair[0]);
	printf("our decref of the pair ends after the filters' free: %d", r);
	r = bufferevent_decref(pair[1]);
	printf(" %d\n", r);
	if (!(options & BEV_OPT_CLOSE_ON_FREE)) {
		bufferevent_data_cb rcb;
		bufferevent_event_cb ecb;
		bufferevent_getcb(pair[0], &rcb, NULL, &ecb, NULL);
		printf("pair end callbacks cleared: %s\n", tc_yesno(!rcb && !ecb));
		bufferevent_free(pair[0]);
		bufferevent_free(pair[1]);
	}
	run_for(50);
}

int main(void)
{
	struct tc_tls_id id;
	SSL_CTX *sctx, *cctx;

	tc_alarm("ssl_filter_pair", 25);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	run(sctx, cctx, BEV_OPT_CLOSE_ON_FREE);
	run(sctx, cctx, 0);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
