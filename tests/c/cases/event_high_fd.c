/* event_high_fd: I/O events on the highest fd the process may open (soft
 * limit raised to the hard limit first, as daemons do after creating their
 * base), and many events on one fd. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int fired[16];
static void on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	fired[(int)(long)arg] += (what & EV_READ) ? 1 : 100;
}

int main(void)
{
	struct event_base *base;
	struct event *evs[16];
	struct rlimit rl;
	int sv[2], hi, i, r, total = 0;

	tc_alarm("event_high_fd", 10);
	setvbuf(stdout, NULL, _IONBF, 0);

	base = event_base_new(); /* before the limit is raised */
	if (!base || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1;
	if (rl.rlim_max > 65536)
		rl.rlim_max = 65536;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1;
	hi = (int)rl.rlim_cur - 1;
	evutil_make_socket_nonblocking(sv[0]); /* hi shares its flags */
	if (dup2(sv[0], hi) != hi) {
		printf("dup2 to the highest fd failed\n");
		return 1;
	}
	printf("highest fd above 1000: %s\n", hi > 1000 ? "yes" : "no");
	for (i = 0; i < 16; i++) {
		evs[i] = event_new(base, hi, EV_READ | EV_PERSIST, on_read, (void *)(long)i);
		r = event_add(evs[i], NULL);
		if (r != 0)
			printf("event_add %d on the highest fd: %d\n", i, r);
	}
	printf("16 events added on the highest fd, pending(EV_READ) of the last: 0x%02x\n",
	    event_pending(evs[15], EV_READ, NULL));
	if (send(sv[1], "x", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	for (i = 0; i < 16; i++)
		total += fired[i];
	printf("loop(ONCE): %d, callbacks run: %d, each once: %s\n", r, total,
	    total == 16 ? "yes" : "no");
	for (i = 0; i < 8; i++)
		event_del(evs[i]);
	memset(fired, 0, sizeof fired);
	r = event_base_loop(base, EVLOOP_ONCE);
	total = 0;
	for (i = 0; i < 16; i++)
		total += fired[i];
	printf("after deleting 8: loop(ONCE): %d, callbacks run: %d, deleted ones silent: %s\n",
	    r, total, fired[0] + fired[7] == 0 ? "yes" : "no");
	for (i = 0; i < 16; i++)
		event_free(evs[i]);
	close(hi);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop on the emptied base: %d\n", r);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
