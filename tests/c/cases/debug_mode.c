/* debug_mode: event_enable_debug_mode. Each scenario runs in its own child
 * process (a detected misuse ends the process): the log callback reports
 * the severity, the fatal callback prints its code and _exit()s. Caught:
 * event_add/event_del/event_active/event_pending/event_priority_set on an
 * event never assigned, freed (event_free, memory kept by a free function
 * that does not release it) or unassigned (event_debug_unassign);
 * event_assign over an added event; event_debug_unassign of an added event;
 * enabling twice or after making a base; event_assign on a blocking fd. Fine in debug mode: the normal life
 * of events, re-assigning an event after it fired or after its base was
 * freed, event_debug_unassign of a deleted event. Without debug mode,
 * event_debug_unassign only clears the initialized flag. */
/* debug-mode: skip: it enables debug mode itself (a second call is fatal) */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testcase.h"
#include "debugmode.h"

static void *keep_malloc(size_t n) { return malloc(n); }
static void *keep_realloc(void *p, size_t n) { return realloc(p, n); }
static void keep_free(void *p) { (void)p; /* never released: freed events stay readable */ }

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	printf("    cb %s\n", (const char *)arg);
}

/* The child keeps freed memory readable and reports through those
 * callbacks; each scenario turns debug mode on itself. */
static void child_setup(void)
{
	event_set_mem_functions(keep_malloc, keep_realloc, keep_free);
	event_set_log_callback(tc_dm_log_cb);
	event_set_fatal_callback(tc_dm_fatal_cb);
}

static void scenario(const char *name, void (*fn)(void))
{
	tc_dm_fork(name, child_setup, fn);
}

static struct event_base *base;
static struct timeval t10 = { 10, 0 };

static void s_add_unassigned(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.ev_base = base;
	int r = event_add(&ev, &t10);
	printf("    event_add -> %d\n", r);
}

static void s_add_zeroed(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev; /* no base: a warning, not fatal */
	int r = event_add(&ev, NULL);
	printf("    event_add -> %d\n", r);
}

static void s_add_freed(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	struct event *ev = event_new(base, -1, 0, cb, "x");
	event_free(ev);
	int r = event_add(ev, &t10);
	printf("    event_add -> %d\n", r);
}

static void s_del_freed(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	struct event *ev = event_new(base, -1, 0, cb, "x");
	event_add(ev, &t10);
	event_free(ev);
	int r = event_del(ev);
	printf("    event_del -> %d\n", r);
}

static void s_active_unassigned(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	event_assign(&ev, base, -1, 0, cb, "x");
	event_debug_unassign(&ev);
	printf("    initialized after unassign: %d\n", event_initialized(&ev));
	event_active(&ev, EV_TIMEOUT, 1);
}

static void s_pending_unassigned(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	event_assign(&ev, base, -1, 0, cb, "x");
	event_add(&ev, &t10);
	event_del(&ev);
	event_debug_unassign(&ev);
	printf("    unassign of a deleted event: fine\n");
	event_pending(&ev, EV_TIMEOUT, NULL);
}

static void s_priority_unassigned(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.ev_base = base;
	event_priority_set(&ev, 0);
}

static void s_assign_added(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	event_assign(&ev, base, -1, 0, cb, "x");
	event_add(&ev, &t10);
	event_assign(&ev, base, -1, 0, cb, "y");
}

static void s_unassign_added(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event ev;
	event_assign(&ev, base, -1, 0, cb, "x");
	event_add(&ev, &t10);
	event_debug_unassign(&ev);
}

static void s_blocking_fd(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		_exit(2);
	struct event *ok = event_new(base, -1, EV_READ, cb, "no fd");
	printf("    event_new on fd -1: %s\n", ok ? "ok" : "NULL");
	evutil_make_socket_nonblocking(sv[1]);
	struct event *nb = event_new(base, sv[1], EV_READ, cb, "non-blocking");
	printf("    event_new on a non-blocking fd: %s\n", nb ? "ok" : "NULL");
	struct event *sig = evsignal_new(base, SIGUSR1, cb, "signal");
	printf("    evsignal_new: %s\n", sig ? "ok" : "NULL");
	event_new(base, sv[0], EV_READ, cb, "blocking");
}

static void s_twice(void)
{
	event_enable_debug_mode();
	event_enable_debug_mode();
}

static void s_too_late(void)
{
	base = event_base_new();
	event_enable_debug_mode();
}

static void s_normal_life(void)
{
	event_enable_debug_mode();
	base = event_base_new();
	static struct event a, b;
	/* long enough that a cannot expire before the first pass, even on a
	 * loaded machine (the first pass must run only n) */
	struct timeval short_tv = { 0, 300 * 1000 };
	event_assign(&a, base, -1, 0, cb, "a");
	event_add(&a, &short_tv);
	struct event *n = event_new(base, -1, EV_PERSIST, cb, "n");
	event_add(n, &t10);
	event_active(n, EV_TIMEOUT, 1);
	int r = event_base_loop(base, EVLOOP_ONCE);
	printf("    loop(ONCE) -> %d\n", r);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("    loop(ONCE) -> %d\n", r);
	/* a fired and is in no list: re-assigning it is fine. */
	r = event_assign(&a, base, -1, 0, cb, "a2");
	printf("    re-assign after firing -> %d\n", r);
	event_add(&b, NULL); /* b never assigned, no base: a warning */
	event_assign(&b, base, -1, 0, cb, "b");
	event_add(&b, &t10);
	event_free(n);
	event_base_free(base);
	/* b was deleted by event_base_free: re-assigning is fine. */
	base = event_base_new();
	r = event_assign(&b, base, -1, 0, cb, "b2");
	printf("    re-assign after base free -> %d\n", r);
	event_base_free(base);
}

static void s_no_debug_unassign(void)
{
	base = event_base_new();
	static struct event ev;
	event_assign(&ev, base, -1, 0, cb, "x");
	printf("    initialized: %d\n", event_initialized(&ev));
	event_debug_unassign(&ev);
	printf("    after event_debug_unassign: initialized %d\n", event_initialized(&ev));
	event_base_free(base);
}

int main(void)
{
	tc_alarm("debug_mode", 15);
	setvbuf(stdout, NULL, _IOLBF, 0);
	scenario("event_add on a never-assigned event", s_add_unassigned);
	scenario("event_add on a zeroed event (no base)", s_add_zeroed);
	scenario("event_add on a freed event", s_add_freed);
	scenario("event_del on a freed event", s_del_freed);
	scenario("event_active on an unassigned event", s_active_unassigned);
	scenario("event_pending on an unassigned event", s_pending_unassigned);
	scenario("event_priority_set on a never-assigned event", s_priority_unassigned);
	scenario("event_assign over an added event", s_assign_added);
	scenario("event_debug_unassign of an added event", s_unassign_added);
	scenario("event_new on a blocking fd", s_blocking_fd);
	scenario("event_enable_debug_mode twice", s_twice);
	scenario("event_enable_debug_mode after event_base_new", s_too_late);
	scenario("normal life in debug mode", s_normal_life);
	scenario("event_debug_unassign without debug mode", s_no_debug_unassign);
	return 0;
}
