/*
 * iomap.h - the C half of the fd table shared by the C layer and the Go core
 * (reactor/event.go), and of the epoll backend's registration rules
 * (reactor/backend_epoll.go).
 *
 * A base's fd table is an array of struct gev_fdent in C-visible memory
 * (struct event_base's fds/nfds), indexed by fd, that only the core
 * allocates and grows. Each entry lists the fd's events (newest first,
 * through ev_io_next: le_next points to the next event, le_prev holds a
 * plain pointer to the previous one), counts how many want each condition,
 * and remembers the aggregate interest the backend was last told. Both
 * sides add and remove with the same rules; on an epoll base the C layer
 * answers event_add/event_del of I/O events and the loop deletes one-shot
 * I/O events from C, telling the kernel itself (epfd). The poll backend's
 * array stays the core's: a poll base leaves all of this to the core.
 *
 * Static inline so that the C layer, the core's C code and the tests share
 * one text. Callers hold the base lock (when the base has one).
 */
#ifndef GEV_IOMAP_H
#define GEV_IOMAP_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "gev_internal.h"
#include "activeq.h"
#include "timeheap.h"

#define GEV_IO_MASK (EV_READ | EV_WRITE | EV_CLOSED)

static inline struct event *gev_io_next(const struct event *ev)
{
	return ev->ev_.ev_io.ev_io_next.le_next;
}

static inline struct event *gev_io_prev(const struct event *ev)
{
	return (struct event *)(void *)ev->ev_.ev_io.ev_io_next.le_prev;
}

static inline void gev_io_set_prev(struct event *ev, struct event *prev)
{
	ev->ev_.ev_io.ev_io_next.le_prev = (struct event **)(void *)prev;
}

/* The aggregate interest of the fd's events (fdEntry.want). */
static inline int16_t gev_fd_want(const struct gev_fdent *e)
{
	int16_t m = 0;
	if (e->nread > 0)
		m |= EV_READ;
	if (e->nwrite > 0)
		m |= EV_WRITE;
	if (e->nclose > 0)
		m |= EV_CLOSED;
	if (m && e->net > 0)
		m |= EV_ET;
	return m;
}

/* One more event ev on the fd would pass a count's limit (libevent: "Too
 * many events reading or writing on fd"). */
static inline int gev_fd_full(const struct gev_fdent *e, short events)
{
	return ((events & EV_READ) && e->nread == 0xffff) || ((events & EV_WRITE) && e->nwrite == 0xffff) ||
	    ((events & EV_CLOSED) && e->nclose == 0xffff) || ((events & EV_ET) && e->net == 0xffff);
}

static inline void gev_fd_count(struct gev_fdent *e, short events, int d)
{
	if (events & EV_READ)
		e->nread += d;
	if (events & EV_WRITE)
		e->nwrite += d;
	if (events & EV_CLOSED)
		e->nclose += d;
	if (events & EV_ET)
		e->net += d;
}

/* The C side may add to the fd map of base: the core has it, with an epoll
 * backend, outside debug mode (which checks edge/level mixing there). */
static inline int gev_io_add_c_ok(const struct event_base *base)
{
	return base->fds != NULL && base->epfd >= 0 && !(base->flags & GEV_BASE_FLAG_DEBUG);
}

/* The epoll bits of an interest mask (EV_READ, EV_WRITE, EV_CLOSED, EV_ET). */
static inline uint32_t gev_epoll_bits(int16_t mask)
{
	return (uint32_t)(mask & EV_READ) >> 1 | (uint32_t)(mask & EV_WRITE) | (uint32_t)(mask & EV_CLOSED) << 6 |
	    (uint32_t)(mask & EV_ET) << 26;
}
_Static_assert(EPOLLIN == EV_READ >> 1 && EPOLLOUT == EV_WRITE && EPOLLRDHUP == EV_CLOSED << 6 &&
	(uint32_t)EPOLLET == (uint32_t)EV_ET << 26, "gev_epoll_bits");

/* epoll_ctl as a raw system call: 0 or -errno. It is no cancellation point
 * and sets nothing but errno, so the wrapper adds only a call and errno's
 * thread-local address; the core's Go side makes its epoll calls raw too. */
static inline int gev_epoll_ctl(int epfd, int op, int fd, struct epoll_event *e)
{
#if defined(__x86_64__)
	long r;
	register long r10 __asm__("r10") = (long)e;
	__asm__ volatile("syscall"
	    : "=a"(r)
	    : "0"((long)SYS_epoll_ctl), "D"((long)epfd), "S"((long)op), "d"((long)fd), "r"(r10)
	    : "rcx", "r11", "memory");
	return (int)r;
#else
	return epoll_ctl(epfd, op, fd, e) == 0 ? 0 : -errno;
#endif
}

/* gev_epoll_apply after the kernel refused op with err: the backend's
 * rules (below). Out of line: the common path is one call that succeeds. */
static __attribute__((noinline, cold, unused)) int gev_epoll_retry(int epfd, int op, int fd, struct epoll_event *e,
    int err)
{
	if (op == EPOLL_CTL_DEL && (err == ENOENT || err == EBADF || err == EPERM))
		return 0;
	if (op == EPOLL_CTL_ADD && err == EEXIST)
		err = -gev_epoll_ctl(epfd, EPOLL_CTL_MOD, fd, e);
	else if (op == EPOLL_CTL_MOD && err == ENOENT)
		err = -gev_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, e);
	if (err == 0)
		return 0;
	errno = err;
	return -1;
}

/* Tells the kernel that fd's interest goes from old to mask, with the
 * epoll backend's rules: an add that finds the fd registered (closed and
 * reused while a dup kept the registration) modifies, a modify that finds
 * none adds, and a delete of a registration already gone succeeds. 0, or
 * -1 with errno. */
