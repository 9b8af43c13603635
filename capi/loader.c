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
 * the core (capi/gocore/lazystart/lazystart.c). A child forked after that is
 * marked "poisoned": there the C layer never enters Go again (signal events
 * can still be deleted, bases freed; everything else fails with a logged
 * message instead of hanging). See ../shared/NOTES.md §1.
 */
#include <pthread.h>
#include <stdio.h>

#include "capi.h"

struct gev_core_ops gev_ops;
int gev_core_usable;
int gev_core_poisoned;

static int core_started;                      /* goevent_core_attach was called */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static const struct gev_services services = {
	.log = gev_log,
	.sig_caught = gev_sig_caught,
	.nsig = GEV_NSIG,
	.sig_install = gev_sig_install,
	.sig_release = gev_sig_release,
};

static void load_core(void)
{
	core_started = 1;
	if (goevent_core_attach(&gev_ops, &services) == 0)
		gev_core_usable = 1;
}

int gev_core_load(const char *fn)
{
	if (gev_core_poisoned) {
		gev_warnx("%s: the Go core was started before this process forked and cannot "
		    "run in the child; only event_del/event_free of signal events, "
		    "event_base_free and exec are possible here", fn);
		return -1;
	}
	pthread_once(&load_once, load_core);
	if (!gev_core_usable) {
		gev_warnx("%s: the goevent core could not start (out of memory?)", fn);
		return -1;
	}
	return 0;
}

/* In a child of a process whose core already ran, Go must never run again. */
static void on_fork_child(void)
{
	if (core_started) {
		gev_core_poisoned = 1;
		gev_core_usable = 0;
	}
}

__attribute__((constructor)) static void gev_loader_init(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}
