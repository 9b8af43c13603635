/*
 * bufferevent.c - bufferevent entry points. The state machine lives in the
 * Go core; fields a program may read itself (struct bufferevent is public)
 * are kept current there, so the accessors below read them with no crossing.
 *
 * Thread support: every call into the core holds the lock of the
 * bufferevent's base when the base has one (gev_base_lock: one load and a
 * not-taken branch otherwise), as the loop does, so a bufferevent used from
 * another thread never races with its loop inside the core. The lock is
 * recursive: a callback (run by the loop, lock held) may call back in. With
 * BEV_OPT_THREADSAFE the input and output buffers take the same lock
 * (thread.c), so that evbuffer calls on them are serialized with the loop
 * too, and bufferevent_lock/unlock take it: the bufferevent's lock is its
 * base's (libevent gives it one of its own; docs/DIFFERENCES.md).
 */
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/bufferevent_struct.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "capi.h"

_Static_assert(sizeof(struct bufferevent) == GEV_BEV_PRIV_OFF, "struct bufferevent must stay 392 bytes");

static int bev_check(const struct bufferevent *bev, const char *fn)
{
	if (!bev) {
		gev_warnx("%s: NULL bufferevent", fn);
		return 0;
	}
	const struct gev_bev_private *priv =
	    (const struct gev_bev_private *)((const char *)bev + GEV_BEV_PRIV_OFF);
	if (priv->magic != GEV_BEV_LIVE) {
		gev_warnx("%s: %p is not a live bufferevent (freed?)", fn, (const void *)bev);
		return 0;
	}
	return 1;
}

/* The base lock of bev (bev_check passed): NULL when its base has none. */
static inline struct gev_thread *bev_lock(const struct bufferevent *bev)
{
	return bev->ev_base ? gev_base_lock(bev->ev_base) : NULL;
}

struct gev_thread *gev_bev_lock(struct bufferevent *bev)
{
	if (!bev)
		return NULL;
	const struct gev_bev_private *priv =
	    (const struct gev_bev_private *)((const char *)bev + GEV_BEV_PRIV_OFF);
	if (priv->magic != GEV_BEV_LIVE)
		return NULL; /* the core reports the bad handle */
	return bev_lock(bev);
}

void gev_bev_setup_locking(struct bufferevent *bev, int options)
{
	if (!bev || !(options & BEV_OPT_THREADSAFE) || !gev_base_lock_object(bev->ev_base))
		return;
	if (!bev->input->lock)
		gev_buf_use_base_lock(bev->input, bev->ev_base);
	if (!bev->output->lock)
		gev_buf_use_base_lock(bev->output, bev->ev_base);
}

/* The lock bufferevent_lock takes: the base's, for a thread-safe one. */
static struct gev_thread *bev_own_lock(const struct bufferevent *bev)
{
	struct gev_thread *th = bev->ev_base ? bev->ev_base->thread : NULL;
	return th && bev->input && bev->input->lock == (void *)th ? th : NULL;
}

/* r = expr with bev's base lock held. */
#define BEV_LOCKED(bev, expr) ({ \
	struct gev_thread *th_ = bev_lock(bev); \
	__typeof__(expr) r_ = (expr); \
	gev_base_unlock(th_); \
	r_; })
#define BEV_LOCKED_VOID(bev, stmt) do { \
	struct gev_thread *th_ = bev_lock(bev); \
	stmt; \
	gev_base_unlock(th_); \
} while (0)

int gev_bev_locking_ok(int options, const char *fn)
{
	if (!(options & BEV_OPT_THREADSAFE))
		return 1;
	if (gev_thread_lock_callbacks())
		return 1;
	/* libevent cannot allocate the lock and fails the same way. */
	gev_warnx("%s: BEV_OPT_THREADSAFE needs evthread_use_pthreads() first", fn);
	return 0;
}

struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options)
{
	extern struct event_base *event_global_current_base_;
	if (!gev_bev_locking_ok(options, "bufferevent_socket_new"))
		return NULL;
	if (!base) /* libevent's events then fall back on the current base */
		base = event_global_current_base_;
	if (gev_base_adopt(base, "bufferevent_socket_new") < 0)
		return NULL;
	gev_debug_assert_nonblocking(fd, "bufferevent_socket_new");
	struct gev_thread *th = gev_base_lock(base);
	struct bufferevent *bev = gev_ops.bev_socket_new(base, fd, options);
	gev_bev_setup_locking(bev, options);
	gev_base_unlock(th);
	return bev;
}

