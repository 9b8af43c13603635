/* thread_many: evthread_use_pthreads, then
 *  - 8 threads each running its own base at the same time (socketpair
 *    ping-pong and timers), all results exact;
 *  - cross-thread wakeups of a base sleeping in event_base_dispatch with no
 *    timeout: evtimer_add, event_active, event_base_loopexit and
 *    event_base_loopbreak from another thread each wake it within a bound;
 *  - a storm of event_active calls from two threads (coalesced, loop keeps up);
 *  - callbacks run without the base lock: another thread's event_add returns
 *    while a callback sleeps;
 *  - event_del from another thread while the event's callback runs waits for
 *    the callback; event_free of a pending event from another thread. */
/* libs: libevent_core libevent_pthreads */
/* timeout: 30 */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

/* ---- part 1: 8 bases on 8 threads ---- */
#define NWORK 8
#define ROUNDS 300
#define NTIMERS 25

struct worker {
	int id;
	struct event_base *base;
	int sv[2];
	struct event *rd0, *rd1, *timer;
	int pings, pongs, timers, fails;
	int ok;
};

static void ping_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	char c;
	(void)what;
	if (read(fd, &c, 1) != 1) { w->fails++; return; }
	w->pings++;
	if (write(w->sv[1], "o", 1) != 1) w->fails++; /* answer: read on sv[0] */
}

static void pong_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	char c;
	(void)what;
	if (read(fd, &c, 1) != 1) { w->fails++; return; }
	w->pongs++;
	if (w->pongs < ROUNDS && write(w->sv[0], "i", 1) != 1) /* read on sv[1] */
		w->fails++;
}

static void wtimer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval tv = {0, 1000};
	(void)fd; (void)what;
	if (++w->timers < NTIMERS)
		event_add(w->timer, &tv);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct timeval tv = {0, 1000};
	int r;
	w->base = event_base_new();
	if (!w->base || socketpair(AF_UNIX, SOCK_STREAM, 0, w->sv) < 0)
		return NULL;
	evutil_make_socket_nonblocking(w->sv[0]);
	evutil_make_socket_nonblocking(w->sv[1]);
	/* "i" written on sv[0] is read on sv[1] by ping_cb, which answers "o" on
	 * sv[1], read on sv[0] by pong_cb, which sends the next "i". */
	w->rd1 = event_new(w->base, w->sv[1], EV_READ | EV_PERSIST, ping_cb, w);
	w->rd0 = event_new(w->base, w->sv[0], EV_READ | EV_PERSIST, pong_cb, w);
	w->timer = evtimer_new(w->base, wtimer_cb, w);
	event_add(w->rd0, NULL);
	event_add(w->rd1, NULL);
	event_add(w->timer, &tv);
	if (write(w->sv[0], "i", 1) != 1)
		w->fails++;
	while (w->pongs < ROUNDS || w->timers < NTIMERS) {
		r = event_base_loop(w->base, EVLOOP_ONCE);
		if (r < 0) { w->fails++; break; }
	}
	event_free(w->rd0);
	event_free(w->rd1);
	event_free(w->timer);
	close(w->sv[0]);
	close(w->sv[1]);
	event_base_free(w->base);
	w->ok = 1;
	return NULL;
}

/* ---- part 2: wakeups of a base sleeping without a timeout ---- */
static struct event_base *sb;
static int idle_pipe[2];
static double t_fired;
static int fired, loop_ret;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* Drains what the event_free part writes: left unread, the level-triggered
 * idle event would spin the loop, and the loop thread would then starve the
 * other thread's base-lock requests (libevent's loopexit took over 0.5 s). */
static void idle_cb(evutil_socket_t fd, short what, void *arg)
{
	char c;
	(void)what; (void)arg;
	if (fd >= 0 && read(fd, &c, 1) < 0) { /* nothing to drain */ }
}

static void mark_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	pthread_mutex_lock(&mu);
	fired++;
	t_fired = tc_now();
	pthread_mutex_unlock(&mu);
}

