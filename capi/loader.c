/*
 * loader.c - attaches the Go core the first time a program needs it.
 *
 * A Go runtime does not survive fork(): only the forking thread exists in
 * the child, so any runtime lock held by another thread stays held forever.
 * A runtime first started *after* the fork works. So the core
 * (libgoevent_core-2.1.so.7) is a dependency the dynamic linker maps at
 * program start -- it is there even after the program chroot()s or its
 * library directory goes away -- but its Go runtime only starts when
 * goevent_core_attach is first called, here, the first time a program needs
 * the core (capi/gocore/lazystart/lazystart.c).
 *
 * A child forked after that attaches again when it first needs the core:
 * the core then puts its image back as it was at load and starts a fresh
 * runtime (lazystart.c). What the parent's runtime made stays the
 * parent's: such a base is "stale" in the child (gev_core_epoch moved on,
 * capi.h's gev_base_stale), and only its C side remains usable. See
 * ../shared/NOTES.md §1 and docs/ARCHITECTURE.md "Fork".
 */
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>

#include "capi.h"

struct gev_core_ops gev_ops;
int gev_core_usable;
uint32_t gev_core_epoch = 1;

static int core_started;                      /* goevent_core_attach was called */
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

static const struct gev_services services = {
	.log = gev_log,
	.nsig = GEV_NSIG,
	.sig_install = gev_sig_install,
	.sig_release = gev_sig_release,
	.buf_pool = &gev_buf_pool,
	.epoch = &gev_core_epoch,
};

int gev_core_load(const char *fn)
{
	int r = 0;
	pthread_mutex_lock(&load_mu);
	if (!gev_core_usable) {
		core_started = 1;
		r = goevent_core_attach(&gev_ops, &services);
		if (r == 0)
			gev_core_usable = 1;
	}
	pthread_mutex_unlock(&load_mu);
	if (r == GEV_ATTACH_IN_CALLBACK) {
		gev_warnx("%s: this process was forked inside a callback of a loop that the "
		    "Go core ran in its parent; the core can start here once that callback "
		    "has returned", fn);
		return -1;
	}
	if (r == GEV_ATTACH_NO_THREADS) {
		gev_warnx("%s: the goevent core cannot start: its Go runtime needs threads, and "
		    "this process may not create any (RLIMIT_NPROC is 0 for its user?)", fn);
		return -1;
	}
	if (!gev_core_usable) {
		gev_warnx("%s: the goevent core could not start (out of memory?)", fn);
		return -1;
	}
	return 0;
}

/* The program made an event_base: it will very likely dispatch, so the Go
 * runtime starts now and initialises on its own thread while the program goes
 * on setting up (a tmux client connects to its server meanwhile); the first
 * call that needs the core waits for what is left of it. Not before a base:
 * a program that links libevent and does not use it gets no runtime. A fork
 * between here and the first dispatch is fine: the child starts a runtime of
 * its own when it first needs one (lazystart.c).
 * Not in a process running as root: privilege-separated daemons make their
 * bases as root, then drop to a user of their own and may set RLIMIT_NPROC
 * to 0 before they dispatch (ladvd's child); a runtime started before that
 * would abort when it next makes a thread (the kernel does not apply
 * RLIMIT_NPROC to root, and a runtime started after it is refused with a
 * message: tests/c/ours/core_no_threads). Root's runtime starts at the first
 * call that needs the core (tests/c/ours/core_lazy). */
void gev_core_prestart(void)
{
	if (getuid() == 0 || geteuid() == 0)
		return;
	pthread_mutex_lock(&load_mu);
	if (!gev_core_usable)
		goevent_core_prestart();
	pthread_mutex_unlock(&load_mu);
}

int gev_setup_once_slow(struct gev_setup_once *once, int (*setup)(void))
{
	pthread_mutex_lock(&once->mu);
	int r = 0;
	if (!once->done) {
		r = setup();
		if (r == 0)
			__atomic_store_n(&once->done, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&once->mu);
	return r;
}

void gev_handle_warn(const void *p, uint32_t dead, const char *what, const char *fn)
{
	if (!p)
		gev_warnx("%s: NULL %s", fn, what);
	else if (*(const uint32_t *)p == dead)
		gev_warnx("%s: %s %p used after it was freed", fn, what, p);
	else
		gev_warnx("%s: %p is not a live %s", fn, p, what);
}

/* A child of a process whose core ran: its runtime is the parent's, so the
 * child starts its own when it first needs one, and the bases the parent's
 * core adopted become stale. */
static void on_fork_child(void)
{
	pthread_mutex_init(&load_mu, NULL);
	/* The pooled buffers are the parent's core's (and a thread of the
	 * parent may have held the pool's lock). */
	gev_buf_pool.lock = 0;
	gev_buf_pool.n = 0;
	if (core_started) {
		gev_core_usable = 0;
		gev_core_epoch++;
	}
}

__attribute__((constructor)) static void gev_loader_init(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}
