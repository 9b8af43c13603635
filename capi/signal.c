/*
 * signal.c - signal delivery for EV_SIGNAL events, entirely in C.
 *
 * Our sigaction handler counts the signal and writes one byte to the
 * self-pipe of the base that most recently added a signal event (libevent's
 * rule: one base receives signals at a time); the core watches that pipe
 * and activates the base's events. This works before the Go core is loaded,
 * and in a child forked after it was, deleting the last event for a signal
 * still restores the action that was in place before (NOTES.md §2: Go's
 * os/signal cannot be used there, signalfd does not work with Go threads).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"

volatile sig_atomic_t gev_sig_caught[GEV_NSIG];

/* Per signal: how many events hold our handler, and the action it replaced. */
static struct {
	int refs;
	struct sigaction old;
} slots[GEV_NSIG];

/* sig_lock guards slots, the bases' sigrefs/nsignals/pipes and sig_wfd
 * changes: libevent's global signal lock, so that threads adding and
 * deleting signal events on different bases never race on them. Uncontended
 * it costs a few atomic operations per signal add/del (not hot paths). It is
 * never taken by the handler, which reads only sig_wfd (a plain int) and
 * updates gev_sig_caught atomically. Lock order: a base lock, then sig_lock;
 * nothing else is taken while it is held. */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int sig_wfd = -1; /* write end of the receiving base's pipe */

/* Fork: the prepare handler takes sig_lock so that the child's copy of what
 * it guards is consistent, and the child re-initializes it (the thread that
 * held it in the parent is gone). Registered at load time, before
 * libevent_pthreads' handlers (evthread_use_pthreads), so that its prepare
 * runs after theirs (prepare handlers run in reverse order): the base locks
 * first, then sig_lock, the normal lock order. */
static int sig_fork_held;

/* trylock with retries for about a second: a fork from a signal handler
 * that interrupted this thread inside sig_lock must not deadlock. */
static void sig_fork_prepare(void)
{
	sig_fork_held = 0;
	for (int i = 0; i < 2000; i++) {
		if (pthread_mutex_trylock(&sig_lock) == 0) {
			sig_fork_held = 1;
			return;
		}
		struct timespec ts = {0, 500000};
		nanosleep(&ts, NULL);
	}
}

static void sig_fork_parent(void)
{
	if (sig_fork_held)
		pthread_mutex_unlock(&sig_lock);
}

static void sig_fork_child(void)
{
	pthread_mutex_init(&sig_lock, NULL);
}

__attribute__((constructor)) static void gev_sig_init(void)
{
	pthread_atfork(sig_fork_prepare, sig_fork_parent, sig_fork_child);
}

static void gev_sig_handler(int sig)
{
	int saved = errno;
	if (sig > 0 && sig < GEV_NSIG)
		__atomic_fetch_add(&gev_sig_caught[sig], 1, __ATOMIC_RELAXED);
	int fd = sig_wfd;
	if (fd >= 0) {
		unsigned char c = (unsigned char)sig;
		ssize_t n = write(fd, &c, 1); /* full pipe: the count above still holds */
		(void)n;
	}
	errno = saved;
}

static int make_pipe(struct event_base *base)
{
	int p[2];
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
		gev_warnx("event_add: cannot create the signal pipe: %s", strerror(errno));
		return -1;
	}
	base->sig_rfd = p[0];
	base->sig_wfd = p[1];
	return 0;
}

int gev_sig_install(struct event_base *base, int sig)
{
	if (sig <= 0 || sig >= GEV_NSIG) {
		gev_warnx("event_add: signal number %d is out of range", sig);
		return -1;
	}
	pthread_mutex_lock(&sig_lock);
	if (base->sig_rfd < 0 && make_pipe(base) < 0) {
		pthread_mutex_unlock(&sig_lock);
		return -1;
	}
	if (slots[sig].refs == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = gev_sig_handler;
		sa.sa_flags = SA_RESTART | SA_ONSTACK;
		sigfillset(&sa.sa_mask);
		if (sigaction(sig, &sa, &slots[sig].old) < 0) {
			int e = errno;
			pthread_mutex_unlock(&sig_lock);
			gev_warnx("event_add: sigaction(%d): %s", sig, strerror(e));
			return -1;
		}
	}
	slots[sig].refs++;
	base->sigrefs[sig]++;
	base->nsignals++;
	sig_wfd = base->sig_wfd;
	pthread_mutex_unlock(&sig_lock);
	return 0;
}

static void release_locked(int sig)
{
	if (slots[sig].refs > 0 && --slots[sig].refs == 0)
		sigaction(sig, &slots[sig].old, NULL);
}

/* Drops one of base's references to sig (an event of base was deleted). */
void gev_sig_release(struct event_base *base, int sig)
{
	if (sig <= 0 || sig >= GEV_NSIG)
		return;
	pthread_mutex_lock(&sig_lock);
	if (base->sigrefs[sig] > 0) {
		base->sigrefs[sig]--;
		base->nsignals--;
		release_locked(sig);
	}
	pthread_mutex_unlock(&sig_lock);
}

/* After fork, parent and child must not share a pipe: each gets its own. */
int gev_sig_base_reinit(struct event_base *base)
{
	if (base->sig_rfd < 0)
		return 0;
	pthread_mutex_lock(&sig_lock);
	int was_receiver = sig_wfd == base->sig_wfd;
	close(base->sig_rfd);
	close(base->sig_wfd);
	base->sig_rfd = base->sig_wfd = -1;
	int r = make_pipe(base);
	if (was_receiver)
		sig_wfd = base->sig_wfd;
	pthread_mutex_unlock(&sig_lock);
	return r;
}

/* The base goes away: give back its handlers and its pipe. */
void gev_sig_base_free(struct event_base *base)
{
	pthread_mutex_lock(&sig_lock);
	for (int sig = 1; sig < GEV_NSIG; sig++) {
		while (base->sigrefs[sig] > 0) {
			base->sigrefs[sig]--;
			release_locked(sig);
		}
	}
	base->nsignals = 0;
	if (base->sig_rfd >= 0) {
		if (sig_wfd == base->sig_wfd)
			sig_wfd = -1;
		close(base->sig_rfd);
		close(base->sig_wfd);
		base->sig_rfd = base->sig_wfd = -1;
	}
	pthread_mutex_unlock(&sig_lock);
}
