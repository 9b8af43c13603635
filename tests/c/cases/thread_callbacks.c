/* thread_callbacks: evthread_set_lock_callbacks / evthread_set_condition_callbacks
 * with the program's own (counting) callbacks: refusals of incomplete sets,
 * setting the same ones twice, changing them (refused, logged); a base created afterwards uses them (alloc,
 * balanced lock/unlock, a condition); evthread_set_id_callback decides whether
 * another thread's change wakes the loop (no id callback: never); a NOLOCK base
 * gets no lock and cannot be woken (loopbreak from another thread returns -1);
 * evthread_make_base_notifiable. */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

static void log_cb(int sev, const char *msg)
{
	printf("  log[%d]: %s\n", sev, msg);
}

/* ---- counting pthread callbacks ---- */
static int n_alloc, n_free, n_lock, n_unlock, n_cond_alloc, n_cond_wait, n_cond_signal, n_id;
static pthread_mutex_t counts = PTHREAD_MUTEX_INITIALIZER;
#define COUNT(x) do { pthread_mutex_lock(&counts); (x)++; pthread_mutex_unlock(&counts); } while (0)

static void *my_alloc(unsigned locktype)
{
	pthread_mutexattr_t a;
	pthread_mutex_t *m = malloc(sizeof *m);
	pthread_mutexattr_init(&a);
	if (locktype & EVTHREAD_LOCKTYPE_RECURSIVE)
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &a);
	COUNT(n_alloc);
	return m;
}
static void my_free(void *l, unsigned locktype) { (void)locktype; pthread_mutex_destroy(l); free(l); COUNT(n_free); }
static int my_lock(unsigned mode, void *l) { (void)mode; COUNT(n_lock); return pthread_mutex_lock(l); }
static int my_unlock(unsigned mode, void *l) { (void)mode; COUNT(n_unlock); return pthread_mutex_unlock(l); }
static void *other_alloc(unsigned locktype) { return my_alloc(locktype); }

static void *my_cond_alloc(unsigned f)
{
	pthread_cond_t *c = malloc(sizeof *c);
	(void)f;
	pthread_cond_init(c, NULL);
	COUNT(n_cond_alloc);
	return c;
}
static void my_cond_free(void *c) { pthread_cond_destroy(c); free(c); }
static int my_cond_signal(void *c, int bc) { COUNT(n_cond_signal); return bc ? pthread_cond_broadcast(c) : pthread_cond_signal(c); }
static int my_cond_wait(void *c, void *l, const struct timeval *tv)
{
	(void)tv;
	COUNT(n_cond_wait);
	return pthread_cond_wait(c, l) ? -1 : 0;
}
static unsigned long my_id(void) { n_id++; return (unsigned long)pthread_self(); }

/* ---- cross-thread helpers ---- */
static struct event_base *base;
static struct event *ev_act;
static int act_calls, thread_ret;

static void act_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	act_calls++;
	event_base_loopbreak(base);
}

static void noop_cb(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }

static void *t_activate(void *arg)
{
	(void)arg;
	usleep(50000);
	event_active(ev_act, EV_READ, 0);
	return NULL;
}

static void *t_break(void *arg)
{
	(void)arg;
	usleep(50000);
	thread_ret = event_base_loopbreak(base);
	return NULL;
}

/* Runs the loop of b with a timer of `timer_ms` keeping it alive while
 * fn acts from another thread; returns the elapsed time. */
static double run_with(struct event_base *b, void *(*fn)(void *), int timer_ms, int *ret)
{
	struct timeval tv = {timer_ms / 1000, (timer_ms % 1000) * 1000};
	struct event *t = evtimer_new(b, noop_cb, NULL);
	pthread_t th;
	double t0;
	evtimer_add(t, &tv);
	t0 = tc_now();
	pthread_create(&th, NULL, fn, NULL);
	*ret = event_base_loop(b, EVLOOP_ONCE);
	pthread_join(th, NULL);
	event_free(t);
	return tc_now() - t0;
}

