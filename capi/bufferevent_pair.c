/*
 * bufferevent_pair.c - bufferevent_pair_new and bufferevent_pair_get_partner;
 * the pair itself is a backend of the Go core's bufferevent (core/bev_pair.go).
 */
#include <event2/bufferevent.h>

#include "capi.h"

int bufferevent_pair_new(struct event_base *base, int options, struct bufferevent *pair[2])
{
	if (!pair) {
		gev_warnx("bufferevent_pair_new: NULL pair array");
		return -1;
	}
	if (gev_base_adopt(base, "bufferevent_pair_new") < 0)
		return -1;
	return gev_ops.bev_pair_new(base, options, pair);
}

struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev)
{
	if (!bev) {
		gev_warnx("bufferevent_pair_get_partner: NULL bufferevent");
		return NULL;
	}
	if (gev_core_ready("bufferevent_pair_get_partner") < 0)
		return NULL;
	return gev_ops.bev_pair_get_partner(bev);
}
