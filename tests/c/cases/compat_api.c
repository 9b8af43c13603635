/* compat_api: the libevent 1.x API from <event.h>: event_init, event_set,
 * event_base_set, event_dispatch, and the evtimer_set/timeout_xxx/signal_xxx
 * macros built on event_set/event_add/event_del/event_pending. */
#include <event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static struct event ev_read, ev_timer, ev_sig, ev_t2, ev_other, ev_pre;
static int sv[2];

static void read_cb(int fd, short what, void *arg)
{
	char buf[16];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	printf("  read_cb: fd_ok=%s what=0x%02x n=%d arg=%s\n", fd == sv[0] ? "yes" : "no", what,
	    (int)n, (const char *)arg);
	tc_order_add("R");
	raise(SIGUSR1);   /* delivered in a later iteration */
}

static void timer_cb(int fd, short what, void *arg)
{
	printf("  timer_cb: fd=%d what=0x%02x arg=%s\n", fd, what, (const char *)arg);
	tc_order_add("T");
}

static int sig_calls;
static void sig_cb(int fd, short what, void *arg)
{
	int r;
	sig_calls++;
	printf("  sig_cb: signo_ok=%s what=0x%02x arg=%s\n", fd == SIGUSR1 ? "yes" : "no", what,
	    (const char *)arg);
	tc_order_add("S");
	r = signal_del(&ev_sig);
	printf("  signal_del in cb: %d\n", r);
}

static void other_cb(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	tc_order_add("O");
}

int main(void)
{
	struct event_base *base, *base2;
	struct timeval tv50 = {0, 50000}, tv100 = {0, 100000}, tv;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("compat_api", 15);

	base = event_init();
	printf("event_init: %s method=%s\n", base ? "non-NULL" : "NULL", event_base_get_method(base));
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);

	printf("== event_set attaches to the current base\n");
	memset(&ev_read, 0, sizeof(ev_read));
	event_set(&ev_read, sv[0], EV_READ, read_cb, "r");
	printf("initialized=%d base_is_current=%s events=0x%02x EVENT_FD_ok=%s\n",
	    event_initialized(&ev_read), event_get_base(&ev_read) == base ? "yes" : "no",
	    event_get_events(&ev_read), EVENT_FD(&ev_read) == sv[0] ? "yes" : "no");
	r = event_add(&ev_read, NULL);
	printf("event_add: %d\n", r);
	if (send(sv[1], "ping", 4, 0) != 4)
		return 1;

	timeout_set(&ev_timer, timer_cb, "t");
	printf("timeout_initialized=%d\n", timeout_initialized(&ev_timer));
	r = timeout_add(&ev_timer, &tv50);
	printf("timeout_add: %d timeout_pending: 0x%02x\n", r, timeout_pending(&ev_timer, NULL));
	r = timeout_pending(&ev_timer, &tv);
	printf("timeout_pending with tv: 0x%02x\n", r);

	signal_set(&ev_sig, SIGUSR1, sig_cb, "s");
	printf("signal_initialized=%d events=0x%02x EVENT_SIGNAL_ok=%s\n", signal_initialized(&ev_sig),
	    event_get_events(&ev_sig), EVENT_SIGNAL(&ev_sig) == SIGUSR1 ? "yes" : "no");
	r = signal_add(&ev_sig, NULL);
	printf("signal_add: %d signal_pending: 0x%02x\n", r, signal_pending(&ev_sig, NULL));

	r = event_dispatch();
	printf("event_dispatch: %d order=%s sig_calls=%d\n", r, tc_order, sig_calls);
	printf("pending after: read 0x%02x timer 0x%02x sig 0x%02x\n",
	    event_pending(&ev_read, EV_READ, NULL), timeout_pending(&ev_timer, NULL),
	    signal_pending(&ev_sig, NULL));

	printf("== evtimer_set and timeout_del\n");
	tc_order[0] = 0;
	evtimer_set(&ev_t2, timer_cb, "t2");
	timeout_set(&ev_timer, timer_cb, "never");
	timeout_add(&ev_timer, &tv100);
	evtimer_add(&ev_t2, &tv50);
	r = timeout_del(&ev_timer);
	printf("timeout_del: %d\n", r);
	r = event_dispatch();
	printf("event_dispatch: %d order=%s\n", r, tc_order);

	printf("== event_base_set moves an event to another base\n");
	base2 = event_base_new();
	tc_order[0] = 0;
	event_set(&ev_other, -1, 0, other_cb, NULL);
	r = event_base_set(base2, &ev_other);
	printf("event_base_set (fresh event): %d base_is_base2=%s\n", r,
	    event_get_base(&ev_other) == base2 ? "yes" : "no");
	r = event_add(&ev_other, &tv50);
	printf("event_add: %d\n", r);
	r = event_dispatch();
	printf("event_dispatch on the current base: %d order=%s\n", r, tc_order);
	r = event_base_dispatch(base2);
	printf("event_base_dispatch(base2): %d order=%s\n", r, tc_order);
	event_add(&ev_other, &tv50);
	r = event_base_set(base, &ev_other);
	printf("event_base_set on an added event: %d base_is_base2=%s\n", r,
	    event_get_base(&ev_other) == base2 ? "yes" : "no");
	event_del(&ev_other);
	r = event_base_set(base, &ev_other);
	printf("event_base_set after del: %d base_is_current=%s\n", r,
	    event_get_base(&ev_other) == base ? "yes" : "no");
	event_base_free(base2);

	printf("== a second event_init becomes the current base\n");
	base2 = event_init();
	event_set(&ev_pre, -1, 0, other_cb, NULL);
	printf("second event_init: %s distinct=%s event_set uses it=%s\n", base2 ? "non-NULL" : "NULL",
	    base2 != base ? "yes" : "no", event_get_base(&ev_pre) == base2 ? "yes" : "no");
	tc_order[0] = 0;
	event_add(&ev_pre, &tv50);
	r = event_dispatch();
	printf("event_dispatch: %d order=%s\n", r, tc_order);
	r = event_dispatch();
	printf("event_dispatch (empty): %d\n", r);

	event_base_free(base2);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
