/*
 * config.c - event_config and base creation: which backend a base gets
 * (event_config_avoid_method, event_config_require_features, the EVENT_NO*
 * environment variables), its EVENT_BASE_FLAG_* flags and dispatch limits,
 * and the process-wide queries and teardown (event_get_supported_methods,
 * libevent_global_shutdown).
 *
 * All of it is C: creating a base never loads the Go core (see event.c).
 * Backends are tried in libevent's order of preference, epoll, poll, select;
 * a base records the chosen GEV_METHOD_* for the core plus the name and
 * features libevent would report. goevent has no select backend of its own:
 * a base that ends up with "select" is run by the poll backend (same
 * level-triggered readiness, any fd), and reports select's name and features.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "capi.h"

#include <event2/event_compat.h>

/* The base of the old API (defined in event.c). */
extern struct event_base *event_global_current_base_;

/* ---- backends, in libevent's order of preference ---- */

struct gev_backend {
	const char *name;    /* as event_base_get_method reports it */
	const char *env;     /* EVENT_NO<NAME>: set (even empty) disables it */
	int32_t method;      /* GEV_METHOD_* that runs it */
	int32_t features;    /* EV_FEATURE_* libevent 2.1.12 reports for it */
};

static const struct gev_backend backends[] = {
	{ "epoll", "EVENT_NOEPOLL", GEV_METHOD_EPOLL,
	  EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE },
	{ "poll", "EVENT_NOPOLL", GEV_METHOD_POLL,
	  EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE },
	{ "select", "EVENT_NOSELECT", GEV_METHOD_POLL, EV_FEATURE_FDS },
};
#define NBACKENDS ((int)(sizeof backends / sizeof backends[0]))

/* libevent's epoll backend renames itself when it uses its changelist
 * (EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST or $EVENT_EPOLL_USE_CHANGELIST).
 * Ours has no changelist: the flag changes only the name. */
static const char epoll_changelist_name[] = "epoll (with changelist)";

/* ---- struct event_config ---- */

struct gev_avoid {
	struct gev_avoid *next;
	char name[];              /* the method to avoid, compared exactly */
};

struct event_config {
	struct gev_avoid *avoid;  /* methods to avoid */
	int require_features;     /* EV_FEATURE_* every candidate must have */
	int flags;                /* EVENT_BASE_FLAG_* */
	int n_cpus_hint;          /* kept; only IOCP (Windows) used it */
	struct timeval max_dispatch_interval; /* tv_sec -1: no time limit */
	int max_dispatch_callbacks;           /* INT_MAX: no count limit */
	int limit_callbacks_after_prio;
};

struct event_config *event_config_new(void)
{
	struct event_config *cfg = gev_calloc(1, sizeof *cfg);
	if (!cfg) {
		gev_warnx("event_config_new: out of memory");
		return NULL;
	}
	cfg->max_dispatch_interval.tv_sec = -1;
	cfg->max_dispatch_callbacks = INT_MAX;
	cfg->limit_callbacks_after_prio = 1;
	return cfg;
}

void event_config_free(struct event_config *cfg)
{
	if (!cfg) {
		gev_warnx("event_config_free: NULL config");
		return;
	}
	while (cfg->avoid) {
		struct gev_avoid *a = cfg->avoid;
		cfg->avoid = a->next;
		gev_free(a);
	}
	gev_free(cfg);
}

int event_config_avoid_method(struct event_config *cfg, const char *method)
{
	if (!cfg) {
		gev_warnx("event_config_avoid_method: NULL config");
		return -1;
	}
	if (!method)
		return -1; /* libevent: its strdup refuses NULL, nothing logged */
	size_t n = strlen(method) + 1;
	struct gev_avoid *a = gev_malloc(sizeof *a + n);
	if (!a)
		return -1;
	memcpy(a->name, method, n);
	a->next = cfg->avoid;
	cfg->avoid = a;
	return 0;
}

int event_config_require_features(struct event_config *cfg, int features)
{
	if (!cfg) {
		gev_warnx("%s: NULL event_config", __func__);
		return -1;
	}
	cfg->require_features = features;
	return 0;
}

int event_config_set_flag(struct event_config *cfg, int flag)
{
	if (!cfg) {
		gev_warnx("%s: NULL event_config", __func__);
		return -1;
	}
	cfg->flags |= flag;
	return 0;
}

int event_config_set_num_cpus_hint(struct event_config *cfg, int cpus)
{
	if (!cfg) {
		gev_warnx("%s: NULL event_config", __func__);
		return -1;
	}
	cfg->n_cpus_hint = cpus;
	return 0;
}

int event_config_set_max_dispatch_interval(struct event_config *cfg,
    const struct timeval *max_interval, int max_callbacks, int min_priority)
{
	if (!cfg) {
		gev_warnx("event_config_set_max_dispatch_interval: NULL config");
		return -1;
	}
	if (max_interval)
		cfg->max_dispatch_interval = *max_interval;
	else
		cfg->max_dispatch_interval.tv_sec = -1;
	cfg->max_dispatch_callbacks = max_callbacks >= 0 ? max_callbacks : INT_MAX;
	cfg->limit_callbacks_after_prio = min_priority < 0 ? 0 : min_priority;
	return 0;
}

