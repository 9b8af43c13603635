/*
 * event_fd_many.c - the number of events on one fd: libevent counts the
 * readers, writers and closers of an fd in 16 bits and refuses the 65 536th
 * of a kind (event_add returns -1 with a warning); the other kinds are
 * still accepted, and deleting one makes room again. goevent's fd table has
 * the same counts (and 24-byte slots). The loop runs once first (goevent's
 * core counts; events added before the first dispatch wait in the C layer,
 * which does not: docs/DIFFERENCES.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "testcase.h"

#define LIMIT 65535

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

int main(void)
{
	static struct event *ev[LIMIT + 1];
	struct event_base *base;
	struct event *w, *extra;
	int sv[2], i, added = 0, r, logged;

	tc_alarm("event_fd_many", 20);
	tc_log_capture();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	base = event_base_new();
	event_base_loop(base, EVLOOP_NONBLOCK);
	for (i = 0; i < LIMIT; i++) {
		ev[i] = event_new(base, sv[0], EV_READ | EV_PERSIST, cb, NULL);
		if (!ev[i] || event_add(ev[i], NULL) != 0)
			break;
		added++;
	}
	printf("readers added: %d\n", added);
	tc_log_reset();
	ev[LIMIT] = event_new(base, sv[0], EV_READ, cb, NULL);
	r = event_add(ev[LIMIT], NULL);
	logged = tc_log_.n > 0;
	printf("one more reader: %d, logged: %s, pending: %s\n", r, tc_yesno(logged),
	    tc_yesno(event_pending(ev[LIMIT], EV_READ, NULL)));
	w = event_new(base, sv[0], EV_WRITE, cb, NULL);
	printf("a writer on the same fd: %d\n", event_add(w, NULL));
	extra = event_new(base, sv[0], EV_READ | EV_WRITE, cb, NULL);
	printf("a reader-writer: %d\n", event_add(extra, NULL));
	event_del(ev[0]);
	printf("after deleting a reader, one more: %d\n", event_add(ev[LIMIT], NULL));
	printf("loop: %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	for (i = 0; i <= LIMIT; i++)
		if (ev[i])
			event_free(ev[i]);
	event_free(w);
	event_free(extra);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
