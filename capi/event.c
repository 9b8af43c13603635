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
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"
#include "timeheap.h"
#include "activeq.h"
#include "iomap.h"

#include <event2/event_compat.h>

/* The base of the old API (event_init), used by event_set and friends. */
struct event_base *event_global_current_base_;

/* event_self_cbarg(): an event_assign argument that stands for the event itself. */
static void *self_cbarg_ptr;

/* Common-timeout magic in tv_usec (event_base_init_common_timeout). */
#define COMMON_TIMEOUT_MASK  0xf0000000
#define COMMON_TIMEOUT_MAGIC 0x50000000
#define MICROSECONDS_MASK    0x000fffff

/* ---- debug mode (event_enable_debug_mode) ----
 *
 * As libevent: a table of the struct event pointers that were set up
 * (event_assign/event_new) and not torn down (event_free,
 * event_debug_unassign), so that an event never assigned, or freed, is
 * caught by address instead of read as garbage. A caught misuse is fatal
 * (gev_errx with EVENT_ERR_ABORT_, through the program's fatal callback).
 * "Added" is what the program did (event_add/event_del) and what the loop
 * did since: an event that fired and is in no list any more is not added.
 * Everything here costs one predictable branch when debug mode is off. */
static int debug_on;
static int debug_too_late; /* an event or base was made: too late to turn it on */
static int debug_threadable; /* a base or lock was made: too late for thread support */
static pthread_mutex_t debug_lock = PTHREAD_MUTEX_INITIALIZER;
struct debug_ent {
	const struct event *ptr; /* NULL: empty; DEBUG_TOMB: removed */
	int added;
};
#define DEBUG_TOMB ((const struct event *)(uintptr_t)1)
static struct debug_ent *debug_tab;
static size_t debug_cap, debug_used; /* used counts live entries and tombstones */

/* Fork: a child must not inherit debug_lock held by a thread that is gone
 * (tests/c/ours/thread_fork, run in debug mode): taken in the prepare
 * handler (trylock with retries for about a second, as signal.c's sig_lock:
 * a fork from a signal handler that interrupted this thread inside it must
 * not deadlock), released in the parent, re-initialized in the child.
 * Registered at load time, before libevent_pthreads' handlers, so that its
 * prepare runs after theirs: base locks first, then debug_lock, the order
 * event_add and event_del take them in. */
static int debug_fork_held;

static void debug_fork_prepare(void)
{
	debug_fork_held = 0;
	if (!debug_on)
		return;
	for (int i = 0; i < 2000; i++) {
		if (pthread_mutex_trylock(&debug_lock) == 0) {
			debug_fork_held = 1;
			return;
		}
		struct timespec ts = {0, 500000};
		nanosleep(&ts, NULL);
	}
}

static void debug_fork_parent(void)
{
	if (debug_fork_held)
		pthread_mutex_unlock(&debug_lock);
}

static void debug_fork_child(void)
{
	pthread_mutex_init(&debug_lock, NULL);
}

__attribute__((constructor)) static void gev_debug_init(void)
{
	pthread_atfork(debug_fork_prepare, debug_fork_parent, debug_fork_child);
}

static size_t debug_hash(const struct event *ev)
{
	uintptr_t u = (uintptr_t)ev >> 6;
	u ^= u >> 17;
	u *= 0x9e3779b97f4a7c15ull;
	return (size_t)(u >> 7);
}

/* Slot of ev, or of the empty slot where it would go. debug_lock held. */
static struct debug_ent *debug_slot(const struct event *ev, int for_insert)
{
	if (!debug_tab)
		return NULL;
	size_t mask = debug_cap - 1, i = debug_hash(ev) & mask;
	struct debug_ent *tomb = NULL;
	for (size_t n = 0; n < debug_cap; n++, i = (i + 1) & mask) {
		struct debug_ent *e = &debug_tab[i];
		if (e->ptr == ev)
			return e;
		if (e->ptr == DEBUG_TOMB) {
			if (!tomb)
				tomb = e;
			continue;
		}
		if (!e->ptr)
			return for_insert ? (tomb ? tomb : e) : NULL;
	}
	return for_insert ? tomb : NULL;
}

static struct debug_ent *debug_find(const struct event *ev)
{
	struct debug_ent *e = debug_slot(ev, 0);
	return e && e->ptr == ev ? e : NULL;
}

static void debug_grow(void)
{
	size_t ncap = debug_cap ? debug_cap * 2 : 1024;
	size_t live = 0;
	for (size_t i = 0; i < debug_cap; i++)
		live += debug_tab[i].ptr && debug_tab[i].ptr != DEBUG_TOMB;
	if (live * 4 < debug_cap)
		ncap = debug_cap; /* mostly tombstones: rehash in place size */
	struct debug_ent *old = debug_tab;
	size_t ocap = debug_cap;
	debug_tab = gev_calloc(ncap, sizeof *debug_tab);
	if (!debug_tab)
		gev_errx(1, "Out of memory in debugging code");
	debug_cap = ncap;
	debug_used = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].ptr && old[i].ptr != DEBUG_TOMB) {
			struct debug_ent *e = debug_slot(old[i].ptr, 1);
			*e = old[i];
			debug_used++;
		}
	}
	gev_free(old);
}

static int ev_in_lists(const struct event *ev)
{
	return ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER);
}

#define DEBUG_FATAL(what, ev)                                                             \
	gev_errx(GEV_ERR_ABORT, "%s %p (events: 0x%x, fd: %d, flags: 0x%x)", what,           \
	    (const void *)(ev), (unsigned)(unsigned short)(ev)->ev_events, (int)(ev)->ev_fd, \
	    (unsigned)(unsigned short)(ev)->ev_flags)

/* What debug_apply does to ev's entry. */
enum debug_op {
	DEBUG_LOOKUP,   /* nothing */
	DEBUG_SETUP,    /* create it if missing; not added */
	DEBUG_TEARDOWN, /* remove it */
	DEBUG_ADD,      /* mark it added */
	DEBUG_DEL,      /* mark it not added */
};

/* Applies op to ev's entry under debug_lock. Returns whether ev was set up
 * (DEBUG_SETUP: 1); *was_added, if asked, gets its added mark before op. */
static int debug_apply(const struct event *ev, enum debug_op op, int *was_added)
{
	pthread_mutex_lock(&debug_lock);
	struct debug_ent *e = debug_find(ev);
	if (was_added)
		*was_added = e && e->added;
	if (!e && op == DEBUG_SETUP) {
		if ((debug_used + 1) * 2 > debug_cap)
			debug_grow();
		e = debug_slot(ev, 1);
		if (!e->ptr)
			debug_used++;
		e->ptr = ev;
	}
	if (e) {
		if (op == DEBUG_TEARDOWN)
			e->ptr = DEBUG_TOMB;
		else if (op != DEBUG_LOOKUP)
			e->added = op == DEBUG_ADD;
	}
	pthread_mutex_unlock(&debug_lock);
	return e != NULL;
}