static int config_avoids(const struct event_config *cfg, const char *name)
{
	for (const struct gev_avoid *a = cfg->avoid; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return 1;
	return 0;
}

/* ---- bases ---- */

/* The first backend cfg and the environment allow, or NULL. */
static const struct gev_backend *pick_backend(const struct event_config *cfg, int check_env)
{
	for (int i = 0; i < NBACKENDS; i++) {
		const struct gev_backend *be = &backends[i];
		if (cfg && config_avoids(cfg, be->name))
			continue;
		if (cfg && (be->features & cfg->require_features) != cfg->require_features)
			continue;
		/* Programs set these with setenv() after load (tmux): C getenv sees them. */
		if (check_env && getenv(be->env))
			continue;
		return be;
	}
	return NULL;
}

struct event_base *event_base_new_with_config(const struct event_config *cfg)
{
	int flags = cfg ? cfg->flags : 0;
	int check_env = !(flags & EVENT_BASE_FLAG_IGNORE_ENV);

	if (check_env && !(flags & EVENT_BASE_FLAG_PRECISE_TIMER) && getenv("EVENT_PRECISE_TIMER"))
		flags |= EVENT_BASE_FLAG_PRECISE_TIMER;

	const struct gev_backend *be = pick_backend(cfg, check_env);
	if (!be) {
		gev_warnx("event_base_new_with_config: no event mechanism available");
		/* libevent frees its half-made base here, which logs this. */
		gev_debugx("event_base_new_with_config: 0 events freed");
		return NULL;
	}

	struct event_base *base = gev_calloc(1, sizeof *base);
	if (!base) {
		gev_warnx("event_base_new_with_config: out of memory");
		return NULL;
	}
	gev_event_debug_base_made(); /* too late for event_enable_debug_mode */
	base->magic = GEV_BASE_MAGIC;
	base->flags = flags;
	base->method = be->method;
	base->method_name = be->name;
	base->features = be->features;
	if (be->method == GEV_METHOD_EPOLL &&
	    ((flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) ||
	     (check_env && getenv("EVENT_EPOLL_USE_CHANGELIST"))))
		base->method_name = epoll_changelist_name;
	base->npriorities = 1;
	base->sig_rfd = base->sig_wfd = -1;
	base->epfd = -1;        /* the core's, once it has the base */
	base->running_pri = -1;

	/* Dispatch limits, as libevent derives them from the config. */
	base->max_dispatch_usec = -1;
	base->max_dispatch_callbacks = INT32_MAX;
	base->limit_callbacks_after_prio = 1;
	if (cfg) {
		const struct timeval *tv = &cfg->max_dispatch_interval;
		if (tv->tv_sec >= 0) {
			int64_t us = (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
			base->max_dispatch_usec = us < 0 ? 0 : us;
		}
		base->max_dispatch_callbacks = cfg->max_dispatch_callbacks;
		base->limit_callbacks_after_prio = cfg->limit_callbacks_after_prio;
	}
	if (base->max_dispatch_callbacks == INT32_MAX && base->max_dispatch_usec == -1)
		base->limit_callbacks_after_prio = INT32_MAX;

	/* libevent shows the method even when the config ignores the environment. */
	if (getenv("EVENT_SHOW_METHOD"))
		gev_msgx("libevent using: %s", base->method_name);
	if (gev_th_base_init(base) < 0) { /* lock + wakeup fd when threads are on (thread.c) */
		gev_free(base);
		return NULL;
	}
	gev_core_prestart();
	return base;
}

struct event_base *event_base_new(void)
{
	return event_base_new_with_config(NULL);
}

struct event_base *event_init(void)
{
	struct event_base *base = event_base_new_with_config(NULL);
	if (!base)
		gev_errx(1, "event_init: Unable to construct event_base");
	event_global_current_base_ = base;
	return base;
}

const char *event_base_get_method(const struct event_base *base)
{
	if (!gev_base_check(base, "event_base_get_method"))
		return NULL;
	return base->method_name;
}

int event_base_get_features(const struct event_base *base)
{
	if (!gev_base_check(base, "event_base_get_features"))
		return 0;
	return base->features;
}

/* ---- process-wide ---- */

/* As libevent: a fresh array per call (from the program's allocator), the
 * previous one freed; every method this build has, whatever the environment. */
static const char **supported_methods;

const char **event_get_supported_methods(void)
{
	const char **tmp = gev_calloc(NBACKENDS + 1, sizeof *tmp);
	if (!tmp)
		return NULL;
	for (int i = 0; i < NBACKENDS; i++)
		tmp[i] = backends[i].name;
	gev_free(supported_methods);
	supported_methods = tmp;
	return tmp;
}

/* Releases what the C layer keeps for the whole process. A program calls it
 * last (libevent: other calls afterwards are undefined); calling it again is
 * harmless. The Go core, once loaded, stays (a Go runtime cannot be
 * unloaded); bases, events and signal handlers are released by their own
 * free functions. */
void libevent_global_shutdown(void)
{
	gev_event_debug_disable();
	gev_free(supported_methods);
	supported_methods = NULL;
}
