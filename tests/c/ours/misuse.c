/*
 * misuse.c - goevent only: bad input gets libevent's failure value and a
 * message through the log callback, never a crash. (Debian's libevent
 * crashes on most of these, so there is no transcript to compare with: the
 * program checks each expectation itself and exits 1 on the first miss.)
 */
/* debug-mode: skip: it hands libevent events never set up, which debug mode rejects fatally by design */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "testcase.h"

static void noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

int main(void)
{
	tc_log_capture();

	/* NULL handles. */
	TC_EXPECT_WARN("event_add(NULL)", event_add(NULL, NULL), -1);
	TC_EXPECT_WARN("event_del(NULL)", event_del(NULL), -1);
	TC_EXPECT_WARN("event_base_loop(NULL)", event_base_loop(NULL, 0), -1);
	TC_EXPECT_WARN("event_base_dispatch(NULL)", event_base_dispatch(NULL), -1);
	TC_EXPECT_WARN("event_base_loopexit(NULL)", event_base_loopexit(NULL, NULL), -1);
	TC_EXPECT_WARN("event_base_loopbreak(NULL)", event_base_loopbreak(NULL), -1);
	TC_EXPECT_WARN("evbuffer_add(NULL)", evbuffer_add(NULL, "x", 1), -1);
	TC_EXPECT_WARN("evbuffer_drain(NULL)", evbuffer_drain(NULL, 1), -1);
	TC_EXPECT_WARN("evbuffer_remove(NULL)", evbuffer_remove(NULL, (char[4]){0}, 4), -1);
	TC_EXPECT_WARN("evbuffer_copyout(NULL)", evbuffer_copyout(NULL, (char[4]){0}, 4), -1);
	TC_EXPECT_WARN("evbuffer_pullup(NULL)", evbuffer_pullup(NULL, -1) != NULL, 0);
	TC_EXPECT_WARN("evbuffer_get_length(NULL)", evbuffer_get_length(NULL), 0);
	TC_EXPECT_WARN("bufferevent_write(NULL)", bufferevent_write(NULL, "x", 1), -1);
	TC_EXPECT_WARN("bufferevent_enable(NULL)", bufferevent_enable(NULL, EV_READ), -1);
	TC_EXPECT_WARN("bufferevent_get_input(NULL)", bufferevent_get_input(NULL) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_getfd(NULL)", bufferevent_getfd(NULL), -1);
	TC_EXPECT_WARN("evconnlistener_get_fd(NULL)", evconnlistener_get_fd(NULL), -1);
	TC_EXPECT_WARN("evconnlistener_enable(NULL)", evconnlistener_enable(NULL), -1);
	TC_EXPECT_WARN("bufferevent_socket_new(NULL base)", bufferevent_socket_new(NULL, -1, 0) != NULL, 0);
	TC_EXPECT_LOGGED("evbuffer_free(NULL)", evbuffer_free(NULL));
	TC_EXPECT_LOGGED("bufferevent_free(NULL)", bufferevent_free(NULL));
	TC_EXPECT_LOGGED("evconnlistener_free(NULL)", evconnlistener_free(NULL));
	TC_EXPECT_LOGGED("event_free(NULL)", event_free(NULL));
	TC_EXPECT_LOGGED("event_base_free(NULL) with no current base", event_base_free(NULL));

	/* An event whose base was never set. */
	struct event loose;
	memset(&loose, 0, sizeof loose);
	TC_EXPECT_WARN("event_add on a zeroed struct event", event_add(&loose, NULL), -1);

	/* Signal and I/O in one event is refused at assignment. */
	struct event_base *base = event_base_new();
	struct event both;
	TC_EXPECT_WARN("event_assign(EV_SIGNAL|EV_READ)", event_assign(&both, base, SIGUSR1, EV_SIGNAL | EV_READ, noop_cb, NULL), -1);
	TC_EXPECT_WARN("event_base_once(EV_PERSIST)", event_base_once(base, -1, EV_TIMEOUT | EV_PERSIST, noop_cb, NULL, NULL), -1);
	TC_EXPECT_WARN("event_base_once(EV_SIGNAL)", event_base_once(base, SIGUSR1, EV_SIGNAL, noop_cb, NULL, NULL), -1);
	TC_EXPECT_WARN("event_gettime_monotonic(base, NULL)", event_gettime_monotonic(base, NULL), -1);
	TC_EXPECT_WARN("event_gettime_monotonic(NULL, tv)", event_gettime_monotonic(NULL, &(struct timeval){0, 0}), -1);
	{
		struct timeval ten = {10, 0};
		struct event *pend = evtimer_new(base, noop_cb, NULL);
		evtimer_add(pend, &ten);
		TC_EXPECT_WARN("event_base_set on a pending event", event_base_set(base, pend), -1);
		event_free(pend);
	}
	TC_EXPECT_WARN("evsignal on signal 1000", ({ struct event *e = evsignal_new(base, 1000, noop_cb, NULL); int r = event_add(e, NULL); event_free(e); r; }), -1);

	/* Double frees and use after free (caught while the memory is not reused). */
	struct evbuffer *buf = evbuffer_new();
	evbuffer_add(buf, "abc", 3);
	evbuffer_free(buf);
	TC_EXPECT_LOGGED("evbuffer_free twice", evbuffer_free(buf));
	TC_EXPECT_WARN("evbuffer_add after free", evbuffer_add(buf, "x", 1), -1);

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct bufferevent *bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_free(bev);
	TC_EXPECT_LOGGED("bufferevent_free twice", bufferevent_free(bev));
	TC_EXPECT_WARN("bufferevent_write after free", bufferevent_write(bev, "x", 1), -1);
	close(sv[1]);

	/* The reactor's entry points of event.h (libevent crashes on most). */
	TC_EXPECT_WARN("event_base_priority_init(NULL)", event_base_priority_init(NULL, 2), -1);
	TC_EXPECT_WARN("event_priority_init with no current base", event_priority_init(2), -1);
	TC_EXPECT_WARN("event_base_get_npriorities(NULL) with no current base", event_base_get_npriorities(NULL), 0);
	TC_EXPECT_WARN("event_priority_set on a zeroed event", event_priority_set(&loose, 0), -1);
	TC_EXPECT_WARN("event_priority_set(NULL)", event_priority_set(NULL, 0), -1);
	TC_EXPECT_WARN("event_base_get_num_events(NULL)", event_base_get_num_events(NULL, EVENT_BASE_COUNT_ADDED), 0);
	TC_EXPECT_WARN("event_base_get_max_events(NULL)", event_base_get_max_events(NULL, EVENT_BASE_COUNT_ADDED, 0), 0);
	TC_EXPECT_WARN("event_base_get_running_event(NULL)", event_base_get_running_event(NULL) != NULL, 0);
	TC_EXPECT_WARN("event_base_init_common_timeout(base, NULL)", event_base_init_common_timeout(base, NULL) != NULL, 0);
	TC_EXPECT_WARN("event_base_init_common_timeout(NULL base)", event_base_init_common_timeout(NULL, &(struct timeval){ 1, 0 }) != NULL, 0);
	TC_EXPECT_WARN("event_finalize(NULL)", event_finalize(0, NULL, NULL), -1);
	TC_EXPECT_WARN("event_free_finalize on a zeroed event", event_free_finalize(0, &loose, NULL), -1);
	TC_EXPECT_WARN("event_remove_timer(NULL)", event_remove_timer(NULL), -1);
	TC_EXPECT_WARN("event_remove_timer on a zeroed event", event_remove_timer(&loose), -1);
	TC_EXPECT_WARN("event_del_block(NULL)", event_del_block(NULL), -1);
	TC_EXPECT_WARN("event_del_noblock on a zeroed event", event_del_noblock(&loose), -1);
	TC_EXPECT_LOGGED("event_debug_unassign(NULL)", event_debug_unassign(NULL));
	TC_EXPECT_LOGGED("event_base_dump_events(base, NULL)", event_base_dump_events(base, NULL));
	TC_EXPECT_LOGGED("event_base_dump_events(NULL)", event_base_dump_events(NULL, stdout));
	TC_EXPECT_LOGGED("event_base_active_by_fd(NULL)", event_base_active_by_fd(NULL, 0, EV_READ));
	TC_EXPECT_LOGGED("event_base_active_by_signal(NULL)", event_base_active_by_signal(NULL, SIGUSR1));
	{
		/* A made-up common-timeout value (index 7 of a base with none). */
		struct event *t = event_new(base, -1, 0, noop_cb, NULL);
		struct timeval fake = { 0, 0x50700000 | 1000 };
		TC_EXPECT_WARN("event_add with a made-up common timeout", event_add(t, &fake), -1);
		struct timeval d = { 0, 0 };
		const struct timeval *last = NULL;
		for (int i = 0; i < 256; i++) {
			d.tv_usec = i + 1;
			last = event_base_init_common_timeout(base, &d);
		}
		if (!last) {
			printf("FAIL 256 common timeouts\n");
			tc_failures++;
		}
		d.tv_usec = 999;
		TC_EXPECT_WARN("257th common timeout", event_base_init_common_timeout(base, &d) != NULL, 0);
		event_free(t);
	}
	/* Outside a callback there is no running event (libevent dereferences NULL). */
	if (event_base_get_running_event(base) != NULL) {
		printf("FAIL event_base_get_running_event outside a callback\n");
		tc_failures++;
	} else {
		printf("ok   event_base_get_running_event outside a callback is NULL\n");
	}

	struct event *ev = event_new(base, -1, 0, noop_cb, NULL);
	event_base_free(base);
	TC_EXPECT_WARN("event_base_gettimeofday_cached on a freed base", event_base_gettimeofday_cached(base, &(struct timeval){ 0, 0 }), -1);
	TC_EXPECT_WARN("event_base_loopcontinue on a freed base", event_base_loopcontinue(base), -1);
	TC_EXPECT_WARN("event_base_priority_init on a freed base", event_base_priority_init(base, 2), -1);
	TC_EXPECT_WARN("event_add to a freed base", event_add(ev, NULL), -1);
	TC_EXPECT_WARN("event_base_dispatch on a freed base", event_base_dispatch(base), -1);
	free(ev); /* event_free would consult the freed base */

	printf("%d failures\n", tc_failures);
	return tc_exit_status();
}
