/*
 * evutil_time.c - evutil's public monotonic timers
 * (evutil_monotonic_timer_new / _free, evutil_configure_monotonic_time,
 * evutil_gettime_monotonic). Pure C: clock_gettime, never the Go core.
 *
 * Clock choice follows libevent 2.1.12 on Linux: no flags ->
 * CLOCK_MONOTONIC_COARSE, EV_MONOT_PRECISE -> CLOCK_MONOTONIC,
 * EV_MONOT_FALLBACK -> gettimeofday() ratcheted so it never goes back. A timer
 * that was never configured reads clock id 0 (CLOCK_REALTIME), as libevent's
 * zero-filled timer does.
 */
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <event2/util.h>

#include "capi.h"

#define GEV_CLOCK_FALLBACK (-1) /* gettimeofday with a ratchet */

struct evutil_monotonic_timer {
	int clock_id;                   /* a clockid_t, or GEV_CLOCK_FALLBACK */
	struct timeval adjust;          /* added to gettimeofday() in fallback mode */
	struct timeval last;            /* last value returned in fallback mode */
};

struct evutil_monotonic_timer *evutil_monotonic_timer_new(void)
{
	struct evutil_monotonic_timer *t = gev_calloc(1, sizeof(*t));
	if (!t)
		gev_warnx("evutil_monotonic_timer_new: out of memory");
	return t;
}

void evutil_monotonic_timer_free(struct evutil_monotonic_timer *timer)
{
	gev_free(timer);
}

int evutil_configure_monotonic_time(struct evutil_monotonic_timer *timer, int flags)
{
	struct timespec ts;

	if (!timer) {
		gev_warnx("evutil_configure_monotonic_time: no timer given");
		return -1;
	}
	if (flags & EV_MONOT_FALLBACK) {
		timer->clock_id = GEV_CLOCK_FALLBACK;
		return 0;
	}
	if (!(flags & EV_MONOT_PRECISE) && clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0) {
		timer->clock_id = CLOCK_MONOTONIC_COARSE;
		return 0;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		timer->clock_id = CLOCK_MONOTONIC;
	else
		timer->clock_id = GEV_CLOCK_FALLBACK;
	return 0;
}

int evutil_gettime_monotonic(struct evutil_monotonic_timer *timer, struct timeval *tp)
{
	struct timespec ts;

	if (!timer || !tp) {
		gev_warnx("evutil_gettime_monotonic: %s", !timer ? "no timer given" : "no timeval given");
		return -1;
	}
	if (timer->clock_id == GEV_CLOCK_FALLBACK) {
		struct timeval tv;
		if (gettimeofday(&tv, NULL) < 0)
			return -1;
		timeradd(&tv, &timer->adjust, &tv);
		if (timercmp(&tv, &timer->last, <)) {
			/* the wall clock stepped back: absorb the step */
			struct timeval back;
			timersub(&timer->last, &tv, &back);
			timeradd(&timer->adjust, &back, &timer->adjust);
			tv = timer->last;
		}
		timer->last = tv;
		*tp = tv;
		return 0;
	}
	if (clock_gettime((clockid_t)timer->clock_id, &ts) != 0)
		return -1;
	tp->tv_sec = ts.tv_sec;
	tp->tv_usec = ts.tv_nsec / 1000;
	return 0;
}
