/*
 * goevent -- event2/event.h
 *
 * The core event-loop API: creating and configuring an event_base,
 * running its loop, and creating, scheduling and inspecting events.
 * Source-compatible with libevent 2.1.12.
 */
#ifndef EVENT2_EVENT_H_INCLUDED_
#define EVENT2_EVENT_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <stdio.h>
#include <event2/util.h>

/* An event loop.  Opaque; create with event_base_new(). */
struct event_base;
/* One event.  Opaque here; see event2/event_struct.h for its layout. */
struct event;
/* Settings used to build an event_base.  Opaque; see event_config_new(). */
struct event_config;

/* ==== event_base life cycle ========================================== */

/* Create a loop with default settings.  Returns NULL on failure; free it
 * with event_base_free(). */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new(void);

/* Create a loop honouring cfg (which may be freed afterwards).  Returns NULL
 * if no backend satisfies cfg; free the result with event_base_free(). */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new_with_config(const struct event_config *);

/* Free a loop and its internal resources.  Events still assigned to it are
 * not freed, and pending finalizer callbacks are run first. */
EVENT2_EXPORT_SYMBOL
void event_base_free(struct event_base *);

/* Like event_base_free() but does not run pending finalizer callbacks. */
EVENT2_EXPORT_SYMBOL
void event_base_free_nofinalize(struct event_base *);

/* Re-create kernel state after fork(); call in the child.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_reinit(struct event_base *base);

/* Name of the backend in use (e.g. "epoll").  Static string; do not free. */
EVENT2_EXPORT_SYMBOL
const char *event_base_get_method(const struct event_base *);

/* NULL-terminated array of backend names this build supports.  The array
 * is owned by the library; do not free or modify it. */
EVENT2_EXPORT_SYMBOL
const char **event_get_supported_methods(void);

/* Bit-set of EV_FEATURE_* that the loop's backend provides. */
EVENT2_EXPORT_SYMBOL
int event_base_get_features(const struct event_base *base);

/* Monotonic time as seen by the loop (cached while callbacks run); 0 on success. */
EVENT2_EXPORT_SYMBOL
int event_gettime_monotonic(struct event_base *base, struct timeval *tp);

/* Kinds of events counted by event_base_get_num_events() / _get_max_events(). */
#define EVENT_BASE_COUNT_ACTIVE  1U
#define EVENT_BASE_COUNT_VIRTUAL 2U
#define EVENT_BASE_COUNT_ADDED   4U

/* Current number of events of the EVENT_BASE_COUNT_* kinds in the flags. */
EVENT2_EXPORT_SYMBOL
int event_base_get_num_events(struct event_base *, unsigned int);

/* Peak number of events of the given kinds; a non-zero last argument resets the peak. */
EVENT2_EXPORT_SYMBOL
int event_base_get_max_events(struct event_base *, unsigned int, int);

/* ==== event_config ==================================================== */

/* Capabilities a backend may offer; see event_config_require_features(). */
enum event_method_feature {
	EV_FEATURE_ET = 0x01,		/* edge-triggered I/O */
	EV_FEATURE_O1 = 0x02,		/* O(1) add/delete/dispatch */
	EV_FEATURE_FDS = 0x04,		/* any fd type, not just sockets */
	EV_FEATURE_EARLY_CLOSE = 0x08	/* EV_CLOSED without reading */
};

/* Flags for event_config_set_flag(). */
enum event_base_config_flag {
	EVENT_BASE_FLAG_NOLOCK = 0x01,
	EVENT_BASE_FLAG_IGNORE_ENV = 0x02,
	EVENT_BASE_FLAG_STARTUP_IOCP = 0x04,
	EVENT_BASE_FLAG_NO_CACHE_TIME = 0x08,
	EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST = 0x10,
	EVENT_BASE_FLAG_PRECISE_TIMER = 0x20
};

/* Allocate an empty configuration; free with event_config_free(). */
EVENT2_EXPORT_SYMBOL
struct event_config *event_config_new(void);

/* Free a configuration made by event_config_new(). */
EVENT2_EXPORT_SYMBOL
void event_config_free(struct event_config *cfg);

