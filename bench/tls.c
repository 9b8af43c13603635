/*
 * tls.c - TLS bufferevent server throughput (libevent_openssl, plain API).
 *
 * The server is a TLS echo server: an evconnlistener accepts, each connection
 * is a bufferevent_openssl_socket_new (BUFFEREVENT_SSL_ACCEPTING,
 * BEV_OPT_CLOSE_ON_FREE) whose read callback moves its whole input to its
 * output with bufferevent_write_buffer(). The clients are plain blocking
 * OpenSSL sockets in forked child processes (forked before any libevent
 * call), so what is measured is the server's loop and plumbing; the crypto is
 * the same OpenSSL on both sides of the comparison. A P-256 key and a
 * self-signed certificate are made in memory. Loopback only, port 0.
 *
 * Modes (one line each: RESULT name=NAME value=V unit=U ...):
 *   tls echo NAME CONNS ROUNDS SIZE
 *       one client process with CONNS TLS connections; each round sends SIZE
 *       bytes on every connection, then reads every echo back. value =
 *       messages (SIZE-byte round trips) per second, timed by the client
 *       from its first send to its last complete reply; server_us_per_msg:
 *       the server's CPU time (all threads) per message, handshakes
 *       included (the figure to compare on a busy machine).
 *   tls handshakes NAME N PROCS
 *       PROCS client processes make N connections in all, one after the
 *       other each: TCP connect, TLS 1.3 handshake, a 1-byte echo, close.
 *       value = handshakes per second over all of them;
 *       server_us_per_handshake: the server's CPU time per connection.
 *
 * Every wait is bounded: the server gives up after SERVER_LIMIT seconds, the
 * clients after CLIENT_LIMIT (alarm()).
 */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#define CLIENT_LIMIT 60 /* seconds */
#define SERVER_LIMIT 70 /* seconds */

static EVP_PKEY *key;
static X509 *cert;

static void make_identity(void)
{
	X509_NAME *name;
	key = EVP_EC_gen("P-256");
	cert = X509_new();
	if (!key || !cert)
		failf("cannot make a key");
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	if (!X509_sign(cert, key, EVP_sha256()))
		failf("cannot sign the certificate");
}

/* ---- the client (no libevent) ---- */

static SSL *client_connect(SSL_CTX *ctx, int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	SSL *ssl;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sin.sin_port = htons((unsigned short)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		failf("client connect: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		failf("client handshake failed");
	return ssl;
}

static void client_close(SSL *ssl)
{
	int fd = SSL_get_fd(ssl);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
}

static void read_full(SSL *ssl, char *buf, int n)
{
	int got = 0, r;
	while (got < n) {
		r = SSL_read(ssl, buf + got, n - got);
		if (r <= 0)
			failf("client read failed");
		got += r;
	}
}

static SSL_CTX *client_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cert);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); /* full handshakes */
	return ctx;
}

static void echo_client(int port, int nconns, long rounds, int size, int resfd)
{
	SSL_CTX *ctx = client_ctx();
	SSL **c = calloc((size_t)nconns, sizeof(*c));
	char *buf = malloc((size_t)size), *in = malloc((size_t)size);
	double t0, t;
	long r;
	int i;
	alarm(CLIENT_LIMIT);
	memset(buf, 'e', (size_t)size);
	for (i = 0; i < nconns; i++)
		c[i] = client_connect(ctx, port);
	t0 = now_sec();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nconns; i++)
			if (SSL_write(c[i], buf, size) != size)
				failf("client write failed");
		for (i = 0; i < nconns; i++)
			read_full(c[i], in, size);
	}
	t = now_sec() - t0;
	for (i = 0; i < nconns; i++)
		client_close(c[i]);
	if (write(resfd, &t, sizeof(t)) != sizeof(t))
		failf("result pipe");
	_exit(0);
}

static void handshake_client(int port, long n, int resfd)
{
	SSL_CTX *ctx = client_ctx();
	char c = 'h';
	long i;
	alarm(CLIENT_LIMIT);
	for (i = 0; i < n; i++) {
		SSL *ssl = client_connect(ctx, port);
		if (SSL_write(ssl, &c, 1) != 1)
			failf("client write failed");
		read_full(ssl, &c, 1);
		client_close(ssl);
	}
	c = 0;
	if (write(resfd, &c, 1) != 1)
		failf("result pipe");
	_exit(0);
}

