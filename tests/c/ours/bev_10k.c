/*
 * bev_10k.c - goevent only: 10 000 concurrent connections on one base.
 * A child process (forked before libevent is touched, plain sockets) opens
 * 10 000 connections to our listener, sends "ping" on each, waits for every
 * echo, then closes them all. The parent serves them with one socket
 * bufferevent each (echo; free on EOF). Four rounds: after each, the
 * parent's sockets must be back to what they were before (the Go runtime
 * opens a few non-socket descriptors of its own lazily), and rounds 3 and 4
 * must not grow the resident memory beyond a margin over round 2 (what the
 * first rounds allocated is reused). Prints the measurements; exit 0 when
 * they hold.
 */
/* timeout: 200 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define N 10000

static struct event_base *base;
static int accepted, echoed, closed;

/* open sockets of this process */
static int count_sockets(void)
{
	int n = 0;
	struct dirent *d;
	char path[300], target[64];
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		ssize_t k;
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		k = readlink(path, target, sizeof(target) - 1);
		if (k > 0) {
			target[k] = 0;
			if (strncmp(target, "socket:", 7) == 0)
				n++;
		}
	}
	closedir(dir);
	return n;
}

static long rss_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void readcb(struct bufferevent *b, void *arg)
{
	(void)arg;
	echoed++;
	bufferevent_write_buffer(b, bufferevent_get_input(b));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		closed++;
		bufferevent_free(b);
		if (closed == N)
			event_base_loopbreak(base);
	}
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *b = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	(void)l; (void)sa; (void)len; (void)arg;
	accepted++;
	bufferevent_setcb(b, readcb, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
}

static void child(struct sockaddr_in *sin, int go_fd)
{
	static int fds[N];
	char c, buf[4];
	int i;
	if (read(go_fd, &c, 1) != 1)
		_exit(2);
	for (i = 0; i < N; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)sin, sizeof(*sin)) != 0) {
			fprintf(stderr, "child: connect %d: %s\n", i, strerror(errno));
			_exit(3);
		}
		if (send(fds[i], "ping", 4, 0) != 4)
			_exit(4);
	}
	for (i = 0; i < N; i++) {
		size_t got = 0;
		while (got < 4) {
			ssize_t n = recv(fds[i], buf + got, 4 - got, 0);
			if (n <= 0)
				_exit(5);
			got += (size_t)n;
		}
	}
	for (i = 0; i < N; i++)
		close(fds[i]);
	_exit(0);
}

static int round_(struct sockaddr_in *sin)
{
	int go[2], status;
	pid_t pid;
	struct timeval limit = {90, 0};
	if (pipe(go) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		child(sin, go[0]);
	}
	close(go[0]);
	accepted = echoed = closed = 0;
	if (write(go[1], "g", 1) != 1)
		return -1;
	close(go[1]);
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);
	/* let the finalizers of the last freed bufferevents run */
	event_base_loop(base, EVLOOP_NONBLOCK);
	waitpid(pid, &status, 0);
	printf("round: accepted %d echoed %d closed %d child exit %d\n", accepted, echoed, closed,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return accepted == N && echoed == N && closed == N && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct evconnlistener *lev;
	struct rlimit rl;
	int socks0, socks[5], r, ok = 1;
	long rss0, rss[5];

	signal(SIGPIPE, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max < N + 200) {
		printf("skipped: RLIMIT_NOFILE hard limit %ld < %d\n", (long)rl.rlim_max, N + 200);
		return 0;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);

	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	lev = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (!lev)
		return 1;
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &len);
	event_base_loop(base, EVLOOP_NONBLOCK); /* the core is loaded and warm */

	socks0 = count_sockets();
	rss0 = rss_kb();
	for (r = 1; r <= 4; r++) {
		ok &= round_(&sin);
		socks[r] = count_sockets();
		rss[r] = rss_kb();
		printf("after round %d: sockets %d (before: %d), resident memory %ld kB (before: %ld kB)\n", r, socks[r],
		    socks0, rss[r], rss0);
		if (socks[r] != socks0) {
			printf("FAIL: sockets left behind\n");
			ok = 0;
		}
	}
	/* later rounds reuse what the first allocated: allow 25% of round 1's
	 * growth + 4 MiB of noise (garbage collector pacing) */
	if (rss[4] > rss[2] + (rss[1] - rss0) / 4 + 4096) {
		printf("FAIL: rounds 3-4 grew the resident memory\n");
		ok = 0;
	}
	evconnlistener_free(lev);
	event_base_free(base);
	printf("%s\n", ok ? "all ok" : "FAILED");
	return ok ? 0 : 1;
}