static void debug_note_setup(const struct event *ev)
{
	debug_too_late = 1;
	if (debug_on)
		debug_apply(ev, DEBUG_SETUP, NULL);
}

static void debug_note_teardown(const struct event *ev)
{
	debug_too_late = 1;
	if (debug_on)
		debug_apply(ev, DEBUG_TEARDOWN, NULL);
}

/* An event the core set up for itself (a bufferevent's ev_read/ev_write,
 * a base's internal watchers, ...): libevent sets these up with event_assign,
 * so debug mode knows them; ours never pass through the C layer's table.
 * They count as set up (tests: debug_mode_accepts). */
static int core_owned(const struct event *ev)
{
	return ev->ev_closure == GEV_CLOSURE_GO && (ev->ev_flags & EVLIST_INIT);
}

static void debug_note_added(const struct event *ev, int added)
{
	if (debug_on && !core_owned(ev) && !debug_apply(ev, added ? DEBUG_ADD : DEBUG_DEL, NULL))
		DEBUG_FATAL(added ? "event_add: noting an add on a non-setup event"
		                  : "event_del: noting a del on a non-setup event", ev);
}

/* Fatal: "<fn> called on <what>". */
static void debug_fatal_call(const char *fn, const char *what, const struct event *ev)
{
	char msg[128];
	snprintf(msg, sizeof msg, "%s called on %s", fn, what);
	DEBUG_FATAL(msg, ev);
}

static void debug_assert_is_setup(const struct event *ev, const char *fn)
{
	if (__builtin_expect(debug_on, 0) && !core_owned(ev) && !debug_apply(ev, DEBUG_LOOKUP, NULL))
		debug_fatal_call(fn, "a non-initialized event", ev);
}

static void debug_assert_not_added(const struct event *ev, const char *fn)
{
	int added;
	if (debug_on && debug_apply(ev, DEBUG_LOOKUP, &added) && added && ev_in_lists(ev))
		debug_fatal_call(fn, "an already added event", ev);
}

/* Debug mode wants every descriptor libevent watches non-blocking: fatal
 * otherwise. event_assign checks here, and so do the entry points that make
 * events of the core for a program's descriptor (bufferevent_socket_new,
 * bufferevent_setfd, evconnlistener_new), where libevent's event_assign does
 * (test: debug_mode_rejects). */
void gev_debug_assert_nonblocking(evutil_socket_t fd, const char *fn)
{
	if (!debug_on || fd < 0)
		return;
	int fl = fcntl(fd, F_GETFL, NULL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		gev_errx(GEV_ERR_ABORT, "%s: fd %d is not non-blocking (debug mode)", fn, (int)fd);
}

/* In debug mode, thread support (lock or condition callbacks, even NULL
 * ones) set after a base or a lock was made is fatal, as in libevent
 * (thread.c calls this first; test: debug_mode_rejects). */
void gev_debug_check_thread_setup(void)
{
	if (debug_on && debug_threadable)
		gev_errx(1, "evthread initialization must be called BEFORE anything else!");
}

/* A lock was allocated (buffer.c): in debug mode, as libevent's lock
 * allocation, it makes thread support set up later fatal. */
void gev_debug_lock_made(void)
{
	if (debug_on)
		debug_threadable = 1;
}

void event_enable_debug_mode(void)
{
	if (debug_on)
		gev_errx(1, "event_enable_debug_mode was called twice!");
	if (debug_too_late)
		gev_errx(1, "event_enable_debug_mode must be called *before* creating any events or event_bases");
	debug_on = 1;
}

void event_debug_unassign(struct event *ev)
{
	if (!ev) {
		gev_warnx("event_debug_unassign: NULL event");
		return;
	}
	debug_assert_not_added(ev, "event_debug_unassign");
	debug_note_teardown(ev);
	ev->ev_flags &= ~EVLIST_INIT;
}

/* A base was made (config.c): too late to turn debug mode on, and (in
 * debug mode, which can only be on by now if it was before) to set up
 * thread support. */
void gev_event_debug_base_made(void)
{
	debug_too_late = 1;
	debug_threadable = 1;
}

/* libevent_global_shutdown (config.c), as libevent's event_disable_debug_mode:
 * forget every event, free the table, debug mode off. "Too late" stays. */
void gev_event_debug_disable(void)
{
	pthread_mutex_lock(&debug_lock);
	gev_free(debug_tab);
	debug_tab = NULL;
	debug_cap = debug_used = 0;
	debug_on = 0;
	pthread_mutex_unlock(&debug_lock);
}

/* ev_timeout_pos / reserved union bytes, as gev_internal.h assigns them. */
#define EV_COMMONIDX(ev) (*(int32_t *)((char *)(ev) + GEV_EV_OFF_COMMON))
#define EV_RELTIMEO(ev) (*(int64_t *)((char *)(ev) + GEV_EV_OFF_RELTIMEO))

#define EV_IO_MASK (EV_READ | EV_WRITE | EV_CLOSED)

void gev_now_monotonic(struct timeval *tv)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
}

/* Wall-clock minus monotonic time (libevent's tv_clock_diff), to report
 * deadlines in wall-clock time. Reading the two clocks one after the other
 * jitters by a microsecond or so; so that deadlines reported one after the
 * other keep their order, the difference is measured at most once per
 * monotonic second (a wall-clock step shows up within that second). */
static pthread_mutex_t clock_diff_lock = PTHREAD_MUTEX_INITIALIZER;
static void clock_diff(struct timeval *diff)
{
	static struct timeval cached, measured_at;
	static int have;
	struct timeval mono, real;
	struct timespec ts;
	gev_now_monotonic(&mono);
	pthread_mutex_lock(&clock_diff_lock);
	if (!have || mono.tv_sec != measured_at.tv_sec) {
		clock_gettime(CLOCK_REALTIME, &ts);
		real.tv_sec = ts.tv_sec;
		real.tv_usec = ts.tv_nsec / 1000;
		timersub(&real, &mono, &cached);
		measured_at = mono;
		have = 1;
	}
	*diff = cached;
	pthread_mutex_unlock(&clock_diff_lock);
}

static void preload_probe_close(struct event_base *base);

int gev_base_check_failed(const struct event_base *base, const char *fn)
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

/* A base the parent's core adopted, used in a forked child (capi.h). */
static int stale_refused(const char *fn)
{
	gev_warnx("%s: this event_base was set up by the Go core of the parent process, "
	    "before this process forked; here it can only be freed (its events deleted, "
	    "its loop told to exit): make a new base in the child", fn);
	return -1;
}

