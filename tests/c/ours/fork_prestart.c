/*
 * fork_prestart.c - goevent only: a fork while the Go runtime is starting.
 *
 * The runtime starts when a program makes its first event_base and goes on
 * initialising on a thread of its own (capi/loader.c, gev_core_prestart). A
 * program may fork at any moment after that, before it dispatches: tmux's
 * client makes its base, then forks the server. Each round here runs in a
 * fresh process (the runtime starts once per process): it makes a base, waits
 * 0 to ~1 ms (to fork at different moments of the runtime's start), and
 * forks. Then
 *  - the child has the runtime's signal handlers no more (a SIGSEGV there is
 *    a C program's again), calls event_reinit on the inherited base as tmux's
 *    server does, and runs a timer on it, and a bufferevent pair echo and a
 *    timer on a new base;
 *  - the parent dispatches a timer on its base, then runs the same echo.
 * Every process has an alarm; the program exits 1 if any fails or hangs.
 * The first base starts the runtime in a process not running as root
 * (capi/loader.c, gev_core_prestart); started as root, the case goes on as
 * nobody.
 */
/* timeout: 60 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "testcase.h"
#include "fork.h"

#define ROUNDS 30

/* A timer on b; 0 if it ran. */
static int timer_on(struct event_base *b)
{
	struct timeval tv = {0, 1000};
	int fired = 0;
	struct event *t = evtimer_new(b, tc_count_cb, &fired);
	if (!t || evtimer_add(t, &tv) != 0 || event_base_dispatch(b) < 0) {
		if (t)
			event_free(t);
		return -1;
	}
	event_free(t);
	return fired == 1 ? 0 : -1;
}

static int segv_handled(void)
{
	struct sigaction sa;
	sigaction(SIGSEGV, NULL, &sa);
	return sa.sa_handler != SIG_DFL;
}

static int wait_status(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

/* One round, in a fresh process: 0 on success, else which part failed. */
static int round_(int i)
{
	struct event_base *base = event_base_new();
	if (!base)
		return 10;
	if (i % 3)
		usleep((useconds_t)(i * 40));
	pid_t pid = fork();
	if (pid == 0) {
		alarm(10);
		if (segv_handled())
			_exit(20);
		if (event_reinit(base) != 0 || timer_on(base) != 0)
			_exit(21);
		event_base_free(base);
		_exit(tc_small_loop() == 0 ? 0 : 22);
	}
	if (pid < 0)
		return 11;
	int parent_bad = timer_on(base) != 0 || tc_small_loop() != 0;
	event_base_free(base);
	int child = wait_status(pid);
	return parent_bad ? 12 : child;
}

int main(void)
{
	int bad = 0, first = 0;
	tc_alarm("fork_prestart", 50);
	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
		printf("cannot become nobody\n");
		return 1;
	}
	for (int i = 0; i < ROUNDS; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			alarm(15);
			_exit(round_(i));
		}
		int r = wait_status(pid);
		if (r != 0) {
			bad++;
			if (!first)
				first = r;
		}
	}
	TC_CHECK("forks while the runtime starts: children and parents run loops", bad == 0);
	if (bad)
		printf("     %d of %d rounds failed (first: code %d)\n", bad, ROUNDS, first);
	return tc_exit_status();
}
