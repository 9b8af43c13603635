/* config_flags: event_config_set_flag with each EVENT_BASE_FLAG_* of 2.1
 * (NOLOCK, IGNORE_ENV, STARTUP_IOCP, NO_CACHE_TIME, EPOLL_USE_CHANGELIST,
 * PRECISE_TIMER) and combinations: the method and features of the base
 * event_base_new_with_config makes, and that it runs timers (persistent and
 * one-shot), I/O and an active event. Flags accumulate across calls. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static int nticks;
static struct event *tick;
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	if (++nticks == 3)
		event_del(tick);
}

static void exercise(struct event_base *base)
{
	struct event *io, *t, *a;
	struct timeval tv = {0, 20000}, ttv = {0, 2000}, now1, now2;
	int sv[2], r;
	tc_order[0] = 0;
	nticks = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, tc_order_recv_cb, "R");
	t = evtimer_new(base, tc_order_recv_cb, "T");
	a = event_new(base, -1, 0, tc_order_recv_cb, "A");
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	/* measured from before the timer is added: the first call into the
	 * library may take a while (goevent loads its core there) */
	evutil_gettimeofday(&now1, NULL);
	event_add(io, NULL);
	evtimer_add(t, &tv);
	event_add(tick, &ttv);
	event_active(a, EV_TIMEOUT, 1);
	if (send(sv[1], "x", 1, 0) != 1)
		printf("  send failed\n");
	r = event_base_dispatch(base);
	evutil_gettimeofday(&now2, NULL);
	evutil_timersub(&now2, &now1, &now2);
	printf("  dispatch %d order=%s ticks=%d elapsed>=15ms: %s\n", r, tc_order, nticks,
	    now2.tv_sec > 0 || now2.tv_usec >= 15000 ? "yes" : "no");
	event_free(io);
	event_free(t);
	event_free(a);
	event_free(tick);
	close(sv[0]);
	close(sv[1]);
}

static void try(const char *what, int flags1, int flags2, const char *avoid)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;
	int r1, r2;
	r1 = event_config_set_flag(cfg, flags1);
	r2 = event_config_set_flag(cfg, flags2);
	if (avoid)
		event_config_avoid_method(cfg, avoid);
	tc_log_reset();
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("%s: set_flag %d %d, ", what, r1, r2);
	if (!b) {
		printf("NULL, log calls %d\n", tc_log_.n);
		return;
	}
	printf("%s features 0x%x, log calls %d\n", event_base_get_method(b),
	    event_base_get_features(b), tc_log_.n);
	exercise(b);
	event_base_free(b);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("config_flags", 15);
	tc_log_capture();
	tc_unset_event_env();

	try("none", 0, 0, NULL);
	try("NOLOCK", EVENT_BASE_FLAG_NOLOCK, 0, NULL);
	try("IGNORE_ENV", EVENT_BASE_FLAG_IGNORE_ENV, 0, NULL);
	try("STARTUP_IOCP", EVENT_BASE_FLAG_STARTUP_IOCP, 0, NULL);
	try("NO_CACHE_TIME", EVENT_BASE_FLAG_NO_CACHE_TIME, 0, NULL);
	try("EPOLL_USE_CHANGELIST", EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST, 0, NULL);
	try("EPOLL_USE_CHANGELIST, avoid epoll", EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST, 0, "epoll");
	try("EPOLL_USE_CHANGELIST, avoid 'epoll (with changelist)'",
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST, 0, "epoll (with changelist)");
	try("PRECISE_TIMER", EVENT_BASE_FLAG_PRECISE_TIMER, 0, NULL);
	try("PRECISE_TIMER, avoid epoll", EVENT_BASE_FLAG_PRECISE_TIMER, 0, "epoll");
	try("NOLOCK then PRECISE_TIMER", EVENT_BASE_FLAG_NOLOCK, EVENT_BASE_FLAG_PRECISE_TIMER, NULL);
	try("CHANGELIST then PRECISE_TIMER", EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST,
	    EVENT_BASE_FLAG_PRECISE_TIMER, NULL);
	try("all six", 0x3f, 0, NULL);
	try("all six, avoid epoll", 0x3f, 0, "epoll");
	setenv("EVENT_NOEPOLL", "1", 1);
	try("NOEPOLL set, NOLOCK", EVENT_BASE_FLAG_NOLOCK, 0, NULL);
	try("NOEPOLL set, IGNORE_ENV|CHANGELIST", EVENT_BASE_FLAG_IGNORE_ENV,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST, NULL);
	unsetenv("EVENT_NOEPOLL");
	printf("done\n");
	return 0;
}
