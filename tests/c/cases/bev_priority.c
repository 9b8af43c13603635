/* bev_priority: bufferevent_get_priority/priority_set on a base with three
 * priorities: the default (npriorities/2), valid and out-of-range values,
 * refusal while an event is active, base_set resetting the priority, and the
 * order of callbacks of bufferevents at different priorities. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static char log_[256];

static void readcb(struct bufferevent *b, void *arg)
{
	char m[32];
	snprintf(m, sizeof(m), "%s ", (const char *)arg);
	strcat(log_, m);
	evbuffer_drain(bufferevent_get_input(b), 1000);
}

int main(void)
{
	struct event_base *base, *base1;
	struct bufferevent *b[3];
	int sv[3][2], i, r;
	static const char *names[3] = {"low", "high", "mid"};
	static const int pris[3] = {2, 0, 1};

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_priority", 20);
	base = event_base_new();
	r = event_base_priority_init(base, 3);
	printf("priority_init(3): %d\n", r);
	for (i = 0; i < 3; i++) {
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) != 0)
			return 1;
		evutil_make_socket_nonblocking(sv[i][0]);
		b[i] = bufferevent_socket_new(base, sv[i][0], BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(b[i], readcb, NULL, NULL, (void *)names[i]);
	}
	printf("default: %d\n", bufferevent_get_priority(b[0]));
	r = bufferevent_priority_set(b[0], 2);
	printf("priority_set(2): %d -> %d\n", r, bufferevent_get_priority(b[0]));
	r = bufferevent_priority_set(b[0], 3);
	printf("priority_set(3): %d -> %d\n", r, bufferevent_get_priority(b[0]));
	r = bufferevent_priority_set(b[0], -1);
	printf("priority_set(-1): %d -> %d\n", r, bufferevent_get_priority(b[0]));
	for (i = 0; i < 3; i++) {
		r = bufferevent_priority_set(b[i], pris[i]);
		bufferevent_enable(b[i], EV_READ);
		if (send(sv[i][1], "x", 1, 0) != 1)
			return 1;
	}
	usleep(10000);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("read order: %s\n", log_);

	printf("== base_set resets the priority\n");
	base1 = event_base_new();
	bufferevent_disable(b[0], EV_READ);
	r = bufferevent_base_set(base1, b[0]);
	printf("base_set: %d priority %d\n", r, bufferevent_get_priority(b[0]));
	for (i = 0; i < 3; i++) {
		bufferevent_free(b[i]);
		close(sv[i][1]);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base1, EVLOOP_NONBLOCK);
	event_base_free(base1);
	event_base_free(base);
	printf("done\n");
	return 0;
}
