/* loop_cancel: event_base_loop's wait is a pthread cancellation point, as
 * glibc's epoll_wait/poll that libevent calls: a thread blocked in
 * event_base_dispatch ends when cancelled, and a cancellation already
 * pending (deferred) is acted on by a non-blocking loop's poll. */
#define _GNU_SOURCE
#include <event2/event.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "testcase.h"

static int sv[2];
static volatile int reached_after;

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

/* Blocks in event_base_dispatch: a read event nobody writes to. */
static void *blocked(void *arg)
{
	struct event_base *base = arg;
	struct event *ev = event_new(base, sv[0], EV_READ | EV_PERSIST, read_cb, NULL);
	event_add(ev, NULL);
	event_base_dispatch(base);
	reached_after = 1;
	return NULL;
}

/* Polls once (warm), then with a cancellation of itself pending. */
static void *nonblocking(void *arg)
{
	struct event_base *base = arg;
	struct event *ev = event_new(base, sv[0], EV_READ | EV_PERSIST, read_cb, NULL);
	event_add(ev, NULL);
	event_base_loop(base, EVLOOP_NONBLOCK);
	pthread_cancel(pthread_self()); /* deferred: pending until a cancellation point */
	event_base_loop(base, EVLOOP_NONBLOCK);
	reached_after = 1;
	return NULL;
}

static const char *join(pthread_t t)
{
	struct timespec ts;
	void *ret = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	int r = pthread_timedjoin_np(t, &ret, &ts);
	if (r == ETIMEDOUT)
		return "still running";
	if (r != 0)
		return "join failed";
	return ret == PTHREAD_CANCELED ? "cancelled" : "returned";
}

int main(void)
{
	tc_alarm("loop_cancel", 15);
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);

	struct event_base *b1 = event_base_new();
	pthread_t t;
	pthread_create(&t, NULL, blocked, b1);
	usleep(200 * 1000); /* it is waiting by now */
	pthread_cancel(t);
	printf("blocked in dispatch, cancelled: %s, after the loop: %s\n", join(t), tc_yesno(reached_after));

	reached_after = 0;
	struct event_base *b2 = event_base_new();
	pthread_create(&t, NULL, nonblocking, b2);
	printf("EVLOOP_NONBLOCK with a cancellation pending: %s, after the loop: %s\n", join(t),
	    tc_yesno(reached_after));
	/* The bases stay: their loops were left in the middle. */
	return 0;
}