int main(void)
{
	struct evthread_lock_callbacks cbs = {
		EVTHREAD_LOCK_API_VERSION, EVTHREAD_LOCKTYPE_RECURSIVE,
		my_alloc, my_free, my_lock, my_unlock,
	};
	struct evthread_lock_callbacks partial = cbs, changed = cbs;
	struct evthread_condition_callbacks ccbs = {
		EVTHREAD_CONDITION_API_VERSION,
		my_cond_alloc, my_cond_free, my_cond_signal, my_cond_wait,
	};
	struct evthread_condition_callbacks cpartial = ccbs, cchanged = ccbs;
	struct event_config *cfg;
	struct event_base *nolock;
	struct timeval tv1 = {1, 0};
	struct event *t;
	double el;
	int r, before;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_callbacks", 20);
	event_set_log_callback(log_cb);

	printf("== lock callbacks\n");
	partial.unlock = NULL;
	printf("incomplete set: %d\n", evthread_set_lock_callbacks(&partial));
	printf("NULL with none set: %d\n", evthread_set_lock_callbacks(NULL));
	printf("set: %d\n", evthread_set_lock_callbacks(&cbs));
	printf("same again: %d\n", evthread_set_lock_callbacks(&cbs));
	changed.alloc = other_alloc;
	printf("changed alloc: %d\n", evthread_set_lock_callbacks(&changed));
	changed = cbs;
	changed.supported_locktypes = 0;
	printf("changed locktypes: %d\n", evthread_set_lock_callbacks(&changed));

	printf("== condition callbacks\n");
	cpartial.wait_condition = NULL;
	printf("incomplete set: %d\n", evthread_set_condition_callbacks(&cpartial));
	printf("NULL with none set: %d\n", evthread_set_condition_callbacks(NULL));
	printf("set: %d\n", evthread_set_condition_callbacks(&ccbs));
	printf("same again: %d\n", evthread_set_condition_callbacks(&ccbs));
	cchanged.signal_condition = NULL;
	printf("changed: %d\n", evthread_set_condition_callbacks(&cchanged));
	printf("condition allocations so far: %d\n", n_cond_alloc);

	printf("== a base created now uses them\n");
	base = event_base_new();
	printf("base: %s, lock allocated: %s, condition allocated: %s\n",
	    base ? "yes" : "no", n_alloc >= 1 ? "yes" : "no", n_cond_alloc >= 1 ? "yes" : "no");
	printf("evthread_make_base_notifiable: %d\n", evthread_make_base_notifiable(base));
	before = n_lock;
	t = evtimer_new(base, noop_cb, NULL);
	r = evtimer_add(t, &tv1);
	printf("evtimer_add: %d, locked: %s, balanced: %s\n", r,
	    n_lock > before ? "yes" : "no", n_lock == n_unlock ? "yes" : "no");
	before = n_lock;
	r = event_del(t);
	printf("event_del: %d, locked: %s, balanced: %s\n", r, n_lock > before ? "yes" : "no",
	    n_lock == n_unlock ? "yes" : "no");
	event_free(t);
	ev_act = event_new(base, -1, 0, act_cb, NULL);

	printf("== no id callback: another thread's event_active does not wake the loop\n");
	el = run_with(base, t_activate, 400, &r);
	printf("loop: %d act calls=%d, waited for the timer: %s\n", r, act_calls, el >= 0.35 ? "yes" : "no");
	printf("balanced: %s\n", n_lock == n_unlock ? "yes" : "no");

	printf("== with an id callback it does\n");
	evthread_set_id_callback(my_id);
	act_calls = 0;
	el = run_with(base, t_activate, 2000, &r);
	printf("loop: %d act calls=%d, woken early: %s, id callback used: %s\n", r, act_calls,
	    el < 1.0 ? "yes" : "no", n_id > 0 ? "yes" : "no");
	el = run_with(base, t_break, 2000, &r);
	printf("loopbreak from a thread: %d, loop: %d, got_break=%d, woken early: %s\n", thread_ret, r,
	    event_base_got_break(base), el < 1.0 ? "yes" : "no");
	printf("balanced: %s\n", n_lock == n_unlock ? "yes" : "no");

	printf("== EVENT_BASE_FLAG_NOLOCK: no lock, not notifiable\n");
	cfg = event_config_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	before = n_alloc;
	nolock = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("base: %s, lock allocated: %s\n", nolock ? "yes" : "no", n_alloc > before ? "yes" : "no");
	{
		struct event_base *saved = base;
		base = nolock;
		el = run_with(nolock, t_break, 400, &r);
		printf("loopbreak from a thread: %d, loop: %d, got_break=%d, waited for the timer: %s\n",
		    thread_ret, r, event_base_got_break(nolock), el >= 0.35 ? "yes" : "no");
		printf("evthread_make_base_notifiable: %d\n", evthread_make_base_notifiable(nolock));
		el = run_with(nolock, t_break, 2000, &r);
		printf("notifiable now: loopbreak from a thread: %d, loop: %d, woken early: %s\n",
		    thread_ret, r, el < 1.0 ? "yes" : "no");
		base = saved;
	}
	event_base_free(nolock);
	printf("evthread_make_base_notifiable(NULL): %d\n", evthread_make_base_notifiable(NULL));

	event_free(ev_act);
	before = n_free;
	event_base_free(base);
	printf("base freed, its lock freed: %s, balanced: %s\n", n_free > before ? "yes" : "no",
	    n_lock == n_unlock ? "yes" : "no");
	printf("done\n");
	return 0;
}
