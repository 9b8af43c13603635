/*
 * event.c - event bases and the caller's struct event.
 *
 * Everything here works before the Go core is loaded: a base is plain C
 * memory, and an event added to a base that has no Go side yet is kept on
 * the base's preload list (flags, deadline and all, in the struct event
 * itself). The first call that needs the reactor (dispatch, event_active,
 * loopexit, a bufferevent...) loads the core and hands it the base, preload
 * list included. This is what lets a program create a base, add signal
 * events and fork before any Go code runs (tmux, daemons, prefork servers).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capi.h"

#include <event2/event_compat.h>

/* The base of the old API (event_init), used by event_set and friends. */
struct event_base *event_global_current_base_;

/* ev_timeout_pos / reserved union bytes, as gev_internal.h assigns them. */
#define EV_HEAPIDX(ev) (*(int32_t *)((char *)(ev) + GEV_EV_OFF_HEAPIDX))
#define EV_RELTIMEO(ev) (*(int64_t *)((char *)(ev) + GEV_EV_OFF_RELTIMEO))

#define EV_IO_MASK (EV_READ | EV_WRITE | EV_CLOSED)

void gev_now_monotonic(struct timeval *tv)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
}

int gev_base_check(const struct event_base *base, const char *fn)
{
	if (!base) {
		gev_warnx("%s: no event_base given", fn);
		return 0;
	}
	if (base->magic != GEV_BASE_MAGIC) {
		gev_warnx("%s: %p is not a live event_base (freed?)", fn, (const void *)base);
		return 0;
	}
	return 1;
}

int gev_base_adopt(struct event_base *base, const char *fn)
{
	if (!gev_base_check(base, fn) || gev_core_ready(fn) < 0)
		return -1;
	if (base->core_idx)
		return 0;
	/* Two threads may adopt a thread-safe base at once: one wins. */
	struct gev_thread *th = gev_base_lock(base);
	int r = base->core_idx || gev_ops.base_adopt(base) >= 0 ? 0 : -1;
	gev_base_release(th);
	return r;
}

/* ---- one-shot events (event_base_once): plain events on C memory ---- */

struct gev_once {
	struct event ev;              /* first: the record is found from its event */
	event_callback_fn cb;         /* the program's callback and argument */
	void *arg;
	struct gev_once *next, *prev; /* base->once_head list, freed with the base */
};

static void once_unlink(struct event_base *base, struct gev_once *o)
{
	if (o->prev)
		o->prev->next = o->next;
	else
		base->once_head = o->next;
	if (o->next)
		o->next->prev = o->prev;
}

static void once_fire(evutil_socket_t fd, short what, void *arg)
{
	struct gev_once *o = arg;
	struct event_base *base = o->ev.ev_base;
	o->cb(fd, what, o->arg);
	/* As libevent: the record goes after the callback ran. */
	struct gev_thread *th = gev_base_lock(base);
	once_unlink(base, o);
	gev_base_release(th);
	gev_free(o);
}

static void once_free_all(struct event_base *base)
{
	while (base->once_head) {
		struct gev_once *o = base->once_head;
		base->once_head = o->next;
		gev_free(o);
	}
}

int event_base_once(struct event_base *base, evutil_socket_t fd, short events,
    event_callback_fn callback, void *arg, const struct timeval *tv)
{
	if (!gev_base_check(base, "event_base_once"))
		return -1;
	/* A one-shot event cannot be a signal or persist. */
	if (events & (EV_SIGNAL | EV_PERSIST))
		return -1;
	struct gev_once *o = gev_calloc(1, sizeof *o);
	if (!o) {
		gev_warnx("event_base_once: out of memory");
		return -1;
	}
	o->cb = callback;
	o->arg = arg;
	struct timeval zero = { 0, 0 };
	if ((events & (EV_TIMEOUT | EV_READ | EV_WRITE | EV_CLOSED)) == EV_TIMEOUT || events == 0) {
		event_assign(&o->ev, base, -1, 0, once_fire, o);
		if (!tv)
			tv = &zero; /* no timeout given: run on the next loop pass */
	} else if (events & (EV_READ | EV_WRITE)) {
		event_assign(&o->ev, base, fd, events & (EV_READ | EV_WRITE | EV_CLOSED), once_fire, o);
	} else {
		gev_free(o);
		return -1;
	}
	if (event_add(&o->ev, tv) < 0) {
		gev_free(o);
		return -1;
	}
	struct gev_thread *th = gev_base_lock(base);
	o->next = base->once_head;
	if (o->next)
		o->next->prev = o;
	base->once_head = o;
	gev_base_release(th);
	return 0;
}

