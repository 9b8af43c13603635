/* threads: evthread_use_pthreads (libevent_pthreads), then other threads
 * wake a base blocked in the loop: event_active, event_add of a timer,
 * event_base_loopbreak and event_base_loopexit from another thread, with
 * EVLOOP_NO_EXIT_ON_EMPTY keeping an empty base looping. */
/* libs: libevent libevent_pthreads */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct event *ev_act, *ev_timer;
static int act_calls, timer_calls, thread_ret;
static short act_what;
static pthread_t main_thread;
static int cb_on_main = 1;

static void act_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)arg;
	act_calls++;
	act_what = what;
	if (!pthread_equal(pthread_self(), main_thread))
		cb_on_main = 0;
	event_base_loopbreak(base);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	timer_calls++;
	if (!pthread_equal(pthread_self(), main_thread))
		cb_on_main = 0;
	event_base_loopbreak(base);
}

static void *t_activate(void *arg)
{
	(void)arg;
	usleep(100000);
	event_active(ev_act, EV_WRITE, 0);
	return NULL;
}

static void *t_add_timer(void *arg)
{
	struct timeval tv = {0, 50000};
	(void)arg;
	usleep(100000);
	thread_ret = evtimer_add(ev_timer, &tv);
	return NULL;
}

static void *t_break(void *arg)
{
	(void)arg;
	usleep(100000);
	thread_ret = event_base_loopbreak(base);
	return NULL;
}

static void *t_exit(void *arg)
{
	struct timeval tv = {0, 50000};
	(void)arg;
	usleep(100000);
	thread_ret = event_base_loopexit(base, &tv);
	return NULL;
}

static double run_with(void *(*fn)(void *), int flags, int *ret)
{
	pthread_t th;
	double t0 = tc_now();
	pthread_create(&th, NULL, fn, NULL);
	*ret = event_base_loop(base, flags);
	pthread_join(th, NULL);
	return tc_now() - t0;
}

int main(void)
{
	struct timeval tv5 = {5, 0};
	struct event *keep;
	double el;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("threads", 15);
	main_thread = pthread_self();

	r = evthread_use_pthreads();
	printf("evthread_use_pthreads: %d\n", r);
	base = event_base_new();
	printf("evthread_make_base_notifiable: %d\n", evthread_make_base_notifiable(base));
	ev_act = event_new(base, -1, 0, act_cb, NULL);
	ev_timer = evtimer_new(base, timer_cb, NULL);

	printf("== event_active from another thread wakes an empty NO_EXIT_ON_EMPTY loop\n");
	el = run_with(t_activate, EVLOOP_NO_EXIT_ON_EMPTY, &r);
	printf("loop: %d calls=%d what=0x%02x elapsed in [0.09,2): %s\n", r, act_calls, act_what,
	    (el >= 0.09 && el < 2) ? "yes" : "no");

	printf("== evtimer_add from another thread while the loop waits on a 5 s timer\n");
	keep = evtimer_new(base, timer_cb, NULL);
	evtimer_add(keep, &tv5);
	timer_calls = 0;
	el = run_with(t_add_timer, 0, &r);
	printf("loop: %d timer calls=%d add in thread=%d elapsed in [0.14,2): %s\n", r, timer_calls,
	    thread_ret, (el >= 0.14 && el < 2) ? "yes" : "no");

	printf("== event_base_loopbreak from another thread\n");
	el = run_with(t_break, 0, &r);
	printf("loop: %d got_break=%d loopbreak in thread=%d elapsed in [0.09,2): %s\n", r,
	    event_base_got_break(base), thread_ret, (el >= 0.09 && el < 2) ? "yes" : "no");

	printf("== event_base_loopexit(50ms) from another thread\n");
	el = run_with(t_exit, EVLOOP_NO_EXIT_ON_EMPTY, &r);
	printf("loop: %d got_exit=%d loopexit in thread=%d elapsed in [0.14,2): %s\n", r,
	    event_base_got_exit(base), thread_ret, (el >= 0.14 && el < 2) ? "yes" : "no");

	printf("callbacks ran on the looping thread: %s\n", cb_on_main ? "yes" : "no");
	event_free(keep);
	event_free(ev_act);
	event_free(ev_timer);
	event_base_free(base);
	printf("done\n");
	return 0;
}
