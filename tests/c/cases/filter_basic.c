/* filter_basic: bufferevent_filter_new over a socket bufferevent: input and
 * output filters with the modes and limits they see, BEV_NEED_MORE and
 * BEV_ERROR results, bufferevent_flush with BEV_FLUSH/BEV_FINISHED,
 * bufferevent_get_underlying, the underlying's events reaching the filter's
 * event callback, free_context, BEV_OPT_CLOSE_ON_FREE freeing the underlying
 * (and closing its socket), and a filter freed without it. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct bufferevent *under, *filt;

struct ctx {
	int out_error;   /* output filter answers BEV_ERROR */
	int in_calls, out_calls;
	int freed;
};
static struct ctx ctx1, ctx2;

static const char *mode_name(enum bufferevent_flush_mode m)
{
	return m == BEV_NORMAL ? "NORMAL" : m == BEV_FLUSH ? "FLUSH" : m == BEV_FINISHED ? "FINISHED" : "?";
}

/* Input: whole lines only, upper-cased. */
static enum bufferevent_filter_result in_lines(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *arg)
{
	struct ctx *c = arg;
	size_t len;
	char *line;
	c->in_calls++;
	printf("    in filter: mode=%s lim=%ld src=%u\n", mode_name(mode), (long)lim,
	    (unsigned)evbuffer_get_length(src));
	line = evbuffer_readln(src, &len, EVBUFFER_EOL_LF);
	if (!line)
		return BEV_NEED_MORE;
	for (size_t i = 0; i < len; i++)
		line[i] = (char)toupper((unsigned char)line[i]);
	evbuffer_add(dst, line, len);
	evbuffer_add(dst, "|", 1);
	free(line);
	return BEV_OK;
}

/* Output: wraps what there is in brackets. */
static enum bufferevent_filter_result out_brackets(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *arg)
{
	struct ctx *c = arg;
	size_t n = evbuffer_get_length(src);
	c->out_calls++;
	printf("    out filter: mode=%s lim=%ld src=%u\n", mode_name(mode), (long)lim, (unsigned)n);
	if (c->out_error)
		return BEV_ERROR;
	if (n == 0)
		return mode == BEV_NORMAL ? BEV_NEED_MORE : BEV_OK;
	evbuffer_add(dst, "[", 1);
	evbuffer_remove_buffer(src, dst, n);
	evbuffer_add(dst, "]", 1);
	return BEV_OK;
}

static void free_ctx(void *arg)
{
	struct ctx *c = arg;
	c->freed++;
	printf("    free_context called for ctx%d\n", c == &ctx1 ? 1 : 2);
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[128];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)arg;
	buf[n] = 0;
	printf("  readcb %s: '%s'\n", b == filt ? "filter" : "other", buf);
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	printf("  writecb %s: output=%u\n", b == filt ? "filter" : "other",
	    (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
}

static void eventcb(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("  eventcb %s: what=0x%x\n", b == filt ? "filter" : "other", what);
}

static void peer(int fd, const char *when)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	printf("%s: peer got '%s'\n", when, buf);
}