static void *sleeper_main(void *arg)
{
	(void)arg;
	loop_ret = event_base_dispatch(sb);
	return NULL;
}

/* waits up to 2 s for fired to reach n; returns the latency from t0 */
static double wait_fired(int n, double t0)
{
	double end = tc_now() + 2, lat = 99;
	while (tc_now() < end) {
		pthread_mutex_lock(&mu);
		if (fired >= n) {
			lat = t_fired - t0;
			pthread_mutex_unlock(&mu);
			break;
		}
		pthread_mutex_unlock(&mu);
		usleep(1000);
	}
	return lat;
}

/* ---- part 3: activation storm ---- */
static struct event *storm_ev;
static int storm_calls;
static void storm_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	storm_calls++;
}
static void *storm_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000; i++)
		event_active(storm_ev, EV_READ, 0);
	return NULL;
}

/* ---- part 4: slow callbacks ---- */
static double cb_start, cb_end;
static int slow_calls;
static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	pthread_mutex_lock(&mu);
	cb_start = tc_now();
	pthread_mutex_unlock(&mu);
	usleep(200000);
	pthread_mutex_lock(&mu);
	slow_calls++;
	cb_end = tc_now();
	pthread_mutex_unlock(&mu);
}

static double get_cb_start(void)
{
	double v;
	pthread_mutex_lock(&mu);
	v = cb_start;
	pthread_mutex_unlock(&mu);
	return v;
}

static int freed_calls;
static void freed_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	freed_calls++;
}

