/* timers: evtimer_new/add/del/pending/assign/initialized, ordering of several
 * timers, persistent timers, re-adding replaces the timeout, deleting before
 * firing, event_pending with a timeval out-parameter, zero timeouts,
 * evtimer_add(NULL), I/O events with a timeout. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event_base *base;
static double t0;

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	tc_order_add((const char *)arg);
	if (what != EV_TIMEOUT)
		printf("  %s: unexpected what=0x%02x\n", (const char *)arg, what);
}

static int persist_calls;
static struct event *persist_ev;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)arg;
	persist_calls++;
	if (persist_calls == 1)
		printf("  persist cb: what=0x%02x still pending inside cb: 0x%02x\n", what,
		    event_pending(persist_ev, EV_TIMEOUT, NULL));
	if (persist_calls == 5)
		printf("  persist cb: event_del inside cb -> %d\n", event_del(persist_ev));
}

static int oneshot_calls;
static struct event *oneshot_ev;
static void oneshot_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	oneshot_calls++;
	printf("  oneshot cb: pending inside own cb: 0x%02x\n",
	    event_pending(oneshot_ev, EV_TIMEOUT, NULL));
	if (oneshot_calls < 3) {
		struct timeval tv = {0, 10000};
		printf("  oneshot cb: re-add -> %d\n", evtimer_add(oneshot_ev, &tv));
	}
}

static void io_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[16];
	ssize_t n = 0;
	(void)fd;
	if (what & EV_READ)
		n = recv(fd, buf, sizeof(buf), 0);
	printf("  %s: what=0x%02x read=%d\n", (const char *)arg, what, (int)n);
}

int main(void)
{
	struct event *t1, *t2, *t3, *t4, *io;
	static struct event st;
	struct timeval tv, tv10 = {0, 10000}, tv50 = {0, 50000}, tv100 = {0, 100000};
	struct timeval tv200 = {0, 200000}, tv300 = {0, 300000}, tv500 = {0, 500000};
	struct timeval tv1s = {1, 0}, tv0 = {0, 0};
	double el, rem;
	int r, sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("timers", 15);
	base = event_base_new();

	printf("== ordering: added 300,100,200,50(ms)\n");
	t1 = evtimer_new(base, named_cb, "3");
	t2 = evtimer_new(base, named_cb, "1");
	t3 = evtimer_new(base, named_cb, "2");
	t4 = evtimer_new(base, named_cb, "0");
	printf("evtimer_initialized(new): %d\n", evtimer_initialized(t1));
	evtimer_add(t1, &tv300);
	evtimer_add(t2, &tv100);
	evtimer_add(t3, &tv200);
	evtimer_add(t4, &tv50);
	t0 = tc_now();
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d order=%s elapsed in [0.29,0.6): %s\n", r, tc_order,
	    (el >= 0.29 && el < 0.6) ? "yes" : "no");

	printf("== re-add replaces the timeout\n");
	tc_order[0] = 0;
	evtimer_assign(t1, base, named_cb, "L");
	evtimer_add(t1, &tv50);
	r = evtimer_add(t1, &tv300);
	printf("re-add longer: %d\n", r);
	t0 = tc_now();
	event_base_dispatch(base);
	el = tc_now() - t0;
	printf("fired once: %s, after >=0.29s: %s\n", strcmp(tc_order, "L") == 0 ? "yes" : "no",
	    el >= 0.29 ? "yes" : "no");
	tc_order[0] = 0;
	evtimer_add(t1, &tv1s);
	evtimer_add(t1, &tv50);
	t0 = tc_now();
	event_base_dispatch(base);
	el = tc_now() - t0;
	printf("re-add shorter: fired once: %s, before 0.5s: %s\n", strcmp(tc_order, "L") == 0 ? "yes" : "no",
	    el < 0.5 ? "yes" : "no");

	printf("== del before firing\n");
	tc_order[0] = 0;
	evtimer_assign(t1, base, named_cb, "D");
	evtimer_assign(t2, base, named_cb, "K");
	evtimer_add(t1, &tv50);
	evtimer_add(t2, &tv100);
	printf("evtimer_pending before del: 0x%02x\n", evtimer_pending(t1, NULL));
	printf("evtimer_del: %d\n", evtimer_del(t1));
	printf("evtimer_pending after del: 0x%02x\n", evtimer_pending(t1, NULL));
	printf("evtimer_del again: %d\n", evtimer_del(t1));
	r = event_base_dispatch(base);
	printf("dispatch: %d order=%s\n", r, tc_order);

	printf("== event_pending with timeval\n");
	evtimer_add(t1, &tv1s);
	memset(&tv, 0, sizeof(tv));
	r = event_pending(t1, EV_TIMEOUT, &tv);
	rem = (tv.tv_sec + tv.tv_usec / 1e6) - tc_now();
	printf("pending: 0x%02x, tv is wall-clock expiry ~1s from now: %s\n", r,
	    (rem > 0.8 && rem <= 1.05) ? "yes" : "no");
	r = event_pending(t1, EV_READ, &tv);
	printf("pending(EV_READ) on timer: 0x%02x\n", r);
	r = event_pending(t1, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, NULL);
	printf("pending(all) on timer: 0x%02x\n", r);
	evtimer_del(t1);
	tv.tv_sec = 123; tv.tv_usec = 456;
	r = event_pending(t1, EV_TIMEOUT, &tv);
	printf("not pending: 0x%02x, tv untouched: %s\n", r,
	    (tv.tv_sec == 123 && tv.tv_usec == 456) ? "yes" : "no");
	evtimer_add(t1, &tv500);
	tv.tv_sec = 123; tv.tv_usec = 456;
	r = event_pending(t1, EV_READ, &tv);
	printf("pending(EV_READ) with tv: 0x%02x, tv untouched: %s\n", r,
	    (tv.tv_sec == 123 && tv.tv_usec == 456) ? "yes" : "no");
	evtimer_del(t1);

	printf("== persistent timer\n");
	persist_ev = event_new(base, -1, EV_PERSIST, persist_cb, NULL);
	event_add(persist_ev, &tv50);
	t0 = tc_now();
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch: %d calls=%d elapsed in [0.24,1.0): %s\n", r, persist_calls,
	    (el >= 0.24 && el < 1.0) ? "yes" : "no");
	printf("pending after del: 0x%02x\n", event_pending(persist_ev, EV_TIMEOUT, NULL));

	printf("== non-persistent timer re-added from its callback\n");
	oneshot_ev = evtimer_new(base, oneshot_cb, NULL);
	evtimer_add(oneshot_ev, &tv10);
	r = event_base_dispatch(base);
	printf("dispatch: %d calls=%d\n", r, oneshot_calls);

	printf("== zero timeout and NULL timeout\n");
	tc_order[0] = 0;
	evtimer_assign(t1, base, named_cb, "Z");
	r = evtimer_add(t1, &tv0);
	printf("evtimer_add({0,0}): %d pending: 0x%02x\n", r, evtimer_pending(t1, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d order=%s\n", r, tc_order);
	evtimer_assign(t2, base, named_cb, "N");
	r = evtimer_add(t2, NULL);
	printf("evtimer_add(NULL): %d pending: 0x%02x\n", r, evtimer_pending(t2, NULL));
	t0 = tc_now();
	r = event_base_dispatch(base);
	printf("dispatch with only a NULL-timeout timer: %d quick: %s order=%s\n", r,
	    (tc_now() - t0) < 0.2 ? "yes" : "no", tc_order);

	printf("== evtimer_assign on a static struct\n");
	memset(&st, 0, sizeof(st));
	printf("evtimer_initialized(zeroed): %d\n", evtimer_initialized(&st));
	r = evtimer_assign(&st, base, named_cb, "S");
	printf("evtimer_assign: %d initialized: %d\n", r, evtimer_initialized(&st));
	printf("event_get_fd: %d, events: 0x%02x\n", (int)event_get_fd(&st), event_get_events(&st));
	tc_order[0] = 0;
	evtimer_add(&st, &tv10);
	r = event_base_dispatch(base);
	printf("dispatch: %d order=%s initialized after run: %d\n", r, tc_order, evtimer_initialized(&st));
	evtimer_add(&st, &tv1s);
	r = evtimer_del(&st);
	printf("evtimer_del: %d initialized after del: %d\n", r, evtimer_initialized(&st));

	printf("== I/O event with a timeout\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, io_timeout_cb, "io");
	event_add(io, &tv100);
	printf("pending READ|TIMEOUT: 0x%02x\n", event_pending(io, EV_READ | EV_TIMEOUT | EV_WRITE, NULL));
	t0 = tc_now();
	r = event_base_dispatch(base);
	el = tc_now() - t0;
	printf("dispatch (no data): %d timed out after >=0.09s: %s\n", r, el >= 0.09 ? "yes" : "no");
	event_add(io, &tv1s);
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	t0 = tc_now();
	r = event_base_dispatch(base);
	printf("dispatch (data): %d quick: %s\n", r, (tc_now() - t0) < 0.5 ? "yes" : "no");
	printf("pending after read fired: 0x%02x\n", event_pending(io, EV_READ | EV_TIMEOUT, NULL));
	/* persistent read with timeout: timeout repeats while idle */
	event_free(io);
	io = event_new(base, sv[0], EV_READ | EV_PERSIST, io_timeout_cb, "pio");
	event_add(io, &tv100);
	tv.tv_sec = 0; tv.tv_usec = 250000;
	event_base_loopexit(base, &tv);
	/* timeouts at ~100 and 200 ms; exit at 250ms */
	r = event_base_dispatch(base);
	printf("dispatch: %d still pending: 0x%02x\n", r,
	    event_pending(io, EV_READ | EV_TIMEOUT, NULL));
	event_del(io);

	event_free(t1);
	event_free(t2);
	event_free(t3);
	event_free(t4);
	event_free(io);
	event_free(persist_ev);
	event_free(oneshot_ev);
	event_base_free(base);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	printf("done\n");
	return 0;
}