int gev_base_adopt_slow(struct event_base *base, const char *fn)
{
	if (!gev_base_check(base, fn))
		return -1;
	if (gev_base_stale(base))
		return stale_refused(fn);
	if (gev_core_ready(fn) < 0)
		return -1;
	if (base->core_idx)
		return 0;
	/* Two threads may adopt a thread-safe base at once: one wins. */
	struct gev_thread *th = gev_base_lock(base);
	if (!base->core_idx) { /* debug mode cannot change once a base exists */
		base->flags = (base->flags & ~GEV_BASE_FLAG_DEBUG) | (debug_on ? GEV_BASE_FLAG_DEBUG : 0);
		base->core_epoch = gev_core_epoch; /* before core_idx is set: never stale */
	}
	int r = base->core_idx || gev_ops.base_adopt(base) >= 0 ? 0 : -1;
	if (r == 0)
		preload_probe_close(base);
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
	debug_note_teardown(&o->ev);
	gev_free(o);
}

static void once_free_all(struct event_base *base)
{
	while (base->once_head) {
		struct gev_once *o = base->once_head;
		base->once_head = o->next;
		debug_note_teardown(&o->ev);
		gev_free(o);
	}
}

static int event_add_nolock(struct event *ev, const struct timeval *tv);
static int once_activate(struct event_base *base, struct event *ev);

int event_base_once(struct event_base *base, evutil_socket_t fd, short events,
    event_callback_fn callback, void *arg, const struct timeval *tv)
{
	if (!gev_base_check(base, "event_base_once"))
		return -1;
	/* A one-shot event cannot be a signal or persist. */
	if (events & (EV_SIGNAL | EV_PERSIST)) {
		gev_warnx("event_base_once: EV_SIGNAL and EV_PERSIST are not allowed in a one-shot event");
		return -1;
	}
	struct gev_once *o = gev_calloc(1, sizeof *o);
	if (!o) {
		gev_warnx("event_base_once: out of memory");
		return -1;
	}
	o->cb = callback;
	o->arg = arg;
	int activate = 0;
	if ((events & (EV_TIMEOUT | EV_IO_MASK)) == EV_TIMEOUT) {
		event_assign(&o->ev, base, -1, 0, once_fire, o);
		/* No timeout, or a zero one: active at once, as libevent (which
		 * makes this idiom fast and order-preserving): counted as active
		 * before any loop, and run in the current pass when made from a
		 * callback. */
		activate = !tv || (tv->tv_sec == 0 && tv->tv_usec == 0);
	} else if (events & EV_IO_MASK) {
		event_assign(&o->ev, base, fd, events & EV_IO_MASK, once_fire, o);
	} else {
		gev_free(o); /* nothing to wait for (an empty mask) */
		return -1;
	}
	struct gev_thread *th = gev_base_lock(base);
	if ((activate ? once_activate(base, &o->ev) : event_add_nolock(&o->ev, tv)) < 0) {
		gev_base_release(th);
		debug_note_teardown(&o->ev);
		gev_free(o);
		return -1;
	}
	o->next = base->once_head;
	if (o->next)
		o->next->prev = o;
	base->once_head = o;
	gev_base_unlock(th); /* wakes a loop running on another thread */
	return 0;
}

int event_once(evutil_socket_t fd, short events,
    void (*callback)(evutil_socket_t, short, void *), void *arg, const struct timeval *tv)
{
	return event_base_once(event_global_current_base_, fd, events, callback, arg, tv);
}

/* ---- bases ---- */

static void preload_unlink(struct event_base *base, struct event *ev);

static void base_free_(struct event_base *base, int run_finalizers, const char *fn)
{
	if (!base)
		base = event_global_current_base_;
	if (!base) {
		gev_warnx("%s: no base to free", fn);
		return;
	}
	if (!gev_base_check(base, fn))
		return;
	gev_debugx("%s: freeing base %p", fn, (void *)base);
	/* A stale base's Go side is the parent's: leave it, free the C side. */
	if (gev_base_live(base))
		gev_ops.base_free(base, run_finalizers);
	/* As libevent's event_base_free deletes every event (the core does so
	 * for its own), the events added before the base had a Go side are no
	 * longer pending: the program may delete, free or re-assign them
	 * afterwards (test: debug_mode_accepts). */
	if (!base->core_idx) {
		while (base->preload_head) {
			struct event *ev = base->preload_head;
			preload_unlink(base, ev);
			ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_TIMEOUT);
		}
	}
	gev_th_base_free(base);
	gev_sig_base_free(base);
	preload_probe_close(base);
	once_free_all(base);
	if (base == event_global_current_base_)
		event_global_current_base_ = NULL;
	base->magic = GEV_BASE_DEAD;
	gev_free(base);
}

void event_base_free(struct event_base *base)
{
	base_free_(base, 1, "event_base_free");
}

void event_base_free_nofinalize(struct event_base *base)
{
	base_free_(base, 0, "event_base_free_nofinalize");
}

int event_reinit(struct event_base *base)
{
	if (!gev_base_check(base, "event_reinit"))
		return -1;
	if (gev_base_stale(base))
		return stale_refused("event_reinit");
	if (base->core_idx && gev_core_ready("event_reinit") < 0)
		return -1;
	if (gev_sig_base_reinit(base) < 0 || gev_th_base_reinit(base) < 0)
		return -1;
	preload_probe_close(base); /* the parent's; a child makes its own */
	if (base->core_idx)
		return gev_ops.base_reinit(base);
	return 0;
}

/* A callback of this loop forked, and this is the child, back from the
 * callback (gev_fork.h): the loop's Go side stays with the parent. As in
 * libevent, the loop ends normally if the child asked it to exit
 * (bitlbee's forking daemon does, then runs a base of its own); otherwise
 * it cannot go on here. */
static int loop_left_in_child(struct event_base *base)
{
	base->running = 0;
	if (base->forked_exit) {
		base->forked_exit = 0;
		return 0;
	}
	gev_warnx("event_base_loop: this process was forked inside a callback of this "
	    "loop, whose Go side stays with the parent process; the loop cannot go on "
	    "here (make a new base in the child)");
	return -1;
}

int event_base_loop(struct event_base *base, int flags)
{
	if (gev_base_adopt(base, "event_base_loop") < 0)
		return -1;
	/* libevent's dispatch reports every wait at debug severity. */
	gev_debugx("event_base_loop: base %p, flags 0x%x", (void *)base, flags);
	struct gev_thread *th = gev_base_lock(base);
	gev_th_loop_owner(base);
	if (base->nsignals > 0 && !base->running) /* it becomes the base that receives signals */
		gev_sig_loop_start(base);
	int r = gev_ops.base_loop(base, flags);
	gev_base_unlock(th);
	if (__builtin_expect(r == GEV_LOOP_FORKED, 0))
		return loop_left_in_child(base);
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
	if (gev_base_check(base, "event_base_loopexit") && gev_base_stale(base)) {
		base->forked_exit = 1; /* loop_left_in_child */
		return 0;
	}
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
	if (gev_base_stale(base))
		base->forked_exit = 1; /* loop_left_in_child */
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
	if (arg == &self_cbarg_ptr)
		arg = ev;
	if (__builtin_expect(debug_on, 0)) {
		if (!(events & EV_SIGNAL))
			gev_debug_assert_nonblocking(fd, "event_assign");
		debug_assert_not_added(ev, "event_assign");
	}
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
	GEV_HEAPIDX(ev) = -1;
	EV_RELTIMEO(ev) = -1;
	debug_note_setup(ev);
	return 0;
}