/* Exclude the named backend (the string is copied).  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_config_avoid_method(struct event_config *cfg, const char *method);

/* Require every EV_FEATURE_* bit in `feature`.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_config_require_features(struct event_config *cfg, int feature);

/* Add an EVENT_BASE_FLAG_* flag.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_config_set_flag(struct event_config *cfg, int flag);

/* Hint how many CPUs the loop may use (only meaningful for IOCP). */
EVENT2_EXPORT_SYMBOL
int event_config_set_num_cpus_hint(struct event_config *cfg, int cpus);

/* Bound how long / how many callbacks the loop runs before re-checking for
 * higher-priority events (only priorities >= min_priority are bounded). */
EVENT2_EXPORT_SYMBOL
int event_config_set_max_dispatch_interval(struct event_config *cfg,
    const struct timeval *max_interval, int max_callbacks,
    int min_priority);

/* ==== logging, fatal errors, debugging ================================= */

/* Severities passed to an event_log_cb. */
#define EVENT_LOG_DEBUG 0
#define EVENT_LOG_MSG   1
#define EVENT_LOG_WARN  2
#define EVENT_LOG_ERR   3

/* Older spellings of the severities. */
#define _EVENT_LOG_DEBUG EVENT_LOG_DEBUG
#define _EVENT_LOG_MSG   EVENT_LOG_MSG
#define _EVENT_LOG_WARN  EVENT_LOG_WARN
#define _EVENT_LOG_ERR   EVENT_LOG_ERR

/* Receives each log message; msg is only valid during the call. */
typedef void (*event_log_cb)(int severity, const char *msg);

/* Route log messages to cb (NULL restores printing to stderr). */
EVENT2_EXPORT_SYMBOL
void event_set_log_callback(event_log_cb cb);

/* Called on an unrecoverable internal error instead of exit(). */
typedef void (*event_fatal_cb)(int err);

/* Install the fatal-error handler (NULL restores the default). */
EVENT2_EXPORT_SYMBOL
void event_set_fatal_callback(event_fatal_cb cb);

/* Arguments for event_enable_debug_logging(). */
#define EVENT_DBG_ALL 0xffffffffu
#define EVENT_DBG_NONE 0

/* Turn debug-level log messages on (EVENT_DBG_ALL) or off (EVENT_DBG_NONE). */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_logging(ev_uint32_t which);

/* Enable checks for common event misuse; call before creating any event. */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_mode(void);

/* Tell debug mode that the memory of an event which is not pending is
 * about to be reused or released without event_free(). */
EVENT2_EXPORT_SYMBOL
void event_debug_unassign(struct event *);

/* ==== running the loop ================================================= */

/* Flags for event_base_loop(). */
#define EVLOOP_ONCE             0x01
#define EVLOOP_NONBLOCK         0x02
#define EVLOOP_NO_EXIT_ON_EMPTY 0x04

/* Run the loop until no events remain or it is told to stop.
 * Returns 0 normally, 1 if nothing was pending, -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_base_dispatch(struct event_base *);

/* Run the loop with EVLOOP_* flags; return values as event_base_dispatch(). */
EVENT2_EXPORT_SYMBOL
int event_base_loop(struct event_base *, int);

/* Stop the loop after the given delay (NULL: after the current round of
 * callbacks).  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_base_loopexit(struct event_base *, const struct timeval *);

/* Stop the loop as soon as the running callback returns.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_base_loopbreak(struct event_base *);

/* Make the loop re-scan for events once the running callback returns. */
EVENT2_EXPORT_SYMBOL
int event_base_loopcontinue(struct event_base *);

/* Non-zero if the last loop run ended because of event_base_loopexit(). */
EVENT2_EXPORT_SYMBOL
int event_base_got_exit(struct event_base *);

/* Non-zero if the last loop run ended because of event_base_loopbreak(). */
EVENT2_EXPORT_SYMBOL
int event_base_got_break(struct event_base *);

/* ==== events =========================================================== */

/* Event condition flags. */
#define EV_TIMEOUT  0x01
#define EV_READ     0x02
#define EV_WRITE    0x04
#define EV_SIGNAL   0x08
#define EV_PERSIST  0x10
#define EV_ET       0x20
#define EV_FINALIZE 0x40
#define EV_CLOSED   0x80

/* Called when an event fires: (fd or signal, EV_* flags that fired, arg). */
typedef void (*event_callback_fn)(evutil_socket_t, short, void *);

/* Pass as the callback argument to receive the event itself as `arg`. */
EVENT2_EXPORT_SYMBOL
void *event_self_cbarg(void);

