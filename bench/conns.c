/*
 * conns.c - server-side shapes driven by a separate load-generator process
 * (plain libevent 2.1 API on the server; the generator uses plain sockets).
 *
 * The generator is forked before the server makes any libevent call, so it
 * never runs library code; it talks to the server over TCP on 127.0.0.1
 * (port 0).  Every wait is bounded: alarm() in both processes, poll timeouts,
 * a guard timer in the server's loop.
 *
 *   conns fds NAME N ROUNDS
 *       dispatch: the generator opens N data connections (plus one control
 *       connection).  Each round it sends one byte on every data connection,
 *       then "ready" on the control connection; the server, which waited for
 *       that outside its loop, runs event_base_loop(EVLOOP_ONCE) until all N
 *       one-shot EV_READ callbacks have run (each reads its byte and re-adds
 *       its event).  Only the loop is timed, in the server's CPU time (all
 *       threads; the data is there, so the loop does not block and on an
 *       idle machine this equals wall time).  ROUNDS/10+2 warm-up rounds.
 *       RESULT name=NAME value=ns_per_event unit=ns/event ...
 *
 *   conns setup NAME CONNS
 *       connection setup: the generator connects, sends one byte and waits for
 *       the server to close, one connection at a time.  The server's
 *       evconnlistener accepts; the callback makes a bufferevent_socket_new
 *       (BEV_OPT_CLOSE_ON_FREE), sets a read callback and enables EV_READ;
 *       the read callback drains the byte and frees the bufferevent.  Server
 *       CPU time (getrusage: user + system, all threads) per connection over
 *       CONNS connections after CONNS/10 warm-up connections.
 *       RESULT name=NAME value=us_cpu_per_conn unit=us/conn ...
 *
 *   conns idle NAME CONNS
 *       memory per idle connection: the generator opens CONNS connections one
 *       after another, each sends one byte and waits for a one-byte answer,
 *       and keeps them all open.  Each accepted connection is a bufferevent
 *       with EV_READ enabled whose read callback reads the byte and answers
 *       one byte with bufferevent_write.  When every connection has answered
 *       the server idles 300 ms in its loop, then reads its RSS.  Result:
 *       (RSS then - RSS before the first connection) / CONNS, where "before"
 *       is after the listener was set up and the loop had run once.
 *       RESULT name=NAME value=bytes_per_conn unit=B/conn ...
 */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#define LIMIT 40 /* seconds: server guard; the generator gets LIMIT + 10 */

/* ------------------------------------------------------------------ plain sockets */

static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		failf("socket: %s", strerror(errno));
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 4096) < 0)
		failf("bind/listen: %s", strerror(errno));
	socklen_t len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		failf("getsockname: %s", strerror(errno));
	*port = ntohs(sin.sin_port);
	return fd;
}

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		failf("generator: socket: %s", strerror(errno));
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		failf("generator: connect: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Waits (bounded) for fd to be readable. */
static void wait_in(int fd, int secs, const char *what)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r;
	while ((r = poll(&p, 1, secs * 1000)) < 0 && errno == EINTR)
		;
	if (r <= 0)
		failf("%s: nothing within %d s", what, secs);
}

static char recv1(int fd, const char *what)
{
	char c;
	wait_in(fd, LIMIT, what);
	ssize_t n = recv(fd, &c, 1, 0);
	if (n != 1)
		failf("%s: recv returned %zd (%s)", what, n, n < 0 ? strerror(errno) : "EOF");
	return c;
}

static void send1(int fd, char c, const char *what)
{
	if (send(fd, &c, 1, MSG_NOSIGNAL) != 1)
		failf("%s: send: %s", what, strerror(errno));
}

/* Forks the load generator, which runs gen(port, n, arg, fd) and exits;
 * fd is the read end of a pipe the server closes when the generator may go. */
static pid_t gen_pid;
static int gen_pipe = -1;

