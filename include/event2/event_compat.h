/*
 * goevent -- event2/event_compat.h
 *
 * The libevent 1.x interface, which works on one implicit global
 * event_base.  Prefer the functions of event2/event.h in new code; none of
 * these are safe to use from several threads.
 */
#ifndef EVENT2_EVENT_COMPAT_H_INCLUDED_
#define EVENT2_EVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>

struct event;
struct event_base;

/* Create the global loop (and return it); like event_base_new(). */
EVENT2_EXPORT_SYMBOL
struct event_base *event_init(void);

/* event_base_dispatch() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_dispatch(void);

/* event_base_loop() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_loop(int);

/* event_base_loopexit() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_loopexit(const struct timeval *);

/* event_base_loopbreak() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_loopbreak(void);

/* event_base_once() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_once(evutil_socket_t, short,
    void (*)(evutil_socket_t, short, void *), void *, const struct timeval *);

/* event_base_get_method() of the global loop; static string. */
EVENT2_EXPORT_SYMBOL
const char *event_get_method(void);

/* event_base_priority_init() on the global loop. */
EVENT2_EXPORT_SYMBOL
int event_priority_init(int);

/* Set up an event on the global loop (or, if there is none yet, on no
 * loop: attach it later with event_base_set()). */
EVENT2_EXPORT_SYMBOL
void event_set(struct event *, evutil_socket_t, short, void (*)(evutil_socket_t, short, void *), void *);

/* 1.x spellings built on event_set(). */
#define evtimer_set(ev, cb, arg) event_set((ev), -1, 0, (cb), (arg))
#define evsignal_set(ev, x, cb, arg) \
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))

#define timeout_add(ev, tv) event_add((ev), (tv))
#define timeout_set(ev, cb, arg) event_set((ev), -1, 0, (cb), (arg))
#define timeout_del(ev) event_del(ev)
#define timeout_pending(ev, tv) event_pending((ev), EV_TIMEOUT, (tv))
#define timeout_initialized(ev) event_initialized(ev)

#define signal_add(ev, tv) event_add((ev), (tv))
#define signal_set(ev, x, cb, arg) \
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define signal_del(ev) event_del(ev)
#define signal_pending(ev, tv) event_pending((ev), EV_SIGNAL, (tv))
#define signal_initialized(ev) event_initialized(ev)

#ifndef EVENT_FD
/* fd / signal number of an event. */
#define EVENT_FD(ev) ((int)event_get_fd(ev))
#define EVENT_SIGNAL(ev) event_get_signal(ev)
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_COMPAT_H_INCLUDED_ */