int main(void)
{
	struct worker w[NWORK];
	pthread_t th[NWORK], sleeper, storm[2];
	struct timeval tv10 = {0, 10000}, tv0 = {0, 0};
	struct event *idle, *mark, *slow, *slow_timer, *other, *victim;
	double t0, lat, t_add, el;
	int i, allok = 1, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_many", 25);
	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());

	printf("== %d threads, one base each, at once\n", NWORK);
	memset(w, 0, sizeof w);
	t0 = tc_now();
	for (i = 0; i < NWORK; i++) {
		w[i].id = i;
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	}
	for (i = 0; i < NWORK; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NWORK; i++) {
		printf("thread %d: done=%s pings=%d pongs=%d timers=%d failures=%d\n", i, tc_yesno(w[i].ok),
		    w[i].pings, w[i].pongs, w[i].timers, w[i].fails);
		allok &= w[i].ok && w[i].pongs == ROUNDS;
	}
	printf("all done within 10 s: %s\n", tc_yesno(allok && tc_now() - t0 < 10));

	printf("== a base asleep in dispatch without timeout, woken from another thread\n");
	sb = event_base_new();
	if (pipe(idle_pipe) < 0)
		return 1;
	evutil_make_socket_nonblocking(idle_pipe[0]);
	idle = event_new(sb, idle_pipe[0], EV_READ | EV_PERSIST, idle_cb, NULL);
	event_add(idle, NULL);
	mark = evtimer_new(sb, mark_cb, NULL);
	pthread_create(&sleeper, NULL, sleeper_main, NULL);
	usleep(100000);
	t0 = tc_now();
	r = evtimer_add(mark, &tv10);
	lat = wait_fired(1, t0);
	printf("evtimer_add(10 ms): %d, fired: %s, within [0.009, 1.5) s: %s\n", r, tc_yesno(fired == 1),
	    tc_yesno(lat >= 0.009 && lat < 1.5));
	usleep(50000);
	t0 = tc_now();
	event_active(mark, EV_WRITE, 0);
	lat = wait_fired(2, t0);
	printf("event_active: fired: %s, within 1.5 s: %s\n", tc_yesno(fired == 2), tc_yesno(lat < 1.5));
	usleep(50000);
	t0 = tc_now();
	r = evtimer_add(mark, &tv0);
	lat = wait_fired(3, t0);
	printf("evtimer_add(0): %d, fired: %s, within 1.5 s: %s\n", r, tc_yesno(fired == 3), tc_yesno(lat < 1.5));

	printf("== activation storm from two threads while it sleeps\n");
	storm_ev = event_new(sb, -1, 0, storm_cb, NULL);
	usleep(50000);
	pthread_create(&storm[0], NULL, storm_main, NULL);
	pthread_create(&storm[1], NULL, storm_main, NULL);
	pthread_join(storm[0], NULL);
	pthread_join(storm[1], NULL);
	t0 = tc_now();
	while (tc_now() - t0 < 2 && event_pending(storm_ev, EV_READ, NULL))
		usleep(1000);
	usleep(20000);
	printf("storm: calls>=1: %s, calls<=10000: %s, none left pending: %s\n", tc_yesno(storm_calls >= 1),
	    tc_yesno(storm_calls <= 10000), tc_yesno(!event_pending(storm_ev, EV_READ, NULL)));

	printf("== callbacks run without the base lock\n");
	slow = event_new(sb, -1, 0, slow_cb, NULL);
	other = evtimer_new(sb, idle_cb, NULL);
	event_active(slow, EV_READ, 0);
	t0 = tc_now();
	while (get_cb_start() == 0 && tc_now() - t0 < 2)
		usleep(1000);
	usleep(20000); /* inside the 200 ms callback now */
	t0 = tc_now();
	r = evtimer_add(other, &tv10);
	t_add = tc_now() - t0;
	printf("evtimer_add during a callback: %d, did not wait for it: %s\n", r, tc_yesno(t_add < 0.1));
	event_del(other);
	t0 = tc_now();
	while (slow_calls < 1 && tc_now() - t0 < 2)
		usleep(1000);

	printf("== event_del from another thread waits for the running callback\n");
	slow_timer = evtimer_new(sb, slow_cb, NULL);
	pthread_mutex_lock(&mu);
	cb_start = 0;
	pthread_mutex_unlock(&mu);
	evtimer_add(slow_timer, &tv0);
	t0 = tc_now();
	while (get_cb_start() == 0 && tc_now() - t0 < 2)
		usleep(1000);
	usleep(20000);
	r = event_del(slow_timer);
	pthread_mutex_lock(&mu);
	el = tc_now();
	printf("event_del: %d, returned after the callback: %s\n", r, tc_yesno(slow_calls == 2 && el >= cb_end));
	pthread_mutex_unlock(&mu);

	printf("== event_free of a pending event from another thread\n");
	victim = event_new(sb, idle_pipe[0], EV_READ | EV_PERSIST, freed_cb, NULL);
	event_add(victim, NULL);
	usleep(20000);
	event_free(victim);
	if (write(idle_pipe[1], "x", 1) != 1)
		return 1;
	usleep(100000);
	printf("freed event's callback ran: %s\n", tc_yesno(freed_calls > 0));

	printf("== event_base_loopexit from another thread\n");
	t0 = tc_now();
	r = event_base_loopexit(sb, &tv10);
	pthread_join(sleeper, NULL);
	el = tc_now() - t0;
	printf("loopexit(10 ms): %d, dispatch returned %d, got_exit=%d, within [0.009, 1.5) s: %s\n", r,
	    loop_ret, event_base_got_exit(sb), tc_yesno(el >= 0.009 && el < 1.5));

	printf("== event_base_loopbreak from another thread\n");
	pthread_create(&sleeper, NULL, sleeper_main, NULL);
	usleep(100000);
	t0 = tc_now();
	r = event_base_loopbreak(sb);
	pthread_join(sleeper, NULL);
	el = tc_now() - t0;
	printf("loopbreak: %d, dispatch returned %d, got_break=%d, within 1.5 s: %s\n", r, loop_ret,
	    event_base_got_break(sb), tc_yesno(el < 1.5));

	event_free(idle);
	event_free(mark);
	event_free(storm_ev);
	event_free(slow);
	event_free(slow_timer);
	event_free(other);
	event_base_free(sb);
	printf("done\n");
	return 0;
}