int event_once(evutil_socket_t fd, short events,
    void (*callback)(evutil_socket_t, short, void *), void *arg, const struct timeval *tv)
{
	return event_base_once(event_global_current_base_, fd, events, callback, arg, tv);
}

/* ---- bases ---- */

void event_base_free(struct event_base *base)
{
	if (!base)
		base = event_global_current_base_;
	if (!base) {
		gev_warnx("event_base_free: no base to free");
		return;
	}
	if (!gev_base_check(base, "event_base_free"))
		return;
	/* In a poisoned child the Go side is frozen: leave it, free the C side. */
	if (base->core_idx && gev_core_usable)
		gev_ops.base_free(base);
	gev_th_base_free(base);
	gev_sig_base_free(base);
	once_free_all(base);
	if (base == event_global_current_base_)
		event_global_current_base_ = NULL;
	base->magic = GEV_BASE_DEAD;
	gev_free(base);
}

int event_reinit(struct event_base *base)
{
	if (!gev_base_check(base, "event_reinit"))
		return -1;
	if (base->core_idx && gev_core_ready("event_reinit") < 0)
		return -1;
	if (gev_sig_base_reinit(base) < 0 || gev_th_base_reinit(base) < 0)
		return -1;
	if (base->core_idx)
		return gev_ops.base_reinit(base);
	return 0;
}

