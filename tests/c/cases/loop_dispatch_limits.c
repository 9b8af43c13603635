/* loop_dispatch_limits: the loop honours event_config_set_max_dispatch_interval
 * (after max_callbacks callbacks, or once the interval is spent, of a
 * priority >= min_priority, it polls again, so that a ready read event of
 * the more urgent priority 0 runs in between; a set interval also refreshes
 * the time cache after each callback) and EVENT_BASE_FLAG_NO_CACHE_TIME
 * (event_base_gettimeofday_cached is never stale). */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event_base *base;
static int wfd;
static int check_cache;

static void a_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	const char *name = arg;
	tc_note(name);
	if (!strcmp(name, "a1")) {
		if (write(wfd, "x", 1) != 1)
			_exit(2);
		if (check_cache)
			usleep(50 * 1000);
	}
	if (!strcmp(name, "a2") && check_cache) {
		struct timeval c;
		event_base_gettimeofday_cached(base, &c);
		double lag = tc_now() - (c.tv_sec + c.tv_usec / 1e6);
		tc_note(lag >= 0.04 ? "(stale)" : lag < 0.01 ? "(fresh)" : "(?)");
	}
}

static void r_cb(evutil_socket_t fd, short what, void *arg)
{
	char b;
	(void)what; (void)arg;
	if (read(fd, &b, 1) != 1)
		tc_note("(read failed)");
	tc_note("R");
}

static void run(const char *label, int set, const struct timeval *interval, int maxcb, int minpri, int flags)
{
	struct event_config *cfg = event_config_new();
	if (set)
		event_config_set_max_dispatch_interval(cfg, interval, maxcb, minpri);
	if (flags)
		event_config_set_flag(cfg, flags);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	event_base_priority_init(base, 2);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	wfd = sv[1];
	struct event *r = event_new(base, sv[0], EV_READ, r_cb, NULL);
	event_priority_set(r, 0);
	event_add(r, NULL);
	static const char *names[] = { "a1", "a2", "a3", "a4", "a5" };
	struct event *as[5];
	for (int i = 0; i < 5; i++) {
		as[i] = event_new(base, -1, 0, a_cb, (void *)names[i]);
		event_priority_set(as[i], 1);
	}
	for (int i = 0; i < 5; i++)
		event_active(as[i], EV_TIMEOUT, 1);
	tc_order[0] = 0;
	int rc = event_base_dispatch(base);
	printf("%-40s dispatch %d: %s\n", label, rc, tc_order);
	for (int i = 0; i < 5; i++)
		event_free(as[i]);
	event_free(r);
	close(sv[0]);
	close(sv[1]);
	event_base_free(base);
}

int main(void)
{
	tc_alarm("loop_dispatch_limits", 15);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct timeval zero = { 0, 0 }, ten = { 10, 0 };
	run("no limits", 0, NULL, 0, 0, 0);
	run("2 callbacks from priority 1", 1, NULL, 2, 1, 0);
	run("1 callback from priority 1", 1, NULL, 1, 1, 0);
	run("1 callback from priority 2", 1, NULL, 1, 2, 0);
	run("1 callback from priority 0", 1, NULL, 1, 0, 0);
	run("0 callbacks from priority 1", 1, NULL, 0, 1, 0);
	run("interval 0 from priority 1", 1, &zero, -1, 1, 0);
	run("interval 10s from priority 1", 1, &ten, -1, 1, 0);
	run("unlimited (NULL, -1, 0)", 1, NULL, -1, 0, 0);
	check_cache = 1;
	run("cache: no limits", 0, NULL, 0, 0, 0);
	run("cache: interval 10s from priority 1", 1, &ten, -1, 1, 0);
	run("cache: interval 10s from priority 2", 1, &ten, -1, 2, 0);
	run("cache: EVENT_BASE_FLAG_NO_CACHE_TIME", 0, NULL, 0, 0, EVENT_BASE_FLAG_NO_CACHE_TIME);
	return 0;
}
