/* thread_del_persist: with evthread_use_pthreads, event_del from another
 * thread of a persistent event whose callback is running (each run takes a
 * quarter of a second and the event is ready again at once) returns when
 * that run finishes: no further run starts before it returns, and none
 * after. Two kinds of persistent event: a read event on an fd that stays
 * readable, and a persistent timer with a short interval. Also
 * event_free of such an event, and event_del_noblock (returns at once; the
 * run in progress finishes and no other starts). */
/* libs: libevent_core libevent_pthreads */
/* timeout: 40 */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int started, finished;

static int get(int *p)
{
	int v;
	pthread_mutex_lock(&mu);
	v = *p;
	pthread_mutex_unlock(&mu);
	return v;
}

static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	pthread_mutex_lock(&mu);
	started++;
	pthread_mutex_unlock(&mu);
	usleep(250000);
	pthread_mutex_lock(&mu);
	finished++;
	pthread_mutex_unlock(&mu);
}

static void *looper(void *arg)
{
	(void)arg;
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Before ev is added (no run in progress): counting starts from zero. */
static void reset(void)
{
	pthread_mutex_lock(&mu);
	started = finished = 0;
	pthread_mutex_unlock(&mu);
}

static int free_it(struct event *ev)
{
	event_free(ev);
	return 0;
}

/* After reset() and adding ev: waits for the second run of ev to start
 * (so the loop is in its rhythm), lets it run a little, deletes ev with del
 * and reports what ran. */
static void try_del(const char *name, struct event *ev, int (*del)(struct event *))
{
	int s0, s1, f1, r;
	double t = tc_mono();
	while (get(&started) < 2 && tc_mono() - t < 5)
		usleep(1000);
	usleep(50000);
	s0 = get(&started);
	r = del(ev);
	s1 = get(&started);
	f1 = get(&finished);
	printf("%s: %d\n", name, r);
	printf("  a run was in progress when it was called: %s\n", tc_yesno(s0 >= 2));
	printf("  no run started before it returned: %s\n", tc_yesno(s1 == s0));
	printf("  the run in progress had finished when it returned: %s\n", tc_yesno(f1 == s1));
	usleep(700000); /* over two more runs, had it not been deleted */
	printf("  runs started after it returned: %d\n", get(&started) - s1);
	printf("  runs finished after it returned: %d\n", get(&finished) - f1);
}

int main(void)
{
	struct event *ev;
	struct timeval tv = {0, 10000};
	int fds[2];
	pthread_t th;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_del_persist", 40);
	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	base = event_base_new();
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
		return 1;
	evutil_make_socket_nonblocking(fds[0]);
	pthread_create(&th, NULL, looper, NULL);
	usleep(50000);

	ev = event_new(base, fds[0], EV_READ | EV_PERSIST, slow_cb, NULL);
	reset();
	event_add(ev, NULL);
	try_del("event_del, readable fd", ev, event_del);
	reset();
	event_add(ev, NULL);
	try_del("event_free, readable fd", ev, free_it);

	ev = event_new(base, -1, EV_PERSIST, slow_cb, NULL);
	reset();
	event_add(ev, &tv);
	try_del("event_del, persistent timer", ev, event_del);
	reset();
	event_add(ev, &tv);
	try_del("event_del_block, persistent timer", ev, event_del_block);
	event_free(ev);

	ev = event_new(base, fds[0], EV_READ | EV_PERSIST, slow_cb, NULL);
	reset();
	event_add(ev, NULL);
	{
		int s0, r, f;
		double t = tc_mono();
		while (get(&started) < 2 && tc_mono() - t < 5)
			usleep(1000);
		usleep(50000);
		s0 = get(&started);
		r = event_del_noblock(ev);
		f = get(&finished);
		printf("event_del_noblock, readable fd: %d\n", r);
		printf("  returned before the run in progress finished: %s\n", tc_yesno(f < s0));
		usleep(700000);
		printf("  runs started after it returned: %d\n", get(&started) - s0);
		printf("  the run in progress finished: %s\n", tc_yesno(get(&finished) == s0));
	}
	event_free(ev);

	printf("loopbreak: %d\n", event_base_loopbreak(base));
	pthread_join(th, NULL);
	event_base_free(base);
	printf("done\n");
	return 0;
}
