/* thread_del: with evthread_use_pthreads, deleting an event from another
 * thread while the loop runs its callback: event_del waits for the callback
 * (unless the event has EV_FINALIZE), event_del_block always waits,
 * event_del_noblock never does; event_free waits like event_del; the loop's
 * own thread never waits (a callback deleting itself). */
/* libs: libevent_core libevent_pthreads */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int started, finished, self_del_ret = 99;
static double t_finished;

static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	pthread_mutex_lock(&mu);
	started++;
	pthread_mutex_unlock(&mu);
	usleep(400000); /* long enough that a deleting thread delayed by load still returns first when it should */
	pthread_mutex_lock(&mu);
	finished++;
	t_finished = tc_now();
	pthread_mutex_unlock(&mu);
}

static void self_del_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = arg;
	(void)fd; (void)what;
	self_del_ret = event_del(self);
}

static void *looper(void *arg)
{
	(void)arg;
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static int get(int *p)
{
	int v;
	pthread_mutex_lock(&mu);
	v = *p;
	pthread_mutex_unlock(&mu);
	return v;
}

/* Activates ev, waits until its callback started, deletes it with del, and
 * reports whether the deletion returned after the callback finished. */
static void try_del(const char *name, struct event *ev, int (*del)(struct event *))
{
	int before = get(&finished), r, after;
	double t;
	event_active(ev, EV_READ, 0);
	t = tc_now();
	while (get(&started) <= before && tc_now() - t < 2)
		usleep(1000);
	usleep(20000);
	r = del(ev);
	t = tc_now();
	after = get(&finished);
	printf("%s: %d, returned after the callback: %s\n", name, r, tc_yesno(after > before && t >= t_finished));
	t = tc_now();
	while (get(&finished) <= before && tc_now() - t < 2) /* let it end before the next try */
		usleep(1000);
}

static int free_it(struct event *ev)
{
	event_free(ev);
	return 0;
}

int main(void)
{
	struct event *ev, *fin, *self;
	pthread_t th;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_del", 20);
	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	base = event_base_new();
	ev = event_new(base, -1, 0, slow_cb, NULL);
	fin = event_new(base, -1, EV_FINALIZE, slow_cb, NULL);
	self = event_new(base, -1, 0, self_del_cb, NULL);
	event_assign(self, base, -1, 0, self_del_cb, self);
	pthread_create(&th, NULL, looper, NULL);
	usleep(50000);

	try_del("event_del", ev, event_del);
	try_del("event_del_block", ev, event_del_block);
	try_del("event_del_noblock", ev, event_del_noblock);
	try_del("event_del, EV_FINALIZE event", fin, event_del);
	try_del("event_del_block, EV_FINALIZE event", fin, event_del_block);
	try_del("event_free", ev, free_it);

	event_active(self, EV_READ, 0);
	usleep(100000);
	printf("event_del of itself in its callback: %d\n", self_del_ret);

	printf("loopbreak: %d\n", event_base_loopbreak(base));
	pthread_join(th, NULL);
	event_free(fin);
	event_free(self);
	event_base_free(base);
	printf("done\n");
	return 0;
}
