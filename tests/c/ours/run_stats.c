/*
 * run_stats.c - goevent only: `goevent run --stats` (GOEVENT_STATS) makes the
 * library print at exit what the loops did (capi/stats.c, reactor/stats.go).
 * The case re-runs itself with GOEVENT_STATS naming a file, once per
 * workload, and checks the counters it finds there: exact counts of
 * callbacks by kind for a known set of events, exact bufferevent byte
 * counts, plausible times; and that nothing is written without the variable.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

static int nactive, ntimer, nread, nsig;
static struct event *ev_active, *ev_timer, *ev_read, *ev_sig;

static void active_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	if (nactive++ == 0)
		usleep(20000); /* the longest callback: 20 ms */
	if (nactive < 50)
		event_active(ev_active, 0, 0);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	if (++ntimer == 20)
		event_del(ev_timer);
}

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
	char c;
	(void)what; (void)arg;
	if (read(fd, &c, 1) == 1 && ++nread == 30)
		event_del(ev_read); /* all 30 bytes read, one per callback */
}

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	nsig++;
	event_del(ev_sig);
}

/* 50 active (ev_res 0), 20 timeouts, 30 reads, 1 signal: 101 callbacks. */
static int events_workload(void)
{
	struct event_base *base = event_base_new();
	struct timeval ms = {0, 1000};
	int sv[2];
	char buf[30];
	if (!base || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	evutil_make_socket_nonblocking(sv[0]); /* debug mode (run.sh --debug-mode) requires it */
	ev_active = event_new(base, -1, 0, active_cb, NULL);
	ev_timer = event_new(base, -1, EV_PERSIST, timer_cb, NULL);
	ev_read = event_new(base, sv[0], EV_READ | EV_PERSIST, read_cb, NULL);
	ev_sig = evsignal_new(base, SIGUSR1, sig_cb, NULL);
	memset(buf, 'x', sizeof buf);
	if (write(sv[1], buf, sizeof buf) != (ssize_t)sizeof buf)
		return 1;
	event_add(ev_timer, &ms);
	event_add(ev_read, NULL);
	event_add(ev_sig, NULL);
	event_active(ev_active, 0, 0);
	raise(SIGUSR1);
	event_base_dispatch(base);
	event_free(ev_active);
	event_free(ev_timer);
	event_free(ev_read);
	event_free(ev_sig);
	event_base_free(base);
	return !(nactive == 50 && ntimer == 20 && nread == 30 && nsig == 1);
}

static size_t got;

static void bev_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	got += evbuffer_get_length(bufferevent_get_input(bev));
	evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
	if (got == 1000)
		event_base_loopexit(bufferevent_get_base(bev), NULL);
}

/* 1000 bytes from one socket bufferevent to another. */
static int bev_workload(void)
{
	struct event_base *base = event_base_new();
	struct bufferevent *a, *b;
	char buf[1000];
	int sv[2];
	if (!base || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	a = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, bev_read_cb, NULL, NULL, NULL);
	bufferevent_enable(b, EV_READ);
	memset(buf, 'y', sizeof buf);
	bufferevent_write(a, buf, sizeof buf);
	event_base_dispatch(base);
	bufferevent_free(a);
	bufferevent_free(b);
	event_base_free(base);
	return got != 1000;
}

/* Runs this program with GOEVENT_STATS=file (or unset) doing workload;
 * returns the report's text (empty: no file). */
static char *run_child(const char *self, const char *workload, const char *file)
{
	static char text[4096];
	pid_t pid;
	int st, fd;
	ssize_t n;
	unlink(file);
	pid = fork();
	if (pid == 0) {
		if (strcmp(workload, "none"))
			setenv("GOEVENT_STATS", file, 1);
		else
			unsetenv("GOEVENT_STATS");
		setenv("RUN_STATS_WORKLOAD", strcmp(workload, "none") ? workload : "events", 1);
		execl(self, self, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("child %s failed (status %d)\n", workload, st);
		text[0] = 0;
		return text;
	}
	text[0] = 0;
	fd = open(file, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, text, sizeof text - 1);
		text[n > 0 ? n : 0] = 0;
		close(fd);
	}
	unlink(file);
	return text;
}

/* The number after "label" in the report (-1 if absent). */
static double num(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	return p ? atof(p + strlen(label)) : -1;
}

int main(void)
{
	const char *w = getenv("RUN_STATS_WORKLOAD");
	char self[4096], file[64];
	ssize_t n;
	char *r;

	tc_alarm("run_stats", 15);
	if (w)
		return !strcmp(w, "bev") ? bev_workload() : events_workload();

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = 0;
	snprintf(file, sizeof file, "/tmp/goevent-run-stats-%ld.txt", (long)getpid());

	r = run_child(self, "events", file);
	printf("%s", r);
	TC_CHECK("a report was written", strstr(r, "goevent stats (pid ") != NULL);
	TC_CHECK("one report (one copy of the C layer answers)", strstr(r, "goevent stats") && !strstr(strstr(r, "goevent stats") + 1, "goevent stats"));
	TC_CHECK("bases 1", num(r, "bases:") == 1);
	TC_CHECK("callbacks run 101", num(r, "callbacks run:") == 101);
	TC_CHECK("read 30", num(r, "read ") == 30);
	TC_CHECK("write 0", num(r, "write ") == 0);
	TC_CHECK("timeout 20", num(r, "timeout ") == 20);
	TC_CHECK("signal 1", num(r, "signal ") == 1);
	TC_CHECK("other (event_active with no flags) 50", num(r, "other ") == 50);
	TC_CHECK("loop iterations at least 20 (one per timer tick)", num(r, "loop iterations:") >= 20);
	TC_CHECK("longest callback in [19 ms, 5 s)", num(r, "longest callback:") >= 19 && num(r, "longest callback:") < 5000);
	TC_CHECK("blocked in backend in [10 ms, 5 s)", num(r, "blocked in backend:") >= 0.010 && num(r, "blocked in backend:") < 5);
	TC_CHECK("no bufferevent bytes", num(r, "bufferevent bytes: read ") == 0 && num(r, "written ") == 0);

	r = run_child(self, "bev", file);
	printf("%s", r);
	TC_CHECK("bufferevent bytes read 1000", num(r, "bufferevent bytes: read ") == 1000);
	TC_CHECK("bufferevent bytes written 1000", num(r, "written ") == 1000);
	TC_CHECK("bases 1 (bufferevents)", num(r, "bases:") == 1);

	r = run_child(self, "none", file);
	TC_CHECK("nothing written without GOEVENT_STATS", r[0] == 0);
	return tc_exit_status();
}
