/* ssl_api: the edges of event2/bufferevent_ssl.h and the generic calls on
 * TLS bufferevents:
 *   - the TLS functions on bufferevents of other kinds (socket, pair): NULL,
 *     -1, -1, nothing, 0;
 *   - bufferevent_openssl_socket_new with an SSL that has a socket BIO: fd -1
 *     takes the BIO's descriptor, another fd fails (and frees the SSL with
 *     BEV_OPT_CLOSE_ON_FREE); filter_new without an
 *     underlying bufferevent fails; whether the SSL was freed is seen through
 *     an ex_data free callback, whether the descriptor was closed with fcntl;
 *   - BEV_OPT_CLOSE_ON_FREE frees the SSL and closes the socket, without it
 *     neither happens (the SSL's own BIO no longer closes it either);
 *   - BUFFEREVENT_SSL_OPEN over SSLs whose handshake the case ran itself;
 *   - bufferevent_setfd on a connecting TLS bufferevent made without a
 *     descriptor (the handshake starts), bufferevent_socket_connect to a
 *     closed port;
 *   - bufferevent_flush, priority_set, base_set, get_max_* on one.
 * (An unknown state crashes libevent 2.1.12 later, in the loop: ours/ssl_misuse.) */
/* libs: libevent_openssl libevent openssl */
/* timeout: 30 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "testcase.h"
#include "tls.h"

static struct event_base *base;
static int exidx, freed_ssls;
static char notes[2048];

static void note(const char *s)
{
	if (strlen(notes) + strlen(s) + 2 < sizeof(notes)) {
		strcat(notes, s);
		strcat(notes, " ");
	}
}

static void ssl_freed(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent;
	(void)ptr;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	freed_ssls++;
}

static SSL *new_ssl(SSL_CTX *ctx)
{
	SSL *ssl = SSL_new(ctx);
	SSL_set_ex_data(ssl, exidx, ssl);
	return ssl;
}

static void run_for(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void nb(int fd)
{
	evutil_make_socket_nonblocking(fd);
}

static void readcb(struct bufferevent *bev, void *arg)
{
	char line[64], buf[96];
	size_t n = bufferevent_read(bev, line, sizeof(line) - 1);
	line[n] = 0;
	snprintf(buf, sizeof(buf), "%s:read:%s", (const char *)arg, line);
	note(buf);
}

static void eventcb(struct bufferevent *bev, short what, void *arg)
{
	char buf[96];
	(void)bev;
	snprintf(buf, sizeof(buf), "%s:%s", (const char *)arg, tc_bev_what(what));
	note(buf);
	if (what & BEV_EVENT_CONNECTED)
		bufferevent_write(bev, "hi", 2);
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
		unsigned long e;
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			note(tc_tls_err(e));
	}
}

/* Runs both handshakes to completion on non-blocking sockets. */
static int handshake_pair(SSL *c, SSL *s)
{
	int i, cd = 0, sd = 0;
	for (i = 0; i < 1000 && !(cd && sd); i++) {
		if (!cd && SSL_connect(c) == 1)
			cd = 1;
		if (!sd && SSL_accept(s) == 1)
			sd = 1;
		usleep(1000);
	}
	return cd && sd;
}

