/* compat_extra: the rest of the current-base API from <event.h> beyond the
 * first milestone: event_loop, event_loopexit, event_loopbreak, event_once,
 * event_get_method, and event_base_once. */
#include <event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"

static char order[64];
static short last_what;
static int sv[2];

static void once_cb(int fd, short what, void *arg)
{
	last_what = what;
	if (what == EV_READ && fd != sv[0])
		printf("  once_cb: wrong fd\n");
	strncat(order, (const char *)arg, sizeof(order) - strlen(order) - 1);
}

static void breaker(int fd, short what, void *arg)
{
	(void)fd; (void)what;
	strncat(order, (const char *)arg, sizeof(order) - strlen(order) - 1);
	printf("  event_loopbreak -> %d\n", event_loopbreak());
}

int main(void)
{
	struct event_base *base;
	struct event ev, ev2;
	struct timeval tv50 = {0, 50000}, tv100 = {0, 100000}, tv500 = {0, 500000};
	double t0, el;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("compat_extra", 15);

	base = event_init();
	printf("event_get_method: %s same as base: %s\n", event_get_method(),
	    strcmp(event_get_method(), event_base_get_method(base)) == 0 ? "yes" : "no");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);

	printf("== event_loop\n");
	printf("event_loop(0) on empty base: %d\n", event_loop(0));
	printf("event_loop(EVLOOP_NONBLOCK) on empty base: %d\n", event_loop(EVLOOP_NONBLOCK));
	evtimer_set(&ev, once_cb, "t");
	evtimer_add(&ev, &tv50);
	r = event_loop(EVLOOP_ONCE);
	printf("event_loop(EVLOOP_ONCE): %d order=%s what=0x%02x\n", r, order, last_what);

	printf("== event_loopexit\n");
	order[0] = 0;
	evtimer_set(&ev, once_cb, "late");
	evtimer_add(&ev, &tv500);
	t0 = tc_now();
	r = event_loopexit(&tv100);
	printf("event_loopexit(100ms): %d\n", r);
	r = event_dispatch();
	el = tc_now() - t0;
	printf("event_dispatch: %d order=%s elapsed in [0.09,0.45): %s\n", r, order,
	    (el >= 0.09 && el < 0.45) ? "yes" : "no");
	event_del(&ev);

	printf("== event_loopbreak\n");
	order[0] = 0;
	event_set(&ev, -1, 0, breaker, "b");
	event_set(&ev2, -1, 0, once_cb, "x");
	event_active(&ev, EV_READ, 0);
	event_active(&ev2, EV_READ, 0);
	r = event_dispatch();
	printf("event_dispatch: %d order=%s got_break=%d\n", r, order, event_base_got_break(base));
	r = event_loop(EVLOOP_NONBLOCK);
	printf("event_loop(NONBLOCK): %d order=%s\n", r, order);

	printf("== event_once / event_base_once\n");
	order[0] = 0;
	r = event_once(-1, EV_TIMEOUT, once_cb, "1", &tv50);
	printf("event_once(timeout 50ms): %d\n", r);
	r = event_once(-1, EV_TIMEOUT, once_cb, "0", NULL);
	printf("event_once(timeout NULL): %d\n", r);
	r = event_base_once(base, sv[0], EV_READ, once_cb, "R", NULL);
	printf("event_base_once(EV_READ): %d\n", r);
	r = event_base_once(base, -1, EV_TIMEOUT | EV_PERSIST, once_cb, "P", &tv50);
	printf("event_base_once(EV_PERSIST): %d\n", r);
	r = event_base_once(base, SIGUSR1, EV_SIGNAL, once_cb, "S", NULL);
	printf("event_base_once(EV_SIGNAL): %d\n", r);
	r = event_loop(EVLOOP_NONBLOCK);
	printf("event_loop(NONBLOCK): %d order=%s\n", r, order);
	if (send(sv[1], "r", 1, 0) != 1)
		return 1;
	t0 = tc_now();
	r = event_dispatch();
	printf("after data: event_dispatch %d order=%s what=0x%02x quick: %s\n", r, order, last_what,
	    (tc_now() - t0) < 0.5 ? "yes" : "no");

	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
