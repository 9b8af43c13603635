/*
 * run.c - the core's event loop in C, for everything that is C work.
 *
 * A C->Go crossing costs several times what libevent spends on a loop pass
 * or a callback, so the loop's common path runs here, on the state the Go
 * side shares in C-visible memory (the timer heap, the active queues, the
 * fd table and the epoll instance: timeheap.h, activeq.h, iomap.h) and with
 * the same rules as loop.go, which it stands for:
 *
 * - gev_run_queue runs the events at the head of one active queue while
 *   each one's whole run is C work (a program's plain or persistent
 *   callback whose event leaves its lists through the heap, the queues and
 *   an epoll fd table); loop.go hands it such runs (one crossing for all).
 * - gev_epoll_wait_base is the epoll backend's wait: the ready fds' events
 *   become active here.
 * - gev_loop_c is event_base_loop on an epoll base. The C layer enters it
 *   directly (capi/gocore/attach.c), so a loop whose events are all C work
 *   never enters Go. At the first thing that needs the Go side (a Go
 *   handler, a signal, a finalizer, a common timeout, a priority without a
 *   queue, a full epoll buffer) it stops at one of a few points and the Go
 *   side takes the rest of the loop over from there (Base.LoopResume).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* epoll_wait's timeout is capped as libevent's (35 minutes). */
#define EPOLL_MAX_TIMEOUT_MSEC (35 * 60 * 1000)
/* The epoll buffer grows (by the Go side) up to this many events. */
#define EPOLL_MAX_EVENTS 4096

static void warn(const char *msg)
{
	if (gev_svc)
		gev_svc->log(EVENT_LOG_WARN, msg);
}

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

/* Base.updateCache. */
static inline void update_cache(struct event_base *base)
{
	base->tv_cache.tv_sec = 0;
	base->tv_cache.tv_usec = 0;
	if (!(base->flags & EVENT_BASE_FLAG_NO_CACHE_TIME))
		mono_now(&base->tv_cache);
}

static inline int tv_less(struct timeval a, struct timeval b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_usec < b.tv_usec);
}

/* t + d microseconds (d >= 0), normalized as Timeval.addUsec. */
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

/* ---- one active queue ---- */

/* The bodies of gev_run_in_c, gev_run_queue and gev_epoll_wait_base are
 * static inline: the loop below inlines them (a call each per pass, with
 * their register saves, was a tenth of a pass), and the exported names,
 * which loop.go calls, wrap them. */
static inline __attribute__((always_inline)) int run_in_c(const struct event_base *base, const struct event *ev)
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

int gev_run_in_c(const struct event_base *base, const struct event *ev)
{
	return run_in_c(base, ev);
}

/* The kernel refused to drop the interest of a deleted event's fd: as the
 * core's ioDel, say so (the event is deleted all the same). */
