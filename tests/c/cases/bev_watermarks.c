/* bev_watermarks: bufferevent_setwatermark/getwatermark on a socket
 * bufferevent: no read callback below the read low watermark, reads capped
 * at and suspended by the high watermark, resumed after a drain, a high
 * watermark lowered below the input length, write callbacks only at or below
 * the write low watermark while the peer stops reading. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static int reads, writes, events, write_over_low;
static size_t wlow;

static void readcb(struct bufferevent *b, void *arg)
{
	(void)b; (void)arg;
	reads++;
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	writes++;
	if (evbuffer_get_length(bufferevent_get_output(b)) > wlow)
		write_over_low++;
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)b; (void)arg;
	events++;
	printf("  eventcb: 0x%02x\n", what);
}

/* run the loop for about n*3 ms (libevent may keep EVLOOP_NONBLOCK
 * passes going while a read is suspended, so a timed exit is used) */
/* "yes" if the read callback ran since the last call. (libevent 2.1.12
 * keeps calling it on every loop pass while reading is suspended at the high
 * watermark and nothing drains the input, so counts are not printed.) */
static int reads_seen;
static const char *called(void)
{
	int c = reads != reads_seen;
	reads_seen = reads;
	return c ? "yes" : "no";
}

static void spin(int n)
{
	struct timeval tv = {0, 3000 * n};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void feed(int fd, size_t n)
{
	char buf[256];
	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);
		if (send(fd, buf, k, 0) != (ssize_t)k)
			exit(1);
		n -= k;
	}
}

static size_t drain_fd(int fd)
{
	char buf[65536];
	size_t got = 0;
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	return got;
}

int main(void)
{
	int sv[2], r;
	size_t lo = 99, hi = 99, total = 0, inlen;
	struct bufferevent *bev;
	struct evbuffer *in, *out;
	char *big;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bev_watermarks", 20);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, readcb, writecb, eventcb, NULL);
	in = bufferevent_get_input(bev);
	out = bufferevent_get_output(bev);

	printf("== getwatermark defaults\n");
	r = bufferevent_getwatermark(bev, EV_READ, &lo, &hi);
	printf("read: %d low=%u high=%u\n", r, (unsigned)lo, (unsigned)hi);
	r = bufferevent_getwatermark(bev, EV_WRITE, &lo, &hi);
	printf("write: %d low=%u high=%u\n", r, (unsigned)lo, (unsigned)hi);
	r = bufferevent_getwatermark(bev, EV_READ | EV_WRITE, &lo, &hi);
	printf("read|write: %d\n", r);
	r = bufferevent_getwatermark(bev, EV_READ, NULL, NULL);
	printf("read with NULL pointers: %d\n", r);

	printf("== setwatermark(READ, 5, 10)\n");
	bufferevent_setwatermark(bev, EV_READ, 5, 10);
	bufferevent_getwatermark(bev, EV_READ, &lo, &hi);
	printf("read watermark now low=%u high=%u\n", (unsigned)lo, (unsigned)hi);
	bufferevent_getwatermark(bev, EV_WRITE, &lo, &hi);
	printf("write watermark untouched: low=%u high=%u\n", (unsigned)lo, (unsigned)hi);
	bufferevent_enable(bev, EV_READ);
	feed(sv[1], 3);
	spin(5);
	printf("3 bytes: input=%u readcb: %s (below low)\n", (unsigned)evbuffer_get_length(in), called());
	feed(sv[1], 4);
	spin(5);
	printf("7 bytes: input=%u readcb: %s\n", (unsigned)evbuffer_get_length(in), called());
	feed(sv[1], 20);
	spin(5);
	printf("27 sent: input=%u readcb: %s (capped at high)\n", (unsigned)evbuffer_get_length(in), called());
	spin(5);
	printf("more passes while suspended: input=%u enabled=0x%02x\n",
	    (unsigned)evbuffer_get_length(in), bufferevent_get_enabled(bev));
	called();
	evbuffer_drain(in, 6);
	spin(5);
	printf("drained 6: input=%u\n", (unsigned)evbuffer_get_length(in));
	evbuffer_drain(in, 10);
	spin(5);
	printf("drained 10: input=%u\n", (unsigned)evbuffer_get_length(in));
	called();
	evbuffer_drain(in, 10);
	spin(5);
	printf("drained 10: input=%u readcb: %s (1 byte: below low)\n", (unsigned)evbuffer_get_length(in), called());

	printf("== high watermark lowered below the input\n");
	bufferevent_setwatermark(bev, EV_READ, 0, 1);
	feed(sv[1], 5);
	spin(5);
	printf("high=1 with 1 byte in: input=%u readcb: %s\n", (unsigned)evbuffer_get_length(in), called());
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	spin(5);
	printf("watermarks cleared: input=%u readcb: %s\n", (unsigned)evbuffer_get_length(in), called());
	evbuffer_drain(in, evbuffer_get_length(in));

	printf("== disabled while suspended, drained, re-enabled\n");
	bufferevent_setwatermark(bev, EV_READ, 0, 4);
	feed(sv[1], 10);
	spin(5);
	printf("high=4: input=%u\n", (unsigned)evbuffer_get_length(in));
	bufferevent_disable(bev, EV_READ);
	evbuffer_drain(in, 4);
	spin(5);
	printf("disabled + drained: input=%u (no read)\n", (unsigned)evbuffer_get_length(in));
	bufferevent_enable(bev, EV_READ);
	spin(5);
	printf("enabled: input=%u\n", (unsigned)evbuffer_get_length(in));
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	spin(5);
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_disable(bev, EV_READ);

	printf("== write low watermark while the peer stops reading\n");
	wlow = 50000;
	bufferevent_setwatermark(bev, EV_WRITE, wlow, 0);
	bufferevent_getwatermark(bev, EV_WRITE, &lo, &hi);
	printf("write watermark low=%u high=%u\n", (unsigned)lo, (unsigned)hi);
	big = calloc(1, 1000000);
	writes = 0;
	bufferevent_write(bev, big, 1000000);
	spin(10);
	printf("peer not reading: output>low: %s writes=%d\n", evbuffer_get_length(out) > wlow ? "yes" : "no", writes);
	while (evbuffer_get_length(out) > 0) {
		total += drain_fd(sv[1]);
		spin(1);
	}
	total += drain_fd(sv[1]);
	printf("peer read everything: %s writes>=1: %s every writecb at or below low: %s\n",
	    total == 1000000 ? "yes" : "no", writes >= 1 ? "yes" : "no", write_over_low == 0 ? "yes" : "no");

	printf("== write low watermark 0: callback only when empty\n");
	wlow = 0;
	write_over_low = 0;
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	writes = 0;
	bufferevent_write(bev, big, 300000);
	total = 0;
	while (evbuffer_get_length(out) > 0 || writes == 0) {
		total += drain_fd(sv[1]);
		spin(1);
	}
	total += drain_fd(sv[1]);
	printf("transfer complete: %s writes=%d at or below low: %s\n", total == 300000 ? "yes" : "no",
	    writes, write_over_low == 0 ? "yes" : "no");
	inlen = evbuffer_get_length(in);
	printf("events=%d input=%u\n", events, (unsigned)inlen);
	bufferevent_free(bev);
	free(big);
	event_base_free(base);
	close(sv[1]);
	printf("done\n");
	return 0;
}
