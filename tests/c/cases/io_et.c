/* io_et: edge-triggered events (EV_ET): one callback per readiness edge even
 * when data is left unread, and mixing EV_ET with level-triggered events on
 * the same fd is refused (event_add returns -1 and logs a warning). */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int calls;
static short last_what;
static void read_one(evutil_socket_t fd, short what, void *arg)
{
	char c;
	(void)arg;
	calls++;
	last_what = what;
	if (recv(fd, &c, 1, 0) != 1)
		printf("  recv failed\n");
}

int main(void)
{
	struct event_base *base;
	struct event *et, *lt;
	int sv[2], r;
	char buf[16];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("io_et", 15);
	tc_log_capture();
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);

	et = event_new(base, sv[0], EV_READ | EV_ET | EV_PERSIST, read_one, NULL);
	printf("events: 0x%02x\n", event_get_events(et));
	r = event_add(et, NULL);
	printf("add ET: %d pending: 0x%02x\n", r, event_pending(et, EV_READ, NULL));
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d calls=%d what=0x%02x\n", r, calls, last_what);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK), 2 bytes unread, no new edge: %d calls=%d\n", r, calls);
	if (send(sv[1], "d", 1, 0) != 1)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("new data -> new edge: %d calls=%d what=0x%02x\n", r, calls, last_what);
	printf("unread bytes: %d\n", (int)recv(sv[0], buf, sizeof(buf), 0));

	printf("== mixing ET and level-triggered on one fd\n");
	lt = event_new(base, sv[0], EV_READ, read_one, NULL);
	tc_log_.n = 0;
	r = event_add(lt, NULL);
	printf("add level-triggered next to ET: %d pending: 0x%02x log calls=%d severity=%d\n", r,
	    event_pending(lt, EV_READ, NULL), tc_log_.n, tc_log_.last_severity);
	r = event_del(et);
	printf("del ET: %d\n", r);
	tc_log_.n = 0;
	r = event_add(lt, NULL);
	printf("add level-triggered alone: %d log calls=%d\n", r, tc_log_.n);
	calls = 0;
	if (send(sv[1], "xy", 2, 0) != 2)
		return 1;
	event_base_loop(base, EVLOOP_ONCE);
	event_add(lt, NULL);
	event_base_loop(base, EVLOOP_ONCE);
	printf("level-triggered: calls=%d for 2 bytes with 1-byte reads\n", calls);

	event_free(et);
	event_free(lt);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
