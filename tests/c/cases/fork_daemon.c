/* fork_daemon: a daemonizing program (like memcached -d). The parent links
 * libevent but calls nothing (round 1) or only event_get_version (round 2)
 * before forking; the child daemonizes (daemon(3): forks again, setsid,
 * stdio to /dev/null) and the grandchild creates a base and uses timers,
 * socketpair I/O, a signal and a pair of bufferevents. The grandchild reports
 * through a pipe; the parent prints the transcript. */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fork.h"

/* ---- work done in the grandchild ---- */
static struct event_base *base;
static char order[64];
static int sig_calls, io_bytes;

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	strncat(order, (const char *)arg, sizeof(order) - strlen(order) - 1);
}

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)arg;
	sig_calls++;
	if (fd != SIGUSR1 || what != EV_SIGNAL)
		tc_report("grandchild: bad signal callback args");
}

static void io_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	ssize_t n;
	(void)what; (void)arg;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n > 0)
		io_bytes += (int)n;
}

static struct bufferevent *bev_a, *bev_b;
static char got_a[64], got_b[64];
static int b_eof;

static void a_read(struct bufferevent *bev, void *arg)
{
	size_t n = bufferevent_read(bev, got_a, sizeof(got_a) - 1);
	(void)arg;
	got_a[n] = 0;
	/* a got the reply; now free a: closes its fd, b sees EOF */
	bufferevent_free(bev_a);
	bev_a = NULL;
}

static void b_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	(void)arg;
	n = evbuffer_remove(in, got_b, sizeof(got_b) - 1);
	got_b[n] = 0;
	bufferevent_write(bev, "pong", 4);
}

static void b_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev; (void)arg;
	if (what & BEV_EVENT_EOF)
		b_eof = 1;
	event_base_loopexit(base, NULL);
}

static int grandchild_work(void)
{
	struct event *t1, *t2, *t3, *io, *sig;
	struct timeval tv30 = {0, 30000}, tv60 = {0, 60000}, tv90 = {0, 90000};
	struct sigaction sa;
	int sv[2], bp[2], r;

	tc_child_alarm("grandchild", 15);

	base = event_base_new();
	tc_report("grandchild: event_base_new %s, method %s", base ? "ok" : "FAILED",
	    base ? event_base_get_method(base) : "-");
	if (!base)
		return 1;

	t1 = evtimer_new(base, timer_cb, "3");
	t2 = evtimer_new(base, timer_cb, "1");
	t3 = evtimer_new(base, timer_cb, "2");
	evtimer_add(t1, &tv90);
	evtimer_add(t2, &tv30);
	evtimer_add(t3, &tv60);
	r = event_base_dispatch(base);
	tc_report("grandchild: timers dispatch=%d order=%s", r, order);

	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ | EV_PERSIST, io_cb, NULL);
	event_add(io, NULL);
	if (send(sv[1], "12345", 5, 0) != 5)
		return 1;
	event_base_loop(base, EVLOOP_ONCE);
	tc_report("grandchild: socketpair read %d bytes", io_bytes);
	event_free(io);

	sig = evsignal_new(base, SIGUSR1, sig_cb, NULL);
	r = evsignal_add(sig, NULL);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR1);
	while (sig_calls < 2 && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	tc_report("grandchild: signal add=%d calls=%d", r, sig_calls);
	event_free(sig);
	sigaction(SIGUSR1, NULL, &sa);
	tc_report("grandchild: SIGUSR1 default again after event_free: %s", sa.sa_handler == SIG_DFL ? "yes" : "no");

	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, bp) != 0)
		return 1;
	evutil_make_socket_nonblocking(bp[0]);
	evutil_make_socket_nonblocking(bp[1]);
	bev_a = bufferevent_socket_new(base, bp[0], BEV_OPT_CLOSE_ON_FREE);
	bev_b = bufferevent_socket_new(base, bp[1], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev_a, a_read, NULL, NULL, NULL);
	bufferevent_setcb(bev_b, b_read, NULL, b_event, NULL);
	bufferevent_enable(bev_a, EV_READ);
	bufferevent_enable(bev_b, EV_READ);
	bufferevent_write(bev_a, "ping", 4);
	r = event_base_dispatch(base);
	tc_report("grandchild: bufferevents dispatch=%d b got '%s', a got '%s', b saw EOF: %s", r, got_b, got_a,
	    b_eof ? "yes" : "no");
	bufferevent_free(bev_b);

	event_free(t1);
	event_free(t2);
	event_free(t3);
	event_base_free(base);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	tc_report("grandchild: finished");
	return 0;
}

/* ---- parent side ---- */
static void run_round(int round)
{
	int p[2], status;
	pid_t pid;
	char buf[8192];
	size_t len = 0;
	double deadline;
	int eof = 0;

	if (pipe(p) != 0) {
		printf("pipe failed\n");
		exit(1);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		tc_report_to(p[1]);
		/* like memcached -d: daemonize, keep cwd, stdio to /dev/null */
		if (daemon(1, 0) != 0) {
			tc_report("child: daemon() failed");
			_exit(1);
		}
		/* now in the grandchild: a new session, parent exited */
		tc_report("grandchild: new session leader: %s", getsid(0) == getpid() ? "yes" : "no");
		_exit(grandchild_work());
	}
	close(p[1]);
	if (waitpid(pid, &status, 0) == pid)
		printf("round %d: intermediate child exited: %s status %d\n", round,
		    WIFEXITED(status) ? "yes" : "no", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* read the grandchild's report until EOF (it exits) or 20 s */
	deadline = tc_now() + 20;
	while (!eof && tc_now() < deadline && len < sizeof(buf) - 1) {
		struct pollfd pfd = {p[0], POLLIN, 0};
		int pr = poll(&pfd, 1, 200);
		if (pr > 0) {
			ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);
			if (n <= 0)
				eof = 1;
			else
				len += (size_t)n;
		}
	}
	buf[len] = 0;
	close(p[0]);
	fputs(buf, stdout);
	printf("round %d: report complete: %s\n", round,
	    (eof && strstr(buf, "grandchild: finished\n")) ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(35);   /* default action kills us if something goes badly wrong */

	printf("== round 1: parent has called nothing in libevent\n");
	run_round(1);

	printf("== round 2: parent called event_get_version only\n");
	printf("version: %s\n", event_get_version());
	run_round(2);
	printf("done\n");
	return 0;
}
