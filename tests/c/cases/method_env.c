/* method_env: backend selection through the environment, read when a base
 * is created (programs such as tmux call setenv("EVENT_NOEPOLL") after the
 * library is loaded): EVENT_NOEPOLL selects poll, EVENT_SHOW_METHOD makes
 * event_base_new log the method at MSG severity. The poll backend runs
 * timers, I/O and signals. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"
#include "loop.h"

static void exercise(struct event_base *base)
{
	struct event *t, *io, *sig;
	struct timeval tv = {0, 20000};
	int sv[2], r;
	tc_order[0] = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, tc_order_recv_cb, "R");
	sig = evsignal_new(base, SIGUSR1, tc_order_recv_cb, "S");
	t = evtimer_new(base, tc_order_recv_cb, "T");
	event_add(io, NULL);
	evsignal_add(sig, NULL);
	if (send(sv[1], "x", 1, 0) != 1)
		return;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("  io: loop %d order=%s\n", r, tc_order);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("  signal: loop %d order=%s\n", r, tc_order);
	evsignal_del(sig);
	evtimer_add(t, &tv);
	r = event_base_dispatch(base);
	printf("  timer: dispatch %d order=%s\n", r, tc_order);
	event_free(io);
	event_free(sig);
	event_free(t);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	struct event_base *b;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("method_env", 15);
	tc_sevlog_capture();
	tc_unset_event_env();

	b = event_base_new();
	printf("default: %s\n", event_base_get_method(b));
	exercise(b);
	event_base_free(b);

	setenv("EVENT_NOEPOLL", "1", 1);
	b = event_base_new();
	printf("EVENT_NOEPOLL=1: %s\n", event_base_get_method(b));
	exercise(b);
	event_base_free(b);

	setenv("EVENT_NOEPOLL", "", 1);
	b = event_base_new();
	printf("EVENT_NOEPOLL set but empty: %s\n", event_base_get_method(b));
	event_base_free(b);

	unsetenv("EVENT_NOEPOLL");
	b = event_base_new();
	printf("after unsetenv: %s\n", event_base_get_method(b));
	event_base_free(b);

	printf("log calls so far: %d\n", tc_sevlog_.n);
	tc_sevlog_.n = 0;
	setenv("EVENT_SHOW_METHOD", "1", 1);
	b = event_base_new();
	printf("EVENT_SHOW_METHOD: %s, log calls=%d", event_base_get_method(b), tc_sevlog_.n);
	for (i = 0; i < tc_sevlog_.n && i < 8; i++)
		printf(" severity=%d", tc_sevlog_.sev[i]);
	printf("\n");
	event_base_free(b);
	unsetenv("EVENT_SHOW_METHOD");
	printf("done\n");
	return 0;
}
