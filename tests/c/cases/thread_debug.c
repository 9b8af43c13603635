/* thread_debug: evthread_enable_lock_debuging (the misspelt name) before any
 * lock callbacks: a base created then gets checked locks without a real
 * mutex and still runs; evthread_use_pthreads afterwards (both orders are
 * allowed), evthread_enable_lock_debugging again (no-op); a base created
 * with debugging on and pthreads locks: timers, cross-thread wakeups, and
 * event_del from another thread waiting for a running callback (the
 * condition wait goes through the debugging wrapper). */
/* libs: libevent_core libevent_pthreads */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

static void log_cb(int sev, const char *msg) { printf("  log[%d]: %s\n", sev, msg); }

static struct event_base *base;
static int timer_calls, act_calls, slow_calls;
static volatile int slow_running;
static double slow_end;

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)arg;
	timer_calls++;
	printf("timer fired, what=0x%02x\n", what);
}

static void act_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	act_calls++;
	event_base_loopbreak(base);
}

static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	slow_running = 1;
	usleep(150000);
	slow_calls++;
	slow_end = tc_now();
}

static struct event *ev_act, *ev_slow;

static void *t_activate(void *arg)
{
	(void)arg;
	usleep(50000);
	event_active(ev_act, EV_READ, 0);
	return NULL;
}

static void *looper(void *arg)
{
	(void)arg;
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int main(void)
{
	struct timeval tv = {0, 20000};
	struct event *t;
	pthread_t th;
	double t0, el;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_debug", 15);
	event_set_log_callback(log_cb);

	printf("== debugging first, no lock callbacks yet\n");
	evthread_enable_lock_debuging();
	if (tc_debug_mode()) {
		/* debug mode refuses lock callbacks after a base, fatally */
		printf("(not in debug mode)\n");
	} else {
		base = event_base_new();
		printf("base: %s, evthread_make_base_notifiable: %d\n", tc_yesno(base != NULL),
		    evthread_make_base_notifiable(base));
		t = evtimer_new(base, timer_cb, NULL);
		evtimer_add(t, &tv);
		r = event_base_dispatch(base);
		printf("dispatch: %d, timer calls: %d\n", r, timer_calls);
		event_free(t);
		event_base_free(base);
	}

	printf("== then evthread_use_pthreads\n");
	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	evthread_enable_lock_debugging();
	printf("evthread_use_pthreads again: %d\n", evthread_use_pthreads());
	base = event_base_new();
	printf("base: %s, evthread_make_base_notifiable: %d\n", tc_yesno(base != NULL),
	    evthread_make_base_notifiable(base));
	t = evtimer_new(base, timer_cb, NULL);
	evtimer_add(t, &tv);
	r = event_base_dispatch(base);
	printf("dispatch: %d, timer calls: %d\n", r, timer_calls);

	printf("== event_active from another thread wakes it\n");
	ev_act = event_new(base, -1, 0, act_cb, NULL);
	t0 = tc_now();
	pthread_create(&th, NULL, t_activate, NULL);
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	pthread_join(th, NULL);
	el = tc_now() - t0;
	printf("loop: %d, act calls: %d, within [0.04, 1) s: %s\n", r, act_calls, tc_yesno(el >= 0.04 && el < 1));

	printf("== event_del from another thread waits for the running callback\n");
	ev_slow = evtimer_new(base, slow_cb, NULL);
	pthread_create(&th, NULL, looper, NULL);
	evtimer_add(ev_slow, &tv);
	t0 = tc_now();
	while (!slow_running && tc_now() - t0 < 2)
		usleep(1000);
	usleep(20000);
	r = event_del(ev_slow);
	el = tc_now();
	printf("event_del: %d, callback finished first: %s\n", r, tc_yesno(slow_calls == 1 && el >= slow_end));
	printf("loopbreak: %d\n", event_base_loopbreak(base));
	pthread_join(th, NULL);
	printf("got_break: %d\n", event_base_got_break(base));

	event_free(ev_slow);
	event_free(ev_act);
	event_free(t);
	event_base_free(base);
	printf("done\n");
	return 0;
}
