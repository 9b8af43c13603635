/* fork_reinit_compat: the tmux pattern with the old API. EVENT_NOEPOLL is set
 * with setenv() before event_init() (tmux needs the poll backend); the parent
 * adds SIGUSR1 and SIGUSR2 events with signal_set/signal_add, then forks
 * without having dispatched. The child calls signal_del on SIGUSR1 (its
 * previous disposition must be back), event_reinit(base), sets up its own
 * SIGUSR1 event again and runs event_dispatch() with signals raised in itself
 * and a timer (the SIGUSR2 event stays added across the reinit). The parent
 * runs event_dispatch() with its own signals and timer. */
/* timeout: 40 */
#include <event.h>
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
static struct event ev_u1, ev_u2, ev_timer, ev_child_u1;
static int n_usr1, n_usr2, n_child_usr1, timer_fired;

static void sig_cb(int fd, short what, void *arg)
{
	(void)what; (void)arg;
	if (fd == SIGUSR1) n_usr1++;
	if (fd == SIGUSR2) n_usr2++;
}

static void child_sig_cb(int fd, short what, void *arg)
{
	(void)what; (void)arg;
	if (fd == SIGUSR1) n_child_usr1++;
}

static void timer_cb(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	timer_fired++;
	event_loopexit(NULL);
}

int main(void)
{
	struct timeval tv150 = {0, 150000};
	int rp[2], r, status, exited;
	pid_t pid;
	char buf[8192];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR2, my_handler);
	setenv("EVENT_NOEPOLL", "1", 1);

	base = event_init();
	printf("parent: event_init %s method %s\n", base ? "ok" : "FAILED", event_get_method());
	signal_set(&ev_u1, SIGUSR1, sig_cb, NULL);
	signal_set(&ev_u2, SIGUSR2, sig_cb, NULL);
	printf("parent: before adds USR1=%s USR2=%s\n", disp(SIGUSR1), disp(SIGUSR2));
	r = signal_add(&ev_u1, NULL);
	printf("parent: signal_add usr1 %d", r);
	r = signal_add(&ev_u2, NULL);
	printf(" usr2 %d; USR1=%s USR2=%s\n", r, disp(SIGUSR1), disp(SIGUSR2));
	if (pipe(rp) != 0)
		return 1;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(rp[0]);
		tc_report_to(rp[1]);
		tc_child_alarm("child", 15);
		r = signal_del(&ev_u1);
		tc_report("child: signal_del usr1 before reinit -> %d USR1=%s", r, disp(SIGUSR1));
		r = event_reinit(base);
		tc_report("child: event_reinit -> %d", r);
		tc_report("child: pending after reinit: usr1=0x%02x usr2=0x%02x USR1=%s USR2=%s",
		    signal_pending(&ev_u1, NULL), signal_pending(&ev_u2, NULL), disp(SIGUSR1), disp(SIGUSR2));
		signal_set(&ev_child_u1, SIGUSR1, child_sig_cb, NULL);
		r = signal_add(&ev_child_u1, NULL);
		tc_report("child: signal_add own usr1 -> %d USR1=%s", r, disp(SIGUSR1));
		raise(SIGUSR1);
		raise(SIGUSR2);
		raise(SIGUSR2);
		evtimer_set(&ev_timer, timer_cb, NULL);
		evtimer_add(&ev_timer, &tv150);
		r = event_dispatch();
		tc_report("child: event_dispatch -> %d old usr1 cb=%d own usr1 cb=%d usr2=%d timer=%d", r, n_usr1,
		    n_child_usr1, n_usr2, timer_fired);
		r = signal_del(&ev_child_u1);
		tc_report("child: signal_del own usr1 -> %d USR1=%s", r, disp(SIGUSR1));
		r = signal_del(&ev_u2);
		tc_report("child: signal_del usr2 -> %d USR2=%s", r, disp(SIGUSR2));
		tc_report("child: finished");
		_exit(0);
	}
	close(rp[1]);

	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR2);
	evtimer_set(&ev_timer, timer_cb, NULL);
	evtimer_add(&ev_timer, &tv150);
	r = event_dispatch();
	printf("parent: event_dispatch -> %d usr1=%d usr2=%d timer=%d\n", r, n_usr1, n_usr2, timer_fired);

	exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 20, &status);
	fputs(buf, stdout);
	printf("parent: child exited by itself: %s, status %d\n", exited ? "yes" : "no",
	    exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	r = signal_del(&ev_u1);
	printf("parent: signal_del usr1 -> %d USR1=%s\n", r, disp(SIGUSR1));
	r = signal_del(&ev_u2);
	printf("parent: signal_del usr2 -> %d USR2=%s\n", r, disp(SIGUSR2));
	event_base_free(base);
	printf("done\n");
	return 0;
}
