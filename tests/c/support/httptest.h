/*
 * httptest.h - helpers for the evhttp cases: a server on 127.0.0.1 port 0,
 * and raw clients in a thread that send exact bytes (in pieces, with
 * pauses) and record exactly what comes back, for the transcript to show
 * byte for byte (the Date header's value masked). Header-only, public API
 * only, like testcase.h.
 *
 * A case runs its loop on the main thread; the client thread records what
 * it receives and, when its script is done, writes a byte to a pipe the
 * loop watches (ht_start_clients), which ends the loop. The recording is
 * printed after the loop: callbacks of the server print as they run, then
 * what each client saw.
 */
#ifndef GOEVENT_TESTS_C_HTTPTEST_H
#define GOEVENT_TESTS_C_HTTPTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "testcase.h"

/* Writes to a peer that closed must not end the case: libevent writes with
 * writev, which raises SIGPIPE (programs using evhttp ignore it). */
#include <signal.h>
__attribute__((constructor)) static void ht_ignore_sigpipe_(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/* Print n bytes escaped, as one quoted string; "Date: ..." values masked. */
static inline void ht_print_bytes(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i + 6 <= n && memcmp(s + i, "Date: ", 6) == 0 && (i == 0 || s[i - 1] == '\n')) {
			fputs("Date: <date>", stdout);
			i += 6;
			while (i < n && s[i] != '\r' && s[i] != '\n')
				i++;
			i--;
			continue;
		}
		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n\"\n  \"", stdout);
		else if (c < 32 || c >= 127 || c == '"' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	puts("\"");
}

static inline void ht_print_str(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 32 || *p >= 127 || *p == '"' || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('"');
}

/* The port a server's bound socket listens on. */
static inline int ht_bound_port(struct evhttp_bound_socket *b)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (!b || getsockname(evhttp_bound_socket_get_fd(b), (struct sockaddr *)&sin, &len) < 0)
		return -1;
	return ntohs(sin.sin_port);
}

/* A server on 127.0.0.1, any port: the port, or -1. */
static inline int ht_listen(struct evhttp *http)
{
	return ht_bound_port(evhttp_bind_socket_with_handle(http, "127.0.0.1", 0));
}

/* One step of a client's script: send bytes (len -1: strlen), after
 * pause_ms; or with flags, shut down its writing side or wait for the
 * server's reply to go quiet before the next step. */
#define HT_SHUT_WR 1   /* shutdown(SHUT_WR) after sending */
#define HT_WAIT    2   /* before sending: read until idle_ms of quiet */
#define HT_RST     4   /* close with an RST (SO_LINGER 0) and stop */
struct ht_step {
	const char *data;
	int len;
	int pause_ms;
	int flags;
};

struct ht_client {
	const char *name;
	int port;
	const struct ht_step *steps;
	int nsteps;
	int idle_ms;       /* a reply is over after this long without bytes (default 300) */
	int max_ms;        /* give up reading after this long (default 5000) */
	/* results */
	char *out;
	size_t outlen, outcap;
	int closed;        /* the server closed (EOF) */
	int reset;         /* ECONNRESET */
	int connect_failed;
};

static int ht_done_pipe[2] = { -1, -1 };
static int ht_nclients_left;
static pthread_mutex_t ht_mu = PTHREAD_MUTEX_INITIALIZER;

static inline void ht_append(struct ht_client *c, const char *b, size_t n)
{
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2 + 1024;
		c->out = realloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, b, n);
	c->outlen += n;
}

/* Read until idle_ms without data, EOF, error, or max_ms. */
static inline void ht_read_until_idle(struct ht_client *c, int fd, int idle_ms)
{
	double start = tc_mono();
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, idle_ms);
		if (r <= 0)
			return;
		char b[4096];
		ssize_t n = recv(fd, b, sizeof b, 0);
		if (n > 0) {
			ht_append(c, b, (size_t)n);
		} else if (n == 0) {
			c->closed = 1;
			return;
		} else {
			if (errno == ECONNRESET)
				c->reset = 1;
			c->closed = 1;
			return;
		}
		if ((tc_mono() - start) * 1000 > c->max_ms)
			return;
	}
}

static void *ht_client_main(void *arg)
{
	struct ht_client *c = arg;
	if (!c->idle_ms)
		c->idle_ms = 300;
	if (!c->max_ms)
		c->max_ms = 5000;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)c->port);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		c->connect_failed = 1;
		close(fd);
		goto done;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	for (int i = 0; i < c->nsteps && !c->closed; i++) {
		const struct ht_step *s = &c->steps[i];
		if (s->flags & HT_WAIT)
			ht_read_until_idle(c, fd, c->idle_ms);
		if (s->pause_ms)
			usleep((useconds_t)s->pause_ms * 1000);
		if (s->data) {
			size_t n = s->len < 0 ? strlen(s->data) : (size_t)s->len;
			if (n && send(fd, s->data, n, MSG_NOSIGNAL) < 0) {
				if (errno == ECONNRESET)
					c->reset = 1;
			}
		}
		if (s->flags & HT_SHUT_WR)
			shutdown(fd, SHUT_WR);
		if (s->flags & HT_RST) {
			struct linger l = { 1, 0 };
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
			close(fd);
			goto done;
		}
	}
	if (!c->closed)
		ht_read_until_idle(c, fd, c->idle_ms);
	close(fd);
