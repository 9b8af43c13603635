/* filter_more: bufferevent_filter_new details: the output filter's limit
 * under the underlying write high watermark and the refills driven by the
 * underlying's write callback, a filter with BEV_OPT_DEFER_CALLBACKS, a
 * filter freed inside its own read callback, the program freeing the
 * underlying bufferevent first (the filter keeps it alive), and
 * bufferevent_get_underlying/getfd through a filter of a filter. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static struct event_base *base;
static struct bufferevent *filt;
static int in_cb;

/* Copies at most the limit it is given. */
static enum bufferevent_filter_result out_lim(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t lim, enum bufferevent_flush_mode mode, void *arg)
{
	size_t n = evbuffer_get_length(src);
	(void)arg;
	if (lim >= 0 && n > (size_t)lim)
		n = (size_t)lim;
	printf("    out filter: mode=%d lim=%ld src=%u moving %u\n", (int)mode, (long)lim,
	    (unsigned)evbuffer_get_length(src), (unsigned)n);
	if (n == 0)
		return BEV_NEED_MORE;
	evbuffer_remove_buffer(src, dst, n);
	return BEV_OK;
}

static void readcb(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("  readcb (in_cb=%d): '%s'\n", in_cb, buf);
	if (arg) {
		printf("  freeing the filter inside its readcb\n");
		bufferevent_free(b);
		filt = NULL;
	}
}

static void writecb(struct bufferevent *b, void *arg)
{
	(void)arg;
	printf("  writecb: filter output=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(b)));
}

static void peer(int fd, const char *when)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	printf("%s: peer got %d '%s'\n", when, (int)n, buf);
}

static void run(void)
{
	struct timeval tv = { 0, 50000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	int s[2];
	struct bufferevent *under, *f2;

	tc_alarm("filter_more", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	tc_log_capture();
	base = event_base_new();

	/* 1) output limit from the underlying write high watermark */
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	under = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setwatermark(under, EV_WRITE, 0, 8);
	filt = bufferevent_filter_new(under, NULL, out_lim, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
	bufferevent_setcb(filt, NULL, writecb, NULL, NULL);
	printf("write 20 bytes:\n");
	bufferevent_write(filt, "abcdefghijklmnopqrst", 20);
	printf("filter output=%u underlying output=%u\n",
	    (unsigned)evbuffer_get_length(bufferevent_get_output(filt)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(under)));
	run();
	peer(s[1], "after loop");
	printf("filter output=%u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(filt)));

	/* 2) a filter of a filter */
	f2 = bufferevent_filter_new(filt, NULL, NULL, 0, NULL, NULL);
	printf("f2 underlying is filt: %d, filt's is the socket one: %d, getfd(f2) is the socket: %d\n",
	    bufferevent_get_underlying(f2) == filt, bufferevent_get_underlying(filt) == under,
	    bufferevent_getfd(f2) == s[0]);
	bufferevent_write(f2, "nested", 6);
	run();
	peer(s[1], "through two filters");
	bufferevent_free(f2);
	run();
	bufferevent_free(filt);
	run();
	printf("socket closed: %d\n", fcntl(s[0], F_GETFD) == -1);
	close(s[1]);

	/* 3) BEV_OPT_DEFER_CALLBACKS: the readcb runs from the loop */
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	under = bufferevent_socket_new(base, s[0], 0);
	filt = bufferevent_filter_new(under, NULL, NULL, BEV_OPT_DEFER_CALLBACKS, NULL, NULL);
	bufferevent_setcb(filt, readcb, NULL, NULL, NULL);
	bufferevent_enable(filt, EV_READ);
	if (write(s[1], "deferred", 8) != 8)
		return 1;
	run();
	/* 4) the program frees the underlying one first: the filter keeps it */
	bufferevent_free(under);
	if (write(s[1], "still", 5) != 5)
		return 1;
	run();
	printf("getfd through the filter still works: %d\n", bufferevent_getfd(filt) == s[0]);
	/* 5) freed inside its own readcb */
	bufferevent_setcb(filt, readcb, NULL, NULL, (void *)1);
	if (write(s[1], "last", 4) != 4)
		return 1;
	run();
	printf("filter freed: %d, socket left open (no CLOSE_ON_FREE): %d\n", filt == NULL,
	    fcntl(s[0], F_GETFD) != -1);
	close(s[0]);
	close(s[1]);

	/* 6) CLOSE_ON_FREE when the program already freed the underlying one */
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	under = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	filt = bufferevent_filter_new(under, NULL, NULL, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
	bufferevent_free(under);
	tc_log_reset();
	bufferevent_free(filt);
	run();
	printf("warning logged: %d, socket closed: %d\n", tc_log_.n > 0, fcntl(s[0], F_GETFD) == -1);
	close(s[1]);

	event_base_free(base);
	printf("done\n");
	return 0;
}