static void fork_generator(void (*gen)(int, long, long, int), int lfd, int port, long n, long arg)
{
	int p[2];
	if (pipe(p) < 0)
		failf("pipe: %s", strerror(errno));
	fflush(stdout);
	gen_pid = fork();
	if (gen_pid < 0)
		failf("fork: %s", strerror(errno));
	if (gen_pid == 0) {
		close(lfd);
		close(p[1]);
		alarm(LIMIT + 10);
		gen(port, n, arg, p[0]);
		_exit(0);
	}
	close(p[0]);
	gen_pipe = p[1];
	alarm(LIMIT + 5);
}

/* Lets the generator go and collects its status; 0 = it exited cleanly. */
static int finish_generator(int kill_it)
{
	int status = 0;
	close(gen_pipe);
	if (kill_it)
		kill(gen_pid, SIGKILL);
	if (waitpid(gen_pid, &status, 0) < 0)
		return -1;
	if (kill_it)
		return 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: load generator failed (status 0x%x)\n", status);
		return -1;
	}
	return 0;
}

/* The generator waits for the server to close the pipe (EOF). */
static void gen_wait_release(int fd)
{
	char c;
	wait_in(fd, LIMIT + 5, "generator: waiting for the server");
	if (read(fd, &c, 1) != 0)
		failf("generator: unexpected data on the release pipe");
}

static struct event_base *base;
static struct event *guard;

static void guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	failf("server: gave up after %d s", LIMIT);
}

static void make_base(void)
{
	base = event_base_new();
	if (!base)
		failf("event_base_new failed");
	struct timeval tv = { LIMIT, 0 };
	guard = evtimer_new(base, guard_cb, NULL);
	if (!guard || evtimer_add(guard, &tv) < 0)
		failf("guard timer failed");
}

/* ------------------------------------------------------------------ fds */

static void gen_fds(int port, long n, long rounds, int release)
{
	int ctl = connect_to(port);
	int *fd = calloc((size_t)n, sizeof *fd);
	if (!fd)
		failf("generator: out of memory");
	for (long i = 0; i < n; i++)
		fd[i] = connect_to(port);
	for (long r = 0; r < rounds; r++) {
		if (recv1(ctl, "generator: round") != 'g')
			failf("generator: bad control byte");
		for (long i = 0; i < n; i++)
			send1(fd[i], 'd', "generator: data");
		send1(ctl, 'r', "generator: ready");
	}
	gen_wait_release(release);
}

static evutil_socket_t *fds_fd;
static struct event **fds_ev;
static long fds_reads, fds_again;

static void fds_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	char c;
	ssize_t n = recv(fd, &c, 1, 0);
	if (n == 1)
		fds_reads++;
	else if (n < 0 && errno == EAGAIN)
		fds_again++;
	else
		failf("server: recv on a data connection returned %zd", n);
	if (event_add(fds_ev[(intptr_t)arg], NULL) < 0)
		failf("server: event_add failed");
}

