/*
 * bufferevent_ssl.c - the C layer's part of TLS bufferevents: the private
 * entry point libevent_openssl calls (goevent_ssl_api, capi/gev_ssl.h) and
 * the trampolines a filter's underlying bufferevent calls back through.
 * OpenSSL itself is only in libevent_openssl (capi/ssl/); the state machine
 * is the core's (core/bev_ssl.go).
 *
 * Locking is the other bufferevents' (bufferevent.c): every call into the
 * core holds the base lock; the trampolines take it too, for an underlying
 * bufferevent whose callbacks run unlocked (BEV_OPT_UNLOCK_CALLBACKS). With
 * BEV_OPT_THREADSAFE the TLS bufferevent's buffers use it, and the
 * underlying's too if they had no lock, as with filters.
 */
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>

#include <errno.h>

#include "capi.h"
#include "gev_ssl.h"

/* Callbacks of a filter's underlying bufferevent (libevent's
 * be_openssl_readcb/writecb/eventcb and, while handshaking,
 * be_openssl_handshakecb): a program calling bufferevent_getcb on it sees
 * these. */
static void gev_ssl_readcb(struct bufferevent *under, void *bev)
{
	(void)under;
	struct gev_thread *th = gev_bev_lock(bev);
	gev_ops.bev_ssl_cb(bev, 0, 0, 0);
	gev_base_unlock(th);
}

static void gev_ssl_writecb(struct bufferevent *under, void *bev)
{
	(void)under;
	struct gev_thread *th = gev_bev_lock(bev);
	gev_ops.bev_ssl_cb(bev, 1, 0, 0);
	gev_base_unlock(th);
}

static void gev_ssl_eventcb(struct bufferevent *under, short what, void *bev)
{
	(void)under;
	int err = errno;
	struct gev_thread *th = gev_bev_lock(bev);
	gev_ops.bev_ssl_cb(bev, 2, what, err);
	gev_base_unlock(th);
}

static struct bufferevent *ssl_bev_new(struct event_base *base, struct bufferevent *under, int fd, void *ssl,
    int state, int options, const struct gev_ssl_funcs *f)
{
	extern struct event_base *event_global_current_base_;
	const char *fn = under ? "bufferevent_openssl_filter_new" : "bufferevent_openssl_socket_new";
	if (!ssl) {
		gev_warnx("%s: NULL SSL", fn);
		return NULL;
	}
	if (!gev_bev_locking_ok(options, fn))
		return NULL;
	if (!base) /* as bufferevent_socket_new: the current base */
		base = event_global_current_base_;
	if (gev_base_adopt(base, fn) < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct bufferevent *bev = gev_ops.bev_ssl_new(base, under, fd, ssl, state, options, (void *)f,
	    (void *)gev_ssl_readcb, (void *)gev_ssl_writecb, (void *)gev_ssl_eventcb);
	if (bev) {
		gev_bev_setup_locking(bev, options);
		if (under)
			gev_bev_setup_locking(under, options);
	}
	gev_base_unlock(th);
	return bev;
}

static intptr_t ssl_ctl(struct bufferevent *bev, int op, int arg, const char *fn)
{
	/* libevent's failure values: get_ssl NULL, renegotiate -1, get_dirty -1, error 0 */
	intptr_t fail = (op == GEV_SSL_CTL_RENEGOTIATE || op == GEV_SSL_CTL_GET_DIRTY) ? -1 : 0;
	if (!bev) {
		gev_warnx("%s: NULL bufferevent", fn);
		return fail;
	}
	const struct gev_bev_private *priv =
	    (const struct gev_bev_private *)((const char *)bev + GEV_BEV_PRIV_OFF);
	if (priv->magic != GEV_BEV_LIVE) {
		gev_warnx("%s: %p is not a live bufferevent (freed?)", fn, (void *)bev);
		return fail;
	}
	if (gev_core_ready(fn) < 0)
		return fail;
	struct gev_thread *th = gev_bev_lock(bev);
	intptr_t r = gev_ops.bev_ssl_ctl(bev, op, arg);
	gev_base_unlock(th);
	return r;
}

static void ssl_warn(const char *msg)
{
	gev_log(EVENT_LOG_WARN, msg);
}

static const struct gev_ssl_api ssl_api = {
	.abi = GEV_SSL_ABI,
	.bev_new = ssl_bev_new,
	.ctl = ssl_ctl,
	.warn = ssl_warn,
};

const struct gev_ssl_api *goevent_ssl_api(uint32_t abi)
{
	if (abi != GEV_SSL_ABI) {
		gev_warnx("libevent_openssl: it was built for another goevent (interface %u, this one has %u)",
		    (unsigned)abi, (unsigned)GEV_SSL_ABI);
		return NULL;
	}
	return &ssl_api;
}
