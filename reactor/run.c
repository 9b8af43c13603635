/*
 * run.c - the loop's pass over one active queue, for the events whose whole
 * run is C work: a program's plain or persistent callback whose event
 * leaves its lists without the fd or signal maps. A Go->C crossing costs
 * about what libevent spends on a callback, so the core hands the queue to
 * this function and it runs such events one after another, with the same
 * rules as loop.go's processQueue (which it stands for), until the queue is
 * empty or its head needs the core (a Go handler, a signal, a finalizer, a
 * one-shot event registered on an fd, a common timeout, a full timer heap),
 * or the pass must stop. loop.go decides which events come here with the
 * same test (runnableInC).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "gev_internal.h"
#include "gev_fork.h"
#include "timeheap.h"
#include "activeq.h"
#include "iomap.h"
#include "run.h"

extern const struct gev_services *gev_svc; /* internal/svc/services.c */

#define EV_RELTIMEO(ev) GEV_EV_RELTIMEO(ev)
#define EV_COMMONIDX(ev) GEV_EV_COMMON(ev)

static inline void mono_now(struct timeval *tv)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
}

/* The core's gettime: the loop's cached time, or the clock. */
static inline struct timeval base_now(const struct event_base *base)
{
	struct timeval now;
	if (base->tv_cache.tv_sec)
		return base->tv_cache;
	mono_now(&now);
	return now;
}

static inline int tv_less(struct timeval a, struct timeval b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_usec < b.tv_usec);
}

/* t + d microseconds (d > 0), normalized as Timeval.addUsec. */
static inline struct timeval tv_add_usec(struct timeval t, int64_t d)
{
	int64_t sec = t.tv_sec + d / 1000000, usec = t.tv_usec + d % 1000000;
	while (usec >= 1000000) {
		sec++;
		usec -= 1000000;
	}
	t.tv_sec = sec;
	t.tv_usec = usec;
	return t;
}

static inline int in_heap(const struct event_base *base, const struct event *ev)
{
	return EV_COMMONIDX(ev) == 0 && base->timeheap && gev_timeheap_has(base, ev);
}

/* The kernel refused to drop the interest of a one-shot event's fd: as the
 * core's ioDel, say so (the event is deleted all the same). */
static void del_failed(const struct event *ev)
{
	char msg[128];
	snprintf(msg, sizeof msg, "event_del: epoll: epoll_ctl(DEL) on fd %d: %s", (int)ev->ev_fd, strerror(errno));
	if (gev_svc)
		gev_svc->log(EVENT_LOG_WARN, msg);
}

int gev_run_in_c(const struct event_base *base, const struct event *ev)
{
	short fl = ev->ev_evcallback.evcb_flags;
	if (fl & (EVLIST_FINALIZING | ~EVLIST_ALL))
		return 0;
	switch (ev->ev_evcallback.evcb_closure) {
	case GEV_CLOSURE_EVENT:
	case GEV_CLOSURE_EVENT_PERSIST:
		break;
	default:
		return 0;
	}
	if (ev->ev_events & EV_SIGNAL)
		return 0;
	if (!(ev->ev_events & EV_PERSIST) && !gev_event_del_c_ok(base, ev))
		return 0; /* the loop deletes it: from the heap and an epoll fd map here */
	if (ev->ev_evcallback.evcb_closure == GEV_CLOSURE_EVENT_PERSIST && EV_RELTIMEO(ev) > 0) {
		/* Re-armed before its callback: on the heap, in place. */
		if (EV_COMMONIDX(ev) != 0)
			return 0;
		if ((ev->ev_events & (EV_READ | EV_WRITE | EV_CLOSED)) && !(fl & EVLIST_INSERTED))
			return 0;
		if (fl & EVLIST_TIMEOUT)
			return in_heap(base, ev);
		return base->timeheap && base->timeheap_n < base->timeheap_cap;
	}
	return 1;
}

/* Base.rearm + Base.add(ev, at, abs) for an event gev_run_in_c accepted. */
static inline void rearm(struct event_base *base, struct event *ev, int64_t rel)
{
	struct timeval now = base_now(base), from = now;
	if (ev->ev_res & EV_TIMEOUT)
		from = ev->ev_timeout;
	struct timeval at = tv_add_usec(from, rel);
	if (tv_less(at, now))
		at = tv_add_usec(now, rel);
	if (ev->ev_evcallback.evcb_flags & EVLIST_TIMEOUT)
		gev_timeheap_remove(base, ev); /* the membership stays: the count too */
	else {
		ev->ev_evcallback.evcb_flags |= EVLIST_TIMEOUT;
		gev_count_event(base, ev, 1);
	}
	ev->ev_timeout = at;
	gev_timeheap_push(base, ev);
}

int64_t gev_run_queue(uintptr_t basep, int pri, int64_t count, int64_t max, int64_t end_sec, int64_t end_usec,
    int has_end)
{
	struct event_base *base = (struct event_base *)basep;
	volatile int32_t dead = 0;
	volatile int32_t *prev_dead = base->run_dead;
	struct timeval end = {end_sec, end_usec};
	int st;
	base->run_dead = &dead;
	for (;;) {
		if (pri >= base->activeq_n) { /* event_base_priority_init from a callback */
			st = GEV_RUN_DONE;
			break;
		}
		struct event *ev = base->activeq[pri].head;
		if (!ev) {
			st = GEV_RUN_DONE;
			break;
		}
		if (!gev_run_in_c(base, ev)) {
			st = GEV_RUN_GO;
			break;
		}
		if (ev->ev_events & EV_PERSIST)
			gev_activeq_remove(base, ev);
		else if (gev_event_del(base, ev) < 0)
			del_failed(ev);
		if (!(ev->ev_evcallback.evcb_flags & EVLIST_INTERNAL))
			count++;
		base->current = ev;
		if (ev->ev_evcallback.evcb_closure == GEV_CLOSURE_EVENT_PERSIST) {
			int64_t rel = EV_RELTIMEO(ev);
			if (rel > 0)
				rearm(base, ev, rel);
		}
		event_callback_fn cb = ev->ev_evcallback.evcb_cb_union.evcb_callback;
		if (cb) {
			struct gev_thread *th = base->thread;
			gev_cb_enter();
			if (th)
				th->run_cb(th, ev); /* with the lock released */
			else
				cb(ev->ev_fd, ev->ev_res, ev->ev_evcallback.evcb_arg);
			gev_cb_leave();
		}
		/* ev may be freed by now, and the base too. */
		if (dead)
			return GEV_RUN_ABORT; /* base is gone: touch nothing */
		base->current = NULL;
		if (base->event_break) {
			st = GEV_RUN_ABORT;
			break;
		}
		if (count >= max) {
			st = GEV_RUN_LIMIT;
			break;
		}
		if (count != 0 && has_end) {
			base->tv_cache.tv_sec = 0;
			base->tv_cache.tv_usec = 0;
			if (!(base->flags & EVENT_BASE_FLAG_NO_CACHE_TIME))
				mono_now(&base->tv_cache);
			if (!tv_less(base_now(base), end)) {
				st = GEV_RUN_LIMIT;
				break;
			}
		}
		if (base->cont) {
			st = GEV_RUN_DONE;
			break;
		}
	}
	base->run_dead = prev_dead;
	return count << 2 | st;
}
