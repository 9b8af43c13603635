/* ssl_large: large transfers through TLS socket bufferevents on 127.0.0.1:
 * the client sends 4 MiB in one bufferevent_write and 1 MiB more in 1000
 * small writes; the server echoes every byte back as it reads it; the
 * client checks the echo byte for byte. Also one 64 KiB write from inside
 * the BEV_EVENT_CONNECTED callback of the server (the server speaks first).
 * Printed: byte counts and whether the data came back intact, the deferred
 * write callbacks seen at the end (output drained), and that nothing failed. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 60 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "tls.h"

#define BIG (4u << 20)
#define SMALL_N 1000
#define SMALL_LEN 1048
#define GREETING (64u << 10)

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev;
static size_t c_sent, c_got, s_echoed, greeting_got;
static int mismatch, c_drained, s_events, c_events;

static unsigned char pattern(size_t i) { return (unsigned char)((i * 7 + (i >> 11)) & 0xff); }

static void s_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	(void)arg;
	s_echoed += evbuffer_get_length(in);
	bufferevent_write_buffer(bev, in);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		static unsigned char g[GREETING];
		memset(g, 'g', sizeof(g));
		bufferevent_write(bev, g, sizeof(g));
		return;
	}
	s_events++;
	printf("server event %s\n", tc_bev_what(what));
}

static void c_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char buf[8192];
	size_t n;
	(void)arg;
	while ((n = evbuffer_remove(in, buf, sizeof(buf))) > 0) {
		size_t i = 0;
		if (greeting_got < GREETING) {
			size_t g = GREETING - greeting_got;
			if (g > n)
				g = n;
			for (; i < g; i++)
				if (buf[i] != 'g')
					mismatch++;
			greeting_got += g;
		}
		for (; i < n; i++, c_got++)
			if (buf[i] != pattern(c_got))
				mismatch++;
	}
	if (c_got == c_sent && c_sent == BIG + SMALL_N * SMALL_LEN)
		event_base_loopexit(base, NULL);
}

static void c_write(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		c_drained++;
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		unsigned char *big = malloc(BIG);
		size_t i;
		int k;
		for (i = 0; i < BIG; i++)
			big[i] = pattern(i);
		bufferevent_write(bev, big, BIG);
		c_sent = BIG;
		free(big);
		for (k = 0; k < SMALL_N; k++) {
			unsigned char small[SMALL_LEN];
			for (i = 0; i < SMALL_LEN; i++)
				small[i] = pattern(c_sent + i);
			bufferevent_write(bev, small, SMALL_LEN);
			c_sent += SMALL_LEN;
		}
		printf("client queued %zu bytes, output holds %s\n", c_sent,
		    evbuffer_get_length(bufferevent_get_output(bev)) == c_sent ? "all of them" : "less");
		return;
	}
	c_events++;
	printf("client event %s\n", tc_bev_what(what));
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

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	struct timeval tv = {40, 0};

	tc_alarm("ssl_large", 55);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, 0, &sin);

	cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cbev, c_read, c_write, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	bufferevent_socket_connect(cbev, (struct sockaddr *)&sin, sizeof(sin));

	event_base_once(base, -1, EV_TIMEOUT, tc_tls_guard_cb, base, &tv);
	event_base_dispatch(base);

	printf("client: sent %zu, got back %zu, greeting %zu, mismatched bytes %d\n", c_sent, c_got,
	    greeting_got, mismatch);
	printf("server: echoed %zu\n", s_echoed);
	printf("client write callback with empty output: %s\n", tc_yesno(c_drained > 0));
	printf("events: server %d, client %d\n", s_events, c_events);

	bufferevent_free(cbev);
	bufferevent_free(sbev);
	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
