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

#include <pthread.h>
#include <stdint.h>

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
/* Which start of the core this process's runtime is: a child forked after
 * the core started counts one more (loader.c), and its core starts afresh. */
extern uint32_t gev_core_epoch;
/* A base whose Go side was made by the runtime of a parent process: in a
 * forked child only its C side remains (events can be deleted, signal
 * handlers restored, the base freed; the rest is refused with a message). */
static inline int gev_base_stale(const struct event_base *base)
{
	return base->core_idx != 0 && base->core_epoch != gev_core_epoch;
}
/* The base has a Go side in this process's core. */
static inline int gev_base_live(const struct event_base *base)
{
	return base->core_idx != 0 && base->core_epoch == gev_core_epoch && gev_core_usable;
}

/* Loads the core on first use. Returns 0 when gev_ops may be called, or logs
 * why not (naming fn, the public function that needed it) and returns -1. */
int gev_core_load(const char *fn);
/* Starts the core's runtime without waiting for it (event_base_new). */
void gev_core_prestart(void);
/* event_add(ev, NULL) of a core I/O event done in C when it can (event.c):
 * 1 done, 0 the core must do it. The base lock is held. */
int gev_io_add_go(struct event_base *base, struct event *ev);
static inline int gev_core_ready(const char *fn)
{
	if (__builtin_expect(gev_core_usable, 1))
		return 0;
	return gev_core_load(fn);
}

/* The extras' (evdns, evhttp) halves of the core need a one-time setup once
 * the core is loaded (handing it their C helpers). gev_extra_ready: 0 when
 * the core is loaded and setup() has returned 0 once, else -1 (setup's
 * failure, or the load's, logged naming fn). Inline: it guards every call. */
struct gev_setup_once {
	pthread_mutex_t mu;
	int done;
};
#define GEV_SETUP_ONCE_INIT { PTHREAD_MUTEX_INITIALIZER, 0 }
int gev_setup_once_slow(struct gev_setup_once *once, int (*setup)(void));
static inline int gev_extra_ready(const char *fn, struct gev_setup_once *once, int (*setup)(void))
{
	if (gev_core_ready(fn) < 0)
		return -1;
	if (__atomic_load_n(&once->done, __ATOMIC_ACQUIRE))
		return 0;
	return gev_setup_once_slow(once, setup);
}

/* The handles of evdns and evhttp start with a uint32_t magic: `live` while
 * live, `dead` once freed. 1 when p is live; else logs why not (NULL, freed,
 * not such a handle; naming fn and `what`) and 0. */
void gev_handle_warn(const void *p, uint32_t dead, const char *what, const char *fn);
static inline int gev_handle_check(const void *p, uint32_t live, uint32_t dead, const char *what,
    const char *fn)
{
	if (__builtin_expect(p && *(const uint32_t *)p == live, 1))
		return 1;
	gev_handle_warn(p, dead, what, fn);
	return 0;
}

/* evbuffer_new's pool of freed buffers (buffer.c; struct in gev_internal.h). */
extern struct gev_buf_pool gev_buf_pool;

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

/* Base checks: 1 if base is a live goevent base, else logs (naming fn) and 0.
 * Inline: every event_assign/event_add/event_del asks; the message is
 * out of line. */
int gev_base_check_failed(const struct event_base *base, const char *fn);
static inline int gev_base_check(const struct event_base *base, const char *fn)
{
	if (__builtin_expect(base != NULL && base->magic == GEV_BASE_MAGIC, 1))
		return 1;
	return gev_base_check_failed(base, fn);
}
/* Makes sure base has its Go side (loading the core). 0 or -1. */
int gev_base_adopt_slow(struct event_base *base, const char *fn);
static inline int gev_base_adopt(struct event_base *base, const char *fn)
{
	if (__builtin_expect(base != NULL && base->magic == GEV_BASE_MAGIC && base->core_idx != 0 &&
	        base->core_epoch == gev_core_epoch && gev_core_usable, 1))
		return 0; /* adopted, live, and not a parent's (gev_base_live) */
	return gev_base_adopt_slow(base, fn);
}
/* bufferevent.c: 0 (logged) when options ask for BEV_OPT_THREADSAFE without evthread locking. */
int gev_bev_locking_ok(int options, const char *fn);

/* Signals (signal.c). */
int gev_sig_install(struct event_base *base, int sig);
void gev_sig_release(struct event_base *base, int sig);
void gev_sig_loop_start(struct event_base *base);
int gev_sig_base_reinit(struct event_base *base);
void gev_sig_base_free(struct event_base *base);

/* Allocation through event_set_mem_functions (mem.c). gev_malloc(0) and
 * gev_calloc with a zero count or size return NULL, as libevent's mm_* do. */
void *gev_malloc(size_t n);
void *gev_calloc(size_t count, size_t size);
void *gev_realloc(void *p, size_t n);
void gev_free(void *p);
/* The same under libevent's exported names (mem.c), for libevent_pthreads. */
void *event_mm_malloc_(size_t sz);
void *event_mm_calloc_(size_t count, size_t size);
void *event_mm_realloc_(void *p, size_t sz);
void event_mm_free_(void *p);
char *event_mm_strdup_(const char *str);