/* be_ops holds the core's kind tag (core/bufferevent.go, bevOps*): a socket
 * bufferevent's descriptor is ev_read's, answered here, as
 * bufferevent_free and _enable below; other kinds ask. */
#define GEV_BEV_OPS_SOCKET ((const struct bufferevent_ops *)(uintptr_t)1)

static inline struct gev_bev_private *bev_priv(struct bufferevent *bev)
{
	return (struct gev_bev_private *)((char *)bev + GEV_BEV_PRIV_OFF);
}

/* Inside one of a plain socket bufferevent's own callbacks, run directly by
 * the core (cb_depth > 0: the core holds a reference until it returns, so
 * this free cannot be the last reference), bufferevent_free is answered
 * here: marked freed, callbacks cleared, and the core drops the caller's
 * reference when the callback returns (core: cbLeave). Elsewhere (and for
 * the other kinds, whose free cancels work of theirs) the core does it. */
void bufferevent_free(struct bufferevent *bev)
{
	if (!bev_check(bev, "bufferevent_free") || gev_core_ready("bufferevent_free") < 0)
		return;
	struct gev_bev_private *priv = bev_priv(bev);
	struct gev_thread *th = bev_lock(bev); /* outlives bev */
	if (priv->cb_depth && bev->be_ops == GEV_BEV_OPS_SOCKET) {
		if (priv->sflags & GEV_BEV_SF_FREED)
			gev_warnx("bufferevent_free: bufferevent %p freed twice", (void *)bev);
		else {
			priv->sflags |= GEV_BEV_SF_FREED | GEV_BEV_SF_FREE_PENDING;
			bev->readcb = NULL;
			bev->writecb = NULL;
			bev->errorcb = NULL;
			bev->cbarg = NULL;
		}
	} else
		gev_ops.bev_free(bev);
	gev_base_unlock(th);
}

void bufferevent_setcb(struct bufferevent *bev, bufferevent_data_cb readcb,
    bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void *cbarg)
{
	if (!bev_check(bev, "bufferevent_setcb"))
		return;
	/* The core reads these fields each time it calls back. */
	struct gev_thread *th = bev_lock(bev);
	bev->readcb = readcb;
	bev->writecb = writecb;
	bev->errorcb = eventcb;
	bev->cbarg = cbarg;
	gev_base_unlock(th);
}

/* bufferevent_enable(EV_READ) of a plain socket bufferevent whose reading
 * is not suspended and has no timeout is event_add(ev_read, NULL) (the
 * core's be_socket_enable), done here on an epoll base (gev_io_add_go);
 * anything else, or when the core must add, crosses. */
int bufferevent_enable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_enable"))
		return -1;
	struct gev_bev_private *priv = bev_priv(bev);
	if (event == EV_READ && bev->be_ops == GEV_BEV_OPS_SOCKET && bev->ev_base) {
		struct gev_thread *th = bev_lock(bev);
		if (!(priv->sflags & GEV_BEV_SF_READ_SUSP) && !bev->timeout_read.tv_sec && !bev->timeout_read.tv_usec &&
		    gev_io_add_go(bev->ev_base, &bev->ev_read)) {
			bev->enabled |= EV_READ;
			priv->sflags |= GEV_BEV_SF_READ_ADDED;
			gev_base_unlock(th);
			return 0;
		}
		gev_base_unlock(th);
	}
	if (gev_core_ready("bufferevent_enable") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_enable(bev, event));
}

int bufferevent_disable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_disable") || gev_core_ready("bufferevent_disable") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_disable(bev, event));
}

short bufferevent_get_enabled(struct bufferevent *bev)
{
	return bev_check(bev, "bufferevent_get_enabled") ? bev->enabled : 0;
}

struct evbuffer *bufferevent_get_input(struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_input") ? bufev->input : NULL;
}

struct evbuffer *bufferevent_get_output(struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_output") ? bufev->output : NULL;
}

