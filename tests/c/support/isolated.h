/* isolated.h — the scenario of the cases that take the libraries' files away
 * from a running program (core_chroot: chroot into an empty directory;
 * core_unmount: the library directory unmounted in a private mount
 * namespace), as privilege-separated daemons do (opensmtpd, lldpd, dnsproxy,
 * nsd, unbound) before their loops start.
 *
 * tc_iso_prepare runs before the files go away: a base, a timer and a
 * SIGUSR1 event added (nothing dispatched yet). tc_iso_run runs after: it
 * forks a child that chroots and runs a loop of its own on a new base
 * (a bufferevent pair echo and a timer), then the parent dispatches its timer
 * and signal, serves a TCP connection on 127.0.0.1 with a listener and two
 * socket bufferevents, and collects the child's report.
 *
 * Same rules as testcase.h: static inline, libevent's public API and libc
 * only, names start with tc_. */
#ifndef GOEVENT_TESTS_C_ISOLATED_H
#define GOEVENT_TESTS_C_ISOLATED_H

#include "fork.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include <sys/stat.h>

struct tc_iso {
	struct event_base *base;
	struct event *timer, *sig;
	int timer_fired, sig_fired;
	char echoed[16];             /* what the TCP client read back */
	struct bufferevent *server;  /* the accepted connection */
};

static struct tc_iso tc_iso_;

static inline void tc_iso_timer_cb_(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	tc_iso_.timer_fired++;
}

static inline void tc_iso_sig_cb_(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	tc_iso_.sig_fired++;
}

/* Before the files go away: nothing dispatched, no bufferevent, no listener. */
static inline int tc_iso_prepare(void)
{
	struct timeval tv = {0, 20000};
	tc_iso_.base = event_base_new();
	if (!tc_iso_.base)
		return -1;
	tc_iso_.timer = evtimer_new(tc_iso_.base, tc_iso_timer_cb_, NULL);
	tc_iso_.sig = evsignal_new(tc_iso_.base, SIGUSR1, tc_iso_sig_cb_, NULL);
	if (!tc_iso_.timer || !tc_iso_.sig || evtimer_add(tc_iso_.timer, &tv) != 0 ||
	    evsignal_add(tc_iso_.sig, NULL) != 0)
		return -1;
	return 0;
}

/* ---- the child: its own base, a bufferevent pair, a timer --------------- */

static inline void tc_iso_child_echo_cb_(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static inline void tc_iso_child_read_cb_(struct bufferevent *bev, void *arg)
{
	char *got = arg;
	size_t n = bufferevent_read(bev, got, 15);
	got[n] = 0;
}

static inline void tc_iso_child(const char *root)
{
	struct bufferevent *pair[2];
	struct event_base *base;
	struct event *t;
	struct timeval tv = {0, 10000};
	char got[16] = "";
	int ok_chroot;

	tc_child_alarm("child", 10);
	/* the child isolates itself once more, as lldpd's unprivileged child does */
	ok_chroot = (mkdir(root, 0700) == 0 || errno == EEXIST) && chroot(root) == 0 && chdir("/") == 0;
	tc_report("child: chrooted: %s", tc_yesno(ok_chroot));
	base = event_base_new();
	tc_iso_.timer_fired = 0;
	t = evtimer_new(base, tc_iso_timer_cb_, NULL);
	evtimer_add(t, &tv);
	if (!base || bufferevent_pair_new(base, 0, pair) != 0) {
		tc_report("child: no base or pair");
		_exit(1);
	}
	bufferevent_setcb(pair[1], tc_iso_child_echo_cb_, NULL, NULL, NULL);
	bufferevent_setcb(pair[0], tc_iso_child_read_cb_, NULL, NULL, got);
	bufferevent_enable(pair[0], EV_READ);
	bufferevent_enable(pair[1], EV_READ);
	bufferevent_write(pair[0], "pong", 4);
	while (!got[0] || !tc_iso_.timer_fired)
		if (event_base_loop(base, EVLOOP_ONCE) != 0)
			break;
	tc_report("child: timer fired %d, pair echo: %s", tc_iso_.timer_fired, got);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_free(t);
	event_base_free(base);
	_exit(0);
}

/* ---- the parent: its prepared events, then a TCP echo ------------------- */

static inline void tc_iso_server_read_cb_(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static inline void tc_iso_accept_cb_(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	(void)sa; (void)socklen; (void)arg;
	tc_iso_.server = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(tc_iso_.server, tc_iso_server_read_cb_, NULL, NULL, NULL);
	bufferevent_enable(tc_iso_.server, EV_READ | EV_WRITE);
}

static inline void tc_iso_client_read_cb_(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	(void)arg;
	if (evbuffer_get_length(in) < 4)
		return;
	evbuffer_remove(in, tc_iso_.echoed, 4);
	event_base_loopexit(tc_iso_.base, NULL);
}

static inline void tc_iso_client_event_cb_(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		bufferevent_write(bev, "ping", 4);
	else
		event_base_loopexit(tc_iso_.base, NULL);
}

/* A TCP connection on 127.0.0.1 served through a listener and two socket
 * bufferevents on tc_iso_.base: the client's "ping" comes back. Returns
 * what the client read ("" if nothing), or NULL if setting up failed. */
static inline const char *tc_iso_tcp_echo(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct evconnlistener *l;
	struct bufferevent *client;
	struct timeval guard = {5, 0};

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	l = evconnlistener_new_bind(tc_iso_.base, tc_iso_accept_cb_, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 8, (struct sockaddr *)&sin, sizeof(sin));
	if (!l || getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin, &len) != 0)
		return NULL;
	client = bufferevent_socket_new(tc_iso_.base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(client, tc_iso_client_read_cb_, NULL, tc_iso_client_event_cb_, NULL);
	bufferevent_enable(client, EV_READ);
	if (bufferevent_socket_connect(client, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return NULL;
	event_base_loopexit(tc_iso_.base, &guard);
	event_base_dispatch(tc_iso_.base);
	bufferevent_free(client);
	if (tc_iso_.server)
		bufferevent_free(tc_iso_.server);
	tc_iso_.server = NULL;
	evconnlistener_free(l);
	return tc_iso_.echoed;
}

/* After the files went away; the child chroots into child_root (made if
 * missing, left for the caller to remove). Returns the exit status. */
static inline int tc_iso_run(const char *child_root)
{
	char buf[1024];
	int rp[2], status, exited;
	pid_t pid;

	if (pipe(rp) != 0)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(rp[0]);
		tc_report_to(rp[1]);
		event_del(tc_iso_.sig);
		tc_iso_child(child_root);
	}
	close(rp[1]);

	/* the prepared timer and signal */
	raise(SIGUSR1);
	while (tc_iso_.timer_fired == 0 || tc_iso_.sig_fired == 0) {
		if (event_base_loop(tc_iso_.base, EVLOOP_ONCE) != 0)
			break;
	}
	printf("parent: timer fired %d, SIGUSR1 fired %d\n", tc_iso_.timer_fired, tc_iso_.sig_fired);

	const char *echoed = tc_iso_tcp_echo();
	if (!echoed) {
		printf("parent: no listener or connect failed\n");
		return 1;
	}
	printf("parent: echo over 127.0.0.1: %s\n", echoed[0] ? echoed : "(nothing)");

	exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 10, &status);
	fputs(buf, stdout);
	printf("child: exited by itself %s, status %d\n", tc_yesno(exited),
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	event_free(tc_iso_.timer);
	event_free(tc_iso_.sig);
	event_base_free(tc_iso_.base);
	return 0;
}

#endif /* GOEVENT_TESTS_C_ISOLATED_H */
