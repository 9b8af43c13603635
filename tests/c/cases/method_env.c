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

static int nlog, sev[8];
static void logcb(int severity, const char *msg)
{
	(void)msg;
	if (nlog < 8)
		sev[nlog] = severity;
	nlog++;
}

static char order[32];
static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	strncat(order, (const char *)arg, sizeof(order) - strlen(order) - 1);
	if (what & EV_READ) {
		char buf[8];
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			printf("  recv failed\n");
	}
}

static void exercise(struct event_base *base)
{
	struct event *t, *io, *sig;
	struct timeval tv = {0, 20000};
	int sv[2], r;
	order[0] = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, cb, "R");
	sig = evsignal_new(base, SIGUSR1, cb, "S");
	t = evtimer_new(base, cb, "T");
	event_add(io, NULL);
	evsignal_add(sig, NULL);
	if (send(sv[1], "x", 1, 0) != 1)
		return;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("  io: loop %d order=%s\n", r, order);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("  signal: loop %d order=%s\n", r, order);
	evsignal_del(sig);
	evtimer_add(t, &tv);
	r = event_base_dispatch(base);
	printf("  timer: dispatch %d order=%s\n", r, order);
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
	event_set_log_callback(logcb);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");

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

	printf("log calls so far: %d\n", nlog);
	nlog = 0;
	setenv("EVENT_SHOW_METHOD", "1", 1);
	b = event_base_new();
	printf("EVENT_SHOW_METHOD: %s, log calls=%d", event_base_get_method(b), nlog);
	for (i = 0; i < nlog && i < 8; i++)
		printf(" severity=%d", sev[i]);
	printf("\n");
	event_base_free(b);
	unsetenv("EVENT_SHOW_METHOD");
	printf("done\n");
	return 0;
}
