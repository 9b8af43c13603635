/* event_closed_peer: EV_CLOSED when the peer close()s its socket, next to
 * shutdown(SHUT_WR) and (TCP) a reset, on a local (AF_UNIX) and a TCP
 * loopback connection, and on a pipe whose write end is closed (a hangup
 * without "read hangup": epoll's EPOLLHUP alone),
 * for EV_CLOSED alone, persistent or not, level or edge-triggered, and
 * beside EV_READ or EV_WRITE. Each event gets three loops (EVLOOP_ONCE,
 * then twice EVLOOP_ONCE|EVLOOP_NONBLOCK): the callbacks of each show
 * whether it fired and whether a level-triggered one keeps firing.
 * event_base_get_features tells whether the backend has EV_CLOSED
 * (EV_FEATURE_EARLY_CLOSE). */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static struct event *ev;
static int calls;
static short last_what;

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	calls++;
	last_what = what;
	if (calls == 3) /* a level-triggered one would go on */
		event_base_loopbreak(event_get_base(ev));
}

static const char *events_name(short e)
{
	static char buf[64];
	buf[0] = 0;
	if (e & EV_READ)
		strcat(buf, "READ|");
	if (e & EV_WRITE)
		strcat(buf, "WRITE|");
	if (e & EV_CLOSED)
		strcat(buf, "CLOSED|");
	if (e & EV_PERSIST)
		strcat(buf, "PERSIST|");
	if (e & EV_ET)
		strcat(buf, "ET|");
	buf[strlen(buf) - 1] = 0;
	return buf;
}

enum transport { UNIX, TCP, PIPE };

/* sv[0] is watched, sv[1] is the peer. */
static void pair(enum transport t, int sv[2])
{
	int r = t == TCP ? tc_tcp_pair(sv) : t == UNIX ? socketpair(AF_UNIX, SOCK_STREAM, 0, sv) : pipe(sv);
	if (r != 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[0]);
}

static void run(enum transport t, const char *how, short events)
{
	struct event_base *base = event_base_new();
	int sv[2];
	pair(t, sv);
	ev = event_new(base, sv[0], events, cb, NULL);
	if (event_add(ev, NULL) != 0)
		printf("  event_add failed\n");
	if (strcmp(how, "close") == 0)
		close(sv[1]);
	else if (strcmp(how, "shutdown") == 0)
		shutdown(sv[1], SHUT_WR);
	else if (strcmp(how, "data+close") == 0) {
		if (write(sv[1], "hi", 2) != 2)
			_exit(2);
		close(sv[1]);
	} else if (strcmp(how, "reset") == 0) {
		struct linger lg = { 1, 0 }; /* close sends an RST */
		setsockopt(sv[1], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(sv[1]);
	}
	usleep(20 * 1000); /* let the FIN arrive on TCP */
	printf("  %-10s %-22s", how, events_name(events));
	for (int pass = 0; pass < 3; pass++) {
		struct timeval guard = { 0, 50 * 1000 };
		calls = 0;
		last_what = 0;
		if (pass == 0)
			event_base_loopexit(base, &guard);
		event_base_loop(base, pass == 0 ? EVLOOP_ONCE : EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (calls)
			printf(" | %d:0x%02x", calls, last_what);
		else
			printf(" | -");
	}
	printf(" | pending 0x%02x\n", event_pending(ev, EV_READ | EV_WRITE | EV_CLOSED, NULL));
	event_free(ev);
	close(sv[0]);
	if (strcmp(how, "shutdown") == 0)
		close(sv[1]);
	event_base_free(base);
}

int main(void)
{
	static const short kinds[] = {
		EV_CLOSED,
		EV_CLOSED | EV_PERSIST,
		EV_CLOSED | EV_ET,
		EV_CLOSED | EV_PERSIST | EV_ET,
		EV_READ | EV_CLOSED,
		EV_READ | EV_CLOSED | EV_PERSIST | EV_ET,
		EV_WRITE | EV_CLOSED,
	};
	static const char *names[] = { "unix", "tcp", "pipe (the write end closes)" };
	static const char *hows[] = { "close", "shutdown", "data+close", "reset" };
	tc_alarm("event_closed_peer", 20);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct event_base *base = event_base_new();
	printf("EV_FEATURE_EARLY_CLOSE: %s\n", tc_yesno(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE));
	event_base_free(base);
	for (int t = UNIX; t <= PIPE; t++) {
		printf("%s:\n", names[t]);
		for (unsigned h = 0; h < sizeof hows / sizeof hows[0]; h++) {
			if ((t == PIPE && h != 0 && h != 2) || (t != TCP && h == 3))
				continue; /* pipes: close only; reset: TCP only */
			for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
				run(t, hows[h], kinds[k]);
		}
	}
	return 0;
}
