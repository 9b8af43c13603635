/* event_et_mix: edge-triggered (EV_ET) and level-triggered events on one
 * descriptor, whatever EV_READ/EV_WRITE/EV_CLOSED each waits for and in
 * either order, on a fresh base (no loop has run yet) and on a base that
 * has run its loop once. Run twice: in a child with debug mode on
 * (event_enable_debug_mode), then normally. */
/* debug-mode: skip: it enables debug mode itself (a second call is fatal) */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testcase.h"

static int calls[2];

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	calls[(int)(long)arg]++;
}

static const char *name(short e)
{
	static char buf[2][48];
	static int k;
	char *b = buf[k++ & 1];
	b[0] = 0;
	if (e & EV_READ)
		strcat(b, "READ|");
	if (e & EV_WRITE)
		strcat(b, "WRITE|");
	if (e & EV_CLOSED)
		strcat(b, "CLOSED|");
	if (e & EV_PERSIST)
		strcat(b, "PERSIST|");
	if (e & EV_ET)
		strcat(b, "ET|");
	b[strlen(b) - 1] = 0;
	return b;
}

static void pair_case(int loop_first, short first, short second)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	if (loop_first)
		event_base_loop(base, EVLOOP_NONBLOCK);
	struct event *a = event_new(base, sv[0], first, cb, (void *)0);
	struct event *b = event_new(base, sv[0], second, cb, (void *)1);
	int ra = event_add(a, NULL);
	tc_log_reset();
	int rb = event_add(b, NULL);
	int warned = tc_log_.by_severity[EVENT_LOG_WARN] > 0;
	printf("  %-17s then %-17s: %d %d%s, pending %s/%s", name(first), name(second), ra, rb,
	    warned ? " (warned)" : "", tc_yesno(event_pending(a, EV_READ | EV_WRITE | EV_CLOSED, NULL)),
	    tc_yesno(event_pending(b, EV_READ | EV_WRITE | EV_CLOSED, NULL)));
	/* what still runs: data and room to write are ready */
	if (write(sv[1], "x", 1) != 1)
		_exit(2);
	calls[0] = calls[1] = 0;
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf(", runs %d/%d", calls[0], calls[1]);
	/* after the first is deleted, the second may be added */
	event_del(a);
	event_del(b);
	rb = event_add(b, NULL);
	printf(", alone: %d\n", rb);
	event_free(a);
	event_free(b);
	close(sv[0]);
	close(sv[1]);
	event_base_free(base);
}

/* Two descriptors: mixing across fds is fine. */
static void two_fds(int loop_first)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	if (loop_first)
		event_base_loop(base, EVLOOP_NONBLOCK);
	struct event *a = event_new(base, sv[0], EV_READ | EV_ET, cb, (void *)0);
	struct event *b = event_new(base, sv[1], EV_READ, cb, (void *)1);
	int ra = event_add(a, NULL), rb = event_add(b, NULL);
	printf("  READ|ET on one fd, READ on another: %d %d\n", ra, rb);
	event_free(a);
	event_free(b);
	close(sv[0]);
	close(sv[1]);
	event_base_free(base);
}

/* Three events: ET, ET, then a level one; the level one is refused until
 * both ET ones are deleted. */
static void three(int loop_first)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	if (loop_first)
		event_base_loop(base, EVLOOP_NONBLOCK);
	struct event *e1 = event_new(base, sv[0], EV_READ | EV_ET | EV_PERSIST, cb, (void *)0);
	struct event *e2 = event_new(base, sv[0], EV_WRITE | EV_ET, cb, (void *)0);
	struct event *lt = event_new(base, sv[0], EV_READ, cb, (void *)1);
	int r1 = event_add(e1, NULL), r2 = event_add(e2, NULL), r3 = event_add(lt, NULL);
	event_del(e1);
	int r4 = event_add(lt, NULL);
	event_del(e2);
	int r5 = event_add(lt, NULL);
	printf("  ET, ET, level: %d %d %d; one ET deleted: %d; both: %d\n", r1, r2, r3, r4, r5);
	event_free(e1);
	event_free(e2);
	event_free(lt);
	close(sv[0]);
	close(sv[1]);
	event_base_free(base);
}

int main(void)
{
	static const short pairs[][2] = {
		{ EV_READ | EV_ET, EV_READ },
		{ EV_READ, EV_READ | EV_ET },
		{ EV_READ | EV_ET, EV_WRITE },
		{ EV_WRITE, EV_READ | EV_ET },
		{ EV_WRITE | EV_ET, EV_READ | EV_PERSIST },
		{ EV_CLOSED | EV_ET, EV_READ },
		{ EV_READ, EV_CLOSED | EV_ET },
		{ EV_READ | EV_ET, EV_WRITE | EV_ET },
		{ EV_READ | EV_ET | EV_PERSIST, EV_READ | EV_ET },
		{ EV_READ, EV_WRITE | EV_PERSIST },
	};
	tc_alarm("event_et_mix", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork(); /* before any libevent call: debug mode is still possible */
	if (pid < 0)
		return 2;
	if (pid == 0)
		event_enable_debug_mode();
	else if (waitpid(pid, NULL, 0) != pid)
		return 2;
	tc_log_capture();
	printf("%s\n", pid == 0 ? "== debug mode" : "== normal mode");
	struct event_base *base = event_base_new();
	printf("EV_FEATURE_ET: %s\n", tc_yesno(event_base_get_features(base) & EV_FEATURE_ET));
	event_base_free(base);
	for (int loop_first = 0; loop_first < 2; loop_first++) {
		printf("%s:\n", loop_first ? "after a loop" : "fresh base");
		for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
			pair_case(loop_first, pairs[i][0], pairs[i][1]);
		two_fds(loop_first);
		three(loop_first);
	}
	return 0;
}
