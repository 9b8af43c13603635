/*
 * fork_restart.c - goevent only: children forked after the Go core ran
 * start a fresh core of their own (capi/gocore/lazystart).
 *
 *  A. While another thread runs a busy loop (a 1 ms timer sending a
 *     message round a bufferevent pair), the main thread forks children; each runs a pair echo and a
 *     timer on a new base, forks a grandchild that does the same, and exits.
 *  B. In a child, the parent's base is stale: event_add on its events is
 *     refused with a message, event_del and event_base_free work.
 *  C. A child forked inside a loop callback cannot start the core before
 *     that callback returns (refused with a message); when it returns, the
 *     inherited loop call ends (-1 and a message: no loopexit was asked),
 *     and then the child's own base works.
 * Every child has an alarm; the program exits 1 if any child fails or hangs.
 */
/* timeout: 60 */
#include <pthread.h>
#include <sys/wait.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "testcase.h"
#include "fork.h"

#define NCHILD 30

/* ---- A: a busy loop on another thread while main forks ---- */

static volatile int stop;
static struct event_base *busy_base;

static struct bufferevent *busy_pair[2];

/* Every millisecond a message goes round the pair (echoed, then drained). */
static void busy_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	bufferevent_write(busy_pair[0], "tick", 4);
	evbuffer_drain(bufferevent_get_input(busy_pair[0]), 1 << 20);
}

static void *busy_loop(void *arg)
{
	struct timeval ms = {0, 1000};
	(void)arg;
	bufferevent_pair_new(busy_base, 0, busy_pair);
	bufferevent_setcb(busy_pair[1], tc_echo_cb, NULL, NULL, NULL);
	bufferevent_enable(busy_pair[0], EV_READ);
	bufferevent_enable(busy_pair[1], EV_READ);
	struct event *t = event_new(busy_base, -1, EV_PERSIST, busy_tick, NULL);
	event_add(t, &ms);
	while (!stop)
		event_base_loop(busy_base, EVLOOP_ONCE);
	event_free(t);
	bufferevent_free(busy_pair[0]);
	bufferevent_free(busy_pair[1]);
	return NULL;
}

static int wait_ok(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void part_a(void)
{
	pthread_t th;
	int bad = 0;
	busy_base = event_base_new();
	pthread_create(&th, NULL, busy_loop, NULL);
	usleep(20000);
	for (int i = 0; i < NCHILD; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			alarm(10);
			if (tc_small_loop() != 0)
				_exit(2);
			pid_t g = fork();
			if (g == 0) {
				alarm(10);
				_exit(tc_small_loop() == 0 ? 0 : 2);
			}
			_exit(wait_ok(g) ? 0 : 3);
		}
		bad += !wait_ok(pid);
	}
	stop = 1;
	pthread_join(th, NULL);
	event_base_free(busy_base);
	TC_CHECK("children and grandchildren of a busy process run loops of their own", bad == 0);
	if (bad)
		printf("     %d of %d children failed\n", bad, NCHILD);
}

/* ---- B: the parent's base in a child ---- */

static void part_b(void)
{
	struct event_base *base = event_base_new();
	struct timeval tv = {0, 1000};
	int fired = 0;
	struct event *t = evtimer_new(base, tc_count_cb, &fired);
	evtimer_add(t, &tv);
	event_base_dispatch(base); /* the core has the base */
	evtimer_add(t, &tv);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(10);
		tc_log_capture();
		TC_EXPECT_WARN("event_add on the parent's base", event_add(t, &tv), -1);
		TC_CHECK("event_del on the parent's base", event_del(t) == 0);
		event_free(t);
		event_base_free(base);
		TC_CHECK("then a base of its own works", tc_small_loop() == 0);
		_exit(tc_exit_status());
	}
	TC_CHECK("B: the child reported no failure", wait_ok(pid));
	event_free(t);
	event_base_free(base);
}

/* ---- C: forked inside a callback ---- */

static pid_t c_child;

static void forking_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bufferevent *pair[2];
	(void)fd; (void)what; (void)arg;
	fflush(stdout);
	c_child = fork();
	if (c_child == 0) {
		alarm(10);
		tc_log_capture();
		TC_EXPECT_WARN("the core inside the inherited callback",
		    bufferevent_pair_new(event_base_new(), 0, pair), -1);
	}
}

static void part_c(void)
{
	struct event_base *base = event_base_new();
	struct timeval tv = {0, 1000};
	struct event *t = evtimer_new(base, forking_cb, NULL);
	evtimer_add(t, &tv);
	tc_log_capture();
	int r = event_base_dispatch(base);
	if (c_child == 0) {
		TC_CHECK("the inherited loop call ends with -1", r == -1);
		TC_CHECK("and says why", tc_log_.by_severity[EVENT_LOG_WARN] >= 2);
		TC_CHECK("then a base of its own works", tc_small_loop() == 0);
		_exit(tc_exit_status());
	}
	TC_CHECK("C: the parent's loop ended normally", r == 1);
	TC_CHECK("C: the child reported no failure", wait_ok(c_child));
	event_free(t);
	event_base_free(base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("fork_restart", 55);
	part_a();
	part_b();
	part_c();
	return tc_exit_status();
}
