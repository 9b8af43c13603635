/*
 * echo.c - bufferevent echo-server throughput (plain libevent 2.1 API).
 *
 * The server is a libevent bufferevent echo server: an evconnlistener accepts,
 * and each connection's read callback moves its whole input buffer to its
 * output buffer with bufferevent_write_buffer().  The clients are plain
 * blocking/poll() sockets in a forked child process (forked before any
 * libevent call), so the measured event loop is the server's and client and
 * server can run on different cores.  Loopback only, port 0.
 *
 * Modes:
 *   echo bench NAME CONNS ROUNDS [onecpu]
 *       fork the client, serve, print one line
 *       RESULT name=NAME msgs_per_sec=... conns=.. rounds=.. msgs=.. secs=..
 *       (a message is one 64-byte round trip; the client times from its first
 *       send to its last complete reply).  With "onecpu", server and client
 *       are pinned to one CPU (the lowest allowed): the run then measures CPU
 *       time per message instead of cross-CPU wake-up latency, which on
 *       virtual machines is large and bimodal.
 *   echo serve CONNS PORTFILE       serve only: write the port to PORTFILE,
 *       echo until CONNS connections have come and gone, then print
 *       "SERVER ... pid=PID" and exit (used to strace the server alone; its
 *       loop runs on the main thread, whose thread id is PID)
 *   echo client PORT CONNS ROUNDS   client only (no libevent needed)
 *
 * Built with -DECHO_CLIENT_ONLY, only the client mode exists and the program
 * does not need libevent at all.
 *
 * Every wait is bounded: the server gives up after SERVER_LIMIT seconds, the
 * client after CLIENT_LIMIT seconds (poll timeouts + alarm()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ECHO_CLIENT_ONLY
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#endif

#define MSG 64
#define CLIENT_LIMIT 60   /* seconds */
#define SERVER_LIMIT 70   /* seconds */

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ------------------------------------------------------------------ client */

struct conn {
	int fd;
	long rounds;   /* completed round trips */
	int got;       /* bytes of the current reply received */
	unsigned char msg[MSG];
};

static void fill_msg(unsigned char *m, int conn, long round)
{
	for (int i = 0; i < MSG; i++)
		m[i] = (unsigned char)(conn * 31 + round * 7 + i);
}

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		die("connect");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int send_all(int fd, const unsigned char *p, int n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, (size_t)n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pf = { fd, POLLOUT, 0 };
				if (poll(&pf, 1, CLIENT_LIMIT * 1000) <= 0)
					return -1;
				continue;
			}
			return -1;
		}
		p += w;
		n -= (int)w;
	}
	return 0;
}

