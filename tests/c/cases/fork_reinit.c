/* fork_reinit: the parent creates a base with event_base_new, adds SIGUSR1 and
 * SIGUSR2 events and a read event, then forks without having dispatched. The
 * child calls event_reinit(base) and dispatches on the same base (signals
 * raised in itself, socketpair data, a timer); the parent dispatches too,
 * with its own signals and timer. Both report; the child through a pipe. */
/* timeout: 40 */
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

static void my_handler(int sig) { (void)sig; }

static const char *disp(int sig) { return tc_sig_disposition(sig, my_handler); }

static struct event_base *base;
static int n_usr1, n_usr2, n_read, timer_fired;

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what; (void)arg;
	if (fd == SIGUSR1) n_usr1++;
	if (fd == SIGUSR2) n_usr2++;
}

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	(void)what; (void)arg;
	if (n > 0)
		n_read += (int)n;
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	timer_fired++;
	event_base_loopexit(base, NULL);
}

int main(void)
{
	struct event *u1, *u2, *rd, *tm;
	struct timeval tv150 = {0, 150000};
	int sv[2], rp[2], r, status, exited;
	pid_t pid;
	char buf[8192];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR2, my_handler);

	base = event_base_new();
	u1 = evsignal_new(base, SIGUSR1, sig_cb, NULL);
	u2 = evsignal_new(base, SIGUSR2, sig_cb, NULL);
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	rd = event_new(base, sv[0], EV_READ | EV_PERSIST, read_cb, NULL);
	printf("parent: before adds USR1=%s USR2=%s\n", disp(SIGUSR1), disp(SIGUSR2));
	r = evsignal_add(u1, NULL);
	printf("parent: add usr1 %d", r);
	r = evsignal_add(u2, NULL);
	printf(" usr2 %d", r);
	r = event_add(rd, NULL);
	printf(" read %d; USR1=%s USR2=%s\n", r, disp(SIGUSR1), disp(SIGUSR2));
	if (pipe(rp) != 0)
		return 1;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(rp[0]);
		tc_report_to(rp[1]);
		tc_child_alarm("child", 15);
		r = event_reinit(base);
		tc_report("child: event_reinit -> %d", r);
		tc_report("child: pending after reinit: usr1=0x%02x usr2=0x%02x read=0x%02x USR1=%s USR2=%s",
		    event_pending(u1, EV_SIGNAL, NULL), event_pending(u2, EV_SIGNAL, NULL),
		    event_pending(rd, EV_READ, NULL), disp(SIGUSR1), disp(SIGUSR2));
		raise(SIGUSR1);
		raise(SIGUSR1);
		raise(SIGUSR2);
		if (send(sv[1], "child", 5, 0) != 5)
			tc_report("child: send failed");
		tm = evtimer_new(base, timer_cb, NULL);
		evtimer_add(tm, &tv150);
		r = event_base_dispatch(base);
		tc_report("child: dispatch -> %d usr1=%d usr2=%d read=%d timer=%d", r, n_usr1, n_usr2, n_read,
		    timer_fired);
		r = event_del(u1);
		tc_report("child: del usr1 -> %d USR1=%s", r, disp(SIGUSR1));
		r = event_del(u2);
		tc_report("child: del usr2 -> %d USR2=%s", r, disp(SIGUSR2));
		event_free(u1);
		event_free(u2);
		event_free(rd);
		event_free(tm);
		event_base_free(base);
		tc_report("child: finished");
		_exit(0);
	}
	close(rp[1]);

	/* parent: the read event now belongs to the child */
	r = event_del(rd);
	printf("parent: del read event -> %d\n", r);
	raise(SIGUSR1);
	raise(SIGUSR2);
	raise(SIGUSR2);
	raise(SIGUSR2);
	tm = evtimer_new(base, timer_cb, NULL);
	evtimer_add(tm, &tv150);
	r = event_base_dispatch(base);
	printf("parent: dispatch -> %d usr1=%d usr2=%d read=%d timer=%d\n", r, n_usr1, n_usr2, n_read,
	    timer_fired);

	/* wait for the child (bounded) and collect its report */
	exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 20, &status);
	fputs(buf, stdout);
	printf("parent: child exited by itself: %s, status %d\n", exited ? "yes" : "no",
	    exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	r = event_del(u1);
	printf("parent: del usr1 -> %d USR1=%s\n", r, disp(SIGUSR1));
	r = event_del(u2);
	printf("parent: del usr2 -> %d USR2=%s\n", r, disp(SIGUSR2));
	event_free(u1);
	event_free(u2);
	event_free(rd);
	event_free(tm);
	event_base_free(base);
	printf("done\n");
	return 0;
}
