/*
 * activeq.h - the C half of the active queues shared by the C layer and the
 * Go core (reactor/activeq.go).
 *
 * A base's active events wait in one FIFO per priority (struct gev_evq,
 * an array in C-visible memory that only the core allocates and grows),
 * linked through each event's evcb_active_next: tqe_next points to the
 * next event, tqe_prev holds a plain pointer to the previous one (as the
 * preload list does), NULL at the ends. The counters and the pass state
 * that activation reads (n_active, running_pri, cont) are struct
 * event_base fields. Both sides insert and remove with the same rules, so
 * that event_active needs no crossing and the loop can run C callbacks
 * from C (reactor/run.c); reactor's TestActiveQueueMatchesC drives both.
 *
 * Static inline so that the C layer, the core's C code and the tests share
 * one text. Callers hold the base lock (when the base has one).
 */
#ifndef GEV_ACTIVEQ_H
#define GEV_ACTIVEQ_H

#include <stdint.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "gev_internal.h"

static inline struct event *gev_act_next(const struct event *ev)
{
	return (struct event *)(void *)ev->ev_evcallback.evcb_active_next.tqe_next;
}

static inline struct event *gev_act_prev(const struct event *ev)
{
	return (struct event *)(void *)ev->ev_evcallback.evcb_active_next.tqe_prev;
}

static inline void gev_act_set_next(struct event *ev, struct event *next)
{
	ev->ev_evcallback.evcb_active_next.tqe_next = next ? &next->ev_evcallback : NULL;
}

static inline void gev_act_set_prev(struct event *ev, struct event *prev)
{
	ev->ev_evcallback.evcb_active_next.tqe_prev = (struct event_callback **)(void *)prev;
}

/* libevent's event_count: list memberships of non-internal events. */
static inline void gev_count_event(struct event_base *base, const struct event *ev, int d)
{
	if (!(ev->ev_evcallback.evcb_flags & EVLIST_INTERNAL)) {
		base->n_events += d;
		if (base->n_events > base->max_events)
			base->max_events = base->n_events;
	}
}

/* Appends ev (not active; its priority below activeq_n) to its queue. */
static inline void gev_activeq_insert(struct event_base *base, struct event *ev)
{
	struct gev_evq *q = &base->activeq[ev->ev_evcallback.evcb_pri];
	ev->ev_evcallback.evcb_flags |= EVLIST_ACTIVE;
	gev_count_event(base, ev, 1);
	if (++base->n_active > base->max_active)
		base->max_active = base->n_active;
	gev_act_set_next(ev, NULL);
	gev_act_set_prev(ev, q->tail);
	if (q->tail)
		gev_act_set_next(q->tail, ev);
	else
		q->head = ev;
	q->tail = ev;
}

/* Takes ev out of its queue; a no-op if it is not active. */
static inline void gev_activeq_remove(struct event_base *base, struct event *ev)
{
	if (!(ev->ev_evcallback.evcb_flags & EVLIST_ACTIVE))
		return;
	struct gev_evq *q = &base->activeq[ev->ev_evcallback.evcb_pri];
	struct event *prev = gev_act_prev(ev), *next = gev_act_next(ev);
	if (prev)
		gev_act_set_next(prev, next);
	else
		q->head = next;
	if (next)
		gev_act_set_prev(next, prev);
	else
		q->tail = prev;
	gev_act_set_next(ev, NULL);
	gev_act_set_prev(ev, NULL);
	ev->ev_evcallback.evcb_flags &= ~EVLIST_ACTIVE;
	gev_count_event(base, ev, -1);
	base->n_active--;
}

/* event_active_nolock_: ev (of base, whose queues exist) becomes active with
 * res; a signal event's callback will run ncalls times. Returns 0, or -1
 * when the core must do it (ev's priority has no queue yet: growing the
 * array is the core's job). */
static inline int gev_event_activate(struct event_base *base, struct event *ev, short res, short ncalls)
{
	short fl = ev->ev_evcallback.evcb_flags;
	if (fl & EVLIST_FINALIZING)
		return 0;
	if (fl & EVLIST_ACTIVE) {
		ev->ev_res |= res;
		return 0;
	}
	int pri = ev->ev_evcallback.evcb_pri;
	if (pri >= base->activeq_n)
		return -1;
	ev->ev_res = res;
	if (pri < base->running_pri)
		base->cont = 1;
	if (ev->ev_events & EV_SIGNAL) {
		/* A callback loop of ev in progress keeps its own count. */
		ev->ev_.ev_signal.ev_ncalls = ncalls;
		ev->ev_.ev_signal.ev_pncalls = NULL;
	}
	gev_activeq_insert(base, ev);
	return 0;
}

#endif /* GEV_ACTIVEQ_H */
