/* fork_after_dispatch: the parent adds signal events and dispatches (a timer
 * runs, a signal is handled), then forks children that must not hang:
 *   A: event_del on the signal events, then exec /bin/true (tmux job style)
 *   B: event_del + event_base_free, then exec /bin/true
 *   C: event_del + event_base_free, then exec /bin/sh -c 'exit 7'
 * Before exec each child checks with sigaction that every signal's
 * disposition is the one saved before the event was added, and reports
 * through a pipe. The parent waits with a timeout and prints how each child
 * ended. After child A the parent's own signal events still work. */
/* timeout: 40 */
#include <event2/event.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fork.h"

static void my_handler(int sig) { (void)sig; }

/* what a disposition looks like, relative to the one saved before adding */
struct saved {
	int sig;
	struct sigaction sa;
};
static struct saved saved[3];

static int same_disposition(int i)
{
	struct sigaction now;
	if (sigaction(saved[i].sig, NULL, &now) != 0)
		return 0;
	return now.sa_handler == saved[i].sa.sa_handler &&
	    (now.sa_flags & (SA_RESTART | SA_SIGINFO | SA_NODEFER | SA_RESETHAND)) ==
	    (saved[i].sa.sa_flags & (SA_RESTART | SA_SIGINFO | SA_NODEFER | SA_RESETHAND));
}

static struct event_base *base;
static struct event *sigev[3];
static int ncalls[3], timer_fired;

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	int i = (int)(long)arg;
	(void)fd; (void)what;
	ncalls[i]++;
	event_base_loopexit(base, NULL);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	timer_fired++;
	raise(SIGUSR1);
}

static int guard_fired;
static void guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	guard_fired = 1;
	event_base_loopbreak(base);
}

/* Fork a child that cleans up and execs; prints its report and how it ended. */
static void run_child(const char *name, int do_free, const char *const argv[], int expect_status)
{
	int rp[2], status = 0, exited, i;
	pid_t pid;
	char buf[1024];

	if (pipe(rp) != 0)
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(rp[0]);
		tc_report_to(rp[1]);
		alarm(10);   /* default action: a hung child dies */
		for (i = 0; i < 3; i++) {
			int r = event_del(sigev[i]);
			tc_report("  child %s: event_del(%s) -> %d, disposition restored: %s", name,
			    i == 0 ? "USR1" : i == 1 ? "USR2" : "HUP", r, tc_yesno(same_disposition(i)));
		}
		if (do_free) {
			event_base_free(base);
			tc_report("  child %s: event_base_free returned", name);
		}
		tc_report("  child %s: exec %s", name, argv[0]);
		close(rp[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(rp[1]);
	exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 15, &status);
	close(rp[0]);
	fputs(buf, stdout);
	if (!exited)
		printf("child %s: HUNG (killed after 15 s)\n", name);
	else if (WIFEXITED(status))
		printf("child %s: exited with status %d (expected %d): %s\n", name, WEXITSTATUS(status),
		    expect_status, WEXITSTATUS(status) == expect_status ? "ok" : "MISMATCH");
	else if (WIFSIGNALED(status))
		printf("child %s: killed by signal %d\n", name, WTERMSIG(status));
}

int main(void)
{
	struct sigaction sa;
	struct timeval tv50 = {0, 50000}, tv3s = {3, 0};
	struct event *tm, *guard;
	int i, r;
	static const char *const argv_true[] = {"/bin/true", NULL};
	static const char *const argv_sh7[] = {"/bin/sh", "-c", "exit 7", NULL};

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(35);

	/* dispositions before libevent: custom handler, default, ignored */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = my_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	saved[0].sig = SIGUSR1;
	saved[1].sig = SIGUSR2;
	saved[2].sig = SIGHUP;
	for (i = 0; i < 3; i++)
		sigaction(saved[i].sig, NULL, &saved[i].sa);

	base = event_base_new();
	for (i = 0; i < 3; i++) {
		sigev[i] = evsignal_new(base, saved[i].sig, sig_cb, (void *)(long)i);
		r = evsignal_add(sigev[i], NULL);
		printf("parent: evsignal_add %d -> %d, handler replaced: %s\n", i, r, same_disposition(i) ? "no" : "yes");
	}
	tm = evtimer_new(base, timer_cb, NULL);
	evtimer_add(tm, &tv50);
	r = event_base_dispatch(base);
	printf("parent: dispatch -> %d timer=%d usr1=%d\n", r, timer_fired, ncalls[0]);

	run_child("A (del only)", 0, argv_true, 0);

	/* the parent's signal events still work after child A */
	raise(SIGUSR2);
	guard = evtimer_new(base, guard_cb, NULL);
	evtimer_add(guard, &tv3s);
	r = event_base_dispatch(base);
	event_free(guard);
	printf("parent: after child A, dispatch -> %d usr2=%d guard fired: %s\n", r, ncalls[1],
	    guard_fired ? "yes" : "no");

	run_child("B (del+free)", 1, argv_true, 0);
	run_child("C (del+free)", 1, argv_sh7, 7);

	/* the parent's timers still work (its own signal wakeups are not
	 * checked here: see the README) */
	timer_fired = 0;
	evtimer_add(tm, &tv50);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("parent: after children, loop(ONCE) -> %d timer=%d\n", r, timer_fired);
	/* the timer raised SIGUSR1; our handler is still libevent's, so
	 * nothing bad happens. Clean up. */
	for (i = 0; i < 3; i++) {
		r = event_del(sigev[i]);
		printf("parent: event_del %d -> %d, disposition restored: %s\n", i, r, same_disposition(i) ? "yes" : "no");
		event_free(sigev[i]);
	}
	event_free(tm);
	event_base_free(base);
	printf("done\n");
	return 0;
}