void *event_self_cbarg(void)
{
	return &self_cbarg_ptr;
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
	if (ev->ev_flags != EVLIST_INIT) {
		gev_warnx("event_base_set: the event is pending or active (event_del it first)");
		return -1;
	}
	debug_assert_is_setup(ev, "event_base_set");
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

/* Flags that put an event on the preload list while the base has no Go
 * side: added (fd/signal, timeout), or activated by event_base_once. */
#define PRELOAD_FLAGS (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE)

/* Preload list: events added before the base has a Go side, in order,
 * doubly linked through evcb_active_next (tqe_next to the next event,
 * tqe_prev holding a plain pointer to the previous one, as the Go side's
 * ActivePrev does), so that event_del is O(1) however many events a program
 * adds before its first dispatch. The core clears both links on adoption. */
#define EV_PRELOAD_NEXT(ev) ((struct event *)(void *)(ev)->ev_evcallback.evcb_active_next.tqe_next)
#define EV_PRELOAD_PREV(ev) ((struct event *)(void *)(ev)->ev_evcallback.evcb_active_next.tqe_prev)
static inline void preload_set_next(struct event *ev, struct event *next)
{
	ev->ev_evcallback.evcb_active_next.tqe_next = next ? &next->ev_evcallback : NULL;
}
static inline void preload_set_prev(struct event *ev, struct event *prev)
{
	ev->ev_evcallback.evcb_active_next.tqe_prev = (struct event_callback **)(void *)prev;
}

static void preload_link(struct event_base *base, struct event *ev)
{
	preload_set_next(ev, NULL);
	preload_set_prev(ev, base->preload_tail);
	if (base->preload_tail)
		preload_set_next(base->preload_tail, ev);
	else
		base->preload_head = ev;
	base->preload_tail = ev;
	base->npreload++;
}

/* ev must be on base's preload list (EVLIST_INSERTED or EVLIST_TIMEOUT set
 * while the base has no Go side). */
static void preload_unlink(struct event_base *base, struct event *ev)
{
	struct event *prev = EV_PRELOAD_PREV(ev), *next = EV_PRELOAD_NEXT(ev);
	if (prev)
		preload_set_next(prev, next);
	else
		base->preload_head = next;
	if (next)
		preload_set_prev(next, prev);
	else
		base->preload_tail = prev;
	preload_set_next(ev, NULL);
	preload_set_prev(ev, NULL);
	base->npreload--;
}

/* The core's gettime: the loop's cached time while it has one (only a
 * running loop does), else the clock. */
static inline void base_gettime(const struct event_base *base, struct timeval *now)
{
	if (base->tv_cache.tv_sec)
		*now = base->tv_cache;
	else
		gev_now_monotonic(now);
}

/* ev's deadline becomes now + tv; a persistent event keeps tv for re-arming
 * (the core's rules, for the paths that add a timeout in C). */
static void set_deadline(const struct event_base *base, struct event *ev, const struct timeval *tv)
{
	struct timeval now;
	base_gettime(base, &now);
	timeradd(&now, tv, &ev->ev_timeout);
	if (ev->ev_closure == GEV_CLOSURE_EVENT_PERSIST)
		EV_RELTIMEO(ev) = (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* The fds an I/O event may name: below the kernel's fs.nr_open (no process
 * can have a larger one open) and below libevent's fd map limit (2^27,
 * which libevent refuses on every backend). reactor/base.go fdCap bounds
 * the core's fd table the same way. */
#define FD_MAP_LIMIT (1 << 27)
static int fd_cap(void)
{
	static int cap; /* 0 until read; a racing second read stores the same */
	int c = __atomic_load_n(&cap, __ATOMIC_RELAXED);
	if (c)
		return c;
	long nr = 0;
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	if (!f || fscanf(f, "%ld", &nr) != 1 || nr <= 0)
		nr = 1 << 20; /* the kernel's default */
	if (f)
		fclose(f);
	c = nr < FD_MAP_LIMIT ? (int)nr : FD_MAP_LIMIT;
	__atomic_store_n(&cap, c, __ATOMIC_RELAXED);
	return c;
}

/* Whether the backend can watch ev's fd, asked when ev first joins the
 * preload list, so that event_add fails at once as in libevent (which
 * registers the fd with the backend right away) instead of at the first
 * dispatch. An fd past fd_cap is refused on every backend. On epoll the
 * kernel decides (closed fds, regular files, /dev/null...): the base keeps
 * a probe epoll instance until it is adopted, and a registration there
 * answers as epoll_ctl will for the core (EEXIST: another event has the fd
 * already). poll watches anything (an fd it cannot use is reported at
 * dispatch, POLLNVAL), as libevent's does. A negative fd watches nothing. */
static int preload_fd_ok(struct event_base *base, const struct event *ev)
{
	int fd = ev->ev_fd;
	if (fd < 0 || !(ev->ev_events & EV_IO_MASK) || (ev->ev_flags & EVLIST_INSERTED))
		return 1;
	if (fd >= fd_cap()) {
		gev_warnx("event_add: fd %d can never be open (the limit is %d)", fd, fd_cap());
		return 0;
	}
	if (base->method != GEV_METHOD_EPOLL)
		return 1;
	for (int tries = 0; tries < 2; tries++) {
		if (!base->preload_probe) {
			int p = epoll_create1(EPOLL_CLOEXEC);
			if (p < 0)
				return 1; /* cannot ask: the core will, when it adopts the base */
			base->preload_probe = p + 1;
		}
		struct epoll_event e;
		memset(&e, 0, sizeof e);
		e.data.fd = fd;
		if (epoll_ctl(base->preload_probe - 1, EPOLL_CTL_ADD, fd, &e) == 0 || errno == EEXIST)
			return 1;
		int err = errno;
		/* The probe itself may be gone, if the program closed every fd
		 * (a daemon after fork) and maybe reused its number: EINVAL (not
		 * an epoll fd, or fd is its number), or EBADF for an open fd.
		 * It is not ours any more: forget it, and ask a new one. */
		if (err == EINVAL || (err == EBADF && fcntl(fd, F_GETFD) >= 0)) {
			base->preload_probe = 0;
			continue;
		}
		gev_warnx("event_add: epoll_ctl(ADD) on fd %d: %s", fd, strerror(err));
		return 0;
	}
	return 1; /* the probes fail: the core will decide when it adopts the base */
}

/* Closes the base's probe (adopted: the core's backend answers now; freed;
 * or reinitialized in a forked child, which makes its own if needed). */
static void preload_probe_close(struct event_base *base)
{
	if (base->preload_probe) {
		close(base->preload_probe - 1);
		base->preload_probe = 0;
	}
}

/* Debug mode, as libevent's: an fd's events are all edge-triggered or all
 * not, so an I/O event that would mix them is refused (the core checks
 * its fd lists the same way once it has the base). Before that, the
 * preload list is searched: only in debug mode. */
static int preload_et_mix(const struct event_base *base, const struct event *ev)
{
	if (ev->ev_fd < 0 || !(ev->ev_events & EV_IO_MASK) || (ev->ev_flags & EVLIST_INSERTED))
		return 0;
	for (const struct event *e = base->preload_head; e; e = EV_PRELOAD_NEXT(e)) {
		if ((e->ev_flags & EVLIST_INSERTED) && (e->ev_events & EV_IO_MASK) && e->ev_fd == ev->ev_fd &&
		    ((e->ev_events ^ ev->ev_events) & EV_ET)) {
			gev_warnx("event_add: tried to mix edge-triggered and non-edge-triggered events on fd %d",
			    (int)ev->ev_fd);
			return 1;
		}
	}
	return 0;
}

static void preload_add(struct event_base *base, struct event *ev, const struct timeval *tv)
{
	int linked = ev->ev_flags & PRELOAD_FLAGS;
	if ((ev->ev_events & (EV_IO_MASK | EV_SIGNAL)) && !(ev->ev_flags & EVLIST_INSERTED))
		ev->ev_flags |= EVLIST_INSERTED;
	if (tv) {
		set_deadline(base, ev, tv);
		ev->ev_flags |= EVLIST_TIMEOUT;
	}
	if (!linked && (ev->ev_flags & PRELOAD_FLAGS))
		preload_link(base, ev);
}

/* Makes a one-shot event active with EV_TIMEOUT (base lock held). Before
 * the core is loaded it waits on the preload list, active, and the core
 * activates it when it adopts the base (in list order): event_base_once
 * does not load the core. */
static int once_activate(struct event_base *base, struct event *ev)
{
	if (!base->core_idx) {
		ev->ev_res = EV_TIMEOUT;
		ev->ev_flags |= EVLIST_ACTIVE;
		preload_link(base, ev);
		return 0;
	}
	if (gev_base_stale(base))
		return stale_refused("event_base_once");
	if (gev_core_ready("event_base_once") < 0)
		return -1;
	if (!base->activeq || gev_event_activate(base, ev, EV_TIMEOUT, 1) < 0)
		gev_ops.event_active(ev, EV_TIMEOUT, 1);
	return 0;
}

/* NULL event, no base (warnings, as libevent); in debug mode an event that
 * was never set up or was torn down (fatal); a dead base (warning). */
/* ev is non-NULL and has a base (else logged for fn). */
static int event_has_base(const struct event *ev, const char *fn)
{
	if (!ev) {
		gev_warnx("%s: NULL event", fn);
		return 0;
	}
	if (!ev->ev_base) {
		gev_warnx("%s: event has no event_base set.", fn);
		return 0;
	}
	return 1;
}

/* event_has_base, set up (debug mode), and a usable base. */
static int event_check(const struct event *ev, const char *fn)
{
	if (!event_has_base(ev, fn))
		return 0;
	debug_assert_is_setup(ev, fn);
	return gev_base_check(ev->ev_base, fn);
}

/* ---- timers and I/O events without a crossing ----
 * Once the core has a base, event_add and event_del are done here, on the
 * timer heap (timeheap.h), the active queues (activeq.h) and, on an epoll
 * base, the fd table (iomap.h) that the core shares, with the core's own
 * rules: the deadline is the loop's cached time (or the clock) plus tv, a
 * persistent event keeps tv for re-arming, a re-add takes the event out of
 * the heap and pushes it again (so ties order as in libevent), an I/O event
 * joins its fd's list and the kernel is told the fd's new interest, and the
 * event count is libevent's. Anything else goes to the core: signal events,
 * common timeouts, a re-add of an active event with a timeout, finalizing
 * or invalid flags, Go-handled events, the poll backend, debug mode (it
 * checks edge/level mixing), a full heap or an fd past the table (only the
 * core allocates), an fd the kernel refuses (the core reports why), a stale
 * base in a forked child. The thread lock is held by the caller, and
 * unlocking wakes a loop running on another thread. */

/* ev may be handled here: the core has base and is usable, and ev is a
 * program's event but not a signal event (the core tracks those itself). */
static inline int event_fast_ok(const struct event_base *base, const struct event *ev)
{
	return gev_base_live(base) && !(ev->ev_events & EV_SIGNAL) && ev->ev_closure != GEV_CLOSURE_GO;
}

/* ev's pending timeout is in the shared heap, not a common-timeout queue. */
static inline int in_shared_heap(const struct event_base *base, const struct event *ev)
{
	return EV_COMMONIDX(ev) == 0 && gev_timeheap_has(base, ev);
}

#define count_event gev_count_event /* activeq.h */

/* An I/O event not yet in its fd's list joins it (ev may be added here). 1
 * when done or nothing to do, 0 when the core must do it (nothing changed). */
static int io_insert_fast(struct event_base *base, struct event *ev)
{
	if (!(ev->ev_events & EV_IO_MASK) || (ev->ev_flags & (EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)))
		return 1;
	if (!gev_io_add_c_ok(base) || gev_io_add(base, ev) < 0)
		return 0;
	ev->ev_flags |= EVLIST_INSERTED;
	count_event(base, ev, 1);
	return 1;
}

/* event_add(ev, NULL) of one of the core's own I/O events (a socket
 * bufferevent's ev_read: bufferevent.c) on a base the core has: 1 when done
 * here, as Base.Add would (registration only; a pending or active event
 * stays as it is), 0 when the core must do it (nothing changed). */
int gev_io_add_go(struct event_base *base, struct event *ev)
{
	return gev_base_live(base) && ev->ev_base == base &&
	    !(ev->ev_flags & ~(EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_INTERNAL)) &&
	    io_insert_fast(base, ev);
}

/* event_add(ev, tv) with tv NULL, or valid and not a common timeout: 1 when
 * done here (event_add succeeded), 0 when the core must do it. */
static int event_add_fast(struct event_base *base, struct event *ev, const struct timeval *tv)
{
	short fl = ev->ev_flags;
	if (!event_fast_ok(base, ev))
		return 0;
	if (!tv) /* an I/O event's registration only */
		return !(fl & ~(EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_INTERNAL)) &&
		    io_insert_fast(base, ev);
	if (base->timeheap == NULL || (fl & ~(EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_INTERNAL)) ||
	    tv->tv_sec > ((int64_t)1 << 40) /* the core clamps huge timeouts */)
		return 0;
	if (fl & EVLIST_TIMEOUT) {
		if (!in_shared_heap(base, ev))
			return 0;
	} else if (base->timeheap_n >= base->timeheap_cap)
		return 0;
	if (!io_insert_fast(base, ev))
		return 0;
	fl = ev->ev_flags;
	if (fl & EVLIST_TIMEOUT)
		gev_timeheap_remove(base, ev); /* membership kept: the count stays */
	else
		count_event(base, ev, 1);
	set_deadline(base, ev, tv);
	ev->ev_flags = fl | EVLIST_TIMEOUT;
	EV_COMMONIDX(ev) = 0; /* the heap, not a common-timeout queue it was on before */
	gev_timeheap_push(base, ev);
	return 1;
}

/* event_del(ev): 1 when done here (*r: event_del's result), 0 when the core
 * must do it. */
static int event_del_fast(struct event_base *base, struct event *ev, int *r)
{
	if (!event_fast_ok(base, ev) || !gev_event_del_c_ok(base, ev))
		return 0;
	*r = 0;
	if (gev_event_del(base, ev) < 0) {
		gev_warnx("event_del: epoll: epoll_ctl(DEL) on fd %d: %s", (int)ev->ev_fd, strerror(errno));
		*r = -1;
	}
	return 1;
}

static int event_add_nolock(struct event *ev, const struct timeval *tv)
{
	struct event_base *base = ev->ev_base;
	gev_debugx("event_add: event: %p (fd %d), %s%s%s%scall %p", (void *)ev, (int)ev->ev_fd,
	    ev->ev_events & EV_READ ? "EV_READ " : " ", ev->ev_events & EV_WRITE ? "EV_WRITE " : " ",
	    ev->ev_events & EV_CLOSED ? "EV_CLOSED " : " ", tv ? "EV_TIMEOUT " : " ",
	    (void *)ev->ev_callback);
	if (tv && (tv->tv_usec & COMMON_TIMEOUT_MASK) == COMMON_TIMEOUT_MAGIC && tv->tv_sec >= 0 &&
	    !(ev->ev_events & EV_SIGNAL)) {
		/* A common timeout (event_base_init_common_timeout): only the
		 * core knows its queues, so the base has one already. */
		if (gev_base_adopt(base, "event_add") < 0)
			return -1;
		int r = gev_ops.event_add(ev, (struct timeval *)tv);
		if (r == 0)
			debug_note_added(ev, 1);
		return r;
	}
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
		if (ev->ev_flags & EVLIST_FINALIZING)
			return -1;
		if ((__builtin_expect(debug_on, 0) && preload_et_mix(base, ev)) || !preload_fd_ok(base, ev)) {
			if (newsig)
				gev_sig_release(base, ev->ev_fd);
			return -1;
		}
		preload_add(base, ev, tv);
		debug_note_added(ev, 1);
		return 0;
	}
	int r;
	if (!newsig && event_add_fast(base, ev, tv))
		r = 0;
	else
		r = gev_core_ready("event_add") < 0 ? -1 : gev_ops.event_add(ev, (struct timeval *)tv);
	if (r < 0 && newsig && !(ev->ev_flags & EVLIST_INSERTED))
		gev_sig_release(base, ev->ev_fd);
	if (r == 0)
		debug_note_added(ev, 1);
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

static int event_del_nolock(struct event *ev, const char *fn)
{
	if (!event_has_base(ev, fn))
		return -1;
	gev_debugx("event_del: %p (fd %d), callback %p", (void *)ev, (int)ev->ev_fd, (void *)ev->ev_callback);
	/* A finalizing event is left alone (before debug mode looks at it). */
	if (ev->ev_flags & EVLIST_FINALIZING)
		return 0;
	if (__builtin_expect(debug_on, 0))
		debug_note_added(ev, 0);
	/* An event of a freed base: its free deleted it, so, as in libevent,
	 * there is nothing to do (programs free their events after the base). */
	if (ev->ev_base->magic != GEV_BASE_MAGIC &&
	    !(ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)))
		return 0;
	if (!gev_base_check(ev->ev_base, fn))
		return -1;
	struct event_base *base = ev->ev_base;
	/* Once the core has the base, it releases a signal event's handler
	 * whenever the event leaves its signal map (also when a non-persistent
	 * signal event fires); here only the C-side cases do it. */
	int wassig = (ev->ev_events & EV_SIGNAL) && (ev->ev_flags & EVLIST_INSERTED);
	if (!base->core_idx) {
		if (ev->ev_flags & PRELOAD_FLAGS)
			preload_unlink(base, ev);
		ev->ev_flags &= ~PRELOAD_FLAGS;
	} else if (gev_base_stale(base)) {
		/* The reactor's copy is the parent's; only the caller-visible
		 * state changes, so the handler can be restored. */
		ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER);
	} else {
		int r;
		if (event_del_fast(base, ev, &r))
			return r;
		return gev_core_ready(fn) < 0 ? -1 : gev_ops.event_del(ev);
	}
	if (wassig)
		gev_sig_release(base, ev->ev_fd);
	return 0;
}

