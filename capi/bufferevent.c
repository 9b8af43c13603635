/*
 * bufferevent.c - bufferevent entry points. The state machine lives in the
 * Go core; fields a program may read itself (struct bufferevent is public)
 * are kept current there, so the accessors below read them with no crossing.
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

/* Nonzero once evthread locking is set up (evthread_use_pthreads or
 * evthread_set_lock_callbacks); defined by the threads module when it exists. */
extern int gev_evthread_locking_enabled __attribute__((weak));

int gev_bev_locking_ok(int options, const char *fn)
{
	if (!(options & BEV_OPT_THREADSAFE))
		return 1;
	if (&gev_evthread_locking_enabled && gev_evthread_locking_enabled)
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
	return gev_ops.bev_socket_new(base, fd, options);
}

void bufferevent_free(struct bufferevent *bev)
{
	if (bev_check(bev, "bufferevent_free") && gev_core_ready("bufferevent_free") == 0)
		gev_ops.bev_free(bev);
}

void bufferevent_setcb(struct bufferevent *bev, bufferevent_data_cb readcb,
    bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void *cbarg)
{
	if (!bev_check(bev, "bufferevent_setcb"))
		return;
	/* The core reads these fields each time it calls back. */
	bev->readcb = readcb;
	bev->writecb = writecb;
	bev->errorcb = eventcb;
	bev->cbarg = cbarg;
}

int bufferevent_enable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_enable") || gev_core_ready("bufferevent_enable") < 0)
		return -1;
	return gev_ops.bev_enable(bev, event);
}

int bufferevent_disable(struct bufferevent *bev, short event)
{
	if (!bev_check(bev, "bufferevent_disable") || gev_core_ready("bufferevent_disable") < 0)
		return -1;
	return gev_ops.bev_disable(bev, event);
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

/* be_ops holds the core's kind tag (core/bufferevent.go, bevOps*): a socket
 * bufferevent's descriptor is ev_read's, answered here; other kinds ask. */
#define GEV_BEV_OPS_SOCKET ((const struct bufferevent_ops *)(uintptr_t)1)

evutil_socket_t bufferevent_getfd(struct bufferevent *bev)
{
	if (!bev_check(bev, "bufferevent_getfd"))
		return -1;
	if (bev->be_ops == GEV_BEV_OPS_SOCKET)
		return bev->ev_read.ev_fd;
	if (gev_core_ready("bufferevent_getfd") < 0)
		return -1;
	return gev_ops.bev_getfd(bev);
}

int bufferevent_write(struct bufferevent *bufev, const void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_write") || gev_core_ready("bufferevent_write") < 0)
		return -1;
	return gev_ops.bev_write(bufev, (void *)data, size);
}

int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_write_buffer") || gev_core_ready("bufferevent_write_buffer") < 0)
		return -1;
	return gev_ops.bev_write_buffer(bufev, buf);
}

size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size)
{
	if (!bev_check(bufev, "bufferevent_read") || gev_core_ready("bufferevent_read") < 0)
		return 0;
	return gev_ops.bev_read(bufev, data, size);
}

int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf)
{
	if (!bev_check(bufev, "bufferevent_read_buffer") || gev_core_ready("bufferevent_read_buffer") < 0)
		return -1;
	return gev_ops.bev_read_buffer(bufev, buf);
}

void bufferevent_getcb(struct bufferevent *bufev, bufferevent_data_cb *readcb_ptr,
    bufferevent_data_cb *writecb_ptr, bufferevent_event_cb *eventcb_ptr, void **cbarg_ptr)
{
	if (!bev_check(bufev, "bufferevent_getcb"))
		return;
	if (readcb_ptr)
		*readcb_ptr = bufev->readcb;
	if (writecb_ptr)
		*writecb_ptr = bufev->writecb;
	if (eventcb_ptr)
		*eventcb_ptr = bufev->errorcb;
	if (cbarg_ptr)
		*cbarg_ptr = bufev->cbarg;
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
	if (lowmark)
		*lowmark = wm->low;
	if (highmark)
		*highmark = wm->high;
	return 0;
}

void bufferevent_setwatermark(struct bufferevent *bufev, short events, size_t lowmark, size_t highmark)
{
	if (bev_check(bufev, "bufferevent_setwatermark") && gev_core_ready("bufferevent_setwatermark") == 0)
		gev_ops.bev_setwatermark(bufev, events, lowmark, highmark);
}

int bufferevent_get_priority(const struct bufferevent *bufev)
{
	return bev_check(bufev, "bufferevent_get_priority") ? bufev->ev_read.ev_pri : -1;
}

int bufferevent_priority_set(struct bufferevent *bufev, int pri)
{
	if (!bev_check(bufev, "bufferevent_priority_set") || gev_core_ready("bufferevent_priority_set") < 0)
		return -1;
	return gev_ops.bev_priority_set(bufev, pri);
}

