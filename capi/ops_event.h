/* ops_event.h - the core's entry points for events, bases and the loop (reactor/): one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_EVENT_H
#define GEV_OPS_EVENT_H
#define GEV_OPS_EVENT(X) \
	X(int, stats_get,     (struct gev_stats *out)) /* sums over every base (GOEVENT_STATS); 1 the first time, then 0 */ \
	X(int, base_adopt,    (struct event_base *base)) \
	X(void, base_free,    (struct event_base *base, int run_finalizers)) \
	X(int, base_reinit,   (struct event_base *base)) \
	X(int, base_loop,     (struct event_base *base, int flags)) \
	X(int, base_loopexit, (struct event_base *base, struct timeval *tv)) \
	X(int, event_add,     (struct event *ev, struct timeval *tv)) \
	X(int, event_del,     (struct event *ev)) \
	X(void, event_active, (struct event *ev, int res, short ncalls)) \
	X(int, base_priority_init, (struct event_base *base, int npriorities)) \
	X(int, base_num_events, (struct event_base *base, unsigned type, int max, int clear)) \
	X(int, base_foreach, (struct event_base *base, void *fn, void *arg)) \
	X(void, base_active_by_fd, (struct event_base *base, int fd, short events)) \
	X(void, base_active_by_signal, (struct event_base *base, int sig)) \
	X(struct timeval *, base_init_common_timeout, (struct event_base *base, struct timeval *duration)) \
	X(int, event_remove_timer, (struct event *ev)) \
	X(int, event_finalize, (struct event *ev, void *cb, int free_it, void *freefn))

#endif