static void run(void)
{
	struct timeval tv = { 0, 50000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	int s[2], t[2];

	tc_alarm("filter_basic", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	base = event_base_new();
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);

	under = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	printf("filter_new(NULL underlying): %s\n",
	    bufferevent_filter_new(NULL, NULL, NULL, 0, NULL, NULL) ? "set" : "NULL");
	filt = bufferevent_filter_new(under, in_lines, out_brackets, BEV_OPT_CLOSE_ON_FREE, free_ctx, &ctx1);
	printf("filter made: %d\n", filt != NULL);
	printf("underlying: %d, of the socket one: %s\n", bufferevent_get_underlying(filt) == under,
	    bufferevent_get_underlying(under) ? "set" : "NULL");
	printf("same base: %d getfd(filter)==underlying's: %d\n", bufferevent_get_base(filt) == base,
	    bufferevent_getfd(filt) == s[0]);
	printf("enabled: filter=0x%x underlying=0x%x\n", bufferevent_get_enabled(filt),
	    bufferevent_get_enabled(under));
	bufferevent_setcb(filt, readcb, writecb, eventcb, NULL);

	/* Writing goes through the output filter at once. */
	printf("write 'hello':\n");
	bufferevent_write(filt, "hello", 5);
	printf("filter output=%u underlying output=%u\n",
	    (unsigned)evbuffer_get_length(bufferevent_get_output(filt)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(under)));
	run();
	peer(s[1], "after loop");

	/* Data arrives, but the filter does not read yet. */
	if (write(s[1], "abc\npar", 7) != 7)
		return 1;
	run();
	printf("not reading: filter input=%u underlying input=%u\n",
	    (unsigned)evbuffer_get_length(bufferevent_get_input(filt)),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(under)));
	printf("enable filter read:\n");
	bufferevent_enable(filt, EV_READ);
	run();
	printf("underlying keeps %u (incomplete line)\n",
	    (unsigned)evbuffer_get_length(bufferevent_get_input(under)));
	if (write(s[1], "tial\nx\ny\n", 9) != 9)
		return 1;
	run();

	/* High watermark on the filter: the limit the input filter sees. */
	bufferevent_setwatermark(filt, EV_READ, 0, 20);
	if (write(s[1], "wm\n", 3) != 3)
		return 1;
	run();
	bufferevent_setwatermark(filt, EV_READ, 0, 0);

	/* Flushes call the output filter even with nothing to do. */
	printf("flush BEV_NORMAL: %d\n", bufferevent_flush(filt, EV_WRITE, BEV_NORMAL));
	printf("flush BEV_FLUSH: %d\n", bufferevent_flush(filt, EV_WRITE, BEV_FLUSH));
	printf("flush read BEV_FLUSH: %d\n", bufferevent_flush(filt, EV_READ, BEV_FLUSH));
	run();

	/* Output filter error: data stays, nothing else happens. */
	ctx1.out_error = 1;
	printf("write with failing output filter: %d\n", bufferevent_write(filt, "bad", 3));
	run();
	printf("filter output=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(filt)));
	ctx1.out_error = 0;
	printf("flush BEV_FINISHED: %d\n", bufferevent_flush(filt, EV_WRITE, BEV_FINISHED));
	run();
	peer(s[1], "after finish");

	/* Disabling the filter's write side holds the data. */
	bufferevent_disable(filt, EV_WRITE);
	bufferevent_write(filt, "held", 4);
	printf("write disabled: filter output=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(filt)));
	bufferevent_enable(filt, EV_WRITE);
	printf("re-enabled: filter output=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(filt)));
	run();
	peer(s[1], "after enable");

	/* EOF from the peer reaches the filter's event callback. */
	shutdown(s[1], SHUT_WR);
	run();
	printf("enabled after EOF: filter=0x%x underlying=0x%x\n", bufferevent_get_enabled(filt),
	    bufferevent_get_enabled(under));

	printf("calls: in=%d out=%d\n", ctx1.in_calls, ctx1.out_calls);
	bufferevent_free(filt);
	run();
	printf("free_context ran: %d, socket closed: %d\n", ctx1.freed, fcntl(s[0], F_GETFD) == -1);
	close(s[1]);

	/* Without BEV_OPT_CLOSE_ON_FREE the underlying survives and reads again. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, t);
	evutil_make_socket_nonblocking(t[0]);
	under = bufferevent_socket_new(base, t[0], 0);
	filt = bufferevent_filter_new(under, NULL, NULL, 0, free_ctx, &ctx2);
	bufferevent_setcb(filt, readcb, NULL, eventcb, NULL);
	bufferevent_enable(filt, EV_READ);
	bufferevent_write(filt, "pass", 4);
	run();
	peer(t[1], "null filter");
	if (write(t[1], "thru", 4) != 4)
		return 1;
	run();
	bufferevent_free(filt);
	filt = NULL;
	run();
	printf("free_context ran: %d, socket open: %d, underlying enabled=0x%x\n", ctx2.freed,
	    fcntl(t[0], F_GETFD) != -1, bufferevent_get_enabled(under));
	bufferevent_setcb(under, readcb, NULL, eventcb, NULL);
	if (write(t[1], "direct", 6) != 6)
		return 1;
	run();
	bufferevent_free(under);
	close(t[0]);
	close(t[1]);

	event_base_free(base);
	printf("done\n");
	return 0;
}
