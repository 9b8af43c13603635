/* fork_in_callback: a listener's accept callback forks, as a forking daemon
 * does (bitlbee -F). The parent's loop has run (it is running: this is its
 * callback). In the callback the child tells the inherited loop to exit and
 * sets up a base of its own with an event for the accepted connection, then
 * returns; the inherited loop call returns, and the child runs its own base: it answers the connection, then uses a
 * bufferevent pair, a timer and an evbuffer on another new base. The parent
 * closes its copy of the connection and its loop goes on until its timer.
 * The child reports through a pipe. */
/* timeout: 30 */
#include "fork.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

static struct event_base *parent_base, *child_base;
static struct event *child_read;
static int report_w = -1, is_child, parent_timer;
static pid_t child_pid;
static char echoed[16];

static void child_read_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[16];
	(void)what; (void)arg;
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = 0;
		tc_report("child: its own base read: %s", buf);
		if (send(fd, buf, (size_t)n, 0) != n)
			tc_report("child: send failed");
	}
	event_del(child_read);
}

static void pair_read_cb(struct bufferevent *bev, void *arg)
{
	char *got = arg;
	size_t n = bufferevent_read(bev, got, 15);
	got[n] = 0;
}

static void pair_echo_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	(*(int *)arg)++;
}

static void parent_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	timer_cb(fd, what, arg);
	event_base_loopexit(parent_base, NULL);
}

/* After the inherited dispatch returned: a second new base, with what
 * needs the core (a bufferevent pair, an evbuffer, a timer). */
static void child_more(void)
{
	struct event_base *b = event_base_new();
	struct bufferevent *pair[2];
	struct timeval tv = {0, 10000};
	char got[16] = "";
	int fired = 0;
	struct event *t = evtimer_new(b, timer_cb, &fired);
	evtimer_add(t, &tv);
	if (bufferevent_pair_new(b, 0, pair) != 0) {
		tc_report("child: bufferevent_pair_new failed");
		return;
	}
	bufferevent_setcb(pair[0], pair_read_cb, NULL, NULL, got);
	bufferevent_setcb(pair[1], pair_echo_cb, NULL, NULL, NULL);
	bufferevent_enable(pair[0], EV_READ);
	bufferevent_enable(pair[1], EV_READ);
	bufferevent_write(pair[0], "pong", 4);
	while (!got[0] || !fired)
		if (event_base_loop(b, EVLOOP_ONCE) != 0)
			break;
	struct evbuffer *eb = evbuffer_new();
	evbuffer_add_printf(eb, "%d+%d", 2, 3);
	tc_report("child: new base: pair echo %s, timer fired %d, evbuffer %d bytes", got, fired,
	    (int)evbuffer_get_length(eb));
	evbuffer_free(eb);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_free(t);
	event_base_free(b);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	int rp[2];
	(void)l; (void)sa; (void)len; (void)arg;
	if (pipe(rp) != 0)
		return;
	fflush(stdout);
	child_pid = fork();
	if (child_pid == 0) {
		is_child = 1;
		close(rp[0]);
		report_w = rp[1];
		tc_report_to(rp[1]);
		tc_child_alarm("child", 10);
		tc_report("child: loopexit on the inherited base: %d", event_base_loopexit(parent_base, NULL));
		child_base = event_base_new();
		evutil_make_socket_nonblocking(fd);
		child_read = event_new(child_base, fd, EV_READ | EV_PERSIST, child_read_cb, NULL);
		tc_report("child: event_add on its own base: %d", event_add(child_read, NULL));
		return;
	}
	close(rp[1]);
	report_w = rp[0];
	close(fd);
}

int main(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct timeval tv = {0, 300000};
	char buf[2048];
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("fork_in_callback", 25);
	parent_base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	struct evconnlistener *l = evconnlistener_new_bind(parent_base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 8, (struct sockaddr *)&sin, sizeof(sin));
	if (!l || getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin, &slen) != 0)
		return 1;
	struct event *t = evtimer_new(parent_base, parent_timer_cb, &parent_timer);
	evtimer_add(t, &tv);
	/* a client, connected before the loop runs; its request waits in the socket */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sin, sizeof(sin)) != 0 || send(c, "hello", 5, 0) != 5)
		return 1;
	/* the parent's loop: it runs the accept callback, which forks */
	int r = 0;
	while (!child_pid && !is_child && r == 0)
		r = event_base_loop(parent_base, EVLOOP_ONCE);
	if (is_child) {
		/* back from the inherited loop pass that ran the callback */
		tc_report("child: the inherited loop call returned %d", r);
		close(evconnlistener_get_fd(l)); /* its copy of the listening socket */
		r = event_base_dispatch(child_base);
		tc_report("child: its own dispatch returned %d", r);
		child_more();
		_exit(0);
	}
	printf("parent: forked a child from the accept callback: %s\n", tc_yesno(child_pid > 0));
	event_base_dispatch(parent_base); /* until its timer */
	printf("parent: loop went on to its timer: %s\n", tc_yesno(parent_timer == 1));
	ssize_t n = recv(c, echoed, sizeof(echoed) - 1, 0);
	printf("parent: the client got back: %s\n", n > 0 ? echoed : "(nothing)");
	int exited = tc_collect_child(child_pid, report_w, buf, sizeof(buf), 10, &status);
	fputs(buf, stdout);
	printf("child: exited by itself %s, status %d\n", tc_yesno(exited), WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	close(c);
	evconnlistener_free(l);
	event_free(t);
	event_base_free(parent_base);
	return 0;
}
