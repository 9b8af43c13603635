/*
 * bufferevent_pair.c - bufferevent_pair_new and bufferevent_pair_get_partner;
 * the pair itself is a backend of the Go core's bufferevent (core/bev_pair.go).
 * Calls into the core hold the base lock (see bufferevent.c); with
 * BEV_OPT_THREADSAFE both ends' buffers use it, as libevent's pair shares
 * one lock between its ends.
 */
#include <event2/bufferevent.h>

#include "capi.h"

int bufferevent_pair_new(struct event_base *base, int options, struct bufferevent *pair[2])
{
	extern struct event_base *event_global_current_base_;
	if (!pair) {
		gev_warnx("bufferevent_pair_new: NULL pair array");
		return -1;
	}
	if (!base) /* libevent's events then fall back on the current base */
		base = event_global_current_base_;
	if (gev_base_adopt(base, "bufferevent_pair_new") < 0)
		return -1;
	struct gev_thread *th = gev_base_lock(base);
	int r = gev_ops.bev_pair_new(base, options, pair);
	if (r == 0) {
		gev_bev_setup_locking(pair[0], options);
		gev_bev_setup_locking(pair[1], options);
	}
	gev_base_unlock(th);
	return r;
}

struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev)
{
	if (!bev) {
		gev_warnx("bufferevent_pair_get_partner: NULL bufferevent");
		return NULL;
	}
	if (gev_core_ready("bufferevent_pair_get_partner") < 0)
		return NULL;
	struct gev_thread *th = gev_bev_lock(bev);
	struct bufferevent *r = gev_ops.bev_pair_get_partner(bev);
	gev_base_unlock(th);
	return r;
}