int event_base_loop(struct event_base *base, int flags)
{
	if (gev_base_adopt(base, "event_base_loop") < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	gev_th_loop_owner(base);
	int r = gev_ops.base_loop(base, flags);
	gev_base_unlock(th);
	return r;
}

int event_base_dispatch(struct event_base *base)
{
	return event_base_loop(base, 0);
}

int event_dispatch(void)
{
	return event_loop(0);
}

int event_loop(int flags)
{
	return event_base_loop(event_global_current_base_, flags);
}

int event_base_loopexit(struct event_base *base, const struct timeval *tv)
{
	if (gev_base_adopt(base, "event_base_loopexit") < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	int r = gev_ops.base_loopexit(base, (struct timeval *)tv);
	gev_base_unlock(th);
	return r;
}

int event_loopexit(const struct timeval *tv)
{
	return event_base_loopexit(event_global_current_base_, tv);
}

int event_base_loopbreak(struct event_base *base)
{
	if (!gev_base_check(base, "event_base_loopbreak"))
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	base->event_break = 1;
	int r = gev_th_wake_if_needed(base);
	gev_base_release(th);
	return r;
}

int event_loopbreak(void)
{
	return event_base_loopbreak(event_global_current_base_);
}

int event_base_got_break(struct event_base *base)
{
	if (!gev_base_check(base, "event_base_got_break"))
		return 0;
	return base->event_break ? 1 : 0;
}

int event_base_got_exit(struct event_base *base)
{
	if (!gev_base_check(base, "event_base_got_exit"))
		return 0;
	return base->event_gotterm ? 1 : 0;
}

/* ---- events ---- */

int event_assign(struct event *ev, struct event_base *base, evutil_socket_t fd,
    short events, event_callback_fn callback, void *arg)
{
	if (!ev) {
		gev_warnx("event_assign: NULL event");
		return -1;
	}
	if (!base)
		base = event_global_current_base_;
	if (base && !gev_base_check(base, "event_assign"))
		return -1;
	if ((events & EV_SIGNAL) && (events & EV_IO_MASK)) {
		gev_warnx("event_assign: EV_SIGNAL is not compatible with EV_READ, EV_WRITE or EV_CLOSED");
		return -1;
	}
	memset(ev, 0, sizeof *ev);
	ev->ev_base = base;
	ev->ev_callback = callback;
	ev->ev_arg = arg;
	ev->ev_fd = fd;
	ev->ev_events = events;
	ev->ev_res = 0;
	ev->ev_flags = EVLIST_INIT;
	if (events & EV_SIGNAL)
		ev->ev_closure = GEV_CLOSURE_EVENT_SIGNAL;
	else if (events & EV_PERSIST)
		ev->ev_closure = GEV_CLOSURE_EVENT_PERSIST;
	else
		ev->ev_closure = GEV_CLOSURE_EVENT;
	ev->ev_pri = base ? (ev_uint8_t)(base->npriorities / 2) : 0;
	EV_HEAPIDX(ev) = -1;
	EV_RELTIMEO(ev) = -1;
	return 0;
}

void event_set(struct event *ev, evutil_socket_t fd, short events,
    void (*callback)(evutil_socket_t, short, void *), void *arg)
{
	event_assign(ev, event_global_current_base_, fd, events, callback, arg);
}

int event_base_set(struct event_base *base, struct event *ev)
{
	if (!ev || !gev_base_check(base, "event_base_set"))
		return -1;
	/* Only an event that is not pending or active may change base. */
	if (ev->ev_flags != EVLIST_INIT)
		return -1;
	ev->ev_base = base;
	ev->ev_pri = (ev_uint8_t)(base->npriorities / 2);
	return 0;
}

struct event *event_new(struct event_base *base, evutil_socket_t fd, short events,
    event_callback_fn callback, void *arg)
{
	struct event *ev = gev_malloc(sizeof *ev);
	if (!ev) {
		gev_warnx("event_new: out of memory");
		return NULL;
	}
	if (event_assign(ev, base, fd, events, callback, arg) < 0) {
		gev_free(ev);
		return NULL;
	}
	return ev;
}

int event_initialized(const struct event *ev)
{
	return ev && (ev->ev_flags & EVLIST_INIT) ? 1 : 0;
}

/* Preload list: events added before the base has a Go side, in order,
 * singly linked through evcb_active_next.tqe_next (it is short: whatever a
 * program adds before its first dispatch). */
#define EV_PRELOAD_NEXT(ev) ((struct event *)(void *)(ev)->ev_evcallback.evcb_active_next.tqe_next)
static inline void preload_set_next(struct event *ev, struct event *next)
{
	ev->ev_evcallback.evcb_active_next.tqe_next = next ? &next->ev_evcallback : NULL;
}

static void preload_link(struct event_base *base, struct event *ev)
{
	preload_set_next(ev, NULL);
	if (base->preload_tail)
		preload_set_next(base->preload_tail, ev);
	else
		base->preload_head = ev;
	base->preload_tail = ev;
	base->npreload++;
}

static void preload_unlink(struct event_base *base, struct event *ev)
{
	struct event *prev = NULL;
	for (struct event *it = base->preload_head; it; prev = it, it = EV_PRELOAD_NEXT(it)) {
		if (it != ev)
			continue;
		if (prev)
			preload_set_next(prev, EV_PRELOAD_NEXT(ev));
		else
			base->preload_head = EV_PRELOAD_NEXT(ev);
		if (base->preload_tail == ev)
			base->preload_tail = prev;
		preload_set_next(ev, NULL);
		base->npreload--;
		return;
	}
}

static void preload_add(struct event_base *base, struct event *ev, const struct timeval *tv)
{
	int linked = ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT);
	if ((ev->ev_events & (EV_IO_MASK | EV_SIGNAL)) && !(ev->ev_flags & EVLIST_INSERTED))
		ev->ev_flags |= EVLIST_INSERTED;
	if (tv) {
		struct timeval now;
		gev_now_monotonic(&now);
		timeradd(&now, tv, &ev->ev_timeout);
		ev->ev_flags |= EVLIST_TIMEOUT;
		if (ev->ev_closure == GEV_CLOSURE_EVENT_PERSIST)
			EV_RELTIMEO(ev) = (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
	}
	if (!linked && (ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT)))
		preload_link(base, ev);
}

static int event_check(const struct event *ev, const char *fn)
{
	if (!ev) {
		gev_warnx("%s: NULL event", fn);
		return 0;
	}
	if (!ev->ev_base) {
		gev_warnx("%s: event has no event_base set.", fn);
		return 0;
	}
	return gev_base_check(ev->ev_base, fn);
}

static int event_add_nolock(struct event *ev, const struct timeval *tv)
{
	struct event_base *base = ev->ev_base;
	if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)) {
		gev_warnx("event_add: invalid timeout {%ld, %ld}", (long)tv->tv_sec, (long)tv->tv_usec);
		return -1;
	}
	/* A signal event joins its signal's handler the first time it is added. */
	int newsig = (ev->ev_events & EV_SIGNAL) &&
	    !(ev->ev_flags & (EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER));
	if (newsig && gev_sig_install(base, ev->ev_fd) < 0)
		return -1;
	if (!base->core_idx) {
		preload_add(base, ev, tv);
		return 0;
	}
	int r = gev_core_ready("event_add") < 0 ? -1 : gev_ops.event_add(ev, (struct timeval *)tv);
	if (r < 0 && newsig && !(ev->ev_flags & EVLIST_INSERTED))
		gev_sig_release(base, ev->ev_fd);
	return r;
}

int event_add(struct event *ev, const struct timeval *tv)
{
	if (!event_check(ev, "event_add"))
		return -1;
	struct gev_thread *th = gev_base_lock(ev->ev_base);
	int r = event_add_nolock(ev, tv);
	gev_base_unlock(th);
	return r;
}

