/*
 * thread_fork.c - goevent only: forking while other threads hammer a
 * thread-safe base never leaves a child blocked on a base lock.
 *
 * (libevent itself does nothing about locks at fork: its child can block on
 * a base lock another thread held at the fork, so there is no transcript.)
 *
 *  A. Before the Go core is loaded (the C layer's preload path): a thread
 *     adds and deletes a timer in a loop; each child re-initializes the
 *     base and runs a timer through its own freshly loaded core.
 *  B. After: a thread dispatches the base (signal event + wakeups) and
 *     another activates an event in a loop; each (poisoned) child deletes
 *     the signal event, frees the event and the base, and exits.
 * Every child has an alarm; the program exits 1 if any child hangs or fails.
 * evthread_use_pthreads is looked up with dlopen (this runner links only
 * libevent).
 */
/* timeout: 60 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "testcase.h"

#define NFORK 15

static volatile int stop;
static struct event_base *base;
static struct event *hammer_ev, *act_ev, *sig_ev;

static void noop_cb(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }

static int child_timer_fired;
static void child_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	child_timer_fired = 1;
}

static void *hammer_preload(void *arg)
{
	struct timeval tv = {5, 0};
	(void)arg;
	while (!stop) {
		event_add(hammer_ev, &tv);
		event_del(hammer_ev);
	}
	return NULL;
}

static void *looper(void *arg)
{
	(void)arg;
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void *hammer_active(void *arg)
{
	(void)arg;
	while (!stop)
		event_active(act_ev, EV_READ, 0);
	return NULL;
}

/* Waits for a child; returns its exit code, or -1 if it hung or crashed. */
static int reap(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return -1;
}

int main(void)
{
	void *h = dlopen("libevent_pthreads-2.1.so.7", RTLD_NOW);
	int (*use_pthreads)(void) = h ? (int (*)(void))dlsym(h, "evthread_use_pthreads") : NULL;
	pthread_t t1, t2;
	int i, bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(55);
	if (!use_pthreads) {
		printf("FAIL cannot load evthread_use_pthreads: %s\n", dlerror());
		return 1;
	}
	TC_CHECK("evthread_use_pthreads", use_pthreads() == 0);

	/* A: fork while a thread uses the base through the C layer's lock. */
	base = event_base_new();
	hammer_ev = evtimer_new(base, noop_cb, NULL);
	stop = 0;
	pthread_create(&t1, NULL, hammer_preload, NULL);
	bad = 0;
	for (i = 0; i < NFORK; i++) {
		usleep(2000);
		pid_t pid = fork();
		if (pid == 0) {
			struct timeval tv = {0, 10000};
			struct event *t;
			alarm(10);
			if (event_reinit(base) != 0)
				_exit(2);
			event_del(hammer_ev);
			t = evtimer_new(base, child_timer_cb, NULL);
			evtimer_add(t, &tv);
			if (event_base_loop(base, 0) < 0 || !child_timer_fired)
				_exit(4);
			event_free(t);
			event_free(hammer_ev);
			event_base_free(base);
			_exit(0);
		}
		if (reap(pid) != 0)
			bad++;
	}
	stop = 1;
	pthread_join(t1, NULL);
	TC_CHECK("A: children forked during preload-path use re-init the base and run a timer", bad == 0);
	if (bad)
		printf("     %d of %d children failed\n", bad, NFORK);

	/* B: the core runs in the parent; children are poisoned. */
	sig_ev = evsignal_new(base, SIGUSR1, noop_cb, NULL);
	event_add(sig_ev, NULL);
	act_ev = event_new(base, -1, 0, noop_cb, NULL);
	stop = 0;
	pthread_create(&t1, NULL, looper, NULL);
	pthread_create(&t2, NULL, hammer_active, NULL);
	usleep(50000);
	bad = 0;
	for (i = 0; i < NFORK; i++) {
		usleep(2000);
		pid_t pid = fork();
		if (pid == 0) {
			alarm(10);
			if (event_del(sig_ev) != 0)
				_exit(2);
			event_free(sig_ev);
			event_base_free(base);
			_exit(0);
		}
		if (reap(pid) != 0)
			bad++;
	}
	stop = 1;
	pthread_join(t2, NULL);
	TC_CHECK("B: poisoned children forked while two threads use the base free it and exit", bad == 0);
	if (bad)
		printf("     %d of %d children failed\n", bad, NFORK);
	TC_CHECK("loopbreak", event_base_loopbreak(base) == 0);
	pthread_join(t1, NULL);
	event_free(act_ev);
	event_free(sig_ev);
	event_free(hammer_ev);
	event_base_free(base);
	return tc_exit_status();
}
