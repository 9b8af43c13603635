/* ops_event.h - the core's entry points for events, bases and the loop (reactor/): one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_EVENT_H
#define GEV_OPS_EVENT_H
#define GEV_OPS_EVENT(X) \
	X(int, base_adopt,    (struct event_base *base)) \
	X(void, base_free,    (struct event_base *base)) \
	X(int, base_reinit,   (struct event_base *base)) \
	X(int, base_loop,     (struct event_base *base, int flags)) \
	X(int, base_loopexit, (struct event_base *base, struct timeval *tv)) \
	X(int, event_add,     (struct event *ev, struct timeval *tv)) \
	X(int, event_del,     (struct event *ev)) \
	X(void, event_active, (struct event *ev, int res, short ncalls))

#endif