struct event_base *bufferevent_get_base(struct bufferevent *bev)
{
	return bev_check(bev, "bufferevent_get_base") ? bev->ev_base : NULL;
}


evutil_socket_t bufferevent_getfd(struct bufferevent *bev)
{
	if (!bev_check(bev, "bufferevent_getfd"))
		return -1;
	if (bev->be_ops == GEV_BEV_OPS_SOCKET)
		return bev->ev_read.ev_fd;
	if (gev_core_ready("bufferevent_getfd") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_getfd(bev));
}

int bufferevent_write(struct bufferevent *bufev, const void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_write") || gev_core_ready("bufferevent_write") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_write(bufev, (void *)data, size));
}

int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_write_buffer") || gev_core_ready("bufferevent_write_buffer") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_write_buffer(bufev, buf));
}

size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_read") || gev_core_ready("bufferevent_read") < 0)
		return 0;
	return BEV_LOCKED(bufev, gev_ops.bev_read(bufev, data, size));
}

int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_read_buffer") || gev_core_ready("bufferevent_read_buffer") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_read_buffer(bufev, buf));
}

void bufferevent_getcb(struct bufferevent *bufev, bufferevent_data_cb *readcb_ptr,
    bufferevent_data_cb *writecb_ptr, bufferevent_event_cb *eventcb_ptr, void **cbarg_ptr)
{
	if (!bev_check(bufev, "bufferevent_getcb"))
		return;
	struct gev_thread *th = bev_lock(bufev);
	if (readcb_ptr)
		*readcb_ptr = bufev->readcb;
	if (writecb_ptr)
		*writecb_ptr = bufev->writecb;
	if (eventcb_ptr)
		*eventcb_ptr = bufev->errorcb;
	if (cbarg_ptr)
		*cbarg_ptr = bufev->cbarg;
	gev_base_release(th);
}

int bufferevent_getwatermark(struct bufferevent *bufev, short events, size_t *lowmark, size_t *highmark)
{
	const struct event_watermark *wm;
	if (!bev_check(bufev, "bufferevent_getwatermark"))
		return -1;
	if (events == EV_WRITE)
		wm = &bufev->wm_write;
	else if (events == EV_READ)
		wm = &bufev->wm_read;
	else
		return -1;
	struct gev_thread *th = bev_lock(bufev);
	if (lowmark)
		*lowmark = wm->low;
	if (highmark)
		*highmark = wm->high;
	gev_base_release(th);
	return 0;
}

void bufferevent_setwatermark(struct bufferevent *bufev, short events, size_t lowmark, size_t highmark)
{
	if (bev_check(bufev, "bufferevent_setwatermark") && gev_core_ready("bufferevent_setwatermark") == 0)
		BEV_LOCKED_VOID(bufev, gev_ops.bev_setwatermark(bufev, events, lowmark, highmark));
}

int bufferevent_get_priority(const struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_priority") ? bufev->ev_read.ev_pri : -1;
}

int bufferevent_priority_set(struct bufferevent *bufev, int pri)
{
	if (!bev_check(bufev, "bufferevent_priority_set") || gev_core_ready("bufferevent_priority_set") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_priority_set(bufev, pri));
}

int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev)
{
	if (!bev_check(bufev, "bufferevent_base_set") || gev_base_adopt(base, "bufferevent_base_set") < 0)
		return -1;
	/* Both bases' locks, in address order; a thread-safe bufferevent's
	 * buffers move to the new base's lock. */
	struct event_base *old = bufev->ev_base;
	struct event_base *first = old && (uintptr_t)old < (uintptr_t)base ? old : base;
	struct event_base *second = first == base ? old : base;
	struct gev_thread *th1 = gev_base_lock(first);
	struct gev_thread *th2 = second && second != first ? gev_base_lock(second) : NULL;
	int threadsafe = bev_own_lock(bufev) != NULL;
	int r = gev_ops.bev_base_set(base, bufev);
	if (r == 0 && threadsafe && bufev->ev_base == base && gev_base_lock_object(base)) {
		gev_buf_use_base_lock(bufev->input, base);
		gev_buf_use_base_lock(bufev->output, base);
	}
	gev_base_unlock(th2);
	gev_base_unlock(th1);
	return r;
}

