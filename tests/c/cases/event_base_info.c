/* event_base_info: event_base_foreach_event (order, early stop, result),
 * event_base_dump_events (normalized: pointers and times replaced),
 * event_base_get_num_events by kind, event_base_get_running_event,
 * event_self_cbarg, event_base_gettimeofday_cached /
 * event_base_update_cache_time, event_gettime_monotonic. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"

static double tvd(const struct timeval *tv) { return tv->tv_sec + tv->tv_usec / 1e6; }

#define NEV 8
static struct event *evs[NEV];
static const char *names[NEV] = { "r5", "w5", "rw6", "t1", "t2", "act", "ct", "pt" };
static struct event_base *base;
static int fd_a, fd_b; /* dumps name them A and B */

static const char *name_of(const struct event *e)
{
	for (int i = 0; i < NEV; i++)
		if (evs[i] == e)
			return names[i];
	return (e->ev_evcallback.evcb_flags & EVLIST_INTERNAL) ? "(internal)" : "(unknown)";
}

static int visit(const struct event_base *b, const struct event *e, void *arg)
{
	int *stop_after = arg;
	printf("  visit %s base-ok=%d flags=0x%x\n", name_of(e), b == base, e->ev_evcallback.evcb_flags & ~EVLIST_INTERNAL);
	if (*stop_after > 0 && --*stop_after == 0)
		return 42;
	return 0;
}

/* Replaces 0x... pointers by event names and Timeout=... by T. */
static void print_dump(FILE *f)
{
	char line[512];
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		char out[600];
		size_t o = 0;
		for (char *p = line; *p && o < sizeof out - 40;) {
			if (p[0] == '0' && p[1] == 'x') {
				void *ptr = (void *)strtoul(p, &p, 16);
				o += snprintf(out + o, sizeof out - o, "%s", name_of(ptr));
			} else if (!strncmp(p, "[fd  ", 5) && p[5] != '-') {
				long fd = strtol(p + 5, &p, 10);
				o += snprintf(out + o, sizeof out - o, "[fd  %s", fd == fd_a ? "A" : fd == fd_b ? "B" : "?");
			} else if (!strncmp(p, "Timeout=", 8)) {
				double t = strtod(p + 8, &p);
				o += snprintf(out + o, sizeof out - o, "Timeout=%s", t > tc_now() - 1 && t < tc_now() + 100 ? "T" : "bad");
			} else {
				out[o++] = *p++;
			}
		}
		out[o] = 0;
		printf("| %s", out);
	}
}

static int self_ok;
static void self_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct event *running = event_base_get_running_event(base);
	self_ok = (arg == evs[5]) && running == evs[5];
	printf("  cb act: arg is the event: %s, running event is it: %s\n",
	    arg == evs[5] ? "yes" : "no", running == evs[5] ? "yes" : "no");
	/* Time cache: stale after a slow callback until updated. */
	usleep(60 * 1000);
	struct timeval cached;
	event_base_gettimeofday_cached(base, &cached);
	printf("  cached time lags by >=0.05s: %s\n", tc_now() - tvd(&cached) >= 0.05 ? "yes" : "no");
	int r = event_base_update_cache_time(base);
	event_base_gettimeofday_cached(base, &cached);
	printf("  update_cache_time: %d, cached now within 0.01s: %s\n", r,
	    tc_now() - tvd(&cached) < 0.01 && tc_now() - tvd(&cached) > -0.01 ? "yes" : "no");
	printf("  num active inside: %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
}

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	/* EV_ET in the result: epoll only (poll cannot be edge-triggered). */
	printf("  cb %s what=0x%x\n", (const char *)arg, what & ~EV_ET);
}

