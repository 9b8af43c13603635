/*
 * bufferevent_filter.c - bufferevent_filter_new and bufferevent_get_underlying;
 * the filter is a backend of the Go core's bufferevent (core/bev_filter.go).
 * The underlying bufferevent's callbacks are the C trampolines below (as in
 * libevent, a program calling bufferevent_getcb on it sees the filter's
 * functions); they hand the call back to the core.
 *
 * Calls into the core hold the base lock (see bufferevent.c); the
 * trampolines take it too, for an underlying bufferevent whose callbacks run
 * unlocked (BEV_OPT_UNLOCK_CALLBACKS). With BEV_OPT_THREADSAFE the filter's
 * buffers use it, and the underlying's too if they had no lock (libevent
 * shares the filter's lock with the underlying bufferevent likewise).
 */
#include <event2/bufferevent.h>

#include <errno.h>

#include "capi.h"

static void gev_filter_readcb(struct bufferevent *underlying, void *filter)
{
	(void)underlying;
	struct gev_thread *th = gev_bev_lock(filter);
	gev_ops.bev_filter_cb(filter, 0, 0, 0);
	gev_base_unlock(th);
}

static void gev_filter_writecb(struct bufferevent *underlying, void *filter)
{
	(void)underlying;
	struct gev_thread *th = gev_bev_lock(filter);
	gev_ops.bev_filter_cb(filter, 1, 0, 0);
	gev_base_unlock(th);
}

static void gev_filter_eventcb(struct bufferevent *underlying, short what, void *filter)
{
	(void)underlying;
	int err = errno;
	struct gev_thread *th = gev_bev_lock(filter);
	gev_ops.bev_filter_cb(filter, 2, what, err);
	gev_base_unlock(th);
}

struct bufferevent *bufferevent_filter_new(struct bufferevent *underlying,
    bufferevent_filter_cb input_filter, bufferevent_filter_cb output_filter,
    int options, void (*free_context)(void *), void *ctx)
{
	if (!underlying)
		return NULL; /* libevent: silently */
	if (gev_core_ready("bufferevent_filter_new") < 0)
		return NULL;
	struct gev_thread *th = gev_bev_lock(underlying);
	struct bufferevent *bev = gev_ops.bev_filter_new(underlying, (void *)input_filter, (void *)output_filter, options,
	    (void *)free_context, ctx, (void *)gev_filter_readcb, (void *)gev_filter_writecb,
	    (void *)gev_filter_eventcb);
	if (bev) {
		gev_bev_setup_locking(bev, options);
		gev_bev_setup_locking(underlying, options);
	}
	gev_base_unlock(th);
	return bev;
}

struct bufferevent *bufferevent_get_underlying(struct bufferevent *bev)
{
	if (!bev) {
		gev_warnx("bufferevent_get_underlying: NULL bufferevent");
		return NULL;
	}
	if (gev_core_ready("bufferevent_get_underlying") < 0)
		return NULL;
	struct gev_thread *th = gev_bev_lock(bev);
	struct bufferevent *r = gev_ops.bev_get_underlying(bev);
	gev_base_unlock(th);
	return r;
}