/* With thread support, blocking decides whether event_del from another
 * thread waits for the event's running callback (thread.c). As in libevent
 * it deletes first and then waits, so that the loop cannot run the event
 * again meanwhile; a finalizing event is left alone without waiting. */
static int event_del_(struct event *ev, const char *fn, int blocking)
{
	struct event_base *base = ev ? ev->ev_base : NULL;
	if (!base || base->magic != GEV_BASE_MAGIC || !base->thread)
		return event_del_nolock(ev, fn);
	struct gev_thread *th = gev_base_lock(base);
	int finalizing = ev->ev_flags & EVLIST_FINALIZING;
	int r = event_del_nolock(ev, fn);
	if (!finalizing)
		gev_th_del_wait(base, ev, blocking);
	gev_base_unlock(th);
	return r;
}

int event_del(struct event *ev)
{
	return event_del_(ev, "event_del", GEV_DEL_AUTOBLOCK);
}

int event_del_block(struct event *ev)
{
	return event_del_(ev, "event_del_block", GEV_DEL_BLOCK);
}

int event_del_noblock(struct event *ev)
{
	return event_del_(ev, "event_del_noblock", GEV_DEL_NOBLOCK);
}

void event_free(struct event *ev)
{
	if (!ev) {
		gev_warnx("event_free: NULL event");
		return;
	}
	if (__builtin_expect(debug_on, 0) && ev->ev_base && !(ev->ev_flags & EVLIST_FINALIZING))
		debug_note_added(ev, 0); /* libevent's event_del: fatal if not set up */
	int pending = ev->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER);
	if (ev->ev_base && ev->ev_base->magic == GEV_BASE_MAGIC && ev->ev_base->thread) {
		/* libevent's event_free always goes through event_del, which
		 * deletes, then waits for the event's callback running in another
		 * thread. */
		struct event_base *base = ev->ev_base;
		struct gev_thread *th = gev_base_lock(base);
		int finalizing = ev->ev_flags & EVLIST_FINALIZING;
		if (pending)
			event_del_nolock(ev, "event_del");
		else
			gev_debugx("event_del: %p (fd %d), callback %p", (void *)ev, (int)ev->ev_fd, (void *)ev->ev_callback);
		if (!finalizing)
			gev_th_del_wait(base, ev, GEV_DEL_AUTOBLOCK);
		gev_base_unlock(th);
	} else if (ev->ev_base && pending)
		event_del(ev);
	else /* libevent's event_free always goes through event_del */
		gev_debugx("event_del: %p (fd %d), callback %p", (void *)ev, (int)ev->ev_fd, (void *)ev->ev_callback);
	debug_note_teardown(ev);
	gev_free(ev);
}

