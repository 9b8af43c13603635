/* bev_lock_ref: bufferevent_lock takes a reference and bufferevent_unlock
 * drops it (libevent's incref_and_lock / decref_and_unlock), with and without
 * BEV_OPT_THREADSAFE: a bufferevent_free between them leaves the bufferevent
 * (and its BEV_OPT_CLOSE_ON_FREE socket) alive until the unlock; a
 * bufferevent_decref inside the lock reports that references remain. */
/* libs: libevent_core libevent_pthreads */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

/* this case prints "open"/"closed" */
static const char *fd_state(int fd)
{
	return tc_fd_open(fd) ? "open" : "closed";
}

static void round_(struct event_base *base, int options, const char *name)
{
	struct bufferevent *b;
	int sv[2], r;

	printf("== %s\n", name);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE | options);
	bufferevent_lock(b);
	bufferevent_free(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("free inside lock: socket %s\n", fd_state(sv[0]));
	printf("still usable: write %d, output %u\n", bufferevent_write(b, "abc", 3),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
	bufferevent_unlock(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("after unlock and a loop pass: socket %s\n", fd_state(sv[0]));
	close(sv[1]);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE | options);
	bufferevent_lock(b);
	bufferevent_lock(b);
	r = bufferevent_decref(b);
	printf("decref inside two locks: %d\n", r);
	bufferevent_unlock(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("one unlock: socket %s\n", fd_state(sv[0]));
	bufferevent_unlock(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("second unlock: socket %s\n", fd_state(sv[0]));
	close(sv[1]);
}

int main(void)
{
	struct event_base *base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_lock_ref", 15);
	tc_log_capture();
	evthread_use_pthreads();
	base = event_base_new();
	round_(base, 0, "no lock");
	round_(base, BEV_OPT_THREADSAFE, "BEV_OPT_THREADSAFE");
	event_base_free(base);
	printf("log messages: %d\n", tc_log_.n);
	printf("done\n");
	return 0;
}
