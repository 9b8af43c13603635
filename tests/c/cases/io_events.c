/* io_events: event_new/assign/free/add/del/pending/active/initialized on
 * socketpair fds: read/write readiness, EV_PERSIST, several events on one fd,
 * event_del inside its own callback, event_active with custom flags, deleting
 * or freeing an event that is already active. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event_base *base;
static int sv[2];

struct rec {
	const char *name;
	int calls;
	short last_what;
	int fd_ok;
	int consume;        /* bytes to read per call */
	int del_at;         /* event_del itself on this call number */
	struct event *self;
};

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;
	r->calls++;
	r->last_what = what;
	r->fd_ok = (fd == sv[0]);
	tc_order_add(r->name);
	if (r->consume > 0) {
		char buf[64];
		ssize_t n = recv(fd, buf, r->consume, 0);
		if (n != r->consume)
			printf("  %s: recv returned %d\n", r->name, (int)n);
	}
	if (r->del_at && r->calls == r->del_at) {
		int d = event_del(r->self);
		printf("  %s: event_del(self) in cb -> %d, pending now 0x%02x\n", r->name, d,
		    event_pending(r->self, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	}
}

static void drain(int fd)
{
	char buf[4096];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void show(struct rec *r)
{
	printf("%s: calls=%d what=0x%02x fd_ok=%s\n", r->name, r->calls, r->last_what,
	    r->calls ? (r->fd_ok ? "yes" : "no") : "-");
}

/* callbacks for the active-queue tests */
static struct event *victim;
static void deleter_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
	int r = event_del(victim);
	printf("  %s: event_del(active victim) -> %d, victim pending 0x%02x\n", (const char *)arg,
	    r, event_pending(victim, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
}
static void freer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
	event_free(victim);
	victim = NULL;
	printf("  %s: event_free(active victim) done\n", (const char *)arg);
}
static void victim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
	printf("  ERROR: victim callback ran\n");
}
static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	tc_order_add((const char *)arg);
}
static struct event *self_free_cb_ev;
static void self_free_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	tc_order_add("F");
	event_free(self_free_cb_ev);
	self_free_cb_ev = NULL;
}
static short active_what;
static void flags_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)arg;
	active_what = what;
	printf("  flags cb: fd_ok=%s what=0x%02x\n", fd == sv[0] ? "yes" : "no", what);
}