/* Runs the whole client; returns elapsed seconds or < 0 on failure. */
static double run_client(int port, int nconns, long rounds)
{
	struct conn *c = calloc((size_t)nconns, sizeof *c);
	struct pollfd *pf = calloc((size_t)nconns, sizeof *pf);
	unsigned char buf[MSG];
	if (!c || !pf)
		return -1;
	for (int i = 0; i < nconns; i++) {
		c[i].fd = connect_to(port);
		if (nconns > 1)
			fcntl(c[i].fd, F_SETFL, fcntl(c[i].fd, F_GETFL) | O_NONBLOCK);
	}
	double t0 = now_sec();
	if (nconns == 1) {
		/* Strict ping-pong with blocking calls. */
		struct conn *k = &c[0];
		struct pollfd p1 = { k->fd, POLLIN, 0 };
		for (long r = 0; r < rounds; r++) {
			fill_msg(k->msg, 0, r);
			if (send_all(k->fd, k->msg, MSG) < 0) {
				fprintf(stderr, "echo client: send: %s\n", strerror(errno));
				return -1;
			}
			int got = 0;
			while (got < MSG) {
				int pr = poll(&p1, 1, CLIENT_LIMIT * 1000);
				if (pr == 0) {
					fprintf(stderr, "echo client: no reply within %ds\n", CLIENT_LIMIT);
					return -1;
				}
				if (pr < 0) {
					if (errno == EINTR)
						continue;
					return -1;
				}
				ssize_t n = recv(k->fd, buf + got, (size_t)(MSG - got), 0);
				if (n <= 0) {
					fprintf(stderr, "echo client: recv: %s\n",
					    n == 0 ? "connection closed by server" : strerror(errno));
					return -1;
				}
				got += (int)n;
			}
			if (memcmp(buf, k->msg, MSG) != 0) {
				fprintf(stderr, "echo client: reply differs from message\n");
				return -1;
			}
		}
	} else {
		/* Every connection keeps one message in flight. */
		for (int i = 0; i < nconns; i++) {
			fill_msg(c[i].msg, i, 0);
			if (send_all(c[i].fd, c[i].msg, MSG) < 0)
				return -1;
		}
		int active = nconns;
		while (active > 0) {
			int np = 0;
			int idx[nconns];
			for (int i = 0; i < nconns; i++) {
				if (c[i].rounds < rounds) {
					pf[np].fd = c[i].fd;
					pf[np].events = POLLIN;
					pf[np].revents = 0;
					idx[np++] = i;
				}
			}
			int pr = poll(pf, (nfds_t)np, CLIENT_LIMIT * 1000);
			if (pr == 0) {
				fprintf(stderr, "echo client: no reply within %ds\n", CLIENT_LIMIT);
				return -1;
			}
			if (pr < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			for (int j = 0; j < np; j++) {
				if (!pf[j].revents)
					continue;
				struct conn *k = &c[idx[j]];
				ssize_t n = recv(k->fd, buf, (size_t)(MSG - k->got), 0);
				if (n < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				if (n <= 0) {
					fprintf(stderr, "echo client: recv: %s\n",
					    n == 0 ? "connection closed by server" : strerror(errno));
					return -1;
				}
				if (memcmp(buf, k->msg + k->got, (size_t)n) != 0) {
					fprintf(stderr, "echo client: reply differs from message\n");
					return -1;
				}
				k->got += (int)n;
				if (k->got < MSG)
					continue;
				k->got = 0;
				k->rounds++;
				if (k->rounds == rounds) {
					active--;
					continue;
				}
				fill_msg(k->msg, idx[j], k->rounds);
				if (send_all(k->fd, k->msg, MSG) < 0)
					return -1;
			}
		}
	}
	double el = now_sec() - t0;
	for (int i = 0; i < nconns; i++)
		close(c[i].fd);
	free(c);
	free(pf);
	return el;
}

static int client_main(int port, int nconns, long rounds)
{
	alarm(CLIENT_LIMIT + 5);
	double el = run_client(port, nconns, rounds);
	if (el < 0)
		return 1;
	printf("CLIENT conns=%d rounds=%ld msgs=%ld secs=%.6f msgs_per_sec=%.0f\n",
	    nconns, rounds, nconns * rounds, el, nconns * rounds / el);
	return 0;
}

#ifndef ECHO_CLIENT_ONLY
/* ------------------------------------------------------------------ server */

static int expected_conns, accepted, closed_conns, server_failed;
static long long echoed_bytes;
static struct event_base *base;

static void readcb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	echoed_bytes += (long long)evbuffer_get_length(in);
	bufferevent_write_buffer(bev, in);
}

static void eventcb(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_ERROR)
		fprintf(stderr, "echo server: connection error: %s\n", strerror(errno));
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		if (++closed_conns == expected_conns)
			event_base_loopbreak(base);
	}
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	(void)l; (void)sa; (void)socklen; (void)arg;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		fprintf(stderr, "echo server: bufferevent_socket_new failed\n");
		close(fd);
		server_failed = 1;
		event_base_loopbreak(base);
		return;
	}
	accepted++;
	bufferevent_setcb(bev, readcb, NULL, eventcb, NULL);
	if (bufferevent_enable(bev, EV_READ | EV_WRITE) < 0) {
		fprintf(stderr, "echo server: bufferevent_enable failed\n");
		server_failed = 1;
		event_base_loopbreak(base);
	}
}

static void timeoutcb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	fprintf(stderr, "echo server: gave up after %ds (accepted %d, closed %d of %d)\n",
	    SERVER_LIMIT, accepted, closed_conns, expected_conns);
	server_failed = 1;
	event_base_loopbreak(base);
}

static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		die("bind");
	if (listen(fd, 1024) < 0)
		die("listen");
	socklen_t len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		die("getsockname");
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Runs the server on an already listening fd; 0 on success. */
static int serve(int lfd, int nconns)
{
	expected_conns = nconns;
	base = event_base_new();
	if (!base) {
		fprintf(stderr, "echo server: event_base_new failed\n");
		return 1;
	}
	evutil_make_socket_nonblocking(lfd);
	struct evconnlistener *l = evconnlistener_new(base, acceptcb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 0, lfd);
	if (!l) {
		fprintf(stderr, "echo server: evconnlistener_new failed\n");
		return 1;
	}
	struct event *guard = evtimer_new(base, timeoutcb, NULL);
	struct timeval tv = { SERVER_LIMIT, 0 };
	if (!guard || evtimer_add(guard, &tv) < 0) {
		fprintf(stderr, "echo server: guard timer failed\n");
		return 1;
	}
	if (event_base_dispatch(base) < 0) {
		fprintf(stderr, "echo server: event_base_dispatch failed\n");
		return 1;
	}
	event_free(guard);
	evconnlistener_free(l);
	event_base_free(base);
	return server_failed;
}

