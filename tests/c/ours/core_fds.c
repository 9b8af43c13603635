/*
 * core_fds.c - goevent only: the descriptors the Go core keeps. libevent
 * closes all of its own with event_base_free; the Go runtime that our core
 * loads keeps some until the process ends. They must be few, fixed at load
 * (issue 9, item 14: two appeared in a server tens of thousands of
 * connections into its life, when the runtime's scavenger first armed a timer
 * and so started the runtime's poller) and close-on-exec: exactly the
 * runtime's poller (an epoll instance and an eventfd), opened when the core
 * loads, and not the cgroup CPU-limit files that Go 1.25+ keeps open for its
 * container-aware GOMAXPROCS. Exit 0 when every check holds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

#define MAXFD 4096

/* open[fd] = 1 for each open descriptor (the directory's own excluded). */
static void open_fds(char open[MAXFD])
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	memset(open, 0, MAXFD);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != dirfd(d) && fd < MAXFD)
			open[fd] = 1;
	}
	closedir(d);
}

static const char *link_of(int fd)
{
	static char target[256];
	char path[64];
	ssize_t n;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	return target;
}

int main(void)
{
	static char at_start[MAXFD], now[MAXFD], after[MAXFD];
	struct event_base *base;
	struct evbuffer *buf;
	int fd, kept = 0, epolls = 0, eventfds = 0, cloexec = 0, changed = 0, round, i;

	tc_alarm("core_fds", 30);
	open_fds(at_start);

	/* The first evbuffer loads the core. */
	base = event_base_new();
	buf = evbuffer_new();
	evbuffer_add(buf, "x", 1);
	evbuffer_free(buf);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);

	open_fds(now);
	for (fd = 0; fd < MAXFD; fd++) {
		if (!now[fd] || at_start[fd])
			continue;
		kept++;
		epolls += strcmp(link_of(fd), "anon_inode:[eventpoll]") == 0;
		eventfds += strcmp(link_of(fd), "anon_inode:[eventfd]") == 0;
		cloexec += (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
	}
	printf("# kept %d: %d epoll, %d eventfd, %d close-on-exec\n", kept, epolls, eventfds, cloexec);
	TC_CHECK("the core keeps 2 descriptors once its only base is freed", kept == 2);
	TC_CHECK("they are the runtime's poller: an epoll instance and an eventfd",
	    epolls == 1 && eventfds == 1);
	TC_CHECK("they are close-on-exec", cloexec == kept);

	/* Heap churn that sets the runtime's scavenger to work (20 bursts of
	 * 5000 bufferevents): no descriptor opens or closes. */
	base = event_base_new();
	event_base_loop(base, EVLOOP_NONBLOCK);
	open_fds(now);
	for (round = 0; round < 20; round++) {
		static struct bufferevent *bevs[5000];
		for (i = 0; i < 5000; i++)
			bevs[i] = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
		for (i = 0; i < 5000; i++)
			if (bevs[i])
				bufferevent_free(bevs[i]);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	open_fds(after);
	for (fd = 0; fd < MAXFD; fd++)
		changed += now[fd] != after[fd];
	TC_CHECK("the same descriptors are open after heap churn", changed == 0);
	event_base_free(base);
	return tc_exit_status();
}
