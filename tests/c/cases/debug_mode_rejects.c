/* debug_mode_rejects: what else libevent's debug mode refuses, fatally,
 * besides misused events (debug_mode): a blocking fd handed to libevent
 * through a bufferevent (bufferevent_socket_new, bufferevent_setfd), a
 * listener (evconnlistener_new) or a one-shot (event_base_once), and thread
 * support set up after a base (or a lock) was made: evthread_use_pthreads,
 * and even setting lock or condition callbacks to NULL. The same with
 * non-blocking fds, and thread support first, is fine. Each scenario runs in
 * its own child; the fatal callback prints its code. It enables debug mode
 * itself. */
/* libs: libevent libevent_pthreads */
/* debug-mode: skip: it enables debug mode itself (a second call is fatal) */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"
#include "debugmode.h"

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

static struct event_base *base;
static int sv[2];

/* A base and a socketpair, sv[1] non-blocking, sv[0] blocking. */
static void setup(void)
{
	base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		_exit(2);
	evutil_make_socket_nonblocking(sv[1]);
}

static void s_bev_new(void)
{
	setup();
	struct bufferevent *ok = bufferevent_socket_new(base, sv[1], 0);
	printf("    non-blocking fd: %s\n", ok ? "ok" : "NULL");
	struct bufferevent *none = bufferevent_socket_new(base, -1, 0);
	printf("    fd -1: %s\n", none ? "ok" : "NULL");
	bufferevent_socket_new(base, sv[0], 0);
}

static void s_bev_setfd(void)
{
	setup();
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
	printf("    setfd to a non-blocking fd: %d\n", bufferevent_setfd(bev, sv[1]));
	bufferevent_setfd(bev, sv[0]);
}

static void s_listener(void)
{
	setup();
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(s, 4) != 0)
		_exit(2);
	struct evconnlistener *lev = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&sin, sizeof sin);
	printf("    evconnlistener_new_bind: %s\n", lev ? "ok" : "NULL");
	evconnlistener_new(base, NULL, NULL, 0, 0, s);
}

static void s_once(void)
{
	setup();
	printf("    event_base_once on a non-blocking fd: %d\n", event_base_once(base, sv[1], EV_READ, cb, NULL, NULL));
	event_base_once(base, sv[0], EV_READ, cb, NULL, NULL);
}

static void s_threads_first(void)
{
	printf("    evthread_use_pthreads: %d\n", evthread_use_pthreads());
	setup();
	struct bufferevent *bev = bufferevent_socket_new(base, sv[1], BEV_OPT_THREADSAFE);
	printf("    thread-safe bufferevent: %s\n", bev ? "ok" : "NULL");
	bufferevent_free(bev);
	event_base_free(base);
}

static void s_threads_after_base(void)
{
	base = event_base_new();
	event_base_free(base);
	printf("    base made and freed\n");
	evthread_use_pthreads();
}

static void s_lock_null_after_base(void)
{
	base = event_base_new();
	evthread_set_lock_callbacks(NULL);
}

static void s_cond_null_after_base(void)
{
	base = event_base_new();
	evthread_set_condition_callbacks(NULL);
}

static void s_threads_after_lock(void)
{
	struct evbuffer *buf = evbuffer_new();
	printf("    evbuffer_enable_locking without callbacks: %d\n", evbuffer_enable_locking(buf, NULL));
	evbuffer_free(buf);
	evthread_use_pthreads();
}

static void s_threads_after_buffer(void)
{
	struct evbuffer *buf = evbuffer_new();
	evbuffer_add(buf, "x", 1);
	evbuffer_free(buf);
	printf("    evthread_use_pthreads after an evbuffer: %d\n", evthread_use_pthreads());
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("debug_mode_rejects", 30);
	tc_dm_scenario("bufferevent_socket_new on a blocking fd", s_bev_new);
	tc_dm_scenario("bufferevent_setfd to a blocking fd", s_bev_setfd);
	tc_dm_scenario("evconnlistener_new on a blocking fd", s_listener);
	tc_dm_scenario("event_base_once on a blocking fd", s_once);
	tc_dm_scenario("evthread_use_pthreads before any base", s_threads_first);
	tc_dm_scenario("evthread_use_pthreads after a base", s_threads_after_base);
	tc_dm_scenario("evthread_set_lock_callbacks(NULL) after a base", s_lock_null_after_base);
	tc_dm_scenario("evthread_set_condition_callbacks(NULL) after a base", s_cond_null_after_base);
	tc_dm_scenario("evthread_use_pthreads after evbuffer_enable_locking", s_threads_after_lock);
	tc_dm_scenario("evthread_use_pthreads after an evbuffer", s_threads_after_buffer);
	printf("done\n");
	return 0;
}