int main(void)
{
	struct tc_tls_id id;
	SSL_CTX *sctx, *cctx;
	struct bufferevent *b, *pair[2], *bs, *bc;
	int fds[2], fds2[2], r;
	SSL *ssl, *ssl2;
	BIO *bio;
	struct sockaddr_in sin;

	tc_alarm("ssl_api", 25);
	signal(SIGPIPE, SIG_IGN);
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	exidx = SSL_get_ex_new_index(0, NULL, NULL, NULL, ssl_freed);
	base = event_base_new();

	/* other kinds */
	b = bufferevent_socket_new(base, -1, 0);
	bufferevent_pair_new(base, 0, pair);
	printf("socket bufferevent: get_ssl %s, renegotiate %d, get_dirty %d, error %lu\n",
	    bufferevent_openssl_get_ssl(b) ? "set" : "NULL", bufferevent_ssl_renegotiate(b),
	    bufferevent_openssl_get_allow_dirty_shutdown(b), bufferevent_get_openssl_error(b));
	bufferevent_openssl_set_allow_dirty_shutdown(pair[0], 1);
	printf("pair: get_ssl %s, renegotiate %d, get_dirty %d (after set 1), error %lu\n",
	    bufferevent_openssl_get_ssl(pair[0]) ? "set" : "NULL", bufferevent_ssl_renegotiate(pair[0]),
	    bufferevent_openssl_get_allow_dirty_shutdown(pair[0]), bufferevent_get_openssl_error(pair[0]));
	bufferevent_free(b);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);

	/* an SSL that has a socket BIO already, on another descriptor */
	tc_tcp_pair(fds);
	nb(fds[0]);
	nb(fds[1]);
	ssl = new_ssl(cctx);
	bio = BIO_new_socket(fds[0], BIO_CLOSE);
	SSL_set_bio(ssl, bio, bio);
	b = bufferevent_openssl_socket_new(base, fds[1], ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	printf("socket_new with another fd than the SSL's: %s; SSL freed %d; its fd open %s, ours %s\n",
	    b ? "made" : "NULL", freed_ssls, tc_yesno(tc_fd_open(fds[0])), tc_yesno(tc_fd_open(fds[1])));
	close(fds[1]);

	/* ... and fd -1: the SSL's descriptor, which its BIO no longer closes */
	tc_tcp_pair(fds);
	nb(fds[0]);
	nb(fds[1]);
	ssl = new_ssl(cctx);
	bio = BIO_new_socket(fds[0], BIO_CLOSE);
	SSL_set_bio(ssl, bio, bio);
	b = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, 0);
	printf("socket_new with fd -1: %s, getfd is the SSL's %s, enabled 0x%x\n", b ? "made" : "NULL",
	    tc_yesno(bufferevent_getfd(b) == fds[0]), bufferevent_get_enabled(b));
	bufferevent_free(b);
	run_for(20);
	printf("freed without CLOSE_ON_FREE: SSL freed %d, fd open %s\n", freed_ssls, tc_yesno(tc_fd_open(fds[0])));
	SSL_free(ssl);
	printf("then SSL_free: SSL freed %d, fd open %s\n", freed_ssls, tc_yesno(tc_fd_open(fds[0])));
	close(fds[0]);
	close(fds[1]);

	/* BEV_OPT_CLOSE_ON_FREE */
	tc_tcp_pair(fds);
	nb(fds[0]);
	nb(fds[1]);
	ssl = new_ssl(cctx);
	b = bufferevent_openssl_socket_new(base, fds[0], ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_free(b);
	run_for(20);
	printf("freed with CLOSE_ON_FREE: SSL freed %d, fd open %s\n", freed_ssls, tc_yesno(tc_fd_open(fds[0])));
	close(fds[1]);

	/* no underlying bufferevent */
	ssl = new_ssl(cctx);
	b = bufferevent_openssl_filter_new(base, NULL, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	printf("filter without underlying: %s, SSL freed %d\n", b ? "made" : "NULL", freed_ssls);
	ssl = new_ssl(cctx);
	b = bufferevent_openssl_filter_new(base, NULL, ssl, BUFFEREVENT_SSL_CONNECTING, 0);
	printf("the same without CLOSE_ON_FREE: %s, SSL freed %d\n", b ? "made" : "NULL", freed_ssls);
	SSL_free(ssl);

	/* BUFFEREVENT_SSL_OPEN: the case ran the handshake */
	tc_tcp_pair(fds);
	nb(fds[0]);
	nb(fds[1]);
	ssl = new_ssl(cctx);
	ssl2 = new_ssl(sctx);
	SSL_set_fd(ssl, fds[0]);
	SSL_set_fd(ssl2, fds[1]);
	printf("handshake done by hand: %s\n", tc_yesno(handshake_pair(ssl, ssl2)));
	bc = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
	bs = bufferevent_openssl_socket_new(base, fds[1], ssl2, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
	printf("open bufferevents: enabled 0x%x 0x%x, getfd ok %s\n", bufferevent_get_enabled(bc),
	    bufferevent_get_enabled(bs), tc_yesno(bufferevent_getfd(bc) == fds[0] && bufferevent_getfd(bs) == fds[1]));
	bufferevent_setcb(bc, readcb, NULL, eventcb, "c");
	bufferevent_setcb(bs, readcb, NULL, eventcb, "s");
	bufferevent_write(bc, "open", 4);
	run_for(100);
	printf("before EV_READ: %s\n", notes);
	notes[0] = 0;
	bufferevent_enable(bs, EV_READ);
	run_for(100);
	printf("after the server enabled EV_READ: %s\n", notes);
	notes[0] = 0;
	printf("flush %d, priority_set %d, base_set %d, max single read %ld write %ld\n",
	    bufferevent_flush(bc, EV_WRITE, BEV_FLUSH), bufferevent_priority_set(bc, 0),
	    bufferevent_base_set(base, bc), (long)bufferevent_get_max_single_read(bc),
	    (long)bufferevent_get_max_single_write(bc));
	bufferevent_free(bc);
	bufferevent_free(bs);
	run_for(20);
	printf("both freed: SSLs freed so far %d, fds open %s %s\n", freed_ssls, tc_yesno(tc_fd_open(fds[0])),
	    tc_yesno(tc_fd_open(fds[1])));

	/* bufferevent_setfd on a connecting one made without a descriptor */
	tc_tcp_pair(fds2);
	nb(fds2[0]);
	nb(fds2[1]);
	bc = bufferevent_openssl_socket_new(base, -1, new_ssl(cctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bs = bufferevent_openssl_socket_new(base, fds2[1], new_ssl(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bc, readcb, NULL, eventcb, "c");
	bufferevent_setcb(bs, readcb, NULL, eventcb, "s");
	bufferevent_enable(bc, EV_READ);
	bufferevent_enable(bs, EV_READ);
	run_for(100);
	printf("no descriptor yet: %s\n", notes);
	notes[0] = 0;
	r = bufferevent_setfd(bc, fds2[0]);
	printf("setfd %d, getfd ok %s\n", r, tc_yesno(bufferevent_getfd(bc) == fds2[0]));
	run_for(200);
	printf("after setfd: %s\n", notes);
	notes[0] = 0;
	bufferevent_free(bc);
	bufferevent_free(bs);

	/* connect to a closed port */
	{
		int l = tc_listen_loopback(&sin, 1);
		close(l);
	}
	bc = bufferevent_openssl_socket_new(base, -1, new_ssl(cctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bc, readcb, NULL, eventcb, "c");
	bufferevent_enable(bc, EV_READ);
	r = bufferevent_socket_connect(bc, (struct sockaddr *)&sin, sizeof(sin));
	run_for(300);
	printf("connect to a closed port: %d, then: %s\n", r, notes);
	notes[0] = 0;
	bufferevent_free(bc);
	run_for(20);

	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