int main(void)
{
	tc_alarm("event_base_info", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();
	int a[2], b[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, b) < 0)
		return 2;
	/* Make sure a[0] < b[0] (fd order matters for the walk). */
	if (a[0] > b[0]) {
		int t0 = a[0], t1 = a[1];
		a[0] = b[0]; a[1] = b[1]; b[0] = t0; b[1] = t1;
	}
	fd_a = a[0];
	fd_b = b[0];
	evutil_make_socket_nonblocking(a[0]);
	evutil_make_socket_nonblocking(b[0]);
	struct timeval t10 = { 10, 0 }, t20 = { 20, 0 };
	evs[0] = event_new(base, a[0], EV_READ | EV_PERSIST, named_cb, "r5");
	evs[1] = event_new(base, a[0], EV_WRITE | EV_ET, named_cb, "w5");
	evs[2] = event_new(base, b[0], EV_READ | EV_CLOSED, named_cb, "rw6"); /* one ready event per pass: libevent's poll starts its scan at a random fd */
	evs[3] = event_new(base, -1, 0, named_cb, "t1");
	evs[4] = event_new(base, -1, EV_PERSIST, named_cb, "t2");
	evs[5] = event_new(base, -1, 0, self_cb, event_self_cbarg());
	evs[6] = event_new(base, -1, 0, named_cb, "ct");
	evs[7] = event_new(base, b[0], EV_READ, named_cb, "pt");
	printf("event_self_cbarg non-NULL: %s, event_get_callback_arg is the event: %s\n",
	    event_self_cbarg() ? "yes" : "no", event_get_callback_arg(evs[5]) == evs[5] ? "yes" : "no");
	event_add(evs[0], NULL);
	event_add(evs[1], &t10);
	event_add(evs[2], NULL);
	event_add(evs[3], &t20);
	event_add(evs[4], &t10);
	struct timeval d = { 30, 0 };
	const struct timeval *ct = event_base_init_common_timeout(base, &d);
	event_add(evs[6], ct);
	event_add(evs[7], &t20);
	event_active(evs[5], EV_TIMEOUT, 1);
	event_active(evs[3], EV_READ, 1);

	printf("num active %d, added %d, virtual %d, all %d\n",
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_VIRTUAL));
	/* (event_base_get_running_event outside a callback crashes libevent: not here.) */

	int stop = 0;
	int r = event_base_foreach_event(base, visit, &stop);
	printf("foreach: %d\n", r);
	stop = 3;
	r = event_base_foreach_event(base, visit, &stop);
	printf("foreach stopping at the third: %d\n", r);
	r = event_base_foreach_event(base, NULL, NULL);
	printf("foreach(NULL fn): %d\n", r);
	r = event_base_foreach_event(NULL, visit, &stop);
	printf("foreach(NULL base): %d\n", r);

	FILE *f = tmpfile();
	event_base_dump_events(base, f);
	print_dump(f);
	fclose(f);

	/* Time: outside the loop the cached time is the current time. */
	struct timeval cached, mono, mono2;
	r = event_base_gettimeofday_cached(base, &cached);
	printf("gettimeofday_cached outside loop: %d, close to now: %s\n", r,
	    tc_now() - tvd(&cached) < 0.01 && tc_now() - tvd(&cached) > -0.01 ? "yes" : "no");
	r = event_base_update_cache_time(base);
	printf("update_cache_time outside loop: %d\n", r);
	r = event_gettime_monotonic(base, &mono);
	usleep(20 * 1000);
	event_gettime_monotonic(base, &mono2);
	printf("event_gettime_monotonic: %d, advanced >=0.015: %s\n", r, tvd(&mono2) - tvd(&mono) >= 0.015 ? "yes" : "no");
	printf("event_gettime_monotonic(NULL base): %d, (NULL tv): %d\n", event_gettime_monotonic(NULL, &mono),
	    event_gettime_monotonic(base, NULL));
	r = event_base_gettimeofday_cached(NULL, &cached);
	printf("gettimeofday_cached(NULL) without a current base: %d, close to now: %s\n", r,
	    tc_now() - tvd(&cached) < 0.01 ? "yes" : "no");
	printf("update_cache_time(NULL) without a current base: %d\n", event_base_update_cache_time(NULL));

	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d, self_ok %d\n", r, self_ok);
	f = tmpfile();
	event_base_dump_events(base, f);
	print_dump(f);
	fclose(f);
	printf("num active %d, added %d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));

	for (int i = 0; i < NEV; i++)
		event_free(evs[i]);
	event_base_free(base);
	return 0;
}
