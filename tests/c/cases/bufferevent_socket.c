/* bufferevent_socket: bufferevent_socket_new/setcb/enable/disable/get_enabled/
 * write/write_buffer/read/read_buffer/get_input/get_output/free/getfd over a
 * socketpair: defaults, data both ways, large transfers, EOF and write-error
 * events, BEV_OPT_CLOSE_ON_FREE. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "bev.h"

static struct event_base *base;
static struct bufferevent *bev;
static int read_calls, write_calls, event_calls;
static short last_events;
static int last_err;
static int read_consume;       /* 0: leave data, n: bufferevent_read n bytes */
static int args_bad;
static int enabled_in_eventcb;

static void readcb(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	read_calls++;
	if (b != bev || arg != (void *)&base)
		args_bad++;
	if (read_consume > 0) {
		char buf[64];
		size_t before = evbuffer_get_length(in);
		size_t n = bufferevent_read(b, buf, (size_t)read_consume);
		buf[n] = 0;
		printf("  readcb: input=%u read(%d)=%u '%s' left=%u\n", (unsigned)before, read_consume,
		    (unsigned)n, buf, (unsigned)evbuffer_get_length(in));
	}
}

static void writecb(struct bufferevent *b, void *arg)
{
	write_calls++;
	if (b != bev || arg != (void *)&base)
		args_bad++;
	printf("  writecb: output length=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	event_calls++;
	last_events = what;
	last_err = errno;
	if (b != bev || arg != (void *)&base)
		args_bad++;
	enabled_in_eventcb = bufferevent_get_enabled(b);
	event_base_loopbreak(base);
}

/* read everything currently available on a raw fd */
static size_t peer_read(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	while (got < cap && (n = recv(fd, buf + got, cap - got, MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	return got;
}

/* big transfer: peer side reads with a raw event */
static unsigned char *bigbuf, *rcvbuf;
static size_t rcvd, BIGN = 300000;
static void peer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	ssize_t n;
	(void)what; (void)arg;
	while ((n = recv(fd, rcvbuf + rcvd, BIGN - rcvd + 1, MSG_DONTWAIT)) > 0)
		rcvd += (size_t)n;
	if (rcvd >= BIGN)
		event_base_loopbreak(base);
}

/* tc_dispatch_for, saying so when the guard timer ended the loop. */
static int dispatch_for(int ms)
{
	int r = tc_dispatch_for(base, ms);
	if (tc_guard_fired)
		printf("  (guard timer ended the loop)\n");
	return r;
}

int main(void)
{
	int sv[2], sv2[2], sv3[2], r, i;
	char buf[8192];
	size_t n;
	struct evbuffer *in, *out, *tmp;
	struct event *pev;
	struct timeval tv100 = {0, 100000};

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("bufferevent_socket", 15);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]); /* the peer's raw event below */

	printf("== defaults\n");
	bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	printf("bufferevent_socket_new: %s\n", bev ? "non-NULL" : "NULL");
	printf("getfd ok: %s\n", bufferevent_getfd(bev) == sv[0] ? "yes" : "no");
	printf("get_enabled: 0x%02x\n", bufferevent_get_enabled(bev));
	in = bufferevent_get_input(bev);
	out = bufferevent_get_output(bev);
	printf("input/output non-NULL: %s distinct: %s lengths: %u %u\n", in && out ? "yes" : "no",
	    in != out ? "yes" : "no", (unsigned)evbuffer_get_length(in), (unsigned)evbuffer_get_length(out));
	printf("get_base ok: %s\n", bufferevent_get_base(bev) == base ? "yes" : "no");

	printf("== enable/disable\n");
	r = bufferevent_enable(bev, EV_READ);
	printf("enable(READ): %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	r = bufferevent_disable(bev, EV_READ);
	printf("disable(READ): %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	r = bufferevent_disable(bev, EV_WRITE);
	printf("disable(WRITE): %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	r = bufferevent_disable(bev, EV_READ | EV_WRITE);
	printf("disable(both) when none enabled: %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	r = bufferevent_enable(bev, EV_READ | EV_WRITE);
	printf("enable(both): %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	r = bufferevent_enable(bev, EV_READ);
	printf("enable(READ) again: %d -> 0x%02x\n", r, bufferevent_get_enabled(bev));
	bufferevent_setcb(bev, readcb, writecb, eventcb, &base);

	printf("== write\n");
	r = bufferevent_write(bev, "hello", 5);
	printf("bufferevent_write: %d output length=%u\n", r, (unsigned)evbuffer_get_length(out));
	r = bufferevent_write(bev, "", 0);
	printf("bufferevent_write 0 bytes: %d\n", r);
	n = peer_read(sv[1], buf, sizeof(buf));
	printf("peer got before the loop ran: %u bytes\n", (unsigned)n);
	r = event_base_loop(base, EVLOOP_ONCE);
	n = peer_read(sv[1], buf, sizeof(buf));
	buf[n] = 0;
	printf("loop(ONCE): %d write_calls=%d peer got %u '%s'\n", r, write_calls, (unsigned)n, buf);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) with nothing to do: %d write_calls=%d read_calls=%d\n", r, write_calls, read_calls);

	printf("== read\n");
	read_consume = 2;
	if (send(sv[1], "abc", 3, 0) != 3)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d read_calls=%d input=%u\n", r, read_calls, (unsigned)evbuffer_get_length(in));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK), data left in input but no new data: %d read_calls=%d\n", r, read_calls);
	read_consume = 0;
	if (send(sv[1], "defg", 4, 0) != 4)
		return 1;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d read_calls=%d input=%u\n", r, read_calls, (unsigned)evbuffer_get_length(in));
	tmp = evbuffer_new();
	evbuffer_add(tmp, "<", 1);
	r = bufferevent_read_buffer(bev, tmp);
	n = evbuffer_remove(tmp, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("bufferevent_read_buffer: %d got '%s' input now %u\n", r, buf, (unsigned)evbuffer_get_length(in));
	n = bufferevent_read(bev, buf, sizeof(buf));
	printf("bufferevent_read on empty input: %u\n", (unsigned)n);

	printf("== write_buffer\n");
	for (i = 0; i < 3000; i++)
		buf[i] = (char)('A' + i % 26);
	evbuffer_add(tmp, buf, 3000);
	write_calls = 0;
	r = bufferevent_write_buffer(bev, tmp);
	printf("bufferevent_write_buffer: %d source now %u output %u\n", r,
	    (unsigned)evbuffer_get_length(tmp), (unsigned)evbuffer_get_length(out));
	r = event_base_loop(base, EVLOOP_ONCE);
	n = peer_read(sv[1], buf + 4000, 4000);
	printf("loop(ONCE): %d write_calls=%d peer got %u match=%s\n", r, write_calls, (unsigned)n,
	    n == 3000 && memcmp(buf, buf + 4000, 3000) == 0 ? "yes" : "no");

	printf("== disabled write queues data\n");
	bufferevent_disable(bev, EV_WRITE);
	write_calls = 0;
	r = bufferevent_write(bev, "queued", 6);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	n = peer_read(sv[1], buf, sizeof(buf));
	printf("write while disabled: %d, peer got %u, output=%u write_calls=%d\n", r, (unsigned)n,
	    (unsigned)evbuffer_get_length(out), write_calls);
	r = bufferevent_enable(bev, EV_WRITE);
	event_base_loop(base, EVLOOP_ONCE);
	n = peer_read(sv[1], buf, sizeof(buf));
	buf[n] = 0;
	printf("after enable(WRITE): %d, peer got %u '%s', write_calls=%d\n", r, (unsigned)n, buf, write_calls);

	printf("== disabled read leaves data in the socket\n");
	bufferevent_disable(bev, EV_READ);
	read_calls = 0;
	if (send(sv[1], "xyz", 3, 0) != 3)
		return 1;
	event_base_loopexit(base, &tv100);
	event_base_dispatch(base);
	printf("read disabled: read_calls=%d input=%u\n", read_calls, (unsigned)evbuffer_get_length(in));
	read_consume = 3;
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);
	printf("after enable(READ): read_calls=%d\n", read_calls);
	read_consume = 0;

	printf("== no read callback: data accumulates in the input buffer\n");
	bufferevent_setcb(bev, NULL, writecb, eventcb, &base);
	if (send(sv[1], "12345", 5, 0) != 5 || send(sv[1], "678", 3, 0) != 3)
		return 1;
	event_base_loop(base, EVLOOP_ONCE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	n = bufferevent_read(bev, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("input collected without a read callback: %u '%s'\n", (unsigned)n, buf);
	bufferevent_setcb(bev, readcb, writecb, eventcb, &base);

	printf("== large transfer (300000 bytes)\n");
	bigbuf = malloc(BIGN);
	rcvbuf = malloc(BIGN + 1);
	for (n = 0; n < BIGN; n++)
		bigbuf[n] = (unsigned char)((n * 7 + (n >> 10)) & 0xff);
	write_calls = 0;
	pev = event_new(base, sv[1], EV_READ | EV_PERSIST, peer_read_cb, NULL);
	event_add(pev, NULL);
	r = bufferevent_write(bev, bigbuf, BIGN);
	printf("bufferevent_write: %d\n", r);
	/* no write callback during the big transfer (its count is not fixed) */
	bufferevent_setcb(bev, readcb, NULL, eventcb, &base);
	dispatch_for(5000);
	printf("peer received %u bytes, match=%s, output left=%u\n", (unsigned)rcvd,
	    rcvd == BIGN && memcmp(bigbuf, rcvbuf, BIGN) == 0 ? "yes" : "no",
	    (unsigned)evbuffer_get_length(out));
	event_free(pev);
	bufferevent_setcb(bev, readcb, writecb, eventcb, &base);

	printf("== EOF\n");
	event_calls = 0;
	shutdown(sv[1], SHUT_WR);
	r = dispatch_for(5000);
	printf("dispatch: %d event_calls=%d events=0x%02x (%s) enabled in cb=0x%02x\n", r, event_calls,
	    last_events, tc_bev_what(last_events), enabled_in_eventcb);
	printf("enabled after EOF: 0x%02x\n", bufferevent_get_enabled(bev));
	printf("callback args ok: %s\n", args_bad ? "no" : "yes");

	printf("== free with BEV_OPT_CLOSE_ON_FREE\n");
	printf("fd open before free: %s\n", tc_yesno(tc_fd_open(sv[0])));
	bufferevent_free(bev);
	bev = NULL;
	/* libevent finalizes (and closes) a freed bufferevent from the loop */
	printf("fd open right after free: %s\n", tc_yesno(tc_fd_open(sv[0])));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK): %d fd open after a loop pass: %s\n", r, tc_yesno(tc_fd_open(sv[0])));
	close(sv[1]);

	printf("== free without BEV_OPT_CLOSE_ON_FREE\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv2) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv2[0]);
	bev = bufferevent_socket_new(base, sv2[0], 0);
	bufferevent_free(bev);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("fd open after free: %s\n", tc_yesno(tc_fd_open(sv2[0])));
	close(sv2[0]);
	close(sv2[1]);

	printf("== write error (peer closed)\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv3) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv3[0]);
	bev = bufferevent_socket_new(base, sv3[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, readcb, writecb, eventcb, &base);
	close(sv3[1]);
	event_calls = 0;
	write_calls = 0;
	r = bufferevent_write(bev, "lost", 4);
	dispatch_for(5000);
	printf("write: %d event_calls=%d write_calls=%d events=0x%02x (%s) errno is EPIPE: %s\n", r,
	    event_calls, write_calls, last_events, tc_bev_what(last_events), last_err == EPIPE ? "yes" : "no");
	printf("enabled after error: 0x%02x\n", bufferevent_get_enabled(bev));
	bufferevent_free(bev);
	printf("fd open right after free: %s\n", tc_yesno(tc_fd_open(sv3[0])));

	printf("== bufferevent_socket_new leaves the fd flags alone\n");
	if (tc_debug_mode()) /* debug mode refuses a blocking fd, fatally */
		printf("(not in debug mode)\n");
	else {
		int bp[2];
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, bp) != 0)
			return 1;
		bev = bufferevent_socket_new(base, bp[0], BEV_OPT_CLOSE_ON_FREE);
		bufferevent_enable(bev, EV_READ);
		printf("blocking fd stays blocking: %s, cloexec: %s\n",
		    (fcntl(bp[0], F_GETFL) & O_NONBLOCK) ? "no" : "yes",
		    (fcntl(bp[0], F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
		bufferevent_free(bev);
		close(bp[1]);
	}

	printf("== fd -1\n");
	bev = bufferevent_socket_new(base, -1, 0);
	printf("new(-1): %s getfd=%d enabled=0x%02x\n", bev ? "non-NULL" : "NULL",
	    (int)bufferevent_getfd(bev), bufferevent_get_enabled(bev));
	bufferevent_free(bev);

	event_base_free(base);
	printf("fd of the freed bufferevent open after event_base_free: %s\n", tc_yesno(tc_fd_open(sv3[0])));
	free(bigbuf);
	free(rcvbuf);
	evbuffer_free(tmp);
	printf("done\n");
	return 0;
}
