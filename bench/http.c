/*
 * http.c - evhttp benchmarks (bench/README.md).
 *
 *   http serve PORTFILE          a minimal evhttp server (one generic callback
 *                                answering "hello world\n" with a header of its
 *                                own) on 127.0.0.1, until SIGTERM; bench/run.sh
 *                                points wrk at it
 *   http client NAME N           requests per second of an evhttp client doing N
 *                                GETs one after another on one keep-alive
 *                                connection, against a responder process of our
 *                                own (plain sockets) on 127.0.0.1
 *   http memory NAME N           bytes of RSS per open server connection: N
 *                                clients (a responder process) each connected
 *                                with half a request sent
 */
#include "bench.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

static struct event_base *base;

static void hello(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *b = evhttp_request_get_output_buffer(req);
	evbuffer_add(b, "hello world\n", 12);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
	evhttp_send_reply(req, 200, "OK", NULL);
}

static void on_term(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	event_base_loopexit(base, NULL);
}

static struct evhttp *start_server(int *port)
{
	struct evhttp *http = evhttp_new(base);
	struct evhttp_bound_socket *b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (!b)
		failf("evhttp_bind_socket failed");
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	getsockname(evhttp_bound_socket_get_fd(b), (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	evhttp_set_gencb(http, hello, NULL);
	return http;
}

static int serve(const char *portfile)
{
	want_fds(4096);
	base = event_base_new();
	int port;
	struct evhttp *http = start_server(&port);
	struct event *term = evsignal_new(base, SIGTERM, on_term, NULL);
	event_add(term, NULL);
	FILE *f = fopen(portfile, "w");
	if (!f)
		failf("cannot write %s", portfile);
	fprintf(f, "%d\n", port);
	fclose(f);
	event_base_dispatch(base);
	event_free(term);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}

/* ---- client ---- */

static int listen_any(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		failf("listen: %s", strerror(errno));
	*port = ntohs(sin.sin_port);
	return fd;
}

/* The responder: one connection at a time; every request (head ending in
 * a blank line, no body) gets the same reply. */
static void responder(int lfd)
{
	static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world\n";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(0);
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		char buf[65536];
		size_t have = 0;
		for (;;) {
			ssize_t n = read(fd, buf + have, sizeof buf - have);
			if (n <= 0)
				break;
			have += (size_t)n;
			size_t start = 0;
			for (;;) {
				char *e = memmem(buf + start, have - start, "\r\n\r\n", 4);
				if (!e)
					break;
				if (write(fd, reply, sizeof reply - 1) < 0)
					break;
				start = (size_t)(e - buf) + 4;
			}
			memmove(buf, buf + start, have - start);
			have -= start;
		}
		close(fd);
	}
}

static struct evhttp_connection *evcon;
static long left, ok;

static void next(void);

static void got(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (req && evhttp_request_get_response_code(req) == 200 &&
	    evbuffer_get_length(evhttp_request_get_input_buffer(req)) == 12)
		ok++;
	if (--left > 0)
		next();
	else
		event_base_loopexit(base, NULL);
}

static void next(void)
{
	struct evhttp_request *req = evhttp_request_new(got, NULL);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1");
	if (evhttp_make_request(evcon, req, EVHTTP_REQ_GET, "/hello") != 0)
		failf("evhttp_make_request failed");
}

static int client(const char *name, long n)
{
	int port;
	int lfd = listen_any(&port);
	pid_t pid = fork();
	if (pid == 0)
		responder(lfd);
	close(lfd);
	base = event_base_new();
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
	left = n;
	double w0 = now_sec(), c0 = cpu_sec();
	next();
	event_base_dispatch(base);
	double wall = now_sec() - w0, cpu = cpu_sec() - c0;
	if (ok != n)
		failf("%ld of %ld requests answered", ok, n);
	printf("RESULT name=%s value=%.0f unit=req/s cpu_us_per_request=%.2f requests=%ld\n", name, n / wall,
	    cpu * 1e6 / n, n);
	evhttp_connection_free(evcon);
	event_base_free(base);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

/* ---- memory per open connection ---- */

static void opener(int port, long n, int ready_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	want_fds(n + 64);
	int *fds = calloc((size_t)n, sizeof *fds);
	for (long i = 0; i < n; i++) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)port);
		sin.sin_addr.s_addr = htonl(0x7f000001);
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fds[i], (struct sockaddr *)&sin, sizeof sin) != 0)
			_exit(1);
		static const char half[] = "GET /half HTTP/1.1\r\nHost: 127.0.0.1\r\nX-More: ";
		if (write(fds[i], half, sizeof half - 1) < 0)
			_exit(1);
	}
	char x = 1;
	if (write(ready_fd, &x, 1) < 0)
		_exit(1);
	pause();
	_exit(0);
}

static void settle(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int memory(const char *name, long n)
{
	want_fds(n + 64);
	base = event_base_new();
	int port;
	struct evhttp *http = start_server(&port);
	settle(50);
	long r0 = rss_bytes();
	int p[2];
	if (pipe(p) != 0)
		failf("pipe");
	pid_t pid = fork();
	if (pid == 0)
		opener(port, n, p[1]);
	/* run the loop until the opener says all are connected and sent */
	for (;;) {
		settle(50);
		struct pollfd pf = { p[0], POLLIN, 0 };
		if (poll(&pf, 1, 0) > 0)
			break;
	}
	settle(300); /* the last connections accepted and read */
	long r1 = rss_bytes();
	printf("RESULT name=%s value=%.0f unit=B/connection connections=%ld\n", name, (double)(r1 - r0) / n, n);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}

int main(int argc, char **argv)
{
	alarm(120);
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc == 4 && strcmp(argv[1], "client") == 0)
		return client(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "memory") == 0)
		return memory(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: http serve PORTFILE | client NAME N | memory NAME N\n");
	return 2;
}