/* Debug mode (event.c): a base was made, event_enable_debug_mode is too late now. */
void gev_event_debug_base_made(void);
void gev_debug_assert_nonblocking(evutil_socket_t fd, const char *fn);
void gev_debug_check_thread_setup(void);
void gev_debug_lock_made(void);
/* libevent_global_shutdown: debug mode off, its table freed. */
void gev_event_debug_disable(void);

/* CLOCK_MONOTONIC now, the clock of ev_timeout. */
void gev_now_monotonic(struct timeval *tv);

/* Thread support (thread.c; struct gev_thread in gev_internal.h). Every call
 * that touches a base and may run on another thread than its loop takes the
 * base lock: th = gev_base_lock(base) ... gev_base_unlock(th). For a base
 * without thread support that is one load and a not-taken branch.
 * gev_base_unlock wakes the loop when another thread runs it (libevent's
 * EVBASE_NEED_NOTIFY); gev_base_release only releases. Keep th (not base)
 * for the unlock: base may be freed meanwhile (event_base_free in a callback). */
void gev_th_lock_slow(struct gev_thread *th);
void gev_th_unlock_slow(struct gev_thread *th);
void gev_th_release_slow(struct gev_thread *th);
static inline struct gev_thread *gev_base_lock(struct event_base *base)
{
	struct gev_thread *th = base->thread;
	if (__builtin_expect(th != NULL, 0))
		gev_th_lock_slow(th);
	return th;
}
static inline void gev_base_unlock(struct gev_thread *th)
{
	if (__builtin_expect(th != NULL, 0))
		gev_th_unlock_slow(th);
}
static inline void gev_base_release(struct gev_thread *th)
{
	if (__builtin_expect(th != NULL, 0))
		gev_th_release_slow(th);
}
/* The lock callbacks in force (evthread_set_lock_callbacks /
 * evthread_use_pthreads, wrapped when lock debugging is on), or NULL when
 * thread support was never set up (thread.c). */
struct evthread_lock_callbacks;
const struct evthread_lock_callbacks *gev_thread_lock_callbacks(void);
/* evthread_set_id_callback's function (NULL: none). */
extern unsigned long (*gev_th_id_fn)(void);
/* Called by event_base_loop with the lock held: records the looping thread. */
static inline void gev_th_loop_owner(struct event_base *base)
{
	if (__builtin_expect(gev_th_id_fn != NULL, 0) && !base->running)
		base->th_owner = (uint64_t)gev_th_id_fn();
}
/* Wakes base's loop if it runs on another thread: 0, or -1 when it should
 * be woken but cannot (not notifiable), as libevent's loopbreak reports. */
int gev_th_wake_if_needed(struct event_base *base);
/* event_del: waits while another thread runs ev's callback (lock held).
 * blocking: libevent's EVENT_DEL_* (event_del_block, _noblock, event_del). */
#define GEV_DEL_NOBLOCK   0
#define GEV_DEL_BLOCK     1
#define GEV_DEL_AUTOBLOCK 2 /* block unless the event has EV_FINALIZE */
void gev_th_del_wait(struct event_base *base, struct event *ev, int blocking);
int gev_th_base_init(struct event_base *base);    /* base creation: 0 or -1 */
void gev_th_base_free(struct event_base *base);   /* after the core freed its side */
int gev_th_base_reinit(struct event_base *base);  /* event_reinit: 0 or -1 */

/* BEV_OPT_THREADSAFE (thread.c): a bufferevent's lock is its base's. The
 * base's lock object as an evbuffer lock (the struct gev_thread; NULL when
 * base has no lock), and gev_buf_use_base_lock makes buf use it (lock
 * functions that also wake the loop, as gev_base_unlock does): 0, or -1
 * when base has no lock. */
void *gev_base_lock_object(struct event_base *base);
int gev_buf_use_base_lock(struct evbuffer *buf, struct event_base *base);
/* bufferevent.c: takes the base lock of a live bufferevent (NULL: none taken,
 * also for a bad handle); release with gev_base_unlock. For the entry points
 * of bufferevent_pair.c, bufferevent_filter.c, ratelim.c. */
struct bufferevent;
struct gev_thread *gev_bev_lock(struct bufferevent *bev);
/* dns.c: bufferevent_socket_connect_hostname with an evdns_base. */
struct evdns_base;
struct evutil_addrinfo;
int gev_dns_connect_hostname(struct bufferevent *bev, struct evdns_base *dns,
    const struct evutil_addrinfo *hint, const char *hostname, const char *portbuf);
/* bufferevent.c: a new bufferevent made with options: with
 * BEV_OPT_THREADSAFE its buffers take its base's lock. Base lock held. */
void gev_bev_setup_locking(struct bufferevent *bev, int options);

#endif /* GEV_CAPI_H */