static inline int gev_epoll_apply(int epfd, int fd, int16_t old, int16_t mask)
{
	if (old == mask)
		return 0;
	int op = mask == 0 ? EPOLL_CTL_DEL : old == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	struct epoll_event e;
	e.events = gev_epoll_bits(mask);
	e.data.u64 = 0;
	e.data.fd = fd;
	int r = gev_epoll_ctl(epfd, op, fd, &e);
	if (__builtin_expect(r == 0, 1))
		return 0;
	return gev_epoll_retry(epfd, op, fd, &e, -r);
}

/* Base.ioAdd on an epoll base (gev_io_add_c_ok): puts the I/O event ev in
 * its fd's list, registering the fd's new interest. Returns 0; or -1 when
 * the core must do it (the fd is past the table, a count is full, or the
 * kernel refused: the core then asks again and reports why), with nothing
 * changed. */
static inline int gev_io_add(struct event_base *base, struct event *ev)
{
	int fd = ev->ev_fd;
	if (fd < 0)
		return 0; /* watches nothing, as in libevent */
	if (fd >= base->nfds)
		return -1;
	struct gev_fdent *e = &base->fds[fd];
	if (gev_fd_full(e, ev->ev_events))
		return -1; /* the core refuses it, with libevent's warning */
	gev_fd_count(e, ev->ev_events, 1);
	int16_t want = gev_fd_want(e);
	if (want != e->mask) {
		if (gev_epoll_apply(base->epfd, fd, e->mask, want) < 0) {
			gev_fd_count(e, ev->ev_events, -1);
			return -1;
		}
		e->mask = want;
	}
	gev_io_set_prev(ev, NULL);
	ev->ev_.ev_io.ev_io_next.le_next = e->head;
	if (e->head)
		gev_io_set_prev(e->head, ev);
	e->head = ev;
	return 0;
}

/* Base.ioDel on an epoll base: takes ev out of its fd's list and updates
 * the kernel. 0, or -1 with errno when the kernel refused the change (the
 * table is updated all the same, as the core's). */
static inline int gev_io_del(struct event_base *base, struct event *ev)
{
	int fd = ev->ev_fd;
	if (fd < 0 || fd >= base->nfds)
		return 0;
	struct gev_fdent *e = &base->fds[fd];
	struct event *prev = gev_io_prev(ev), *next = gev_io_next(ev);
	if (prev)
		prev->ev_.ev_io.ev_io_next.le_next = next;
	else if (e->head == ev)
		e->head = next;
	if (next)
		gev_io_set_prev(next, prev);
	ev->ev_.ev_io.ev_io_next.le_next = NULL;
	gev_io_set_prev(ev, NULL);
	gev_fd_count(e, ev->ev_events, -1);
	if (!e->head && !e->mask)
		memset(e, 0, sizeof *e);
	int16_t want = gev_fd_want(e);
	if (want != e->mask) {
		int16_t old = e->mask;
		e->mask = want;
		return gev_epoll_apply(base->epfd, fd, old, want);
	}
	return 0;
}

/* Base.ioReady: the events of fd that wait for a condition in what become
 * active. Returns -1 when one of them needs the core (its priority has no
 * queue yet); the core then does the fd again (activating twice only adds
 * result bits already there). */
static inline int gev_io_ready(struct event_base *base, int fd, short what)
{
	if (fd < 0 || fd >= base->nfds)
		return 0;
	int r = 0;
	for (struct event *ev = base->fds[fd].head; ev; ev = gev_io_next(ev))
		if (ev->ev_events & (what & ~EV_ET))
			if (gev_event_activate(base, ev, ev->ev_events & what, 1) < 0)
				r = -1;
	return r;
}

/* The C side may do Base.del(ev): not a signal event (the core keeps the
 * signal map), a timeout on the heap (not a common-timeout queue), an fd
 * registration on an epoll base whose table the core shares. */
static inline int gev_event_del_c_ok(const struct event_base *base, const struct event *ev)
{
	short fl = ev->ev_evcallback.evcb_flags;
	if (fl & EVLIST_FINALIZING)
		return 1; /* a no-op */
	if (ev->ev_events & EV_SIGNAL)
		return 0;
	if ((fl & EVLIST_TIMEOUT) &&
	    !(GEV_EV_COMMON(ev) == 0 && base->timeheap != NULL && gev_timeheap_has(base, ev)))
		return 0;
	if ((fl & EVLIST_INSERTED) && !((ev->ev_events & GEV_IO_MASK) && base->fds && base->epfd >= 0))
		return 0;
	return 1;
}

/* Base.del for an event gev_event_del_c_ok accepts: out of the timer heap,
 * the active queue and the fd map. 0, or -1 with errno when the kernel
 * refused to drop the fd's interest (the event is deleted all the same). */
static inline int gev_event_del(struct event_base *base, struct event *ev)
{
	short fl = ev->ev_evcallback.evcb_flags;
	if (fl & EVLIST_FINALIZING)
		return 0;
	if (fl & EVLIST_TIMEOUT) {
		gev_timeheap_remove(base, ev);
		ev->ev_evcallback.evcb_flags &= ~EVLIST_TIMEOUT;
		gev_count_event(base, ev, -1);
	}
	if (fl & EVLIST_ACTIVE)
		gev_activeq_remove(base, ev);
	if (fl & EVLIST_INSERTED) {
		ev->ev_evcallback.evcb_flags &= ~EVLIST_INSERTED;
		gev_count_event(base, ev, -1);
		return gev_io_del(base, ev);
	}
	return 0;
}

#endif /* GEV_IOMAP_H */
