/* bev_misc: bufferevent_flush, get/set_max_single_read/write,
 * get_max_to_read/write, get_priority/priority_set, base_set, setfd with
 * reading enabled, the write callback after enable(EV_WRITE) with an empty
 * output, and the compat bufferevent_new on event_init's base. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static int reads, writes, events;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	reads++;
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	writes++;
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)b; (void)arg;
	events++;
	printf("  eventcb: 0x%02x\n", what);
}

static void drain_read(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	printf("  readcb: '%s'\n", buf);
	reads++;
}

static size_t peer_read(int fd)
{
	char buf[65536];
	size_t got = 0;
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	return got;
}

static void pair(int sv[2])
{
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(1);
	evutil_make_socket_nonblocking(sv[0]);
}

int main(void)
{
	struct event_base *base, *base2, *cur;
	struct bufferevent *b;
	int sv[2], sv2[2], r;
	char big[1000];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_misc", 20);
	signal(SIGPIPE, SIG_IGN);
	memset(big, 'q', sizeof(big));
	base = event_base_new();
	pair(sv);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, writecb, eventcb, NULL);

	printf("== flush\n");
	printf("flush(WRITE, BEV_NORMAL): %d\n", bufferevent_flush(b, EV_WRITE, BEV_NORMAL));
	printf("flush(WRITE, BEV_FLUSH): %d\n", bufferevent_flush(b, EV_WRITE, BEV_FLUSH));
	printf("flush(READ|WRITE, BEV_FINISHED): %d\n", bufferevent_flush(b, EV_READ | EV_WRITE, BEV_FINISHED));

	printf("== max single read/write\n");
	printf("defaults: read %ld write %ld to_read %ld to_write %ld\n", (long)bufferevent_get_max_single_read(b),
	    (long)bufferevent_get_max_single_write(b), (long)bufferevent_get_max_to_read(b),
	    (long)bufferevent_get_max_to_write(b));
	r = bufferevent_set_max_single_read(b, 100);
	printf("set_max_single_read(100): %d -> %ld to_read %ld\n", r, (long)bufferevent_get_max_single_read(b),
	    (long)bufferevent_get_max_to_read(b));
	r = bufferevent_set_max_single_write(b, 10);
	printf("set_max_single_write(10): %d -> %ld to_write %ld\n", r, (long)bufferevent_get_max_single_write(b),
	    (long)bufferevent_get_max_to_write(b));
	bufferevent_enable(b, EV_READ);
	if (send(sv[1], big, sizeof(big), 0) != (ssize_t)sizeof(big))
		return 1;
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("one pass with 1000 bytes waiting: input=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_input(b)));
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("two passes: input=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_input(b)));
	bufferevent_write(b, big, 100);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("one pass with 100 bytes to write: peer got %u\n", (unsigned)peer_read(sv[1]));
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("until idle: peer got %u more, output=%u writes=%d\n", (unsigned)peer_read(sv[1]),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(b)), writes);
	r = bufferevent_set_max_single_read(b, 0);
	printf("set_max_single_read(0): %d -> %ld\n", r, (long)bufferevent_get_max_single_read(b));
	r = bufferevent_set_max_single_write(b, SIZE_MAX);
	printf("set_max_single_write(SIZE_MAX): %d -> %ld\n", r, (long)bufferevent_get_max_single_write(b));
	r = bufferevent_set_max_single_write(b, 0);
	printf("set_max_single_write(0): %d -> %ld\n", r, (long)bufferevent_get_max_single_write(b));
	bufferevent_free(b);
	close(sv[1]);

	printf("== enable(EV_WRITE) with an empty output\n");
	pair(sv);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, readcb, writecb, eventcb, NULL);
	writes = 0;
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("new bufferevent, EV_WRITE enabled but never enabled by a call: writes=%d\n", writes);
	r = bufferevent_enable(b, EV_WRITE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("enable(EV_WRITE): %d writes=%d\n", r, writes);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("another pass: writes=%d\n", writes);
	bufferevent_enable(b, EV_WRITE);
	bufferevent_enable(b, EV_WRITE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("enable twice: writes=%d\n", writes);
	bufferevent_disable(b, EV_WRITE);
	bufferevent_write(b, "x", 1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("write while disabled: writes=%d peer got %u\n", writes, (unsigned)peer_read(sv[1]));
	bufferevent_enable(b, EV_WRITE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("enable: writes=%d peer got %u\n", writes, (unsigned)peer_read(sv[1]));

	printf("== setfd with reading enabled\n");
	pair(sv2);
	bufferevent_setcb(b, drain_read, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	writes = 0;
	r = bufferevent_setfd(b, sv2[0]);
	printf("setfd: %d getfd new: %s enabled=0x%02x\n", r, bufferevent_getfd(b) == sv2[0] ? "yes" : "no",
	    bufferevent_get_enabled(b));
	if (send(sv2[1], "via-new", 7, 0) != 7 || send(sv[1], "via-old", 7, 0) != 7)
		return 1;
	event_base_loop(base, EVLOOP_NONBLOCK);
	bufferevent_free(b); /* closes sv2[0] */
	close(sv[0]);
	close(sv[1]);
	close(sv2[1]);

	printf("== priorities (one priority; more in bev_priority)\n");
	base2 = event_base_new();
	pair(sv);
	b = bufferevent_socket_new(base2, sv[0], BEV_OPT_CLOSE_ON_FREE);
	printf("default priority: %d\n", bufferevent_get_priority(b));
	r = bufferevent_priority_set(b, 0);
	printf("priority_set(0): %d -> %d\n", r, bufferevent_get_priority(b));
	r = bufferevent_priority_set(b, 1);
	printf("priority_set(1): %d -> %d\n", r, bufferevent_get_priority(b));
	r = bufferevent_priority_set(b, -1);
	printf("priority_set(-1): %d -> %d\n", r, bufferevent_get_priority(b));

	printf("== base_set\n");
	r = bufferevent_base_set(base, b);
	printf("base_set to another base: %d get_base ok: %s priority now %d\n", r,
	    bufferevent_get_base(b) == base ? "yes" : "no", bufferevent_get_priority(b));
	bufferevent_setcb(b, drain_read, NULL, eventcb, NULL);
	bufferevent_enable(b, EV_READ);
	if (send(sv[1], "on-base1", 8, 0) != 8)
		return 1;
	event_base_loop(base2, EVLOOP_NONBLOCK);
	printf("base2 ran\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("base1 ran\n");
	r = bufferevent_base_set(base2, b);
	printf("base_set while reading is pending: %d get_base still base1: %s\n", r,
	    bufferevent_get_base(b) == base ? "yes" : "no");
	bufferevent_free(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	close(sv[1]);
	event_base_free(base2);

	printf("== compat bufferevent_new on event_init's base\n");
	cur = event_init();
	pair(sv);
	reads = 0;
	b = bufferevent_new(sv[0], drain_read, writecb, eventcb, NULL);
	printf("bufferevent_new: %s\n", b ? "non-NULL" : "NULL");
	bufferevent_enable(b, EV_READ);
	bufferevent_write(b, "compat-out", 10);
	if (send(sv[1], "compat-in", 9, 0) != 9)
		return 1;
	event_loop(EVLOOP_NONBLOCK);
	event_loop(EVLOOP_NONBLOCK);
	{
		char buf[32];
		ssize_t n = recv(sv[1], buf, sizeof(buf) - 1, MSG_DONTWAIT);
		buf[n > 0 ? n : 0] = 0;
		printf("peer got '%s'\n", buf);
	}
	bufferevent_free(b);
	event_loop(EVLOOP_NONBLOCK);
	close(sv[0]);
	close(sv[1]);
	event_base_free(cur);

	event_base_free(base);
	printf("done\n");
	return 0;
}