static int event_del_nolock(struct event *ev)
{
	struct event_base *base = ev->ev_base;
	/* Once the core has the base, it releases a signal event's handler
	 * whenever the event leaves its signal map (also when a non-persistent
	 * signal event fires); here only the C-side cases do it. */
	int wassig = (ev->ev_events & EV_SIGNAL) && (ev->ev_flags & EVLIST_INSERTED);
	if (!base->core_idx) {
		if (ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT))
			preload_unlink(base, ev);
		ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_TIMEOUT);
	} else if (gev_core_poisoned) {
		/* The reactor's copy is frozen in the parent's image; only the
		 * caller-visible state changes, so the handler can be restored. */
		ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER);
	} else {
		return gev_core_ready("event_del") < 0 ? -1 : gev_ops.event_del(ev);
	}
	if (wassig)
		gev_sig_release(base, ev->ev_fd);
	return 0;
}

int event_del(struct event *ev)
{
	if (!event_check(ev, "event_del"))
		return -1;
	struct gev_thread *th = gev_base_lock(ev->ev_base);
	if (th)
		gev_th_del_wait(ev->ev_base, ev);
	int r = event_del_nolock(ev);
	gev_base_unlock(th);
	return r;
}

void event_free(struct event *ev)
{
	if (!ev) {
		gev_warnx("event_free: NULL event");
		return;
	}
	if (ev->ev_base && (ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)))
		event_del(ev);
	gev_free(ev);
}

void event_active(struct event *ev, int res, short ncalls)
{
	if (!event_check(ev, "event_active"))
		return;
	struct gev_thread *th = gev_base_lock(ev->ev_base);
	if (gev_base_adopt(ev->ev_base, "event_active") == 0)
		gev_ops.event_active(ev, res, ncalls);
	gev_base_unlock(th);
}

int event_pending(const struct event *ev, short events, struct timeval *tv)
{
	if (!ev) {
		gev_warnx("event_pending: NULL event");
		return 0;
	}
	if (!ev->ev_base) {
		gev_warnx("event_pending: event has no event_base set.");
		return 0;
	}
	int flags = 0;
	if (ev->ev_flags & EVLIST_INSERTED)
		flags |= ev->ev_events & (EV_IO_MASK | EV_SIGNAL);
	if (ev->ev_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER))
		flags |= ev->ev_res;
	if (ev->ev_flags & EVLIST_TIMEOUT)
		flags |= EV_TIMEOUT;
	events &= EV_TIMEOUT | EV_IO_MASK | EV_SIGNAL;
	if (tv && (flags & events & EV_TIMEOUT)) {
		/* ev_timeout is on the monotonic clock; report wall-clock time. */
		struct timeval mono, real, diff;
		struct timespec ts;
		gev_now_monotonic(&mono);
		clock_gettime(CLOCK_REALTIME, &ts);
		real.tv_sec = ts.tv_sec;
		real.tv_usec = ts.tv_nsec / 1000;
		timersub(&real, &mono, &diff);
		timeradd(&ev->ev_timeout, &diff, tv);
	}
	return flags & events;
}

/* ---- accessors: read the caller's struct, no crossing ---- */

evutil_socket_t event_get_fd(const struct event *ev)
{
	return ev->ev_fd;
}

struct event_base *event_get_base(const struct event *ev)
{
	return ev->ev_base;
}

short event_get_events(const struct event *ev)
{
	return ev->ev_events;
}

event_callback_fn event_get_callback(const struct event *ev)
{
	return ev->ev_callback;
}

void *event_get_callback_arg(const struct event *ev)
{
	return ev->ev_arg;
}

int event_get_priority(const struct event *ev)
{
	return ev->ev_pri;
}

void event_get_assignment(const struct event *event, struct event_base **base_out,
    evutil_socket_t *fd_out, short *events_out, event_callback_fn *callback_out, void **arg_out)
{
	if (base_out)
		*base_out = event->ev_base;
	if (fd_out)
		*fd_out = event->ev_fd;
	if (events_out)
		*events_out = event->ev_events;
	if (callback_out)
		*callback_out = event->ev_callback;
	if (arg_out)
		*arg_out = event->ev_arg;
}

size_t event_get_struct_event_size(void)
{
	return sizeof(struct event);
}

const char *event_get_method(void)
{
	return event_base_get_method(event_global_current_base_);
}

/* ---- version ---- */

const char *event_get_version(void)
{
	return "2.1.12-stable";
}

ev_uint32_t event_get_version_number(void)
{
	return 0x02010c00;
}
