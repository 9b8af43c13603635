/* base_lifecycle: event_base_new/free/get_method/reinit, independent bases,
 * freeing a base that still has pending events. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int calls_a, calls_b, calls_never;
static short last_what;
static evutil_socket_t last_fd;

static void cb_a(evutil_socket_t fd, short what, void *arg)
{
	calls_a++;
	last_what = what;
	last_fd = fd;
	(void)arg;
}

static void cb_b(evutil_socket_t fd, short what, void *arg)
{
	calls_b++;
	(void)fd; (void)what; (void)arg;
}

static void cb_never(evutil_socket_t fd, short what, void *arg)
{
	calls_never++;
	printf("ERROR: callback of a freed base ran\n");
	(void)fd; (void)what; (void)arg;
}

static void read_one(evutil_socket_t fd, short what, void *arg)
{
	char c;
	int *n = arg;
	if (recv(fd, &c, 1, 0) == 1)
		(*n)++;
	printf("  io cb: what=0x%02x byte=%c\n", what, c);
}

int main(void)
{
	struct event_base *b1, *b2, *b3;
	struct event *ta, *tb, *io;
	static struct event t_never, io_never, t3;
	struct timeval tv10 = {0, 10000}, tv50 = {0, 50000}, tv_long = {5, 0};
	const char *m;
	int r, sv[2], got = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("base_lifecycle", 15);

	b1 = event_base_new();
	printf("event_base_new: %s\n", b1 ? "non-NULL" : "NULL");
	m = event_base_get_method(b1);
	printf("method: %s\n", m ? m : "(null)");

	b2 = event_base_new();
	printf("second base: %s, distinct: %s\n", b2 ? "non-NULL" : "NULL",
	    b1 != b2 ? "yes" : "no");
	printf("second base method: %s\n", event_base_get_method(b2));

	/* Events on one base do not run when the other base loops. */
	ta = evtimer_new(b1, cb_a, NULL);
	tb = evtimer_new(b2, cb_b, NULL);
	printf("evtimer_add a: %d\n", evtimer_add(ta, &tv10));
	printf("evtimer_add b: %d\n", evtimer_add(tb, &tv50));
	r = event_base_dispatch(b1);
	printf("dispatch b1: %d (a=%d b=%d)\n", r, calls_a, calls_b);
	printf("timer cb args: fd=%d what=0x%02x\n", (int)last_fd, last_what);
	printf("b pending after b1 loop: 0x%02x\n", event_pending(tb, EV_TIMEOUT, NULL));
	r = event_base_dispatch(b2);
	printf("dispatch b2: %d (a=%d b=%d)\n", r, calls_a, calls_b);
	event_free(ta);
	event_free(tb);

	/* Dispatching an empty base again returns 1 immediately. */
	printf("dispatch empty b1: %d\n", event_base_dispatch(b1));

	/* event_reinit without fork keeps events working. */
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		printf("socketpair failed\n");
		return 1;
	}
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(b1, sv[0], EV_READ | EV_PERSIST, read_one, &got);
	printf("event_add io: %d\n", event_add(io, NULL));
	ta = evtimer_new(b1, cb_a, NULL);
	printf("evtimer_add: %d\n", evtimer_add(ta, &tv50));
	r = event_reinit(b1);
	printf("event_reinit: %d\n", r);
	printf("io pending after reinit: 0x%02x\n", event_pending(io, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	printf("timer pending after reinit: 0x%02x\n", event_pending(ta, EV_READ | EV_WRITE | EV_TIMEOUT, NULL));
	if (send(sv[1], "x", 1, 0) != 1)
		printf("send failed\n");
	r = event_base_loop(b1, EVLOOP_ONCE);
	printf("loop once after reinit: %d, bytes read=%d\n", r, got);
	calls_a = 0;
	r = event_base_loop(b1, EVLOOP_ONCE);
	printf("loop once (timer): %d, timer calls=%d\n", r, calls_a);
	printf("event_reinit again: %d\n", event_reinit(b1));
	if (send(sv[1], "y", 1, 0) != 1)
		printf("send failed\n");
	r = event_base_loop(b1, EVLOOP_ONCE);
	printf("loop once after 2nd reinit: %d, bytes read=%d\n", r, got);
	printf("event_del io: %d\n", event_del(io));
	printf("dispatch now empty: %d\n", event_base_dispatch(b1));
	event_free(io);
	event_free(ta);

	/* Freeing a base with pending events (I/O ready + timer) runs nothing. */
	b3 = event_base_new();
	printf("assign on b3: %d %d %d\n", evtimer_assign(&t_never, b3, cb_never, NULL),
	    event_assign(&io_never, b3, sv[0], EV_READ, cb_never, NULL),
	    evtimer_assign(&t3, b3, cb_never, NULL));
	printf("add on b3: %d %d %d\n", evtimer_add(&t_never, &tv_long),
	    event_add(&io_never, NULL), evtimer_add(&t3, &tv10));
	if (send(sv[1], "z", 1, 0) != 1)
		printf("send failed\n");
	event_active(&t3, EV_TIMEOUT, 0);
	usleep(30000);
	event_base_free(b3);
	printf("freed b3 with pending+active events; callbacks run: %d\n", calls_never);

	event_base_free(b2);
	event_base_free(b1);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	printf("done\n");
	return 0;
}