/* ---- the server ---- */

static struct event_base *base;
static SSL_CTX *sctx;
static long expected_conns, closed_conns;
static double server_cpu; /* CPU time of the server's loop (this process) */

static void s_read(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		return;
	bufferevent_free(bev);
	if (++closed_conns == expected_conns)
		event_base_loopbreak(base);
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *bev;
	int one = 1;
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		failf("bufferevent_openssl_socket_new failed");
	bufferevent_setcb(bev, s_read, NULL, s_event, NULL);
	bufferevent_enable(bev, EV_READ);
}

static void give_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	failf("server: gave up after %d s", SERVER_LIMIT);
}

/* Listens, forks nprocs clients (run by child(port, i, resfd)), serves until
 * expect connections came and went, and returns the read end of the
 * clients' result pipe. */
static int serve(long expect, int nprocs, void (*child)(int port, int i, int resfd))
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1, p[2], i;
	struct evconnlistener *lev;
	struct timeval limit = {SERVER_LIMIT, 0};

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, 1024) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) != 0)
		failf("listen: %s", strerror(errno));
	if (pipe(p) != 0)
		failf("pipe");
	for (i = 0; i < nprocs; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			close(lfd);
			child(ntohs(sin.sin_port), i, p[1]);
		}
	}
	close(p[1]);
	/* libevent only after the forks */
	sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(sctx, cert);
	SSL_CTX_use_PrivateKey(sctx, key);
	base = event_base_new();
	evutil_make_socket_nonblocking(lfd);
	lev = evconnlistener_new(base, acceptcb, NULL, LEV_OPT_CLOSE_ON_FREE, -1, lfd);
	expected_conns = expect;
	event_base_once(base, -1, EV_TIMEOUT, give_up, NULL, &limit);
	server_cpu = cpu_now();
	event_base_dispatch(base);
	server_cpu = cpu_now() - server_cpu;
	evconnlistener_free(lev);
	event_base_free(base);
	SSL_CTX_free(sctx);
	return p[0];
}

static int e_conns, e_size;
static long e_rounds, h_each;

static void echo_child(int port, int i, int resfd)
{
	(void)i;
	echo_client(port, e_conns, e_rounds, e_size, resfd);
}

static void hs_child(int port, int i, int resfd)
{
	(void)i;
	handshake_client(port, h_each, resfd);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 6 && !strcmp(argv[1], "echo")) {
		double t;
		int rfd, st;
		e_conns = atoi(argv[3]);
		e_rounds = atol(argv[4]);
		e_size = atoi(argv[5]);
		make_identity();
		rfd = serve(e_conns, 1, echo_child);
		if (read(rfd, &t, sizeof(t)) != sizeof(t))
			failf("the client failed");
		wait(&st);
		printf("RESULT name=%s value=%.0f unit=msg/s msgs_per_sec=%.0f server_us_per_msg=%.2f conns=%d rounds=%ld "
		    "size=%d secs=%.3f\n", argv[2], e_conns * e_rounds / t, e_conns * e_rounds / t,
		    server_cpu * 1e6 / (e_conns * e_rounds), e_conns, e_rounds, e_size, t);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "handshakes")) {
		long n = atol(argv[3]);
		int procs = atoi(argv[4]), rfd, i, st;
		double t0, t;
		char c;
		h_each = n / procs;
		make_identity();
		t0 = now_sec();
		rfd = serve(h_each * procs, procs, hs_child);
		for (i = 0; i < procs; i++)
			if (read(rfd, &c, 1) != 1)
				failf("a client failed");
		t = now_sec() - t0;
		for (i = 0; i < procs; i++)
			wait(&st);
		printf("RESULT name=%s value=%.0f unit=handshakes/s server_us_per_handshake=%.1f n=%ld procs=%d secs=%.3f\n",
		    argv[2], h_each * procs / t, server_cpu * 1e6 / (h_each * procs), h_each * procs, procs, t);
		return 0;
	}
	fprintf(stderr, "usage: tls echo NAME CONNS ROUNDS SIZE | tls handshakes NAME N PROCS\n");
	return 2;
}
