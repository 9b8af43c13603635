/* Events added and deleted before the base's first dispatch: deleting the
 * first, two neighbours in the middle and the last of many pending events, deleting one twice,
 * re-adding a deleted one and rescheduling a pending one, then dispatching:
 * exactly the events still pending fire, timers in deadline order.
 * (goevent keeps these on a list in C until the base is first used; this
 * pins its unlinking at either end and in the middle.) */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

#define N 8

static char order[64];

static void cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[4];
	size_t len = strlen(order);
	if ((what & EV_READ) && read(fd, buf, sizeof(buf)) < 0) { /* nothing to drain */ }
	if (len + 3 < sizeof(order)) {
		order[len] = *(const char *)arg;
		order[len + 1] = (what & EV_READ) ? 'r' : 't';
		order[len + 2] = 0;
	}
}

/* Only event_pending here: asking the base for counts would hand it to the
 * core early (in goevent), and the point is to test the time before that. */
static void show_pending(const char *when, struct event **ev, struct event *io)
{
	static const char names[N] = "ABCDEFGH";
	char s[N + 2];
	int i, n = 0;
	for (i = 0; i < N; i++)
		if (event_pending(ev[i], EV_TIMEOUT, NULL))
			s[n++] = names[i];
	if (event_pending(io, EV_READ, NULL))
		s[n++] = 'I';
	s[n] = 0;
	printf("pending %s: %s\n", when, s);
}

int main(void)
{
	static const char names[N] = "ABCDEFGH";
	struct event_base *base;
	struct event *ev[N], *io;
	int sv[2], i, r;

	tc_alarm("preload_del", 10);
	base = event_base_new();
	if (!base || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);

	/* timer i fires after (N - i) * 10 ms: reverse of adding order */
	for (i = 0; i < N; i++) {
		struct timeval tv = {0, (N - i) * 10000};
		ev[i] = evtimer_new(base, cb, (void *)&names[i]);
		r = evtimer_add(ev[i], &tv);
		if (r != 0)
			printf("add %c: %d\n", names[i], r);
	}
	io = event_new(base, sv[0], EV_READ, cb, (void *)"I");
	event_add(io, NULL);

	printf("del A (first): %d\n", event_del(ev[0]));
	printf("del D (middle): %d\n", event_del(ev[3]));
	printf("del E (middle, after its neighbour): %d\n", event_del(ev[4]));
	printf("del io (last): %d\n", event_del(io));
	printf("del E again: %d\n", event_del(ev[4]));
	show_pending("after deletes", ev, io);

	{
		struct timeval t5 = {0, 5000}, t200 = {0, 200000};
		printf("re-add E at 5 ms: %d\n", evtimer_add(ev[4], &t5));
		printf("reschedule B to 200 ms: %d\n", evtimer_add(ev[1], &t200));
	}
	printf("del H then re-add io: %d %d\n", event_del(ev[N - 1]), event_add(io, NULL));
	if (write(sv[1], "x", 1) != 1)
		return 1;
	show_pending("at dispatch", ev, io);

	r = event_base_dispatch(base);
	printf("dispatch: %d, fired: %s\n", r, order);

	for (i = 0; i < N; i++)
		event_free(ev[i]);
	event_free(io);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