static int fds_main(const char *name, long n, long rounds)
{
	want_fds(n + 64);
	int port, lfd = listen_any(&port);
	long warm = rounds / 10 + 2;
	fork_generator(gen_fds, lfd, port, n, warm + rounds);
	wait_in(lfd, LIMIT, "server: accept");
	int ctl = accept(lfd, NULL, NULL);
	fds_fd = calloc((size_t)n, sizeof *fds_fd);
	fds_ev = calloc((size_t)n, sizeof *fds_ev);
	if (ctl < 0 || !fds_fd || !fds_ev)
		failf("server: accept/calloc failed");
	for (long i = 0; i < n; i++) {
		wait_in(lfd, LIMIT, "server: accept");
		if ((fds_fd[i] = accept(lfd, NULL, NULL)) < 0)
			failf("server: accept: %s", strerror(errno));
		evutil_make_socket_nonblocking(fds_fd[i]);
	}
	make_base();
	for (long i = 0; i < n; i++)
		if (!(fds_ev[i] = event_new(base, fds_fd[i], EV_READ, fds_cb, (void *)(intptr_t)i)) ||
		    event_add(fds_ev[i], NULL) < 0)
			failf("server: event_new/event_add failed");
	double el = 0;
	long passes = 0;
	for (long r = 0; r < warm + rounds; r++) {
		send1(ctl, 'g', "server: go");
		if (recv1(ctl, "server: ready") != 'r')
			failf("server: bad control byte");
		long want = fds_reads + n;
		double t0 = cpu_now();
		while (fds_reads < want) {
			if (event_base_loop(base, EVLOOP_ONCE) < 0)
				failf("event_base_loop failed");
			if (r >= warm)
				passes++;
		}
		if (r >= warm)
			el += cpu_now() - t0;
	}
	printf("RESULT name=%s value=%.2f unit=ns/event fds=%ld rounds=%ld loop_passes_per_round=%.2f eagain=%ld cpu_secs=%.6f method=%s\n",
	    name, el * 1e9 / ((double)rounds * n), n, rounds, (double)passes / rounds, fds_again, el,
	    event_base_get_method(base));
	/* the server closes first: TIME_WAIT stays on its side, not on the
	 * generator's ephemeral ports */
	for (long i = 0; i < n; i++) {
		event_free(fds_ev[i]);
		close(fds_fd[i]);
	}
	close(ctl);
	event_free(guard);
	event_base_free(base);
	return finish_generator(0) < 0;
}

/* ------------------------------------------------------------------ setup */

static void gen_setup(int port, long total, long unused, int release)
{
	(void)unused;
	for (long i = 0; i < total; i++) {
		int fd = connect_to(port);
		send1(fd, 'c', "generator: send");
		char c;
		wait_in(fd, LIMIT, "generator: waiting for the server to close");
		ssize_t n = recv(fd, &c, 1, 0);
		if (n != 0)
			failf("generator: expected EOF, recv returned %zd", n);
		close(fd);
	}
	gen_wait_release(release);
}

static long setup_done, setup_warm, setup_total;
static double setup_cpu0, setup_cpu1, setup_t0, setup_t1;

static void setup_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	if (evbuffer_get_length(in) != 1)
		failf("server: expected one byte");
	evbuffer_drain(in, 1);
	bufferevent_free(bev);
	setup_done++;
	if (setup_done == setup_warm) {
		setup_cpu0 = cpu_sec();
		setup_t0 = now_sec();
	} else if (setup_done == setup_total) {
		setup_cpu1 = cpu_sec();
		setup_t1 = now_sec();
		event_base_loopbreak(base);
	}
}

static void setup_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev; (void)arg;
	failf("server: unexpected bufferevent event 0x%x", what);
}

static void setup_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	(void)l; (void)sa; (void)socklen; (void)arg;
	struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		failf("server: bufferevent_socket_new failed");
	bufferevent_setcb(bev, setup_read_cb, NULL, setup_event_cb, NULL);
	if (bufferevent_enable(bev, EV_READ) < 0)
		failf("server: bufferevent_enable failed");
}

static int setup_main(const char *name, long conns)
{
	int port, lfd = listen_any(&port);
	setup_warm = conns / 10 + 1;
	setup_total = setup_warm + conns;
	fork_generator(gen_setup, lfd, port, setup_total, 0);
	make_base();
	evutil_make_socket_nonblocking(lfd);
	struct evconnlistener *l = evconnlistener_new(base, setup_accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE, -1, lfd);
	if (!l)
		failf("evconnlistener_new failed");
	if (event_base_dispatch(base) < 0)
		failf("event_base_dispatch failed");
	if (setup_done != setup_total)
		failf("server: loop ended early");
	/* the last bufferevent_free may complete (and close) only here */
	evconnlistener_free(l);
	event_free(guard);
	event_base_free(base);
	if (finish_generator(0) < 0)
		return 1;
	printf("RESULT name=%s value=%.3f unit=us/conn conns=%ld cpu_secs=%.6f wall_us_per_conn=%.2f\n",
	    name, (setup_cpu1 - setup_cpu0) * 1e6 / conns, conns, setup_cpu1 - setup_cpu0,
	    (setup_t1 - setup_t0) * 1e6 / conns);
	return 0;
}

