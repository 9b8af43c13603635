/* bev_nofd_timeouts: a socket bufferevent made without a descriptor
 * (bufferevent_socket_new(base, -1, ...)) still runs its read and write
 * timeouts: enabling EV_READ/EV_WRITE adds its events with their timeouts
 * (on no descriptor), so each direction times out, is disabled and reports
 * READING|TIMEOUT or WRITING|TIMEOUT. Data added to the output arms the
 * write timeout too. bufferevent_setfd(-1) drops the pending events without
 * re-adding them; bufferevent_setfd to a socket re-enables what was enabled
 * (a read timeout with no data; no write timeout while the socket takes
 * everything, one once it is full). */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static double t0;

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	char note[160];
	double dt = tc_mono() - t0;
	(void)arg;
	snprintf(note, sizeof(note), "%s@%s(enabled=%d)", tc_bev_what(what),
	    dt < 0.09 ? "early" : dt < 0.6 ? "ok" : "late", bufferevent_get_enabled(b));
	tc_note(note);
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)b;
	(void)arg;
	tc_note("writecb");
}

/* Runs the loop for ms milliseconds (the guard timer ends it). */
static void run(int ms)
{
	t0 = tc_mono();
	tc_dispatch_for(base, ms);
}

int main(void)
{
	struct bufferevent *bev;
	struct timeval rd = {0, 100000}, wr = {0, 150000};
	int sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_nofd_timeouts", 15);
	base = event_base_new();

	bev = bufferevent_socket_new(base, -1, 0);
	bufferevent_setcb(bev, NULL, NULL, eventcb, NULL);
	bufferevent_set_timeouts(bev, &rd, &wr);
	printf("new: enabled=%d\n", bufferevent_get_enabled(bev));
	run(400);
	tc_show("new, timeouts set, nothing enabled");

	bufferevent_enable(bev, EV_READ | EV_WRITE);
	run(400);
	tc_show("enable read+write");

	bufferevent_enable(bev, EV_READ);
	run(400);
	tc_show("enable read");

	bufferevent_enable(bev, EV_WRITE);
	run(400);
	tc_show("enable write");

	bufferevent_enable(bev, EV_WRITE);
	evbuffer_add(bufferevent_get_output(bev), "data", 4);
	bufferevent_disable(bev, EV_WRITE);
	run(300);
	tc_show("enable write, add output, disable write");

	bufferevent_enable(bev, EV_READ | EV_WRITE);
	bufferevent_setfd(bev, -1);
	run(300);
	tc_show("enable read+write, then setfd(-1)");
	printf("enabled=%d\n", bufferevent_get_enabled(bev));

	/* new timeouts while the events are pending */
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	bufferevent_set_timeouts(bev, &wr, &rd);
	run(400);
	tc_show("enable, then timeouts swapped");

	/* an output with data and write enabled: the write timeout is armed */
	bufferevent_free(bev);
	bev = bufferevent_socket_new(base, -1, 0);
	bufferevent_setcb(bev, NULL, writecb, eventcb, NULL);
	bufferevent_set_timeouts(bev, &rd, &wr);
	evbuffer_add(bufferevent_get_output(bev), "data", 4);
	run(400);
	tc_show("new, output added (write enabled by default)");
	bufferevent_free(bev);

	/* then a socket */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, NULL, writecb, eventcb, NULL);
	bufferevent_set_timeouts(bev, &rd, &wr);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	bufferevent_setfd(bev, sv[0]);
	run(400);
	tc_show("enable read+write, setfd(socket)");

	{
		/* fill the socket: the peer does not read */
		static char big[1 << 20];
		int i;
		memset(big, 'f', sizeof(big));
		bufferevent_enable(bev, EV_WRITE);
		for (i = 0; i < 8; i++)
			evbuffer_add(bufferevent_get_output(bev), big, sizeof(big));
		run(600);
		tc_show("8 MiB to a peer that does not read");
		printf("output left: %s\n", tc_yesno(evbuffer_get_length(bufferevent_get_output(bev)) > 0));
	}
	bufferevent_free(bev);
	close(sv[1]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