static void del_failed(const struct event *ev)
{
	char msg[160];
	snprintf(msg, sizeof msg, "event_del: epoll: epoll_ctl(DEL) on fd %d: %s", (int)ev->ev_fd, strerror(errno));
	warn(msg);
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

static inline __attribute__((always_inline)) int64_t run_queue(struct event_base *base, int pri, int64_t count,
    int64_t max, int64_t end_sec, int64_t end_usec, int has_end)
{
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
		if (!run_in_c(base, ev)) {
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
			/* A fork in the callback, and this is the child: the loop's
			 * state is the parent's (gev_fork.h). A loop handed over to
			 * Go escapes in gev_cb_leave; run.c's own loop, which has no
			 * Go frames to escape from, ends here. */
			if (__builtin_expect(gev_forked, 0)) {
				if (!dead) /* no pointer to this frame stays */
					base->run_dead = prev_dead;
				return count << GEV_RUN_SHIFT | GEV_RUN_FORKED;
			}
		}
		/* ev may be freed by now, and the base too. */
		if (dead)
			return count << GEV_RUN_SHIFT | GEV_RUN_DEAD; /* base is gone: touch nothing */
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
			update_cache(base);
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
	return count << GEV_RUN_SHIFT | st;
}

int64_t gev_run_queue(uintptr_t basep, int pri, int64_t count, int64_t max, int64_t end_sec, int64_t end_usec,
    int has_end)
{
	return run_queue((struct event_base *)basep, pri, count, max, end_sec, end_usec, has_end);
}

/* ---- the epoll backend's wait ---- */

/* epoll_wait that does not block (ms == 0), as a raw system call: n or
 * -errno. glibc's epoll_wait is a cancellation point, and in a process
 * with threads (the Go runtime's) its wrapper switches the thread to
 * asynchronous cancellation around the call and back (two atomic updates
 * and ~45 instructions), which matters only while the call can block: a
 * cancellation that arrives during a wait that returns at once is acted on
 * at the next cancellation point instead, which no program can tell from
 * its arriving just after the call. One pending already is acted on here
 * (pthread_testcancel), as glibc's wrapper does. A wait that may block
 * stays glibc's, so that pthread_cancel still ends a thread sleeping in
 * event_base_loop. (Elsewhere than x86-64: epoll_pwait with no signal
 * mask, the one that all architectures have.) */
static inline int epoll_poll_now(int epfd, struct epoll_event *evs, int max)
{
	pthread_testcancel();
#if defined(__x86_64__)
	long r;
	register long r10 __asm__("r10") = 0; /* the timeout */
	__asm__ volatile("syscall"
	    : "=a"(r)
	    : "0"((long)SYS_epoll_wait), "D"((long)epfd), "S"(evs), "d"((long)max), "r"(r10)
	    : "rcx", "r11", "memory");
	return (int)r;
#else
	long r = syscall(SYS_epoll_pwait, epfd, evs, max, 0, NULL, (size_t)0);
	return r < 0 ? -errno : (int)r;
#endif
}

static inline __attribute__((always_inline)) int epoll_wait_base(struct event_base *base, int ms)
{
	struct gev_thread *th = base->thread;
	struct epoll_event *evs = base->ep_events;
	int n;
	if (th)
		th->release(th);
	if (ms == 0)
		n = epoll_poll_now(base->epfd, evs, base->ep_max);
	else if ((n = epoll_wait(base->epfd, evs, base->ep_max, ms)) < 0)
		n = -errno;
	if (th)
		th->lock(th);
	base->ep_nleft = 0;
	if (n < 0)
		return n;
	/* Another thread may have changed the buffers meanwhile (event_reinit
	 * under the lock): only the results already in evs are read. */
	int left = 0;
	for (int i = 0; i < n; i++) {
		uint32_t what = evs[i].events;
		int fd = evs[i].data.fd;
		short res = 0;
		/* As libevent's epoll: an error, or a hangup that is not also a
		 * read hangup (a pipe's writer went away), wakes readers and
		 * writers; a peer's close() (EPOLLHUP|EPOLLRDHUP on a local
		 * socket) is reported as what it also is: EV_CLOSED, and
		 * readable/writable as the kernel says. EV_ET is set, so that
		 * edge-triggered events see it in ev_res. */
		if ((what & EPOLLERR) || (what & (EPOLLHUP | EPOLLRDHUP)) == EPOLLHUP) {
			res = EV_READ | EV_WRITE;
		} else {
			if (what & EPOLLIN)
				res |= EV_READ;
			if (what & EPOLLOUT)
				res |= EV_WRITE;
			if (what & EPOLLRDHUP)
				res |= EV_CLOSED;
		}
		if (!res)
			continue;
		if (gev_io_ready(base, fd, res | EV_ET) < 0) {
			base->ep_out[2 * left] = fd;
			base->ep_out[2 * left + 1] = res | EV_ET;
			left++;
		}
	}
	base->ep_nleft = left;
	return n;
}

int gev_epoll_wait_base(uintptr_t basep, int ms)
{
	return epoll_wait_base((struct event_base *)basep, ms);
}

/* ---- the loop ---- */

volatile int64_t gev_wait_in_go_after;
int gev_loop_counted;

/* The Go side wants to do the wait that is about to block. */
static int wait_in_go(const struct event_base *base)
{
	int64_t after = gev_wait_in_go_after;
	if (!after)
		return 0;
	struct timeval now = base_now(base);
	return (int64_t)now.tv_sec * 1000000 + now.tv_usec >= after;
}

/* Base.timeoutNext: how long the wait may block, in microseconds. */
static int64_t timeout_next(const struct event_base *base)
{
	if (base->timeheap_n == 0)
		return -1;
	const struct event *ev = base->timeheap[0];
	struct timeval now = base_now(base);
	if (!tv_less(now, ev->ev_timeout))
		return 0;
	int64_t ds = ev->ev_timeout.tv_sec - now.tv_sec;
	if (ds > ((int64_t)1 << 31))
		ds = (int64_t)1 << 31;
	return ds * 1000000 + ev->ev_timeout.tv_usec - now.tv_usec;
}

/* usecToMsec: rounded up, -1 for no limit, capped. */
static int usec_to_msec(int64_t usec)
{
	if (usec < 0)
		return -1;
	int64_t ms = (usec + 999) / 1000;
	return ms > EPOLL_MAX_TIMEOUT_MSEC ? EPOLL_MAX_TIMEOUT_MSEC : (int)ms;
}

/* Base.timeoutProcess: every due timer is deleted and activated. 0, or -1
 * when one needs the Go side (the ones before it are done). */
static int timeouts_c(struct event_base *base)
{
	if (base->timeheap_n == 0)
		return 0;
	struct timeval now = base_now(base);
	while (base->timeheap_n > 0) {
		struct event *ev = base->timeheap[0];
		if (tv_less(now, ev->ev_timeout))
			break;
		if (!gev_event_del_c_ok(base, ev) || (ev->ev_evcallback.evcb_flags & EVLIST_FINALIZING) ||
		    ev->ev_evcallback.evcb_pri >= base->activeq_n)
			return -1;
		if (gev_event_del(base, ev) < 0)
			del_failed(ev);
		gev_event_activate(base, ev, EV_TIMEOUT, 1);
	}
	return 0;
}

/* Base.loopDone. */
static int loop_done(struct event_base *base, int r)
{
	base->running_pri = -1;
	base->current = NULL;
	base->tv_cache.tv_sec = 0;
	base->tv_cache.tv_usec = 0;
	base->running = 0;
	return r;
}

static int resume_at(struct event_base *base, int where)
{
	base->resume.where = where;
	if (where != GEV_RESUME_QUEUE) {
		base->resume.pri = 0;
		base->resume.count = 0;
	}
	return GEV_LOOP_RESUME;
}

#define PASS_DEAD   (-2) /* a callback freed the base */
#define PASS_GO     (-3) /* base->resume says where the Go side goes on */
#define PASS_FORKED (-4) /* a callback forked: this is the child */

/* Base.processActive: the most urgent non-empty queue. Returns the count
 * of non-internal callbacks run, -1 after a loopbreak, PASS_DEAD, or
 * PASS_GO. */
static int64_t pass_c(struct event_base *base)
{
	int64_t c = 0;
	struct timeval end = {0, 0};
	int has_end = 0;
	if (base->max_dispatch_usec >= 0) {
		update_cache(base);
		end = tv_add_usec(base_now(base), base->max_dispatch_usec);
		has_end = 1;
	}
	for (int pri = 0; pri < base->activeq_n; pri++) {
		if (!base->activeq[pri].head)
			continue;
		base->running_pri = pri;
		int limited = pri >= base->limit_callbacks_after_prio;
		int64_t r = run_queue(base, pri, 0, limited ? base->max_dispatch_callbacks : INT64_MAX,
		    end.tv_sec, end.tv_usec, limited && has_end);
		int64_t n = r >> GEV_RUN_SHIFT;
		switch (r & ((1 << GEV_RUN_SHIFT) - 1)) {
		case GEV_RUN_DEAD:
			return PASS_DEAD;
		case GEV_RUN_FORKED:
			return PASS_FORKED;
		case GEV_RUN_GO:
			base->resume.pri = pri;
			base->resume.count = n;
			base->resume.end_sec = end.tv_sec;
			base->resume.end_usec = end.tv_usec;
			base->resume.has_end = has_end;
			resume_at(base, GEV_RESUME_QUEUE);
			return PASS_GO;
		case GEV_RUN_ABORT:
			c = -1;
			break;
		default:
			c = n;
		}
		if (c != 0)
			break;
	}
	base->running_pri = -1;
	return c;
}

int gev_loop_c(struct event_base *base, int flags)
{
	base->resume.grow = 0; /* the other fields are set where it hands over */
	if (flags & GEV_LOOP_CONT) {
		/* The Go side hands back a loop begun here, at the top of an
		 * iteration (GEV_LOOP_BACK): the base is running. */
		flags &= ~GEV_LOOP_CONT;
	} else {
		/* The Go side reports misuse (a loop already running), runs
		 * the poll backend and counts (gev_loop_counted). */
		if (base->running || gev_loop_counted || base->epfd < 0 || !base->activeq || !base->ep_events)
			return resume_at(base, GEV_RESUME_START);
		base->running = 1;
		base->tv_cache.tv_sec = 0;
		base->tv_cache.tv_usec = 0;
		base->event_gotterm = 0;
		base->event_break = 0;
	}
	for (;;) {
		base->cont = 0;
		if (base->event_gotterm || base->event_break)
			return loop_done(base, 0);
		int64_t timeout = 0;
		if (base->n_active == 0 && !(flags & EVLOOP_NONBLOCK))
			timeout = timeout_next(base);
		if (!(flags & EVLOOP_NO_EXIT_ON_EMPTY) && base->n_events == 0 && base->n_active == 0)
			return loop_done(base, 1);
		if (timeout != 0 && __builtin_expect(gev_wait_in_go_after != 0, 0) && wait_in_go(base))
			return resume_at(base, GEV_RESUME_TOP);
		base->tv_cache.tv_sec = 0;
		base->tv_cache.tv_usec = 0;
		int n = epoll_wait_base(base, usec_to_msec(timeout));
		if (n < 0 && n != -EINTR) {
			char msg[160];
			snprintf(msg, sizeof msg, "event_base_loop: epoll_wait: %s", strerror(-n));
			warn(msg);
			return loop_done(base, -1);
		}
		if (n == base->ep_max && base->ep_max < EPOLL_MAX_EVENTS)
			base->resume.grow = 1;
		if (base->ep_nleft > 0 || base->resume.grow)
			return resume_at(base, GEV_RESUME_WAITED);
		update_cache(base);
		if (timeouts_c(base) < 0)
			return resume_at(base, GEV_RESUME_TIMEOUTS);
		if (base->n_active > 0) {
			int64_t c = pass_c(base);
			if (c == PASS_DEAD)
				return -1;
			if (c == PASS_FORKED)
				return GEV_LOOP_FORKED;
			if (c == PASS_GO)
				return GEV_LOOP_RESUME;
			if ((flags & EVLOOP_ONCE) && base->n_active == 0 && c != 0)
				return loop_done(base, 0);
		} else if (flags & EVLOOP_NONBLOCK)
			return loop_done(base, 0);
	}
}