/* event_active in C, on the active queues the core shares (activeq.h), once
 * the core has the base; the core does it when the event's priority has no
 * queue yet. Unlocking wakes a loop running on another thread. */
void event_active(struct event *ev, int res, short ncalls)
{
	if (!event_check(ev, "event_active"))
		return;
	struct event_base *base = ev->ev_base;
	if (__builtin_expect(!gev_base_live(base) || !base->activeq, 0) &&
	    gev_base_adopt(base, "event_active") < 0)
		return;
	gev_debugx("event_active: %p (fd %d), res %d, callback %p", (void *)ev, (int)ev->ev_fd, res,
	    (void *)ev->ev_callback);
	struct gev_thread *th = gev_base_lock(base);
	if (!base->activeq || gev_event_activate(base, ev, (short)res, ncalls) < 0)
		gev_ops.event_active(ev, res, ncalls);
	gev_base_unlock(th);
}

int event_pending(const struct event *ev, short events, struct timeval *tv)
{
	if (!event_has_base(ev, "event_pending"))
		return 0;
	debug_assert_is_setup(ev, "event_pending");
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
		struct timeval diff;
		clock_diff(&diff);
		timeradd(&ev->ev_timeout, &diff, tv);
	}
	return flags & events;
}

/* ---- accessors: read the caller's struct, no crossing ---- */