/* Allocate and set up an event on base for fd/signal with EV_* `events`.
 * Returns NULL on error; release with event_free(). */
EVENT2_EXPORT_SYMBOL
struct event *event_new(struct event_base *, evutil_socket_t, short, event_callback_fn, void *);

/* Set up caller-provided storage (at least event_get_struct_event_size()
 * bytes) as an event.  Must not be used on a pending event.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_assign(struct event *, struct event_base *, evutil_socket_t, short, event_callback_fn, void *);

/* Make an event non-pending and release an event from event_new(). */
EVENT2_EXPORT_SYMBOL
void event_free(struct event *);

/* Run when a finalized event is known to be no longer in use. */
typedef void (*event_finalize_callback_fn)(struct event *, void *);

/* Remove an event and call cb once no callback for it can still be running. */
EVENT2_EXPORT_SYMBOL
int event_finalize(unsigned, struct event *, event_finalize_callback_fn);

/* As event_finalize(), then free the event (which must come from event_new()). */
EVENT2_EXPORT_SYMBOL
int event_free_finalize(unsigned, struct event *, event_finalize_callback_fn);

/* Schedule a one-shot callback on an fd/signal and/or timeout; the library
 * allocates and frees the event itself.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_base_once(struct event_base *, evutil_socket_t, short, event_callback_fn, void *, const struct timeval *);

/* Make an event pending, with an optional relative timeout (NULL: none).
 * The timeval is copied.  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_add(struct event *ev, const struct timeval *timeout);

/* Cancel only the timeout of a pending event.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_remove_timer(struct event *ev);

/* Make an event non-pending and non-active.  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_del(struct event *);

/* event_del() that never waits for the event's callback in another thread. */
EVENT2_EXPORT_SYMBOL
int event_del_noblock(struct event *ev);

/* event_del() that always waits for the event's callback in another thread. */
EVENT2_EXPORT_SYMBOL
int event_del_block(struct event *ev);

/* Mark an event active with result flags `res` (ncalls is obsolete). */
EVENT2_EXPORT_SYMBOL
void event_active(struct event *ev, int res, short ncalls);

/* Which of `events` the event is pending or active for; if tv is non-NULL
 * and a timeout is pending, stores its expiry time there. */
EVENT2_EXPORT_SYMBOL
int event_pending(const struct event *ev, short events, struct timeval *tv);

/* The event whose callback is running in this loop right now, or NULL. */
EVENT2_EXPORT_SYMBOL
struct event *event_base_get_running_event(struct event_base *base);

/* Non-zero if the event has been set up by event_new()/event_assign(). */
EVENT2_EXPORT_SYMBOL
int event_initialized(const struct event *ev);

/* Accessors for an event's settings. */

/* The signal number of a signal event. */
#define event_get_signal(ev) ((int)event_get_fd(ev))

/* fd (or signal number) of the event. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t event_get_fd(const struct event *ev);

/* Loop the event is assigned to. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_get_base(const struct event *ev);

/* EV_* flags the event was set up with. */
EVENT2_EXPORT_SYMBOL
short event_get_events(const struct event *ev);

/* Callback of the event. */
EVENT2_EXPORT_SYMBOL
event_callback_fn event_get_callback(const struct event *ev);

/* Callback argument of the event. */
EVENT2_EXPORT_SYMBOL
void *event_get_callback_arg(const struct event *ev);

/* Priority of the event. */
EVENT2_EXPORT_SYMBOL
int event_get_priority(const struct event *ev);

/* Copy out all of an event's settings; any output pointer may be NULL. */
EVENT2_EXPORT_SYMBOL
void event_get_assignment(const struct event *event,
    struct event_base **base_out, evutil_socket_t *fd_out, short *events_out,
    event_callback_fn *callback_out, void **arg_out);

/* Bytes needed for a struct event (for event_assign() on raw storage). */
EVENT2_EXPORT_SYMBOL
size_t event_get_struct_event_size(void);

/* Convenience spellings for timer events (no fd). */
#define evtimer_assign(ev, b, cb, arg) \
	event_assign((ev), (b), -1, 0, (cb), (arg))
#define evtimer_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evtimer_add(ev, tv) event_add((ev), (tv))
#define evtimer_del(ev) event_del(ev)
#define evtimer_pending(ev, tv) event_pending((ev), EV_TIMEOUT, (tv))
#define evtimer_initialized(ev) event_initialized(ev)