void bufferevent_incref(struct bufferevent *bufev)
{
	if (bev_check(bufev, "bufferevent_incref") && gev_core_ready("bufferevent_incref") == 0)
		BEV_LOCKED_VOID(bufev, gev_ops.bev_incref(bufev));
}

int bufferevent_decref(struct bufferevent *bufev)
{
	if (!bev_check(bufev, "bufferevent_decref") || gev_core_ready("bufferevent_decref") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_decref(bufev));
}

int bufferevent_flush(struct bufferevent *bufev, short iotype, enum bufferevent_flush_mode mode)
{
	if (!bev_check(bufev, "bufferevent_flush") || gev_core_ready("bufferevent_flush") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_flush(bufev, iotype, (int)mode));
}

static ev_ssize_t bev_get_max(struct bufferevent *bev, int which, const char *fn)
{
	if (!bev_check(bev, fn) || gev_core_ready(fn) < 0)
		return -1;
	return (ev_ssize_t)BEV_LOCKED(bev, gev_ops.bev_get_max(bev, which));
}

ev_ssize_t bufferevent_get_max_single_read(struct bufferevent *bev)
{
	return bev_get_max(bev, 0, "bufferevent_get_max_single_read");
}

ev_ssize_t bufferevent_get_max_single_write(struct bufferevent *bev)
{
	return bev_get_max(bev, 1, "bufferevent_get_max_single_write");
}

ev_ssize_t bufferevent_get_max_to_read(struct bufferevent *bev)
{
	return bev_get_max(bev, 2, "bufferevent_get_max_to_read");
}

ev_ssize_t bufferevent_get_max_to_write(struct bufferevent *bev)
{
	return bev_get_max(bev, 3, "bufferevent_get_max_to_write");
}

int bufferevent_set_max_single_read(struct bufferevent *bev, size_t size)
{
	if (!bev_check(bev, "bufferevent_set_max_single_read") || gev_core_ready("bufferevent_set_max_single_read") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_set_max_single(bev, 0, size));
}

int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size)
{
	if (!bev_check(bev, "bufferevent_set_max_single_write") || gev_core_ready("bufferevent_set_max_single_write") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_set_max_single(bev, 1, size));
}

int bufferevent_set_timeouts(struct bufferevent *bufev, const struct timeval *timeout_read,
    const struct timeval *timeout_write)
{
	if (!bev_check(bufev, "bufferevent_set_timeouts") || gev_core_ready("bufferevent_set_timeouts") < 0)
		return -1;
	return BEV_LOCKED(bufev, gev_ops.bev_set_timeouts(bufev, (struct timeval *)timeout_read, (struct timeval *)timeout_write));
}

void bufferevent_settimeout(struct bufferevent *bufev, int timeout_read, int timeout_write)
{
	struct timeval rd = { timeout_read, 0 }, wr = { timeout_write, 0 };
	bufferevent_set_timeouts(bufev, timeout_read ? &rd : NULL, timeout_write ? &wr : NULL);
}

struct bufferevent *bufferevent_new(evutil_socket_t fd, evbuffercb readcb, evbuffercb writecb,
    everrorcb errorcb, void *cbarg)
{
	/* libevent makes it with a NULL base whose events fall back on the
	 * current base; ours belongs to the current base (event_init's). */
	extern struct event_base *event_global_current_base_;
	struct bufferevent *bev;
	if (!event_global_current_base_) {
		gev_warnx("bufferevent_new: no current event_base (call event_init first)");
		return NULL;
	}
	bev = bufferevent_socket_new(NULL, fd, 0);
	if (bev)
		bufferevent_setcb(bev, readcb, writecb, errorcb, cbarg);
	return bev;
}

int bufferevent_setfd(struct bufferevent *bufev, evutil_socket_t fd)
{
	if (!bev_check(bufev, "bufferevent_setfd") || gev_core_ready("bufferevent_setfd") < 0)
		return -1;
	if (bufev->be_ops == GEV_BEV_OPS_SOCKET)
		gev_debug_assert_nonblocking(fd, "bufferevent_setfd");
	return BEV_LOCKED(bufev, gev_ops.bev_setfd(bufev, fd));
}

