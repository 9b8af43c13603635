/* event_active_by: event_base_active_by_fd (events waiting for the given
 * condition become active with what they wait for; with EV_TIMEOUT, the
 * events with a timeout on that fd, heap and common queues) and
 * event_base_active_by_signal (the signal's events run as if it was caught
 * once; nothing is raised). */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	printf("  cb %s what=0x%x\n", (const char *)arg, what);
}

static int usr1_caught;
static void prev_handler(int sig) { (void)sig; usr1_caught++; }

int main(void)
{
	tc_alarm("event_active_by", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct event_base *base = event_base_new();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	evutil_make_socket_nonblocking(sv[0]);
	int fd = sv[0];
	struct timeval t10 = { 10, 0 }, d = { 20, 0 };
	const struct timeval *ct = event_base_init_common_timeout(base, &d);

	struct event *r = event_new(base, fd, EV_READ | EV_PERSIST, named_cb, "r");
	struct event *w = event_new(base, fd, EV_WRITE, named_cb, "w");
	struct event *rw = event_new(base, fd, EV_READ | EV_WRITE, named_cb, "rw");
	struct event *tfd = event_new(base, fd, 0, named_cb, "timer-on-fd");
	struct event *cfd = event_new(base, fd, 0, named_cb, "common-on-fd");
	struct event *rt = event_new(base, fd, EV_READ, named_cb, "read+timeout");
	struct event *other = event_new(base, -1, 0, named_cb, "timer-other");
	event_add(r, NULL);
	event_add(w, NULL);
	event_add(rw, NULL);
	event_add(tfd, &t10);
	event_add(cfd, ct);
	event_add(rt, &t10);
	event_add(other, &t10);

	printf("active_by_fd(READ):\n");
	event_base_active_by_fd(base, fd, EV_READ);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("active_by_fd(WRITE|CLOSED):\n");
	event_base_active_by_fd(base, fd, EV_WRITE | EV_CLOSED);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("w pending: 0x%x\n", event_pending(w, EV_WRITE, NULL));
	event_add(w, NULL);
	event_add(rw, NULL);
	printf("active_by_fd(READ|WRITE):\n");
	event_base_active_by_fd(base, fd, EV_READ | EV_WRITE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("active_by_fd(TIMEOUT):\n");
	event_base_active_by_fd(base, fd, EV_TIMEOUT);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("pending: timer-on-fd 0x%x, common-on-fd 0x%x, timer-other 0x%x\n",
	    event_pending(tfd, EV_TIMEOUT, NULL), event_pending(cfd, EV_TIMEOUT, NULL),
	    event_pending(other, EV_TIMEOUT, NULL));
	printf("active_by_fd on an fd without events:\n");
	event_base_active_by_fd(base, sv[1], EV_READ | EV_WRITE);
	int rc = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop: %d\n", rc);

	/* Signals. */
	signal(SIGUSR1, prev_handler);
	struct event *s1 = evsignal_new(base, SIGUSR1, named_cb, "usr1-a");
	struct event *s2 = event_new(base, SIGUSR1, EV_SIGNAL | EV_PERSIST, named_cb, "usr1-b");
	struct event *s3 = evsignal_new(base, SIGUSR2, named_cb, "usr2");
	event_add(s1, NULL);
	event_add(s2, NULL);
	event_add(s3, NULL);
	printf("active_by_signal(SIGUSR1):\n");
	event_base_active_by_signal(base, SIGUSR1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("pending: usr1-a 0x%x, usr1-b 0x%x, usr2 0x%x, handler ran %d\n",
	    event_pending(s1, EV_SIGNAL, NULL), event_pending(s2, EV_SIGNAL, NULL),
	    event_pending(s3, EV_SIGNAL, NULL), usr1_caught);
	printf("active_by_signal(SIGUSR1) twice:\n");
	event_base_active_by_signal(base, SIGUSR1);
	event_base_active_by_signal(base, SIGUSR1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("active_by_signal(SIGHUP), no events:\n");
	event_base_active_by_signal(base, SIGHUP);
	event_base_loop(base, EVLOOP_NONBLOCK);

	event_free(s1);
	event_free(s2);
	event_free(s3);
	event_free(r);
	event_free(w);
	event_free(rw);
	event_free(tfd);
	event_free(cfd);
	event_free(rt);
	event_free(other);
	event_base_free(base);
	return 0;
}