/* Convenience spellings for signal events (always persistent). */
#define evsignal_add(ev, tv) event_add((ev), (tv))
#define evsignal_assign(ev, b, x, cb, arg) \
	event_assign((ev), (b), (x), EV_SIGNAL|EV_PERSIST, cb, (arg))
#define evsignal_new(b, x, cb, arg) \
	event_new((b), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define evsignal_del(ev) event_del(ev)
#define evsignal_pending(ev, tv) event_pending((ev), EV_SIGNAL, (tv))
#define evsignal_initialized(ev) event_initialized(ev)

/* Convenience spellings for user-triggered events. */
#define evuser_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evuser_del(ev) event_del(ev)
#define evuser_pending(ev, tv) event_pending((ev), 0, (tv))
#define evuser_initialized(ev) event_initialized(ev)
#define evuser_trigger(ev) event_active((ev), 0, 0)

/* ==== priorities and timeouts ========================================== */

/* Upper bound on the number of priorities of a loop. */
#define EVENT_MAX_PRIORITIES 256

/* Give the loop npriorities priority levels (0 highest); call before any
 * event is active.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_base_priority_init(struct event_base *, int);

/* Number of priority levels of the loop. */
EVENT2_EXPORT_SYMBOL
int event_base_get_npriorities(struct event_base *eb);

/* Set an event's priority; the event must not be active.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_priority_set(struct event *, int);

/* Get a magic timeval that makes many events with the same duration cheap
 * to add.  The returned pointer stays valid as long as the loop; pass it
 * to event_add() as is.  NULL on error. */
EVENT2_EXPORT_SYMBOL
const struct timeval *event_base_init_common_timeout(struct event_base *base,
    const struct timeval *duration);

/* The loop's cached wall-clock time (or the real time if none cached). */
EVENT2_EXPORT_SYMBOL
int event_base_gettimeofday_cached(struct event_base *base,
    struct timeval *tv);

/* Refresh the loop's cached time now.  0 on success. */
EVENT2_EXPORT_SYMBOL
int event_base_update_cache_time(struct event_base *base);

/* ==== inspection ========================================================= */

/* Print a description of every event in the loop to `output`. */
EVENT2_EXPORT_SYMBOL
void event_base_dump_events(struct event_base *, FILE *);

/* Activate every event on fd whose conditions include `events`. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_fd(struct event_base *base, evutil_socket_t fd, short events);

/* Activate every event waiting for signal `sig`. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_signal(struct event_base *base, int sig);

/* Visitor for event_base_foreach_event(); a non-zero return stops the walk.
 * Must not add, delete or free events. */
typedef int (*event_base_foreach_event_cb)(const struct event_base *, const struct event *, void *);

/* Call fn for each pending or active event; returns 0, or the non-zero
 * value with which fn stopped the walk. */
EVENT2_EXPORT_SYMBOL
int event_base_foreach_event(struct event_base *base, event_base_foreach_event_cb fn, void *arg);

/* ==== library-wide ======================================================= */

/* Version string of the library, e.g. "2.1.12-stable".  Static; do not free. */
EVENT2_EXPORT_SYMBOL
const char *event_get_version(void);

/* Version as a number, 0xMMmmpp00 (compare with LIBEVENT_VERSION_NUMBER). */
EVENT2_EXPORT_SYMBOL
ev_uint32_t event_get_version_number(void);

/* Version of the headers a program was compiled against. */
#define LIBEVENT_VERSION EVENT__VERSION
#define LIBEVENT_VERSION_NUMBER EVENT__NUMERIC_VERSION

/* Replace the allocator used by the library; call before anything else. */
EVENT2_EXPORT_SYMBOL
void event_set_mem_functions(
	void *(*malloc_fn)(size_t sz),
	void *(*realloc_fn)(void *ptr, size_t sz),
	void (*free_fn)(void *ptr));
/* event_set_mem_functions() is available in this build. */
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

/* Release global state (debug maps, locks); no call may follow. */
EVENT2_EXPORT_SYMBOL
void libevent_global_shutdown(void);

/* Associate an event with a loop (for events made by event_set()). */
EVENT2_EXPORT_SYMBOL
int event_base_set(struct event_base *, struct event *);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_H_INCLUDED_ */
