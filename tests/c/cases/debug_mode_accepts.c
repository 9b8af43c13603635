/* debug_mode_accepts: correct programs that libevent's debug mode
 * (event_enable_debug_mode) accepts. Each scenario runs in its own child
 * (a fatal error ends only that child: the fatal callback prints its code):
 *  - events freed (or re-assigned) after their base was freed: not added,
 *    added (read, timer, signal) and active when the base went, also with
 *    the base never looped or thread-safe (and event_del before the free);
 *  - event_base_foreach_event on a base with internal events (signal
 *    events, a notifiable base's wakeup, a common timeout) and bufferevents,
 *    its callback asking each event it visits about itself;
 *  - a bufferevent's own ev_read/ev_write (socket, pair) asked about
 *    themselves (event_pending, event_get_*), before and after enabling;
 *  - a bufferevent and a listener made, used and freed before their base.
 * It enables debug mode itself. */
/* libs: libevent libevent_pthreads */
/* debug-mode: skip: it enables debug mode itself (a second call is fatal) */
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <signal.h>
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

static int nonblocking_pair(int sv[2])
{
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	return 0;
}

/* ---- events outliving their base ---- */

static void s_free_after_base(void)
{
	struct event_base *base = event_base_new();
	struct timeval t10 = {10, 0};
	int sv[2];
	if (nonblocking_pair(sv) != 0)
		return;
	struct event *idle = event_new(base, -1, 0, cb, NULL);
	struct event *rd = event_new(base, sv[0], EV_READ | EV_PERSIST, cb, NULL);
	struct event *tm = evtimer_new(base, cb, NULL);
	struct event *sg = evsignal_new(base, SIGUSR1, cb, NULL);
	struct event *act = event_new(base, -1, 0, cb, NULL);
	static struct event st; /* the program's own storage */
	event_assign(&st, base, -1, 0, cb, NULL);
	event_add(rd, NULL);
	event_add(tm, &t10);
	event_add(sg, NULL);
	event_add(&st, &t10);
	event_active(act, EV_TIMEOUT, 1);
	event_base_free(base);
	printf("    base freed\n");
	event_free(idle);
	event_free(rd);
	event_free(tm);
	event_free(sg);
	event_free(act);
	printf("    events freed\n");
	/* the program's own event: set up again on a new base and used */
	base = event_base_new();
	printf("    event_assign again: %d\n", event_assign(&st, base, -1, 0, cb, NULL));
	printf("    event_add: %d, pending: %d\n", event_add(&st, &t10), event_pending(&st, EV_TIMEOUT, NULL) != 0);
	printf("    event_del: %d\n", event_del(&st));
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
}

/* The same before the base ever ran a loop (nothing needed more than the
 * event calls), and with a thread-safe base; event_del after the base went
 * too. */
static void free_after_base_early(int threads)
{
	struct timeval t10 = {10, 0};
	int sv[2];
	if (threads)
		evthread_use_pthreads();
	struct event_base *base = event_base_new();
	if (nonblocking_pair(sv) != 0)
		return;
	struct event *rd = event_new(base, sv[0], EV_READ | EV_PERSIST, cb, NULL);
	struct event *tm = evtimer_new(base, cb, NULL);
	struct event *sg = evsignal_new(base, SIGUSR2, cb, NULL);
	struct event *idle = event_new(base, -1, 0, cb, NULL);
	event_add(rd, NULL);
	event_add(tm, &t10);
	event_add(sg, NULL);
	event_base_free(base);
	printf("    base freed\n");
	printf("    event_del: %d %d %d %d\n", event_del(rd), event_del(tm), event_del(sg), event_del(idle));
	printf("    initialized: %d, pending: %d\n", event_initialized(rd), event_pending(tm, EV_TIMEOUT, NULL));
	event_free(rd);
	event_free(tm);
	event_free(sg);
	event_free(idle);
	printf("    events freed\n");
	close(sv[0]);
	close(sv[1]);
}

static void s_free_after_base_early(void) { free_after_base_early(0); }
static void s_free_after_base_threads(void) { free_after_base_early(1); }

static void s_fired_then_base_freed(void)
{
	struct event_base *base = event_base_new();
	struct timeval t0 = {0, 1000};
	struct event *tm = evtimer_new(base, cb, NULL);
	event_add(tm, &t0);
	printf("    dispatch: %d\n", event_base_dispatch(base));
	event_base_free(base);
	event_free(tm);
	printf("    event freed\n");
}

/* ---- event_base_foreach_event ---- */

static int nvisited, nfd, nsig, ntimer, nbad;
static struct event_base *fe_base;

static int visit(const struct event_base *b, const struct event *ev, void *arg)
{
	(void)arg;
	short what = event_get_events(ev);
	nvisited++;
	if (event_get_base(ev) != b)
		nbad++;
	if (what & EV_SIGNAL)
		nsig++;
	else if (event_get_fd(ev) >= 0)
		nfd++;
	else
		ntimer++;
	(void)event_get_callback(ev);
	(void)event_get_callback_arg(ev);
	(void)event_get_priority(ev);
	(void)event_pending(ev, EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL, NULL);
	return 0;
}

