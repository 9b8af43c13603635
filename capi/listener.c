/*
 * listener.c - evconnlistener entry points; the accept loop is in the core.
 *
 * Thread support: every call into the core holds the listener's base lock
 * when the base has one (one load and a not-taken branch otherwise), as the
 * loop does; the core releases it around the accept and error callbacks,
 * as libevent runs them without its locks. LEV_OPT_THREADSAFE asks for
 * nothing more: the listener's lock is its base's (libevent allocates one of
 * its own, and without lock callbacks silently has none, as we do).
 */
#include <event2/listener.h>

#include "capi.h"

/* r = expr with lev's base lock held (th_ is kept: lev may be freed). */
#define LEV_LOCKED(lev, expr) ({ \
	struct gev_thread *th_ = (lev)->base ? gev_base_lock((lev)->base) : NULL; \
	__typeof__(expr) r_ = (expr); \
	gev_base_unlock(th_); \
	r_; })
#define LEV_LOCKED_VOID(lev, stmt) do { \
	struct gev_thread *th_ = (lev)->base ? gev_base_lock((lev)->base) : NULL; \
	stmt; \
	gev_base_unlock(th_); \
} while (0)

static int lev_check(const struct evconnlistener *lev, const char *fn)
{
	if (!lev) {
		gev_warnx("%s: NULL evconnlistener", fn);
		return 0;
	}
	if (lev->magic != GEV_LEV_LIVE) {
		gev_warnx("%s: %p is not a live evconnlistener (freed?)", fn, (const void *)lev);
		return 0;
	}
	return 1;
}

struct evconnlistener *evconnlistener_new(struct event_base *base, evconnlistener_cb cb,
    void *ptr, unsigned flags, int backlog, evutil_socket_t fd)
{
	if (gev_base_adopt(base, "evconnlistener_new") < 0)
		return NULL;
	gev_debug_assert_nonblocking(fd, "evconnlistener_new");
	struct gev_thread *th = gev_base_lock(base);
	struct evconnlistener *lev = gev_ops.listener_new(base, (void *)cb, ptr, flags, backlog, fd);
	gev_base_unlock(th);
	return lev;
}

struct evconnlistener *evconnlistener_new_bind(struct event_base *base, evconnlistener_cb cb,
    void *ptr, unsigned flags, int backlog, const struct sockaddr *sa, int socklen)
{
	if (gev_base_adopt(base, "evconnlistener_new_bind") < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct evconnlistener *lev = gev_ops.listener_new_bind(base, (void *)cb, ptr, flags, backlog,
	    (struct sockaddr *)sa, socklen);
	gev_base_unlock(th);
	return lev;
}

void evconnlistener_free(struct evconnlistener *lev)
{
	if (lev_check(lev, "evconnlistener_free") && gev_core_ready("evconnlistener_free") == 0)
		LEV_LOCKED_VOID(lev, gev_ops.listener_free(lev));
}

int evconnlistener_enable(struct evconnlistener *lev)
{
	if (!lev_check(lev, "evconnlistener_enable") || gev_core_ready("evconnlistener_enable") < 0)
		return -1;
	return LEV_LOCKED(lev, gev_ops.listener_enable(lev));
}

int evconnlistener_disable(struct evconnlistener *lev)
{
	if (!lev_check(lev, "evconnlistener_disable") || gev_core_ready("evconnlistener_disable") < 0)
		return -1;
	return LEV_LOCKED(lev, gev_ops.listener_disable(lev));
}

evutil_socket_t evconnlistener_get_fd(struct evconnlistener *lev)
{
	return lev_check(lev, "evconnlistener_get_fd") ? lev->fd : -1;
}

struct event_base *evconnlistener_get_base(struct evconnlistener *lev)
{
	return lev_check(lev, "evconnlistener_get_base") ? lev->base : NULL;
}

void evconnlistener_set_cb(struct evconnlistener *lev, evconnlistener_cb cb, void *arg)
{
	if (lev_check(lev, "evconnlistener_set_cb") && gev_core_ready("evconnlistener_set_cb") == 0)
		LEV_LOCKED_VOID(lev, gev_ops.listener_set_cb(lev, (void *)cb, arg));
}

void evconnlistener_set_error_cb(struct evconnlistener *lev, evconnlistener_errorcb errorcb)
{
	if (lev_check(lev, "evconnlistener_set_error_cb") && gev_core_ready("evconnlistener_set_error_cb") == 0)
		LEV_LOCKED_VOID(lev, gev_ops.listener_set_error_cb(lev, (void *)errorcb));
}
