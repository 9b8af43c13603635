/* ops_thread.h - the core's entry points for threads: base locking and wakeups: one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_THREAD_H
#define GEV_OPS_THREAD_H
#define GEV_OPS_THREAD(X) \
	X(int, base_notify_watch, (struct event_base *base)) /* watch base->thread->notify_fd; 0 or -1 */

#endif