int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev)
{
	if (!bev_check(bufev, "bufferevent_base_set") || gev_base_adopt(base, "bufferevent_base_set") < 0)
		return -1;
	return gev_ops.bev_base_set(base, bufev);
}

void bufferevent_incref(struct bufferevent *bufev)
{
	if (bev_check(bufev, "bufferevent_incref") && gev_core_ready("bufferevent_incref") == 0)
		gev_ops.bev_incref(bufev);
}

int bufferevent_decref(struct bufferevent *bufev)
{
	if (!bev_check(bufev, "bufferevent_decref") || gev_core_ready("bufferevent_decref") < 0)
		return -1;
	return gev_ops.bev_decref(bufev);
}

int bufferevent_flush(struct bufferevent *bufev, short iotype, enum bufferevent_flush_mode mode)
{
	if (!bev_check(bufev, "bufferevent_flush") || gev_core_ready("bufferevent_flush") < 0)
		return -1;
	return gev_ops.bev_flush(bufev, iotype, (int)mode);
}

static ev_ssize_t bev_get_max(struct bufferevent *bev, int which, const char *fn)
{
	if (!bev_check(bev, fn) || gev_core_ready(fn) < 0)
		return -1;
	return (ev_ssize_t)gev_ops.bev_get_max(bev, which);
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
	return gev_ops.bev_set_max_single(bev, 0, size);
}

int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size)
{
	if (!bev_check(bev, "bufferevent_set_max_single_write") || gev_core_ready("bufferevent_set_max_single_write") < 0)
		return -1;
	return gev_ops.bev_set_max_single(bev, 1, size);
}

int bufferevent_set_timeouts(struct bufferevent *bufev, const struct timeval *timeout_read,
    const struct timeval *timeout_write)
{
	if (!bev_check(bufev, "bufferevent_set_timeouts") || gev_core_ready("bufferevent_set_timeouts") < 0)
		return -1;
	return gev_ops.bev_set_timeouts(bufev, (struct timeval *)timeout_read, (struct timeval *)timeout_write);
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
	return gev_ops.bev_setfd(bufev, fd);
}

int bufferevent_socket_connect(struct bufferevent *bev, const struct sockaddr *sa, int socklen)
{
	if (!bev_check(bev, "bufferevent_socket_connect") || gev_core_ready("bufferevent_socket_connect") < 0)
		return -1;
	return gev_ops.bev_connect(bev, (struct sockaddr *)sa, socklen);
}

/* With a NULL evdns_base libevent resolves with a blocking getaddrinfo and
 * finishes inside the call; so do we. We have no evdns: a non-NULL base is
 * refused. */
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
	if (evdns_base) {
		gev_warnx("bufferevent_socket_connect_hostname: evdns is not supported by goevent; pass a NULL evdns_base");
		return -1;
	}
	if (gev_core_ready("bufferevent_socket_connect_hostname") < 0)
		return -1;
	memset(&hint, 0, sizeof(hint));
	hint.ai_family = family;
	hint.ai_protocol = IPPROTO_TCP;
	hint.ai_socktype = SOCK_STREAM;
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	err = getaddrinfo(hostname, portbuf, &hint, &ai);
	if (err == 0 && !ai)
		err = EAI_FAIL;
	r = gev_ops.bev_connect_resolved(bev, err, err ? NULL : ai->ai_addr, err ? 0 : (int)ai->ai_addrlen);
	if (ai)
		freeaddrinfo(ai);
	return r;
}

int bufferevent_socket_get_dns_error(struct bufferevent *bev)
{
	if (!bev_check(bev, "bufferevent_socket_get_dns_error") || gev_core_ready("bufferevent_socket_get_dns_error") < 0)
		return 0;
	return gev_ops.bev_get_dns_error(bev);
}

void bufferevent_trigger(struct bufferevent *bufev, short iotype, int options)
{
	if (bev_check(bufev, "bufferevent_trigger") && gev_core_ready("bufferevent_trigger") == 0)
		gev_ops.bev_trigger(bufev, iotype, options);
}

void bufferevent_trigger_event(struct bufferevent *bufev, short what, int options)
{
	if (bev_check(bufev, "bufferevent_trigger_event") && gev_core_ready("bufferevent_trigger_event") == 0)
		gev_ops.bev_trigger_event(bufev, what, options);
}

/* All of a base's work runs on the thread that runs its loop (see
 * docs/ARCHITECTURE.md, "Threads"): with no second thread inside a
 * bufferevent there is nothing to exclude, as in libevent without
 * evthread_use_pthreads or without BEV_OPT_THREADSAFE. */
void bufferevent_lock(struct bufferevent *bufev)
{
	(void)bev_check(bufev, "bufferevent_lock");
}

void bufferevent_unlock(struct bufferevent *bufev)
{
	(void)bev_check(bufev, "bufferevent_unlock");
}