done:
	pthread_mutex_lock(&ht_mu);
	int last = --ht_nclients_left == 0;
	pthread_mutex_unlock(&ht_mu);
	if (last) {
		char x = 1;
		if (write(ht_done_pipe[1], &x, 1) < 0)
			perror("write");
	}
	return NULL;
}

static void ht_done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	char x;
	if (read(fd, &x, 1) < 0)
		perror("read");
	event_base_loopexit((struct event_base *)arg, NULL);
}

/* Run clients (one after the other when sequential, else all at once) while
 * the loop runs; returns when all are done (or after max_s seconds). */
static inline void ht_run_clients(struct event_base *base, struct ht_client *cs, int n, int sequential, int max_s)
{
	if (pipe(ht_done_pipe) < 0) {
		perror("pipe");
		exit(1);
	}
	fcntl(ht_done_pipe[0], F_SETFL, O_NONBLOCK);
	struct event *ev = event_new(base, ht_done_pipe[0], EV_READ, ht_done_cb, base);
	event_add(ev, NULL);
	struct timeval tv = { max_s, 0 };
	pthread_t th[64];
	if (sequential) {
		for (int i = 0; i < n; i++) {
			ht_nclients_left = 1;
			pthread_create(&th[0], NULL, ht_client_main, &cs[i]);
			event_add(ev, NULL);
			event_base_loopexit(base, &tv);
			event_base_dispatch(base);
			pthread_join(th[0], NULL);
		}
	} else {
		ht_nclients_left = n;
		for (int i = 0; i < n; i++)
			pthread_create(&th[i], NULL, ht_client_main, &cs[i]);
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	event_free(ev);
	close(ht_done_pipe[0]);
	close(ht_done_pipe[1]);
}

/* Print what a client received. */
static inline void ht_print_client(const struct ht_client *c)
{
	printf("client %s:%s%s%s received %zu bytes:\n  ", c->name, c->connect_failed ? " connect failed" : "",
	    c->closed ? " closed" : " open", c->reset ? " (reset)" : "", c->outlen);
	ht_print_bytes(c->out ? c->out : "", c->outlen);
}

/* Print a request as a server callback sees it. */
static inline void ht_print_request(struct evhttp_request *req)
{
	static const char *const cmds[] = { "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH" };
	int cmd = evhttp_request_get_command(req);
	const char *name = "?";
	for (int i = 0; i < 9; i++)
		if (cmd == (1 << i))
			name = cmds[i];
	printf("  request: %s(%d) uri=", name, cmd);
	ht_print_str(evhttp_request_get_uri(req));
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	if (u) {
		printf(" path=");
		ht_print_str(evhttp_uri_get_path(u));
		printf(" query=");
		ht_print_str(evhttp_uri_get_query(u));
	}
	printf(" host=");
	ht_print_str(evhttp_request_get_host(req));
	printf(" version=%d.%d kind=%d flags=0x%x\n", req->major, req->minor, req->kind, req->flags);
	struct evkeyval *kv;
	for (kv = evhttp_request_get_input_headers(req)->tqh_first; kv; kv = kv->next.tqe_next) {
		printf("    header ");
		ht_print_str(kv->key);
		printf(": ");
		ht_print_str(kv->value);
		printf("\n");
	}
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	printf("    body %zu bytes: ", n);
	ht_print_bytes((const char *)evbuffer_pullup(in, -1), n);
}

#endif /* GOEVENT_TESTS_C_HTTPTEST_H */

/* ---- a raw server for the client cases ----
 * A thread on 127.0.0.1 (any port) that accepts connections one after the
 * other and plays a script on each: read a request (or several), answer
 * with exact bytes (in pieces, with pauses), close or not. What each
 * connection received is recorded for the transcript. */
#define HT_SRV_READ  1   /* read one whole request before this step's bytes */
#define HT_SRV_CLOSE 2   /* close after this step's bytes */
#define HT_SRV_RST   4   /* close with an RST after this step's bytes */
#define HT_SRV_IDLE  8   /* read until idle (idle_ms) before this step */
struct ht_srv_step {
	const char *data;
	int len;
	int pause_ms;
	int flags;
};
struct ht_srv_conn {
	const struct ht_srv_step *steps;
	int nsteps;
	/* results */
	char got[16384];
	size_t gotlen;
	int accepted;
	int peer_port;   /* the client's port */
};
struct ht_srv {
	int fd, port;
	struct ht_srv_conn *conns;
	int nconns;
	int idle_ms;
	int accept_ms;   /* wait for each connection at most (default 3000) */
	pthread_t th;
};

static inline size_t ht_srv_recv(struct ht_srv_conn *c, int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, ms) <= 0)
		return 0;
	ssize_t n = recv(fd, c->got + c->gotlen, sizeof c->got - c->gotlen - 1, 0);
	if (n <= 0)
		return 0;
	c->gotlen += (size_t)n;
	c->got[c->gotlen] = '\0';
	return (size_t)n;
}

