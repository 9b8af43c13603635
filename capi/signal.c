/*
 * signal.c - signal delivery for EV_SIGNAL events, entirely in C.
 *
 * Our sigaction handler counts the signal and writes one byte to the
 * self-pipe of the receiving base; the core watches that pipe and activates
 * the base's events. One base receives signals at a time (libevent's rule,
 * tests signal_bases and thread_signal_bases): the one that most recently
 * added the first event of a signal number, or whose event_base_loop most
 * recently started while it had signal events. Deleting signal events does
 * not move it; freeing it leaves no receiver (a signal is then only logged)
 * until another base adds a signal or starts its loop. This works before the Go core is loaded,
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

/* Per signal: how many events hold our handler, and the action it replaced. */
static struct {
	int refs;
	struct sigaction old;
} slots[GEV_NSIG];

/* sig_lock guards slots, the bases' sigrefs/nsignals/pipes and sig_wfd
 * changes: libevent's global signal lock, so that threads adding and
 * deleting signal events on different bases never race on them. Uncontended
 * it costs a few atomic operations per signal add/del (not hot paths). It is
 * never taken by the handler, which reads only sig_wfd (a plain int). Lock order: a base lock, then sig_lock;
 * nothing else is taken while it is held. */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int sig_wfd = -1; /* write end of the receiving base's pipe */
static struct event_base *sig_base; /* the receiving base (NULL: none) */
/* libevent's evsig_base_n_signals_added, kept as it keeps it (only for the
 * warning when another base adds a signal): the receiver's signal numbers
 * when it became the receiver, less every signal number any base dropped. */
static int sig_base_nsigs;

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
	int fd = sig_wfd;
	if (fd >= 0) {
		unsigned char c = (unsigned char)sig;
		ssize_t n = write(fd, &c, 1); /* full pipe: the signal is lost, as in libevent */
		(void)n;
	} else {
		/* As libevent's handler does (its log takes no lock, uses no
		 * malloc: a stack buffer, then the callback or stderr). */
		gev_warnx("evsig_handler: received signal %d, but have no base configured", sig);
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

/* sig_lock held. */
static void set_receiver(struct event_base *base, int nsigs)
{
	sig_base = base;
	sig_base_nsigs = nsigs;
	sig_wfd = base->sig_wfd;
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
	int warn = 0;
	if (base->sigrefs[sig]++ == 0) {
		/* The base's first event of sig: it becomes the receiver. */
		warn = sig_base != base && sig_base_nsigs != 0;
		set_receiver(base, ++base->nsignums);
	}
	base->nsignals++;
	pthread_mutex_unlock(&sig_lock);
	if (warn) /* after the unlock: the log callback may add signal events */
		gev_warnx("Added a signal to an event base while another base has signals: "
		    "only one base at a time receives signals (the one that added a signal or "
		    "started its loop last)");
	return 0;
}

/* event_base_loop starts: a base with signal events becomes the receiver
 * (the caller checked base->nsignals first: one load for other bases). */
void gev_sig_loop_start(struct event_base *base)
{
	pthread_mutex_lock(&sig_lock);
	if (base->nsignums > 0 && base->sig_wfd >= 0)
		set_receiver(base, base->nsignums);
	pthread_mutex_unlock(&sig_lock);
}

/* base has no event of some signal number any more (sig_lock held). */
static void drop_signum(struct event_base *base)
{
	base->nsignums--;
	sig_base_nsigs--; /* whichever base it was: libevent's count */
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
		if (--base->sigrefs[sig] == 0)
			drop_signum(base);
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
	close(base->sig_rfd);
	close(base->sig_wfd);
	base->sig_rfd = base->sig_wfd = -1;
	int r = make_pipe(base);
	/* libevent re-adds the base's signals, which makes it the receiver. */
	if (r == 0 && base->nsignums > 0)
		set_receiver(base, base->nsignums);
	else if (sig_base == base)
		sig_wfd = base->sig_wfd;
	pthread_mutex_unlock(&sig_lock);
	return r;
}

/* The base goes away: give back its handlers and its pipe. */
void gev_sig_base_free(struct event_base *base)
{
	pthread_mutex_lock(&sig_lock);
	for (int sig = 1; sig < GEV_NSIG; sig++) {
		if (base->sigrefs[sig] > 0)
			drop_signum(base);
		while (base->sigrefs[sig] > 0) {
			base->sigrefs[sig]--;
			release_locked(sig);
		}
	}
	base->nsignals = 0;
	if (sig_base == base) {
		sig_base = NULL;
		sig_base_nsigs = 0;
		sig_wfd = -1;
	}
	if (base->sig_rfd >= 0) {
		close(base->sig_rfd);
		close(base->sig_wfd);
		base->sig_rfd = base->sig_wfd = -1;
	}
	pthread_mutex_unlock(&sig_lock);
}
