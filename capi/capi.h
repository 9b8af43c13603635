/*
 * capi.h - private declarations shared by the files of goevent's C layer.
 *
 * The C layer is what a program links: it carries libevent's exact
 * prototypes, keeps the state that must exist before the Go core is loaded
 * (bases, events added early, signal handlers), and forwards everything else
 * to the Go core through gev_ops. See docs/ARCHITECTURE.md.
 */
#ifndef GEV_CAPI_H
#define GEV_CAPI_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include "gev_internal.h"

/* Short names for the fields of struct event's embedded callback, as
 * libevent's own sources spell them (private: a program may use these names). */
#define ev_flags ev_evcallback.evcb_flags
#define ev_pri ev_evcallback.evcb_pri
#define ev_closure ev_evcallback.evcb_closure
#define ev_callback ev_evcallback.evcb_cb_union.evcb_callback
#define ev_arg ev_evcallback.evcb_arg

/* The core's entry points, valid once gev_core_ready() returned 0. */
extern struct gev_core_ops gev_ops;

/* 1 once the core is loaded in this process and usable. */
extern int gev_core_usable;
/* 1 in a child forked after the core was loaded: Go must never run here. */
extern int gev_core_poisoned;

/* Loads the core on first use. Returns 0 when gev_ops may be called, or logs
 * why not (naming fn, the public function that needed it) and returns -1. */
int gev_core_load(const char *fn);
static inline int gev_core_ready(const char *fn)
{
	if (__builtin_expect(gev_core_usable, 1))
		return 0;
	return gev_core_load(fn);
}

/* Logging through the program's callback (event_set_log_callback). */
void gev_log(int severity, const char *msg);
void gev_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gev_msgx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug-severity messages (event_enable_debug_logging): nothing, not even the
 * formatting, unless the program turned debug logging on. */
extern uint32_t gev_debug_mask;
void gev_debugx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define gev_debugx(...) \
	do { if (__builtin_expect(gev_debug_mask != 0, 0)) gev_debugx_(__VA_ARGS__); } while (0)
/* A fatal error (libevent's event_errx): logs at EVENT_LOG_ERR, calls the
 * program's fatal callback, and ends the process. For misuse libevent
 * cannot survive, e.g. what debug mode detects. */
#define GEV_ERR_ABORT ((int)0xdeaddead) /* libevent's EVENT_ERR_ABORT_ */
void gev_errx(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Base checks: 1 if base is a live goevent base, else logs (naming fn) and 0. */
int gev_base_check(const struct event_base *base, const char *fn);
/* Makes sure base has its Go side (loading the core). 0 or -1. */
int gev_base_adopt(struct event_base *base, const char *fn);
/* bufferevent.c: 0 (logged) when options ask for BEV_OPT_THREADSAFE without evthread locking. */
int gev_bev_locking_ok(int options, const char *fn);

/* Signals (signal.c). */
extern volatile sig_atomic_t gev_sig_caught[GEV_NSIG];
int gev_sig_install(struct event_base *base, int sig);
void gev_sig_release(struct event_base *base, int sig);
int gev_sig_base_reinit(struct event_base *base);
void gev_sig_base_free(struct event_base *base);

/* Allocation through event_set_mem_functions (mem.c). gev_malloc(0) and
 * gev_calloc with a zero count or size return NULL, as libevent's mm_* do. */
void *gev_malloc(size_t n);
void *gev_calloc(size_t count, size_t size);
void *gev_realloc(void *p, size_t n);
void gev_free(void *p);

/* Debug mode (event.c): a base was made, event_enable_debug_mode is too late now. */
void gev_event_debug_base_made(void);

/* CLOCK_MONOTONIC now, the clock of ev_timeout. */
void gev_now_monotonic(struct timeval *tv);

#endif /* GEV_CAPI_H */
