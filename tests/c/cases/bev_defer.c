/* bev_defer: BEV_OPT_DEFER_CALLBACKS (callbacks queued and run from the loop
 * after the current callback, in libevent's order: connected, read, write,
 * other events), bufferevent_trigger and bufferevent_trigger_event with
 * BEV_TRIG_IGNORE_WATERMARKS and BEV_TRIG_DEFER_CALLBACKS,
 * BEV_OPT_UNLOCK_CALLBACKS, BEV_OPT_THREADSAFE (refused without evthread
 * locking, as libevent does), bufferevent_lock/unlock. */
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
#include "bev.h"

static struct event_base *base;
static int in_trigger;
static struct bufferevent *cur;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	tc_note(in_trigger ? "read(inside)" : "read");
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	tc_note(in_trigger ? "write(inside)" : "write");
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	char m[160];
	(void)b; (void)arg;
	snprintf(m, sizeof(m), "event:%s%s", tc_bev_what(what), in_trigger ? "(inside)" : "");
	tc_note(m);
}

static void timer1(evutil_socket_t fd, short w, void *arg)
{
	(void)fd; (void)w;
	tc_note("timer1");
	bufferevent_trigger(cur, EV_READ, (int)(intptr_t)arg);
	tc_note("timer1-end");
}

static void timer2(evutil_socket_t fd, short w, void *arg)
{
	(void)fd; (void)w; (void)arg;
	tc_note("timer2");
}

static void pass(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void trig(struct bufferevent *b, short iotype, int opts)
{
	in_trigger = 1;
	bufferevent_trigger(b, iotype, opts);
	in_trigger = 0;
}

static void trig_ev(struct bufferevent *b, short what, int opts)
{
	in_trigger = 1;
	bufferevent_trigger_event(b, what, opts);
	in_trigger = 0;
}

static void scenario(const char *name, int options)
{
	int sv[2];
	struct bufferevent *b;
	struct event *t1, *t2;
	struct timeval tv = {0, 20000};

	printf("== %s\n", name);
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(1);
	evutil_make_socket_nonblocking(sv[0]);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE | options);
	printf("new: %s\n", b ? "non-NULL" : "NULL");
	if (!b) { /* BEV_OPT_THREADSAFE needs evthread locking */
		close(sv[0]);
		close(sv[1]);
		return;
	}
	bufferevent_setcb(b, readcb, writecb, eventcb, NULL);
	cur = b;

	/* read with data below/above the low watermark */
	bufferevent_enable(b, EV_READ);
	if (send(sv[1], "abc", 3, 0) != 3)
		exit(1);
	pass();
	pass();
	tc_show("3 bytes read");
	bufferevent_disable(b, EV_READ);
	bufferevent_disable(b, EV_WRITE);
	bufferevent_setwatermark(b, EV_READ, 5, 0);
	trig(b, EV_READ, 0);
	tc_show("trigger(READ) input 3 < low 5");
	trig(b, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	pass();
	tc_show("trigger(READ, IGNORE_WATERMARKS)");
	bufferevent_setwatermark(b, EV_READ, 0, 0);
	trig(b, EV_READ, 0);
	pass();
	tc_show("trigger(READ) input 3 >= low 0");
	trig(b, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
	tc_note("after-trigger");
	pass();
	tc_show("trigger(READ, DEFER)");

	bufferevent_write(b, "0123456789", 10);
	trig(b, EV_WRITE, 0);
	pass();
	tc_show("trigger(WRITE) output 10 > low 0, writing disabled");
	trig(b, EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS);
	pass();
	tc_show("trigger(WRITE, IGNORE_WATERMARKS)");
	bufferevent_setwatermark(b, EV_WRITE, 20, 0);
	trig(b, EV_WRITE, 0);
	pass();
	tc_show("trigger(WRITE) output 10 <= low 20");

	trig_ev(b, BEV_EVENT_EOF, 0);
	pass();
	tc_show("trigger_event(EOF)");
	trig_ev(b, BEV_EVENT_READING | BEV_EVENT_ERROR, BEV_TRIG_DEFER_CALLBACKS);
	tc_note("after-trigger");
	pass();
	tc_show("trigger_event(READING|ERROR, DEFER)");

	/* several deferred callbacks queued together */
	trig_ev(b, BEV_EVENT_EOF, BEV_TRIG_DEFER_CALLBACKS);
	trig(b, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS | BEV_TRIG_IGNORE_WATERMARKS);
	trig(b, EV_READ, BEV_TRIG_DEFER_CALLBACKS | BEV_TRIG_IGNORE_WATERMARKS);
	trig_ev(b, BEV_EVENT_CONNECTED, BEV_TRIG_DEFER_CALLBACKS);
	tc_note("queued");
	pass();
	tc_show("EOF, write, read, CONNECTED deferred together");

	/* from inside another callback: after it, in the same pass */
	t1 = evtimer_new(base, timer1, (void *)(intptr_t)BEV_TRIG_IGNORE_WATERMARKS);
	t2 = evtimer_new(base, timer2, NULL);
	evtimer_add(t1, &tv);
	evtimer_add(t2, &tv);
	usleep(30000);
	pass();
	tc_show("timer1 triggers read, timer2 due too");
	event_free(t1);
	event_free(t2);

	/* lock/unlock nest freely without threads */
	bufferevent_lock(b);
	bufferevent_lock(b);
	bufferevent_unlock(b);
	bufferevent_unlock(b);
	printf("lock/unlock: ok\n");

	bufferevent_free(b);
	pass();
	close(sv[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_defer", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	scenario("no options", 0);
	scenario("BEV_OPT_DEFER_CALLBACKS", BEV_OPT_DEFER_CALLBACKS);
	scenario("BEV_OPT_DEFER_CALLBACKS|BEV_OPT_UNLOCK_CALLBACKS", BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS);
	scenario("BEV_OPT_THREADSAFE (no evthread)", BEV_OPT_THREADSAFE);
	scenario("BEV_OPT_THREADSAFE|BEV_OPT_DEFER_CALLBACKS", BEV_OPT_THREADSAFE | BEV_OPT_DEFER_CALLBACKS);
	event_base_free(base);
	printf("done\n");
	return 0;
}
