/*
 * mem_given_back_bufs.c - goevent only: the core's own memory goes back to
 * the system once the loop idles (issue 11). Evbuffer data, evbuffer and
 * bufferevent handles live in the core's arenas (internal/cmem) and its Go
 * objects in the Go heap; neither gave anything back before (a server's
 * memory stayed at its peak forever). glibc returns what libevent frees as
 * it can, so libevent's figure depends on the order of its mallocs; we check
 * ours only: 64 MiB of evbuffer data in 256 buffers and 5000 bufferevent
 * pairs with data in flight, all freed, then 1.2 s of idling in the loop:
 * RSS after minus RSS before must stay under 16 MiB (about 2 MiB now, 75 MiB
 * before). Also: the memory is used again afterwards (the same again keeps
 * the RSS in bounds), and an idle loop does not trim forever (it blocks).
 * Exit 0 when every check holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

#define NBUFS 256
#define BUFSZ (256 * 1024)
#define NPAIRS 5000
#define BOUND_MIB 16.0

static void rss_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	*(long *)arg = tc_rss_bytes();
}

/* Fills and frees NBUFS evbuffers and NPAIRS bufferevent pairs; 1 if all
 * went well. */
static int churn(struct event_base *base)
{
	static struct evbuffer *bufs[NBUFS];
	static struct bufferevent *pairs[NPAIRS][2];
	static char chunk[4096];
	int i, j, ok = 1;
	memset(chunk, 'x', sizeof chunk);
	for (i = 0; i < NBUFS; i++) {
		bufs[i] = evbuffer_new();
		for (j = 0; j < BUFSZ / (int)sizeof chunk; j++)
			ok &= bufs[i] && evbuffer_add(bufs[i], chunk, sizeof chunk) == 0;
	}
	for (i = 0; i < NPAIRS; i++) {
		ok &= bufferevent_pair_new(base, 0, pairs[i]) == 0;
		bufferevent_enable(pairs[i][1], EV_READ);
		ok &= bufferevent_write(pairs[i][0], chunk, 1000) == 0;
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	for (i = 0; i < NPAIRS; i++) {
		ok &= evbuffer_get_length(bufferevent_get_input(pairs[i][1])) == 1000;
		bufferevent_free(pairs[i][0]);
		bufferevent_free(pairs[i][1]);
	}
	for (i = 0; i < NBUFS; i++)
		evbuffer_free(bufs[i]);
	return ok;
}

/* RSS after idling 1.2 s in the loop. */
static long idle_rss(struct event_base *base)
{
	long rss = 0;
	struct timeval tv = { 1, 200000 };
	if (event_base_once(base, -1, EV_TIMEOUT, rss_cb, &rss, &tv) < 0 || event_base_dispatch(base) < 0)
		return 0;
	return rss;
}

int main(void)
{
	struct event_base *base;
	long before, peak, after, again;
	double t0, cpu;

	tc_alarm("mem_given_back_bufs", 30);
	setvbuf(stdout, NULL, _IOLBF, 0);
	base = event_base_new();
	event_base_loop(base, EVLOOP_NONBLOCK); /* the core is started */
	idle_rss(base);
	before = tc_rss_bytes();
	TC_CHECK("buffers and pairs made, data moved", churn(base));
	peak = tc_rss_bytes();
	after = idle_rss(base);
	printf("# RSS before %.1f MiB, after freeing %.1f MiB, after idling %.1f MiB\n",
	    before / 1048576.0, peak / 1048576.0, after / 1048576.0);
	TC_CHECK("the memory was in use", (peak - before) / 1048576.0 > 2 * BOUND_MIB);
	TC_CHECK("after 1.2 s of idling the RSS is within 16 MiB of before", after > 0 && (after - before) / 1048576.0 < BOUND_MIB);

	TC_CHECK("the same again", churn(base));
	again = idle_rss(base);
	printf("# RSS after the second round %.1f MiB\n", again / 1048576.0);
	TC_CHECK("and again within 16 MiB of before", again > 0 && (again - before) / 1048576.0 < BOUND_MIB);

	/* Idle with nothing to give back: the loop sleeps (no trimming in a
	 * busy loop of short waits). */
	t0 = tc_mono();
	cpu = (double)clock() / CLOCKS_PER_SEC;
	idle_rss(base);
	cpu = (double)clock() / CLOCKS_PER_SEC - cpu;
	printf("# idle 1.2 s: %.3f s wall, %.3f s CPU\n", tc_mono() - t0, cpu);
	TC_CHECK("an idle loop uses under 5 % of a CPU", cpu < 0.06);
	event_base_free(base);
	return tc_exit_status();
}