int bufferevent_socket_connect(struct bufferevent *bev, const struct sockaddr *sa, int socklen)
{
	if (!bev_check(bev, "bufferevent_socket_connect") || gev_core_ready("bufferevent_socket_connect") < 0)
		return -1;
	return BEV_LOCKED(bev, gev_ops.bev_connect(bev, (struct sockaddr *)sa, socklen));
}

/* With a NULL evdns_base libevent resolves with a blocking getaddrinfo and
 * finishes inside the call; so do we. With an evdns_base the lookup is
 * evdns_getaddrinfo's (dns.c: gev_dns_connect_hostname). */
int bufferevent_socket_connect_hostname(struct bufferevent *bev, struct evdns_base *evdns_base,
    int family, const char *hostname, int port)
{
	char portbuf[10];
	struct addrinfo hint, *ai = NULL;
	int err, r;

	if (!bev_check(bev, "bufferevent_socket_connect_hostname"))
		return -1;
	if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC)
		return -1;
	if (port < 1 || port > 65535)
		return -1;
	if (gev_core_ready("bufferevent_socket_connect_hostname") < 0)
		return -1;
	memset(&hint, 0, sizeof(hint));
	hint.ai_family = family;
	hint.ai_protocol = IPPROTO_TCP;
	hint.ai_socktype = SOCK_STREAM;
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	if (evdns_base)
		return gev_dns_connect_hostname(bev, evdns_base, &hint, hostname, portbuf);
	err = getaddrinfo(hostname, portbuf, &hint, &ai);
	if (err == 0 && !ai)
		err = EAI_FAIL;
	r = BEV_LOCKED(bev, gev_ops.bev_connect_resolved(bev, err, err ? NULL : ai->ai_addr, err ? 0 : (int)ai->ai_addrlen));
	if (ai)
		freeaddrinfo(ai);
	return r;
}

int bufferevent_socket_get_dns_error(struct bufferevent *bev)
{
	if (!bev_check(bev, "bufferevent_socket_get_dns_error") || gev_core_ready("bufferevent_socket_get_dns_error") < 0)
		return 0;
	return BEV_LOCKED(bev, gev_ops.bev_get_dns_error(bev));
}

void bufferevent_trigger(struct bufferevent *bufev, short iotype, int options)
{
	if (bev_check(bufev, "bufferevent_trigger") && gev_core_ready("bufferevent_trigger") == 0)
		BEV_LOCKED_VOID(bufev, gev_ops.bev_trigger(bufev, iotype, options));
}

void bufferevent_trigger_event(struct bufferevent *bufev, short what, int options)
{
	if (bev_check(bufev, "bufferevent_trigger_event") && gev_core_ready("bufferevent_trigger_event") == 0)
		BEV_LOCKED_VOID(bufev, gev_ops.bev_trigger_event(bufev, what, options));
}

/* A thread-safe bufferevent's lock is its base's (its buffers use it too);
 * without BEV_OPT_THREADSAFE, or on a base without a lock, there is none
 * and only the reference below is taken, as libevent's do without a lock.
 * The loop holds the lock whenever it runs the core: while a thread holds
 * it the loop waits. As libevent (incref_and_lock / decref_and_unlock), the
 * lock holds a reference: a bufferevent_free between lock and unlock leaves
 * the bufferevent alive until the unlock, which may free it. */
void bufferevent_lock(struct bufferevent *bufev)
{
	if (bev_check(bufev, "bufferevent_lock")) {
		struct gev_thread *th = bev_own_lock(bufev);
		if (th)
			gev_th_lock_slow(th);
		if (gev_core_ready("bufferevent_lock") == 0)
			BEV_LOCKED_VOID(bufev, gev_ops.bev_incref(bufev));
	}
}

void bufferevent_unlock(struct bufferevent *bufev)
{
	if (bev_check(bufev, "bufferevent_unlock")) {
		struct gev_thread *th = bev_own_lock(bufev); /* the base's: outlives bufev */
		if (gev_core_ready("bufferevent_unlock") == 0)
			BEV_LOCKED_VOID(bufev, gev_ops.bev_decref(bufev)); /* may free bufev */
		if (th)
			gev_th_unlock_slow(th);
	}
}