/* Read until one more whole request (head, then its Content-Length or
 * chunked body) is in c->got after position *pos. */
static inline void ht_srv_read_request(struct ht_srv_conn *c, int fd, size_t *pos, int ms)
{
	for (;;) {
		char *head = strstr(c->got + *pos, "\r\n\r\n");
		if (head) {
			size_t hend = (size_t)(head - c->got) + 4;
			size_t need = hend;
			const char *cl = NULL;
			for (const char *p = c->got + *pos; p < head; p++)
				if ((p == c->got + *pos || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
					cl = p + 15;
			int chunked = 0;
			for (const char *p = c->got + *pos; p < head; p++)
				if ((p == c->got + *pos || p[-1] == '\n') && strncasecmp(p, "Transfer-Encoding: chunked", 26) == 0)
					chunked = 1;
			if (cl)
				need += (size_t)atol(cl);
			if (chunked) {
				char *end = strstr(c->got + hend, "0\r\n\r\n");
				if (end) {
					*pos = (size_t)(end - c->got) + 5;
					return;
				}
			} else if (c->gotlen >= need) {
				*pos = need;
				return;
			}
		}
		if (ht_srv_recv(c, fd, ms) == 0)
			return;
	}
}

static void *ht_srv_main(void *arg)
{
	struct ht_srv *s = arg;
	if (!s->idle_ms)
		s->idle_ms = 200;
	if (!s->accept_ms)
		s->accept_ms = 3000;
	for (int i = 0; i < s->nconns; i++) {
		struct ht_srv_conn *c = &s->conns[i];
		struct pollfd p = { s->fd, POLLIN, 0 };
		if (poll(&p, 1, s->accept_ms) <= 0)
			break;
		struct sockaddr_in peer;
		socklen_t plen = sizeof peer;
		int fd = accept(s->fd, (struct sockaddr *)&peer, &plen);
		if (fd < 0)
			break;
		c->accepted = 1;
		c->peer_port = ntohs(peer.sin_port);
		size_t pos = 0;
		int closed = 0;
		for (int k = 0; k < c->nsteps && !closed; k++) {
			const struct ht_srv_step *st = &c->steps[k];
			if (st->flags & HT_SRV_READ)
				ht_srv_read_request(c, fd, &pos, 3000);
			if (st->flags & HT_SRV_IDLE)
				while (ht_srv_recv(c, fd, s->idle_ms) > 0)
					;
			if (st->pause_ms)
				usleep((useconds_t)st->pause_ms * 1000);
			if (st->data) {
				size_t n = st->len < 0 ? strlen(st->data) : (size_t)st->len;
				if (send(fd, st->data, n, MSG_NOSIGNAL) < 0)
					closed = 1;
			}
			if (st->flags & HT_SRV_RST) {
				struct linger l = { 1, 0 };
				setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
			}
			if (st->flags & (HT_SRV_CLOSE | HT_SRV_RST)) {
				/* what the client sent before the close */
				if (!(st->flags & HT_SRV_RST))
					while (ht_srv_recv(c, fd, 50) > 0)
						;
				close(fd);
				closed = 1;
			}
		}
		if (!closed) {
			/* keep reading until the client closes or goes quiet */
			while (ht_srv_recv(c, fd, s->idle_ms) > 0)
				;
			close(fd);
		}
	}
	return NULL;
}

/* Start a raw server: its port. */
static inline int ht_srv_start(struct ht_srv *s, struct ht_srv_conn *conns, int n)
{
	struct sockaddr_in sin;
	s->conns = conns;
	s->nconns = n;
	s->fd = tc_listen_loopback(&sin, 16);
	s->port = ntohs(sin.sin_port);
	pthread_create(&s->th, NULL, ht_srv_main, s);
	return s->port;
}

static inline void ht_srv_stop(struct ht_srv *s)
{
	pthread_join(s->th, NULL);
	close(s->fd);
}

static inline void ht_srv_print(const struct ht_srv *s)
{
	for (int i = 0; i < s->nconns; i++) {
		const struct ht_srv_conn *c = &s->conns[i];
		printf("server connection %d: %s, received %zu bytes:\n  ", i + 1, c->accepted ? "accepted" : "none", c->gotlen);
		ht_print_bytes(c->got, c->gotlen);
	}
}
