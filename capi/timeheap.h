/*
 * timeheap.h - the C half of the timer heap shared by the C layer and the Go
 * core (reactor/heap.go).
 *
 * A base's timer heap is an array of struct event pointers in C memory
 * (struct event_base's timeheap fields), ordered as a binary min-heap on
 * ev_timeout, each event holding its position in min_heap_idx. The core
 * allocates and grows the array; both sides push and remove, so that the C
 * layer answers event_add/event_del of a plain timer without a crossing.
 * Both sides must leave the array in exactly the same state (which timer of
 * two with equal deadlines runs first depends on it): these functions and
 * reactor/heap.go are the same algorithm, libevent's min_heap, and
 * reactor's TestHeapLayoutMatchesLibevent runs them side by side.
 *
 * Static inline so that the C layer and the test share one text. Callers
 * hold the base lock (when the base has one).
 */
#ifndef GEV_TIMEHEAP_H
#define GEV_TIMEHEAP_H

#include <stdint.h>
#include <sys/time.h>

#include <event2/event_struct.h>

#include "gev_internal.h"

#define GEV_HEAPIDX(ev) (*(int32_t *)((char *)(ev) + GEV_EV_OFF_HEAPIDX))

/* a is strictly earlier than b */
static inline int gev_timeheap_less(const struct event *a, const struct event *b)
{
	return a->ev_timeout.tv_sec < b->ev_timeout.tv_sec ||
	    (a->ev_timeout.tv_sec == b->ev_timeout.tv_sec && a->ev_timeout.tv_usec < b->ev_timeout.tv_usec);
}

/* Places ev at hole i and moves it toward the root. */
static inline void gev_timeheap_up(struct event **a, int32_t i, struct event *ev)
{
	while (i > 0) {
		int32_t p = (i - 1) / 2;
		struct event *pe = a[p];
		if (!gev_timeheap_less(ev, pe))
			break;
		a[i] = pe;
		GEV_HEAPIDX(pe) = i;
		i = p;
	}
	a[i] = ev;
	GEV_HEAPIDX(ev) = i;
}

/* Places ev at hole i and moves it toward the leaves. Ties go to the right
 * child, as in libevent's min_heap_shift_down_. */
static inline void gev_timeheap_down(struct event **a, int32_t n, int32_t i, struct event *ev)
{
	for (;;) {
		int32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && !gev_timeheap_less(a[c], a[c + 1]))
			c++;
		struct event *ce = a[c];
		if (!gev_timeheap_less(ce, ev))
			break;
		a[i] = ce;
		GEV_HEAPIDX(ce) = i;
		i = c;
	}
	a[i] = ev;
	GEV_HEAPIDX(ev) = i;
}

/* Adds ev (ev_timeout set). The caller made sure there is room
 * (timeheap_n < timeheap_cap): growing is the core's job. */
static inline void gev_timeheap_push(struct event_base *base, struct event *ev)
{
	int32_t n = base->timeheap_n++;
	gev_timeheap_up(base->timeheap, n, ev);
}

/* 1 if ev is in base's heap where its min_heap_idx says. */
static inline int gev_timeheap_has(const struct event_base *base, const struct event *ev)
{
	int32_t i = GEV_HEAPIDX(ev);
	return i >= 0 && i < base->timeheap_n && base->timeheap[i] == ev;
}

/* Takes ev out of the heap; a no-op if it is not in it. */
static inline void gev_timeheap_remove(struct event_base *base, struct event *ev)
{
	if (!gev_timeheap_has(base, ev))
		return;
	struct event **a = base->timeheap;
	int32_t i = GEV_HEAPIDX(ev), n = --base->timeheap_n;
	struct event *last = a[n];
	a[n] = NULL;
	GEV_HEAPIDX(ev) = -1;
	if (i == n)
		return;
	/* The last element fills the hole; the order can be violated in one
	 * direction only. */
	if (i > 0 && gev_timeheap_less(last, a[(i - 1) / 2]))
		gev_timeheap_up(a, i, last);
	else
		gev_timeheap_down(a, n, i, last);
}

#endif /* GEV_TIMEHEAP_H */
