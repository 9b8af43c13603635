/*
 * mem_given_back.c - memory a program frees goes back to the system once the
 * loop idles (issue 11). With libevent, glibc returns the top of its heap as
 * soon as it is freed; goevent's core must not pin that heap when it starts
 * (it did: its start left small blocks at the top while the timers were
 * live). Two rounds, each measured as the process RSS after 1.2 s of idling
 * in the loop minus the RSS before the timers:
 *   - 300 000 timers added before the base's first dispatch (a program's
 *     start-up order: the core starts while they exist), half deleted, half
 *     fired, all freed;
 *   - the same with the loop already run once.
 * Each round runs in a child of its own (forked before any libevent call).
 * Prints whether each kept less than 16 MiB (both libraries keep 2-5 MiB;
 * the unfixed core kept 47 MiB in the first round). What the core's own
 * memory gives back is checked by tests/c/ours/mem_given_back_bufs.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

#define NTIMERS 300000
#define BOUND_MIB 16.0

static long fired;
static void fire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	fired++;
}

static void rss_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	*(long *)arg = tc_rss_bytes();
}

/* The RSS after 1.2 s of idling in base's loop. The timer event is made
 * with the base, before the memory under test, and only added afterwards:
 * a block malloc'ed after that memory may land above it in glibc's heap and
 * keep glibc from trimming it (libevent then keeps it too). */
static long idle_rss_;
static struct event *idle_ev;

static void idle_rss_make(struct event_base *base)
{
	idle_ev = evtimer_new(base, rss_cb, &idle_rss_);
	if (!idle_ev)
		printf("evtimer_new failed\n");
}

static long idle_rss(struct event_base *base)
{
	struct timeval tv = { 1, 200000 };
	idle_rss_ = 0;
	if (evtimer_add(idle_ev, &tv) < 0 || event_base_dispatch(base) < 0)
		printf("idle loop failed\n");
	event_free(idle_ev);
	return idle_rss_;
}

static void timers_round(int running)
{
	struct event_base *base = event_base_new();
	struct event **ev = malloc(NTIMERS * sizeof *ev);
	long before, after, i;
	if (!base || !ev) {
		printf("setup failed\n");
		exit(1);
	}
	idle_rss_make(base);
	if (running)
		event_base_loop(base, EVLOOP_NONBLOCK);
	before = tc_rss_bytes();
	fired = 0;
	for (i = 0; i < NTIMERS; i++) {
		struct timeval tv = { 0, 10000 + (i * 7919) % 50000 };
		ev[i] = evtimer_new(base, fire_cb, NULL);
		if (!ev[i] || evtimer_add(ev[i], &tv) < 0) {
			printf("evtimer_new/add failed\n");
			exit(1);
		}
	}
	for (i = 0; i < NTIMERS; i += 2)
		event_del(ev[i]);
	event_base_dispatch(base);
	for (i = 0; i < NTIMERS; i++)
		event_free(ev[i]);
	free(ev);
	after = idle_rss(base);
	printf("timers (%s): half fired: %s, kept under %.0f MiB: %s\n",
	    running ? "loop run first" : "added before the first dispatch",
	    tc_yesno(fired == NTIMERS / 2), BOUND_MIB, tc_yesno((after - before) / 1048576.0 < BOUND_MIB));
	event_base_free(base);
}

/* Each round in a child of its own: glibc's heap and its thresholds (which
 * move as memory is freed) and the core start fresh every time. */
static void in_child(void (*round)(int), int arg)
{
	int status = 0;
	pid_t pid = fork();
	if (pid == 0) {
		round(arg);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("round failed\n");
}

int main(void)
{
	tc_alarm("mem_given_back", 30);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tc_debug_mode()) {
		/* Debug mode's table of events grows with them and stays (libevent
		 * then keeps 20-40 MiB here as well). */
		printf("skipped: debug mode keeps a table of every event\n");
		return 77;
	}
	in_child(timers_round, 0);
	in_child(timers_round, 1);
	return 0;
}