int main(void)
{
	struct event *er, *ew, *erw, *e1, *e2, *e3, *a, *b;
	static struct event st;
	struct rec rr = {"R", 0, 0, 0, 0, 0, NULL}, rw = {"W", 0, 0, 0, 0, 0, NULL};
	struct rec rrw = {"RW", 0, 0, 0, 0, 0, NULL};
	struct rec r1 = {"1", 0, 0, 0, 0, 0, NULL}, r2 = {"2", 0, 0, 0, 0, 0, NULL};
	struct rec r3 = {"3", 0, 0, 0, 0, 0, NULL};
	struct timeval tv300 = {0, 300000};
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("io_events", 15);
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);

	printf("== event_new / accessors\n");
	er = event_new(base, sv[0], EV_READ, rec_cb, &rr);
	rr.self = er;
	printf("event_new: %s initialized: %d\n", er ? "non-NULL" : "NULL", event_initialized(er));
	printf("fd_ok=%s events=0x%02x cb_ok=%s arg_ok=%s base_ok=%s\n",
	    event_get_fd(er) == sv[0] ? "yes" : "no", event_get_events(er),
	    event_get_callback(er) == rec_cb ? "yes" : "no",
	    event_get_callback_arg(er) == &rr ? "yes" : "no",
	    event_get_base(er) == base ? "yes" : "no");
	printf("pending before add: 0x%02x\n", event_pending(er, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));

	printf("== write readiness, read readiness\n");
	ew = event_new(base, sv[0], EV_WRITE, rec_cb, &rw);
	rw.self = ew;
	r = event_add(er, NULL);
	printf("add R: %d", r);
	r = event_add(ew, NULL);
	printf(" add W: %d\n", r);
	printf("pending R: 0x%02x W: 0x%02x\n", event_pending(er, EV_READ | EV_WRITE, NULL),
	    event_pending(ew, EV_READ | EV_WRITE, NULL));
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d\n", r);
	show(&rr);
	show(&rw);
	printf("W pending after (non-persist) run: 0x%02x\n", event_pending(ew, EV_WRITE, NULL));
	if (send(sv[1], "hello", 5, 0) != 5)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) after peer wrote: %d\n", r);
	show(&rr);
	/* non-persistent: data still there, but no second call */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) with unread data, event not re-added: %d calls=%d\n", r, rr.calls);
	drain(sv[0]);

	printf("== EV_READ|EV_WRITE in one event\n");
	erw = event_new(base, sv[0], EV_READ | EV_WRITE, rec_cb, &rrw);
	rrw.self = erw;
	event_add(erw, NULL);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("writable only: loop %d ", r);
	show(&rrw);
	if (send(sv[1], "x", 1, 0) != 1)
		return 1;
	event_add(erw, NULL);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("readable+writable: loop %d ", r);
	show(&rrw);
	drain(sv[0]);

	printf("== EV_PERSIST read, 1 byte per call, 3 bytes\n");
	event_free(er);
	rr.calls = 0;
	rr.consume = 1;
	er = event_new(base, sv[0], EV_READ | EV_PERSIST, rec_cb, &rr);
	rr.self = er;
	event_add(er, NULL);
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	tc_order[0] = 0;
	event_base_loopexit(base, &tv300);
	r = event_base_dispatch(base);
	printf("dispatch: %d ", r);
	show(&rr);
	printf("order=%s still pending: 0x%02x\n", tc_order, event_pending(er, EV_READ, NULL));

	printf("== event_del inside own callback (persistent, data left unread)\n");
	rr.calls = 0;
	rr.consume = 0;
	rr.del_at = 1;
	if (send(sv[1], "zz", 2, 0) != 2)
		return 1;
	event_base_loopexit(base, &tv300);
	r = event_base_dispatch(base);
	printf("dispatch: %d ", r);
	show(&rr);
	drain(sv[0]);
	rr.del_at = 0;

	printf("== three read events on one fd\n");
	e1 = event_new(base, sv[0], EV_READ, rec_cb, &r1);
	e2 = event_new(base, sv[0], EV_READ | EV_PERSIST, rec_cb, &r2);
	e3 = event_new(base, sv[0], EV_READ, rec_cb, &r3);
	r1.self = e1; r2.self = e2; r3.self = e3;
	r = event_add(e1, NULL);
	printf("add e1: %d", r);
	r = event_add(e2, NULL);
	printf(" e2: %d", r);
	r = event_add(e3, NULL);
	printf(" e3: %d\n", r);
	tc_order[0] = 0;
	if (send(sv[1], "q", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d order=%s\n", r, tc_order);
	tc_order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) again (only persistent one left): %d order=%s\n", r, tc_order);
	printf("del e2: %d\n", event_del(e2));
	drain(sv[0]);
	/* delete the middle one of three before data arrives */
	tc_order[0] = 0;
	event_add(e1, NULL);
	event_add(e2, NULL);
	event_add(e3, NULL);
	printf("del e2 before data: %d\n", event_del(e2));
	if (send(sv[1], "q", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d order=%s\n", r, tc_order);
	drain(sv[0]);

	printf("== event_add twice is harmless\n");
	tc_order[0] = 0;
	r1.calls = 0;
	r = event_add(e1, NULL);
	printf("add: %d", r);
	r = event_add(e1, NULL);
	printf(" add again: %d\n", r);
	if (send(sv[1], "q", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d calls=%d\n", r, r1.calls);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d calls=%d\n", r, r1.calls);
	drain(sv[0]);

	printf("== event_active with custom flags\n");
	a = event_new(base, sv[0], EV_READ, flags_cb, NULL);
	event_active(a, EV_WRITE | EV_TIMEOUT, 0);
	printf("pending(all) of active, not added: 0x%02x\n",
	    event_pending(a, EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d\n", r);
	event_active(a, EV_READ, 0);
	event_active(a, EV_WRITE, 0);
	event_active(a, EV_SIGNAL, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("three event_active calls merged: loop %d what=0x%02x\n", r, active_what);
	event_add(a, NULL);
	event_active(a, EV_TIMEOUT, 0);
	printf("pending(added+active): 0x%02x\n", event_pending(a, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d what=0x%02x pending after: 0x%02x\n", r, active_what,
	    event_pending(a, EV_READ, NULL));
	event_active(a, 0, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("event_active(0): loop %d what=0x%02x\n", r, active_what);
	event_free(a);

	printf("== deleting / freeing an event that is already active\n");
	tc_order[0] = 0;
	a = event_new(base, -1, 0, deleter_cb, "d");
	victim = event_new(base, -1, 0, victim_cb, "v");
	b = event_new(base, -1, 0, flags_cb, NULL);
	event_active(a, EV_READ, 0);
	event_active(victim, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d order=%s\n", r, tc_order);
	event_free(a);
	tc_order[0] = 0;
	a = event_new(base, -1, 0, freer_cb, "f");
	event_active(a, EV_READ, 0);
	event_active(victim, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d order=%s\n", r, tc_order);
	event_free(a);
	event_free(b);

	printf("== order within one iteration: event_active first, then I/O, then timers\n");
	{
		struct event *act, *rd, *tm;
		struct timeval tv0 = {0, 0};
		tc_order[0] = 0;
		act = event_new(base, -1, 0, named_cb, "A");
		rd = event_new(base, sv[0], EV_READ, named_cb, "R");
		tm = evtimer_new(base, named_cb, "T");
		if (send(sv[1], "o", 1, 0) != 1)
			return 1;
		evtimer_add(tm, &tv0);
		event_add(rd, NULL);
		event_active(act, EV_READ, 0);
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE): %d order=%s\n", r, tc_order);
		drain(sv[0]);
		event_free(act);
		event_free(rd);
		event_free(tm);
	}

	printf("== an event may free itself in its callback\n");
	{
		struct event *self_ev;
		tc_order[0] = 0;
		self_ev = event_new(base, sv[0], EV_WRITE | EV_PERSIST, self_free_cb, NULL);
		self_free_cb_ev = self_ev;
		event_add(self_ev, NULL);
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE): %d order=%s\n", r, tc_order);
		r = event_base_loop(base, EVLOOP_NONBLOCK);
		printf("loop(NONBLOCK) afterwards: %d order=%s\n", r, tc_order);
	}

	printf("== event_assign on a static struct\n");
	memset(&st, 0, sizeof(st));
	printf("initialized(zeroed): %d\n", event_initialized(&st));
	r = event_assign(&st, base, sv[0], EV_WRITE, rec_cb, &rw);
	printf("event_assign: %d initialized: %d\n", r, event_initialized(&st));
	rw.calls = 0;
	rw.self = &st;
	event_add(&st, NULL);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d ", r);
	show(&rw);
	printf("event_del of non-added event: %d\n", event_del(&st));

	printf("== peer closes: read event sees EOF as readable\n");
	rr.calls = 0;
	rr.consume = 0;
	event_add(er, NULL);
	evutil_closesocket(sv[1]);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d ", r);
	show(&rr);
	{
		char c;
		ssize_t n = recv(sv[0], &c, 1, 0);
		printf("recv after EOF: %d\n", (int)n);
	}
	event_del(er);

	event_free(er);
	event_free(ew);
	event_free(erw);
	event_free(e1);
	event_free(e2);
	event_free(e3);
	if (victim)
		event_free(victim);
	event_base_free(base);
	evutil_closesocket(sv[0]);
	printf("done\n");
	return 0;
}
