/* evutil_monotonic: evutil_monotonic_timer_new / _free,
 * evutil_configure_monotonic_time with each flag combination,
 * evutil_gettime_monotonic: return values, which clock it follows,
 * non-decreasing, advances over a sleep. Clock values are never printed. */
#include <event2/event.h>
#include <event2/util.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static void logcb(int severity, const char *msg)
{
	(void)msg;
	nlog++;
	printf("  [log severity %d]\n", severity);
}

static int nmalloc, nfree;
static void *my_malloc(size_t n) { nmalloc++; return malloc(n); }
static void *my_realloc(void *p, size_t n) { return realloc(p, n); }
static void my_free(void *p) { nfree++; free(p); }

static double tv_d(const struct timeval *tv) { return tv->tv_sec + tv->tv_usec / 1e6; }
static double clk(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(const char *name, int flags, int configure)
{
	struct evutil_monotonic_timer *t;
	struct timeval a, b, c;
	double mono, real, v;
	int r, i, nondecr = 1, valid = 1, m0 = nmalloc;

	t = evutil_monotonic_timer_new();
	printf("-- %s\n", name);
	printf("new: %s allocated through mem functions: %s\n", t ? "timer" : "NULL",
	    tc_yesno(nmalloc > m0));
	if (!t)
		return;
	if (configure) {
		r = evutil_configure_monotonic_time(t, flags);
		printf("configure(%d): %d\n", flags, r);
	}
	mono = clk(CLOCK_MONOTONIC);
	real = clk(CLOCK_REALTIME);
	r = evutil_gettime_monotonic(t, &a);
	v = tv_d(&a);
	printf("gettime: %d usec in range: %s\n", r, tc_yesno(a.tv_usec >= 0 && a.tv_usec < 1000000));
	printf("follows CLOCK_MONOTONIC: %s follows the wall clock: %s\n",
	    tc_yesno(v > mono - 0.05 && v < mono + 1),
	    tc_yesno(v > real - 0.05 && v < real + 1));
	b = a;
	for (i = 0; i < 20000; i++) {
		if (evutil_gettime_monotonic(t, &c) != 0)
			valid = 0;
		if (c.tv_usec < 0 || c.tv_usec >= 1000000)
			valid = 0;
		if (evutil_timercmp(&c, &b, <))
			nondecr = 0;
		b = c;
	}
	printf("20000 reads: all ok: %s non-decreasing: %s\n", tc_yesno(valid), tc_yesno(nondecr));
	usleep(60000);
	r = evutil_gettime_monotonic(t, &c);
	v = tv_d(&c) - tv_d(&b);
	printf("after a 60 ms sleep: %d advanced >= 40 ms: %s < 5 s: %s\n", r, tc_yesno(v >= 0.04),
	    tc_yesno(v < 5));
	i = nfree;
	evutil_monotonic_timer_free(t);
	printf("free released memory through mem functions: %s\n", tc_yesno(nfree > i));
}

int main(void)
{
	event_set_mem_functions(my_malloc, my_realloc, my_free);
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_monotonic", 15);
	event_set_log_callback(logcb);

	check("flags 0", 0, 1);
	check("EV_MONOT_PRECISE", EV_MONOT_PRECISE, 1);
	check("EV_MONOT_FALLBACK", EV_MONOT_FALLBACK, 1);
	check("EV_MONOT_PRECISE|EV_MONOT_FALLBACK", EV_MONOT_PRECISE | EV_MONOT_FALLBACK, 1);
	check("unknown flag bits", 0x100, 1);
	check("never configured", 0, 0);
	{
		/* reconfigure one timer from fallback to precise */
		struct evutil_monotonic_timer *t = evutil_monotonic_timer_new();
		struct timeval tv;
		double mono;
		int r1 = evutil_configure_monotonic_time(t, EV_MONOT_FALLBACK);
		int r2 = evutil_configure_monotonic_time(t, EV_MONOT_PRECISE);
		mono = clk(CLOCK_MONOTONIC);
		evutil_gettime_monotonic(t, &tv);
		printf("-- reconfigured: %d %d follows CLOCK_MONOTONIC: %s\n", r1, r2,
		    tc_yesno(tv_d(&tv) > mono - 0.05 && tv_d(&tv) < mono + 1));
		evutil_monotonic_timer_free(t);
	}
	evutil_monotonic_timer_free(NULL);
	printf("free(NULL): survived\n");
	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
