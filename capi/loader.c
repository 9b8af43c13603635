/*
 * loader.c - loads the Go core the first time a program needs it.
 *
 * A Go runtime does not survive fork(): only the forking thread exists in
 * the child, so any runtime lock held by another thread stays held forever.
 * A runtime first started *after* the fork works. So the core is a separate
 * shared object that we dlopen() lazily, and a child forked after it was
 * loaded is marked "poisoned": there the C layer never enters Go again
 * (signal events can still be deleted, bases freed; everything else fails
 * with a logged message instead of hanging). See ../shared/NOTES.md §1.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi.h"

struct gev_core_ops gev_ops;
int gev_core_usable;
int gev_core_poisoned;

static int core_loaded;                       /* dlopen + attach succeeded */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[PATH_MAX + 256];       /* why loading failed, logged per call */

static const struct gev_services services = {
	.log = gev_log,
	.sig_caught = gev_sig_caught,
	.nsig = GEV_NSIG,
	.sig_install = gev_sig_install,
	.sig_release = gev_sig_release,
};

#define GEV_CORE_NAME "libgoevent_core-2.1.so.7"

/* The core lives beside the library that contains this code, whatever name
 * the program linked it by; GOEVENT_CORE overrides the path (tests, installs
 * that split directories). */
static void core_path(char *out, size_t n)
{
	const char *env = getenv("GOEVENT_CORE");
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return;
	}
	Dl_info info;
	if (dladdr((void *)core_path, &info) && info.dli_fname) {
		const char *slash = strrchr(info.dli_fname, '/');
		if (slash) {
			snprintf(out, n, "%.*s/%s", (int)(slash - info.dli_fname),
			    info.dli_fname, GEV_CORE_NAME);
			return;
		}
	}
	snprintf(out, n, "%s", GEV_CORE_NAME);
}

static void load_core(void)
{
	char path[PATH_MAX];
	core_path(path, sizeof path);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		snprintf(load_error, sizeof load_error, "cannot load the goevent core: %s", dlerror());
		return;
	}
	gev_core_attach_fn attach = (gev_core_attach_fn)dlsym(h, GEV_CORE_ATTACH_SYMBOL);
	if (!attach) {
		snprintf(load_error, sizeof load_error, "%s has no %s", path, GEV_CORE_ATTACH_SYMBOL);
		return;
	}
	if (attach(&gev_ops, &services) != 0) {
		snprintf(load_error, sizeof load_error, "the goevent core at %s refused to attach", path);
		return;
	}
	core_loaded = 1;
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
		gev_warnx("%s: %s", fn, load_error[0] ? load_error : "the goevent core is not loaded");
		return -1;
	}
	return 0;
}

/* In a child of a process whose core already ran, Go must never run again. */
static void on_fork_child(void)
{
	if (core_loaded) {
		gev_core_poisoned = 1;
		gev_core_usable = 0;
	}
}

__attribute__((constructor)) static void gev_loader_init(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}