evutil_socket_t event_get_fd(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_fd");
	return ev->ev_fd;
}

struct event_base *event_get_base(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_base");
	return ev->ev_base;
}

short event_get_events(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_events");
	return ev->ev_events;
}

event_callback_fn event_get_callback(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_callback");
	return ev->ev_callback;
}

void *event_get_callback_arg(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_callback_arg");
	return ev->ev_arg;
}

int event_get_priority(const struct event *ev)
{
	debug_assert_is_setup(ev, "event_get_priority");
	return ev->ev_pri;
}

void event_get_assignment(const struct event *event, struct event_base **base_out,
    evutil_socket_t *fd_out, short *events_out, event_callback_fn *callback_out, void **arg_out)
{
	debug_assert_is_setup(event, "event_get_assignment");
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

/* ---- priorities ---- */

int event_base_priority_init(struct event_base *base, int npriorities)
{
	if (!gev_base_check(base, "event_base_priority_init"))
		return -1;
	if (gev_base_live(base)) {
		struct gev_thread *th = gev_base_lock(base);
		int r = gev_ops.base_priority_init(base, npriorities);
		gev_base_release(th);
		return r;
	}
	/* No Go side: nothing can be active. */
	if (npriorities < 1 || npriorities >= EVENT_MAX_PRIORITIES)
		return -1;
	base->npriorities = npriorities;
	return 0;
}

int event_priority_init(int npriorities)
{
	return event_base_priority_init(event_global_current_base_, npriorities);
}

int event_base_get_npriorities(struct event_base *base)
{
	if (!base)
		base = event_global_current_base_;
	if (!gev_base_check(base, "event_base_get_npriorities"))
		return 0;
	return base->npriorities;
}

int event_priority_set(struct event *ev, int pri)
{
	if (!ev) {
		gev_warnx("event_priority_set: NULL event");
		return -1;
	}
	debug_assert_is_setup(ev, "event_priority_set");
	if (ev->ev_flags & EVLIST_ACTIVE)
		return -1;
	if (!ev->ev_base) {
		gev_warnx("event_priority_set: event has no event_base set.");
		return -1;
	}
	if (!gev_base_check(ev->ev_base, "event_priority_set"))
		return -1;
	if (pri < 0 || pri >= ev->ev_base->npriorities)
		return -1;
	ev->ev_pri = (ev_uint8_t)pri;
	return 0;
}

/* ---- the loop's state ---- */

int event_base_loopcontinue(struct event_base *base)
{
	if (!base)
		return -1;
	if (!gev_base_check(base, "event_base_loopcontinue"))
		return -1;
	/* Only a running loop looks at it, and a loop runs with a Go side;
	 * the flag is the pass state the core shares (activeq.h). */
	if (gev_base_live(base)) {
		struct gev_thread *th = gev_base_lock(base);
		base->cont = 1;
		int r = gev_th_wake_if_needed(base);
		gev_base_release(th);
		return r;
	}
	return 0;
}

struct event *event_base_get_running_event(struct event_base *base)
{
	if (!gev_base_check(base, "event_base_get_running_event"))
		return NULL;
	if (!gev_base_live(base))
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct event *ev = base->current; /* kept by the core's loop */
	gev_base_release(th);
	return ev;
}

int event_base_get_num_events(struct event_base *base, unsigned int type)
{
	if (gev_base_adopt(base, "event_base_get_num_events") < 0)
		return 0;
	struct gev_thread *th = gev_base_lock(base);
	int r = gev_ops.base_num_events(base, type, 0, 0);
	gev_base_release(th);
	return r;
}

int event_base_get_max_events(struct event_base *base, unsigned int type, int clear)
{
	if (gev_base_adopt(base, "event_base_get_max_events") < 0)
		return 0;
	struct gev_thread *th = gev_base_lock(base);
	int r = gev_ops.base_num_events(base, type, 1, clear);
	gev_base_release(th);
	return r;
}

/* ---- time ---- */

int event_gettime_monotonic(struct event_base *base, struct timeval *tv)
{
	if (!base || !tv) {
		gev_warnx("event_gettime_monotonic: NULL %s", !base ? "base" : "timeval");
		return -1;
	}
	gev_now_monotonic(tv);
	return 0;
}

int event_base_gettimeofday_cached(struct event_base *base, struct timeval *tv)
{
	if (!base) {
		base = event_global_current_base_;
		if (!base)
			return gettimeofday(tv, NULL);
	}
	if (!gev_base_check(base, "event_base_gettimeofday_cached"))
		return -1;
	struct timeval cache = base->tv_cache; /* written by the loop's thread */
	if (cache.tv_sec == 0)
		return gettimeofday(tv, NULL);
	struct timeval diff;
	clock_diff(&diff);
	timeradd(&cache, &diff, tv);
	return 0;
}

int event_base_update_cache_time(struct event_base *base)
{
	if (!base) {
		base = event_global_current_base_;
		if (!base)
			return -1;
	}
	if (!gev_base_check(base, "event_base_update_cache_time"))
		return -1;
	if (base->running) {
		base->tv_cache.tv_sec = 0;
		if (!(base->flags & EVENT_BASE_FLAG_NO_CACHE_TIME))
			gev_now_monotonic(&base->tv_cache);
	}
	return 0;
}

const struct timeval *event_base_init_common_timeout(struct event_base *base,
    const struct timeval *duration)
{
	if (!duration) {
		gev_warnx("event_base_init_common_timeout: NULL duration");
		return NULL;
	}
	if (gev_base_adopt(base, "event_base_init_common_timeout") < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	const struct timeval *r = gev_ops.base_init_common_timeout(base, (struct timeval *)duration);
	gev_base_release(th);
	return r;
}

int event_remove_timer(struct event *ev)
{
	if (!event_check(ev, "event_remove_timer"))
		return -1;
	struct event_base *base = ev->ev_base;
	if (!(ev->ev_flags & EVLIST_TIMEOUT))
		return 0;
	if (!base->core_idx || gev_base_stale(base)) {
		ev->ev_flags &= ~EVLIST_TIMEOUT;
		EV_RELTIMEO(ev) = -1;
		if (!base->core_idx && !(ev->ev_flags & PRELOAD_FLAGS))
			preload_unlink(base, ev);
		return 0;
	}
	if (gev_core_ready("event_remove_timer") < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	int r = gev_ops.event_remove_timer(ev);
	gev_base_release(th);
	return r;
}

/* ---- iteration and activation ---- */

int event_base_foreach_event(struct event_base *base, event_base_foreach_event_cb fn, void *arg)
{
	if (!fn || !base)
		return -1;
	if (gev_base_adopt(base, "event_base_foreach_event") < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(base); /* held during the callbacks, as libevent */
	int r = gev_ops.base_foreach(base, (void *)fn, arg);
	gev_base_release(th);
	return r;
}

static int dump_inserted(const struct event_base *base, const struct event *e, void *arg)
{
	FILE *out = arg;
	(void)base;
	if (!(e->ev_flags & (EVLIST_INSERTED | EVLIST_TIMEOUT)))
		return 0;
	fprintf(out, "  %p [%s %d]%s%s%s%s%s%s%s", (const void *)e,
	    (e->ev_events & EV_SIGNAL) ? "sig" : "fd ", (int)e->ev_fd,
	    (e->ev_events & EV_READ) ? " Read" : "",
	    (e->ev_events & EV_WRITE) ? " Write" : "",
	    (e->ev_events & EV_CLOSED) ? " EOF" : "",
	    (e->ev_events & EV_SIGNAL) ? " Signal" : "",
	    (e->ev_events & EV_PERSIST) ? " Persist" : "",
	    (e->ev_events & EV_ET) ? " ET" : "",
	    (e->ev_flags & EVLIST_INTERNAL) ? " Internal" : "");
	if (e->ev_flags & EVLIST_TIMEOUT) {
		struct timeval tv, diff;
		clock_diff(&diff);
		tv.tv_sec = e->ev_timeout.tv_sec;
		tv.tv_usec = e->ev_timeout.tv_usec & MICROSECONDS_MASK;
		timeradd(&tv, &diff, &tv);
		fprintf(out, " Timeout=%ld.%06d", (long)tv.tv_sec, (int)(tv.tv_usec & MICROSECONDS_MASK));
	}
	fputc('\n', out);
	return 0;
}

static int dump_active(const struct event_base *base, const struct event *e, void *arg)
{
	FILE *out = arg;
	(void)base;
	if (!(e->ev_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)))
		return 0;
	fprintf(out, "  %p [%s %d, priority=%d]%s%s%s%s%s active%s%s\n", (const void *)e,
	    (e->ev_events & EV_SIGNAL) ? "sig" : "fd ", (int)e->ev_fd, e->ev_pri,
	    (e->ev_res & EV_READ) ? " Read" : "",
	    (e->ev_res & EV_WRITE) ? " Write" : "",
	    (e->ev_res & EV_CLOSED) ? " EOF" : "",
	    (e->ev_res & EV_SIGNAL) ? " Signal" : "",
	    (e->ev_res & EV_TIMEOUT) ? " Timeout" : "",
	    (e->ev_flags & EVLIST_INTERNAL) ? " [Internal]" : "",
	    (e->ev_flags & EVLIST_ACTIVE_LATER) ? " [NextTime]" : "");
	return 0;
}

void event_base_dump_events(struct event_base *base, FILE *output)
{
	if (!output) {
		gev_warnx("event_base_dump_events: NULL output");
		return;
	}
	if (gev_base_adopt(base, "event_base_dump_events") < 0)
		return;
	struct gev_thread *th = gev_base_lock(base);
	fprintf(output, "Inserted events:\n");
	gev_ops.base_foreach(base, (void *)dump_inserted, output);
	fprintf(output, "Active events:\n");
	gev_ops.base_foreach(base, (void *)dump_active, output);
	gev_base_release(th);
}

void event_base_active_by_fd(struct event_base *base, evutil_socket_t fd, short events)
{
	if (gev_base_adopt(base, "event_base_active_by_fd") < 0)
		return;
	struct gev_thread *th = gev_base_lock(base);
	gev_ops.base_active_by_fd(base, fd, events);
	gev_base_unlock(th);
}

void event_base_active_by_signal(struct event_base *base, int sig)
{
	if (gev_base_adopt(base, "event_base_active_by_signal") < 0)
		return;
	struct gev_thread *th = gev_base_lock(base);
	gev_ops.base_active_by_signal(base, sig);
	gev_base_unlock(th);
}

/* ---- finalizers ---- */

static int finalize_(unsigned flags, struct event *ev, event_finalize_callback_fn cb, int free_it, const char *fn)
{
	(void)flags;
	if (!event_has_base(ev, fn))
		return -1;
	if (gev_base_adopt(ev->ev_base, fn) < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(ev->ev_base);
	int r = gev_ops.event_finalize(ev, (void *)cb, free_it, (void *)gev_free);
	gev_base_unlock(th);
	return r;
}

int event_finalize(unsigned flags, struct event *ev, event_finalize_callback_fn cb)
{
	return finalize_(flags, ev, cb, 0, "event_finalize");
}

int event_free_finalize(unsigned flags, struct event *ev, event_finalize_callback_fn cb)
{
	return finalize_(flags, ev, cb, 1, "event_free_finalize");
}