/* ------------------------------------------------------------------ idle */

static void gen_idle(int port, long conns, long unused, int release)
{
	(void)unused;
	for (long i = 0; i < conns; i++) {
		int fd = connect_to(port);
		send1(fd, 'i', "generator: send");
		if (recv1(fd, "generator: answer") != 'y')
			failf("generator: bad answer");
	}
	gen_wait_release(release);   /* keeps every connection open until then */
}

static struct bufferevent **idle_bev;
static long idle_accepted, idle_answered, idle_conns;
static long idle_rss0, idle_rss1;

static void idle_measure_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	idle_rss1 = rss_bytes();
	event_base_loopbreak(base);
}

static void idle_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	char c;
	if (bufferevent_read(bev, &c, 1) != 1)
		failf("server: expected one byte");
	if (bufferevent_write(bev, "y", 1) < 0)
		failf("server: bufferevent_write failed");
	if (++idle_answered == idle_conns) {
		struct timeval tv = { 0, 300000 };
		if (event_base_once(base, -1, EV_TIMEOUT, idle_measure_cb, NULL, &tv) < 0)
			failf("event_base_once failed");
	}
}

static void idle_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev; (void)arg;
	failf("server: unexpected bufferevent event 0x%x", what);
}

static void idle_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int socklen, void *arg)
{
	(void)l; (void)sa; (void)socklen; (void)arg;
	if (idle_accepted >= idle_conns)
		failf("server: too many connections");
	struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		failf("server: bufferevent_socket_new failed");
	bufferevent_setcb(bev, idle_read_cb, NULL, idle_event_cb, NULL);
	if (bufferevent_enable(bev, EV_READ) < 0)
		failf("server: bufferevent_enable failed");
	idle_bev[idle_accepted++] = bev;
}

static int idle_main(const char *name, long conns)
{
	want_fds(conns + 64);
	idle_conns = conns;
	idle_bev = calloc((size_t)conns, sizeof *idle_bev);
	if (!idle_bev)
		failf("out of memory");
	int port, lfd = listen_any(&port);
	fork_generator(gen_idle, lfd, port, conns, 0);
	make_base();
	evutil_make_socket_nonblocking(lfd);
	struct evconnlistener *l = evconnlistener_new(base, idle_accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE, -1, lfd);
	if (!l)
		failf("evconnlistener_new failed");
	if (event_base_loop(base, EVLOOP_NONBLOCK) < 0)
		failf("event_base_loop failed");
	idle_rss0 = rss_bytes();
	if (event_base_dispatch(base) < 0)
		failf("event_base_dispatch failed");
	if (idle_rss1 == 0)
		failf("server: loop ended before the measurement");
	for (long i = 0; i < conns; i++)
		bufferevent_free(idle_bev[i]);
	if (finish_generator(0) < 0)
		return 1;
	printf("RESULT name=%s value=%.0f unit=B/conn conns=%ld rss_before_kib=%ld rss_idle_kib=%ld\n",
	    name, (double)(idle_rss1 - idle_rss0) / conns, conns, idle_rss0 / 1024, idle_rss1 / 1024);
	evconnlistener_free(l);
	event_free(guard);
	event_base_free(base);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	    "usage: conns fds NAME N ROUNDS\n"
	    "       conns setup NAME CONNS\n"
	    "       conns idle NAME CONNS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "fds") && atol(argv[3]) > 0 && atol(argv[4]) > 0)
		return fds_main(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "setup") && atol(argv[3]) > 0)
		return setup_main(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "idle") && atol(argv[3]) > 0)
		return idle_main(argv[2], atol(argv[3]));
	usage();
	return 2;
}
