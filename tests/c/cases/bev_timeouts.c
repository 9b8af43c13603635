/* bev_timeouts: bufferevent_set_timeouts and the compat
 * bufferevent_settimeout on socket bufferevents: which direction a timeout
 * disables, data re-arming the read timeout, no timeout while a direction is
 * disabled, suspended by the read high watermark, or (write) has nothing to
 * send, clearing with NULL, the struct's timeout fields. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static int nevents, nreads;
static short last_what;
static short enabled_in_cb;
static double t_event;
static int peer_fd, feeds_left;
static double t_last_feed;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)arg;
	nreads++;
	if (!arg)
		evbuffer_drain(bufferevent_get_input(b), evbuffer_get_length(bufferevent_get_input(b)));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	nevents++;
	last_what = what;
	enabled_in_cb = bufferevent_get_enabled(b);
	t_event = tc_mono();
	event_base_loopbreak(base);
}

static void feed_cb(evutil_socket_t fd, short w, void *arg)
{
	struct event *self = arg;
	struct timeval tv = {0, 60000};
	(void)fd; (void)w;
	if (send(peer_fd, "x", 1, 0) != 1)
		exit(1);
	t_last_feed = tc_mono();
	if (--feeds_left > 0)
		evtimer_add(self, &tv);
}

static void reset(void)
{
	nevents = 0;
	nreads = 0;
	last_what = 0;
}

int main(void)
{
	int sv[2];
	struct bufferevent *bev;
	struct timeval t100 = {0, 100000}, t150 = {0, 150000};
	struct event *feeder;
	double t0;
	char *big;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_timeouts", 30);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	peer_fd = sv[1];
	bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, readcb, NULL, eventcb, NULL);

	printf("== read timeout\n");
	printf("set_timeouts: %d\n", bufferevent_set_timeouts(bev, &t100, NULL));
	printf("struct fields: read %ld.%06ld write %ld.%06ld\n", (long)bev->timeout_read.tv_sec,
	    (long)bev->timeout_read.tv_usec, (long)bev->timeout_write.tv_sec, (long)bev->timeout_write.tv_usec);
	t0 = tc_mono();
	bufferevent_enable(bev, EV_READ);
	tc_dispatch_for(base, 2000);
	printf("event: %s enabled in cb=0x%02x after=0x%02x elapsed>=0.09: %s <1.0: %s\n", tc_bev_what(last_what),
	    enabled_in_cb, bufferevent_get_enabled(bev), t_event - t0 >= 0.09 ? "yes" : "no",
	    t_event - t0 < 1.0 ? "yes" : "no");

	printf("== data re-arms the read timeout\n");
	reset();
	bufferevent_set_timeouts(bev, &t150, NULL);
	feeder = evtimer_new(base, feed_cb, NULL);
	event_assign(feeder, base, -1, 0, feed_cb, feeder);
	feeds_left = 5;
	evtimer_add(feeder, &t100);
	t0 = tc_mono();
	bufferevent_enable(bev, EV_READ);
	tc_dispatch_for(base, 3000);
	printf("event: %s reads=%d timeout after the last byte: %s (>=0.14 later: %s)\n", tc_bev_what(last_what), nreads,
	    t_event > t_last_feed ? "yes" : "no", t_event - t_last_feed >= 0.14 ? "yes" : "no");
	event_free(feeder);

	printf("== no read timeout while reading is disabled\n");
	reset();
	bufferevent_set_timeouts(bev, &t100, NULL);
	bufferevent_disable(bev, EV_READ);
	tc_dispatch_for(base, 300);
	printf("events while disabled: %d\n", nevents);
	t0 = tc_mono();
	bufferevent_enable(bev, EV_READ);
	tc_dispatch_for(base, 2000);
	printf("after enable: %s elapsed>=0.09: %s\n", tc_bev_what(last_what), t_event - t0 >= 0.09 ? "yes" : "no");

	printf("== set_timeouts(NULL, NULL) clears a pending timeout\n");
	reset();
	bufferevent_enable(bev, EV_READ);
	bufferevent_set_timeouts(bev, NULL, NULL);
	printf("struct fields: read %ld.%06ld\n", (long)bev->timeout_read.tv_sec, (long)bev->timeout_read.tv_usec);
	tc_dispatch_for(base, 300);
	printf("events: %d enabled=0x%02x\n", nevents, bufferevent_get_enabled(bev));

	printf("== timeout set while reading is enabled applies at once\n");
	reset();
	t0 = tc_mono();
	bufferevent_set_timeouts(bev, &t100, NULL);
	tc_dispatch_for(base, 2000);
	printf("event: %s elapsed<1.0: %s\n", tc_bev_what(last_what), t_event - t0 < 1.0 ? "yes" : "no");

	printf("== no read timeout while suspended by the high watermark\n");
	reset();
	bufferevent_setcb(bev, readcb, NULL, eventcb, (void *)1); /* readcb keeps the data */
	bufferevent_setwatermark(bev, EV_READ, 0, 4);
	if (send(sv[1], "0123456789", 10, 0) != 10)
		return 1;
	bufferevent_enable(bev, EV_READ);
	tc_dispatch_for(base, 400);
	printf("input=%u events=%d readcb called: %s\n", (unsigned)evbuffer_get_length(bufferevent_get_input(bev)),
	    nevents, nreads > 0 ? "yes" : "no");
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	bufferevent_setcb(bev, readcb, NULL, eventcb, NULL);
	evbuffer_drain(bufferevent_get_input(bev), 100);
	tc_dispatch_for(base, 2000);
	printf("after clearing the watermark: %s input=%u\n", tc_bev_what(last_what),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(bev)));

	printf("== write timeout: no output, no timeout\n");
	reset();
	bufferevent_set_timeouts(bev, NULL, &t100);
	bufferevent_enable(bev, EV_WRITE);
	tc_dispatch_for(base, 300);
	printf("events with an empty output: %d enabled=0x%02x\n", nevents, bufferevent_get_enabled(bev));

	printf("== write timeout while the peer does not read\n");
	reset();
	bufferevent_enable(bev, EV_READ);
	big = calloc(1, 4 << 20);
	bufferevent_write(bev, big, 4 << 20);
	t0 = tc_mono();
	tc_dispatch_for(base, 3000);
	printf("event: %s enabled in cb=0x%02x after=0x%02x output left: %s\n", tc_bev_what(last_what), enabled_in_cb,
	    bufferevent_get_enabled(bev), evbuffer_get_length(bufferevent_get_output(bev)) > 0 ? "yes" : "no");

	printf("== compat bufferevent_settimeout\n");
	reset();
	printf("evbuffer_drain of the output (frozen at the front): %d\n",
	    evbuffer_drain(bufferevent_get_output(bev), 4 << 20));
	bufferevent_settimeout(bev, 1, 0);
	printf("struct fields: read %ld.%06ld write %ld.%06ld\n", (long)bev->timeout_read.tv_sec,
	    (long)bev->timeout_read.tv_usec, (long)bev->timeout_write.tv_sec, (long)bev->timeout_write.tv_usec);
	bufferevent_disable(bev, EV_READ);
	t0 = tc_mono();
	bufferevent_enable(bev, EV_READ);
	tc_dispatch_for(base, 3000);
	printf("event: %s elapsed>=0.9: %s\n", tc_bev_what(last_what), t_event - t0 >= 0.9 ? "yes" : "no");
	bufferevent_settimeout(bev, 0, 2);
	printf("struct fields: read %ld.%06ld write %ld.%06ld\n", (long)bev->timeout_read.tv_sec,
	    (long)bev->timeout_read.tv_usec, (long)bev->timeout_write.tv_sec, (long)bev->timeout_write.tv_usec);

	bufferevent_free(bev);
	free(big);
	close(sv[1]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
