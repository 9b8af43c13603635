/* fork_after_loop: a parent runs its loop (a bufferevent pair, timers),
 * then forks children that do not exec but keep using libevent on bases of
 * their own: a timer, a signal event, a listener serving a TCP connection
 * through socket bufferevents, a bufferevent pair, an evbuffer; each child
 * also forks a grandchild that does the same. The parent's base stays the
 * parent's (children do not touch it). Reports through pipes. */
/* timeout: 40 */
#include "isolated.h"

static void pair_echo_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void pair_read_cb(struct bufferevent *bev, void *arg)
{
	char *got = arg;
	size_t n = bufferevent_read(bev, got, 15);
	got[n] = 0;
}

/* The parent's own use of the loop before any fork. */
static void parent_loop(struct event_base *base)
{
	struct bufferevent *pair[2];
	char got[16] = "";
	bufferevent_pair_new(base, 0, pair);
	bufferevent_setcb(pair[0], pair_read_cb, NULL, NULL, got);
	bufferevent_setcb(pair[1], pair_echo_cb, NULL, NULL, NULL);
	bufferevent_enable(pair[0], EV_READ);
	bufferevent_enable(pair[1], EV_READ);
	bufferevent_write(pair[0], "ping", 4);
	while (!got[0])
		if (event_base_loop(base, EVLOOP_ONCE) != 0)
			break;
	printf("parent: its loop ran: pair echo %s\n", got);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
}

/* What every generation does on bases of its own: a timer and a signal,
 * a TCP echo through a listener and socket bufferevents, a pair echo. */
static void generation(const char *who)
{
	if (tc_iso_prepare() != 0) {
		tc_report("%s: prepare failed", who);
		_exit(1);
	}
	raise(SIGUSR1);
	while (tc_iso_.timer_fired == 0 || tc_iso_.sig_fired == 0)
		if (event_base_loop(tc_iso_.base, EVLOOP_ONCE) != 0)
			break;
	const char *echoed = tc_iso_tcp_echo();
	struct event_base *b = event_base_new();
	struct bufferevent *pair[2];
	char got[16] = "";
	bufferevent_pair_new(b, 0, pair);
	bufferevent_setcb(pair[0], pair_read_cb, NULL, NULL, got);
	bufferevent_setcb(pair[1], pair_echo_cb, NULL, NULL, NULL);
	bufferevent_enable(pair[0], EV_READ);
	bufferevent_enable(pair[1], EV_READ);
	bufferevent_write(pair[0], "pong", 4);
	while (!got[0])
		if (event_base_loop(b, EVLOOP_ONCE) != 0)
			break;
	tc_report("%s: timer %d, SIGUSR1 %d, TCP echo %s, pair echo %s", who, tc_iso_.timer_fired,
	    tc_iso_.sig_fired, echoed && echoed[0] ? echoed : "(nothing)", got);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_free(b);
	event_del(tc_iso_.sig);
}

static void grandchild(int report)
{
	tc_report_to(report);
	tc_child_alarm("grandchild", 15);
	generation("grandchild");
	_exit(0);
}

static void child(int report)
{
	char buf[2048];
	int rp[2], status;
	tc_report_to(report);
	tc_child_alarm("child", 25);
	generation("child");
	if (pipe(rp) != 0)
		_exit(1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(rp[0]);
		memset(&tc_iso_, 0, sizeof(tc_iso_));
		grandchild(rp[1]);
	}
	close(rp[1]);
	int exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 20, &status);
	if (write(report, buf, strlen(buf)) < 0)
		_exit(1);
	tc_report("grandchild: exited by itself %s, status %d", tc_yesno(exited),
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	_exit(0);
}

int main(void)
{
	char buf[4096];
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("fork_after_loop", 35);
	struct event_base *base = event_base_new();
	parent_loop(base);
	for (int i = 0; i < 2; i++) {
		int rp[2];
		if (pipe(rp) != 0)
			return 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			close(rp[0]);
			child(rp[1]);
		}
		close(rp[1]);
		int exited = tc_collect_child(pid, rp[0], buf, sizeof(buf), 30, &status);
		printf("child %d:\n", i);
		fputs(buf, stdout);
		printf("child %d: exited by itself %s, status %d\n", i, tc_yesno(exited),
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		close(rp[0]);
	}
	parent_loop(base); /* the parent's base still works */
	event_base_free(base);
	return 0;
}