/* Pins this process (and so the forked client) to its lowest allowed CPU;
 * returns the CPU or -1. */
static int pin_one_cpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) < 0)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &set)) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			return sched_setaffinity(0, sizeof set, &set) < 0 ? -1 : cpu;
		}
	}
	return -1;
}

static int bench_main(const char *name, int nconns, long rounds, int onecpu)
{
	int port;
	int cpu = -1;
	if (onecpu && (cpu = pin_one_cpu()) < 0)
		die("sched_setaffinity");
	int lfd = listen_any(&port);
	int pfd[2];
	if (pipe(pfd) < 0)
		die("pipe");
	fflush(stdout);
	/* Fork before any libevent call: the child only uses plain libc. */
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(lfd);
		close(pfd[0]);
		alarm(CLIENT_LIMIT + 5);
		double el = run_client(port, nconns, rounds);
		char line[64];
		int n = snprintf(line, sizeof line, "%.9f\n", el);
		if (write(pfd[1], line, (size_t)n) != n)
			_exit(1);
		_exit(el < 0 ? 1 : 0);
	}
	close(pfd[1]);
	int rc = serve(lfd, nconns);
	char line[64] = "";
	ssize_t n;
	size_t got = 0;
	struct pollfd p = { pfd[0], POLLIN, 0 };
	while (got < sizeof line - 1 && poll(&p, 1, 10000) > 0 &&
	    (n = read(pfd[0], line + got, sizeof line - 1 - got)) > 0)
		got += (size_t)n;
	line[got] = 0;
	int status = 0;
	/* The client has exited or is about to (bounded by its alarm). */
	if (rc != 0)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (rc != 0)
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == 0) {
		fprintf(stderr, "echo: client failed (status 0x%x)\n", status);
		return 1;
	}
	double el = atof(line);
	long msgs = nconns * rounds;
	if (el <= 0 || echoed_bytes != (long long)msgs * MSG) {
		fprintf(stderr, "echo: bad run (elapsed %.6f, echoed %lld of %lld bytes)\n",
		    el, echoed_bytes, (long long)msgs * MSG);
		return 1;
	}
	printf("RESULT name=%s msgs_per_sec=%.0f conns=%d rounds=%ld msgs=%ld secs=%.6f cpu=%s\n",
	    name, msgs / el, nconns, rounds, msgs, el, cpu >= 0 ? "one" : "any");
	return 0;
}

static int serve_main(int nconns, const char *portfile)
{
	int port;
	int lfd = listen_any(&port);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0 || rename(tmp, portfile) < 0)
		die("writing port file");
	int rc = serve(lfd, nconns);
	if (rc == 0)
		printf("SERVER conns=%d echoed_bytes=%lld pid=%d\n", nconns, echoed_bytes, (int)getpid());
	return rc;
}
#endif /* !ECHO_CLIENT_ONLY */

static void usage(void)
{
	fprintf(stderr,
#ifndef ECHO_CLIENT_ONLY
	    "usage: echo bench NAME CONNS ROUNDS [onecpu]\n"
	    "       echo serve CONNS PORTFILE\n"
#endif
	    "       echo client PORT CONNS ROUNDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
#ifndef ECHO_CLIENT_ONLY
	if (!strcmp(argv[1], "bench") && (argc == 5 ||
	    (argc == 6 && !strcmp(argv[5], "onecpu")))) {
		int k = atoi(argv[3]);
		long r = atol(argv[4]);
		if (k < 1 || r < 1)
			usage();
		return bench_main(argv[2], k, r, argc == 6);
	}
	if (!strcmp(argv[1], "serve") && argc == 4) {
		int k = atoi(argv[2]);
		if (k < 1)
			usage();
		return serve_main(k, argv[3]);
	}
#endif
	if (!strcmp(argv[1], "client") && argc == 5) {
		int port = atoi(argv[2]), k = atoi(argv[3]);
		long r = atol(argv[4]);
		if (port < 1 || k < 1 || r < 1)
			usage();
		return client_main(port, k, r);
	}
	usage();
	return 2;
}
