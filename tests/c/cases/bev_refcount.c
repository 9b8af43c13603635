/* bev_refcount: bufferevent_incref/decref (return values, free with extra
 * references: callbacks cleared, object kept), bufferevent_free inside the
 * read, write and event callbacks and with deferred callbacks queued,
 * BEV_OPT_CLOSE_ON_FREE closing from the loop, bufferevent_getcb. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static int reads, writes, events;
static int free_in; /* 1 read, 2 write, 3 event */
static int keep_ref;
static int decref_result = 99;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)arg;
	reads++;
	if (keep_ref)
		bufferevent_incref(b);
	if (free_in == 1) {
		bufferevent_free(b);
		/* still usable until this callback returns */
		printf("  readcb: freed; input still readable: %u bytes\n",
		    (unsigned)evbuffer_get_length(bufferevent_get_input(b)));
	}
	if (keep_ref)
		decref_result = bufferevent_decref(b);
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	writes++;
	if (free_in == 2)
		bufferevent_free(b);
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	events++;
	printf("  eventcb: 0x%02x\n", what);
	if (free_in == 3)
		bufferevent_free(b);
}

static void passes(int n)
{
	int i;
	for (i = 0; i < n; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static struct bufferevent *mk(int sv[2], int options)
{
	struct bufferevent *b;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(1);
	evutil_make_socket_nonblocking(sv[0]);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE | options);
	bufferevent_setcb(b, readcb, writecb, eventcb, &base);
	reads = writes = events = 0;
	free_in = 0;
	keep_ref = 0;
	return b;
}

int main(void)
{
	int sv[2], r;
	struct bufferevent *b;
	bufferevent_data_cb rcb, wcb;
	bufferevent_event_cb ecb;
	void *arg;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_refcount", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();

	printf("== getcb\n");
	b = mk(sv, 0);
	bufferevent_getcb(b, &rcb, &wcb, &ecb, &arg);
	printf("getcb: read %s write %s event %s arg %s\n", rcb == readcb ? "ok" : "bad", wcb == writecb ? "ok" : "bad",
	    ecb == eventcb ? "ok" : "bad", arg == &base ? "ok" : "bad");
	bufferevent_getcb(b, NULL, NULL, NULL, NULL);
	bufferevent_getcb(b, NULL, &wcb, NULL, NULL);
	printf("getcb with NULL pointers: ok, write %s\n", wcb == writecb ? "ok" : "bad");

	printf("== incref / decref\n");
	bufferevent_incref(b);
	r = bufferevent_decref(b);
	printf("incref then decref: %d\n", r);
	bufferevent_incref(b);
	bufferevent_free(b);
	bufferevent_getcb(b, &rcb, &wcb, &ecb, &arg);
	printf("after free with an extra reference: callbacks cleared: %s enabled=0x%02x fd open: %s\n",
	    !rcb && !wcb && !ecb && !arg ? "yes" : "no", bufferevent_get_enabled(b), tc_yesno(tc_fd_open(sv[0])));
	if (send(sv[1], "data", 4, 0) != 4)
		return 1;
	bufferevent_enable(b, EV_READ);
	passes(3);
	printf("still reading with no callbacks: input=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_input(b)));
	r = bufferevent_decref(b);
	printf("last decref: %d fd open right after: %s\n", r, tc_yesno(tc_fd_open(sv[0])));
	passes(2);
	printf("after the loop ran: fd open: %s\n", tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free inside the read callback\n");
	b = mk(sv, 0);
	free_in = 1;
	bufferevent_enable(b, EV_READ);
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	passes(3);
	r = (int)send(sv[1], "def", 3, MSG_NOSIGNAL);
	printf("send after the free: %s\n", r == 3 ? "accepted" : "refused (peer closed)");
	passes(3);
	printf("reads=%d events=%d fd open: %s\n", reads, events, tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free inside the read callback holding a reference\n");
	b = mk(sv, 0);
	free_in = 1;
	keep_ref = 1;
	bufferevent_enable(b, EV_READ);
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	passes(3);
	printf("reads=%d decref in the callback: %d fd open: %s\n", reads, decref_result, tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free inside the write callback\n");
	b = mk(sv, 0);
	free_in = 2;
	bufferevent_write(b, "hello", 5);
	passes(3);
	printf("writes=%d fd open: %s\n", writes, tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free inside the event callback (EOF)\n");
	b = mk(sv, 0);
	free_in = 3;
	bufferevent_enable(b, EV_READ);
	close(sv[1]);
	passes(3);
	printf("events=%d fd open: %s\n", events, tc_yesno(tc_fd_open(sv[0])));

	printf("== free with deferred callbacks queued\n");
	b = mk(sv, BEV_OPT_DEFER_CALLBACKS);
	bufferevent_trigger(b, EV_READ | EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS);
	bufferevent_trigger_event(b, BEV_EVENT_EOF, 0);
	bufferevent_free(b);
	printf("fd open right after free: %s\n", tc_yesno(tc_fd_open(sv[0])));
	passes(3);
	printf("reads=%d writes=%d events=%d fd open: %s\n", reads, writes, events, tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free without BEV_OPT_CLOSE_ON_FREE\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	b = bufferevent_socket_new(base, sv[0], 0);
	bufferevent_free(b);
	passes(2);
	printf("fd open: %s\n", tc_yesno(tc_fd_open(sv[0])));
	close(sv[0]);
	close(sv[1]);

	event_base_free(base);
	printf("done\n");
	return 0;
}