static void foreach_report(const char *what)
{
	nvisited = nfd = nsig = ntimer = nbad = 0;
	int r = event_base_foreach_event(fe_base, visit, NULL);
	printf("    %s: foreach %d, visited %d (fd %d, signal %d, timer %d), wrong base %d\n",
	    what, r, nvisited, nfd, nsig, ntimer, nbad);
}

static void s_foreach(void)
{
	struct timeval t10 = {10, 0}, ct = {5, 0};
	int sv[2];
	fe_base = event_base_new();
	/* (not evthread_use_pthreads: libevent's base lock is not recursive,
	 * and event_pending in the callback takes it) */
	printf("    evthread_make_base_notifiable: %d\n", evthread_make_base_notifiable(fe_base));
	if (nonblocking_pair(sv) != 0)
		return;
	struct event *tm = evtimer_new(fe_base, cb, NULL);
	event_add(tm, &t10);
	foreach_report("a timer");
	struct event *sg = evsignal_new(fe_base, SIGUSR1, cb, NULL);
	event_add(sg, NULL);
	foreach_report("and a signal event");
	const struct timeval *common = event_base_init_common_timeout(fe_base, &ct);
	struct event *ctm = evtimer_new(fe_base, cb, NULL);
	event_add(ctm, common);
	foreach_report("and a common timeout");
	struct bufferevent *bev = bufferevent_socket_new(fe_base, sv[0], 0);
	bufferevent_enable(bev, EV_READ);
	foreach_report("and a socket bufferevent reading");
	bufferevent_free(bev);
	event_free(tm);
	event_free(sg);
	event_free(ctm);
	event_base_free(fe_base);
	close(sv[0]);
	close(sv[1]);
}

/* ---- a bufferevent's own events ---- */

static void ask(const char *what, struct bufferevent *bev, struct event_base *base)
{
	printf("    %s: ev_read pending %d fd-ok %d base-ok %d events 0x%x; ev_write pending %d events 0x%x\n",
	    what, event_pending(&bev->ev_read, EV_READ | EV_TIMEOUT, NULL) != 0,
	    event_get_fd(&bev->ev_read) == bufferevent_getfd(bev), event_get_base(&bev->ev_read) == base,
	    event_get_events(&bev->ev_read), event_pending(&bev->ev_write, EV_WRITE | EV_TIMEOUT, NULL) != 0,
	    event_get_events(&bev->ev_write));
}

static void s_bev_events(void)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (nonblocking_pair(sv) != 0)
		return;
	struct bufferevent *bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	ask("socket, new", bev, base);
	bufferevent_enable(bev, EV_READ);
	ask("socket, reading", bev, base);
	bufferevent_write(bev, "x", 1);
	ask("socket, output pending", bev, base);
	event_base_loop(base, EVLOOP_NONBLOCK);
	bufferevent_disable(bev, EV_READ | EV_WRITE);
	ask("socket, disabled", bev, base);
	bufferevent_free(bev);
	printf("    socket bufferevent freed\n");

	struct bufferevent *pair[2];
	bufferevent_pair_new(base, 0, pair);
	ask("pair, new", pair[0], base);
	bufferevent_enable(pair[0], EV_READ);
	ask("pair, reading", pair[0], base);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	printf("    pair freed\n");
	event_base_free(base);
	close(sv[1]);
}

static void s_bev_after_base(void)
{
	struct event_base *base = event_base_new();
	int sv[2];
	if (nonblocking_pair(sv) != 0)
		return;
	struct bufferevent *bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_enable(bev, EV_READ);
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct evconnlistener *lev = evconnlistener_new_bind(base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1, (struct sockaddr *)&sin, sizeof sin);
	printf("    listener: %s\n", tc_yesno(lev != NULL));
	evconnlistener_disable(lev);
	evconnlistener_enable(lev);
	evconnlistener_free(lev);
	bufferevent_free(bev);
	event_base_free(base);
	close(sv[1]);
	printf("    freed bufferevent, listener, base\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("debug_mode_accepts", 30);
	tc_dm_scenario("events freed after their base was freed", s_free_after_base);
	tc_dm_scenario("a fired timer freed after its base was freed", s_fired_then_base_freed);
	tc_dm_scenario("events deleted and freed after a base that never looped", s_free_after_base_early);
	tc_dm_scenario("the same with a thread-safe base", s_free_after_base_threads);
	tc_dm_scenario("event_base_foreach_event with internal events", s_foreach);
	tc_dm_scenario("a bufferevent's own events", s_bev_events);
	tc_dm_scenario("bufferevent and listener freed before the base", s_bev_after_base);
	printf("done\n");
	return 0;
}
