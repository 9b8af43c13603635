/* bev.h — helpers shared by the bufferevent cases in tests/c/cases (run.sh
 * puts this folder on the include path): a line of callback notes printed at
 * checkpoints, and a dispatch bounded by a guard timer.
 *
 * Same rules as testcase.h: `static inline`, only libevent's public API and
 * libc (the cases are built against the real libevent as well), names start
 * with tc_. */
#ifndef GOEVENT_TESTS_C_BEV_H
#define GOEVENT_TESTS_C_BEV_H

#include <event2/event.h>

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

/* ---- callback notes ------------------------------------------------------ */

/* Callbacks append words with tc_note; tc_show prints them after a label as
 * "label: w1 w2 " and starts a new line. Words that no longer fit in the
 * buffer are dropped. */
static char tc_notes_[1024];

static inline void tc_note(const char *s)
{
	if (strlen(tc_notes_) + strlen(s) + 2 < sizeof(tc_notes_)) {
		strcat(tc_notes_, s);
		strcat(tc_notes_, " ");
	}
}

/* 1 if something was noted since the last tc_show. */
static inline int tc_noted(void) { return tc_notes_[0] != 0; }

static inline void tc_show(const char *what)
{
	printf("%s: %s\n", what, tc_notes_);
	tc_notes_[0] = 0;
}

/* ---- bounded dispatch --------------------------------------------------- */

/* 1 if the guard timer ended the last tc_dispatch_for, 0 if a callback did. */
static int tc_guard_fired;

static inline void tc_guard_cb_(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tc_guard_fired = 1;
	event_base_loopbreak((struct event_base *)arg);
}

/* Dispatches base until a callback breaks the loop, at most ms milliseconds.
 * The guard timer is freed afterwards, so no stale loop exit remains.
 * Returns event_base_dispatch's result. */
static inline int tc_dispatch_for(struct event_base *base, int ms)
{
	struct timeval tv;
	struct event *g = evtimer_new(base, tc_guard_cb_, base);
	int r;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	tc_guard_fired = 0;
	evtimer_add(g, &tv);
	r = event_base_dispatch(base);
	event_free(g);
	return r;
}

#endif /* GOEVENT_TESTS_C_BEV_H */
