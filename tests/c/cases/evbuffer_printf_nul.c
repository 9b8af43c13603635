/* evbuffer_printf_nul: evbuffer_add_printf and evbuffer_add_vprintf format
 * straight into the buffer's free room, so a NUL follows the added bytes
 * (not counted in the length) and they are contiguous: programs read the
 * last extent as a C string. The free room is filled with 'Z' first (a
 * reservation committed with 0 bytes), so a missing NUL shows. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

/* Fills the free room after the data with 'Z' (one vector: the extent the
 * next add goes to). */
static void dirty_room(struct evbuffer *b, size_t size)
{
	struct evbuffer_iovec v[1];
	if (evbuffer_reserve_space(b, (ev_ssize_t)size, v, 1) != 1)
		return;
	memset(v[0].iov_base, 'Z', v[0].iov_len);
	v[0].iov_len = 0;
	evbuffer_commit_space(b, v, 1);
}

/* The last extent of data, and the byte after it. */
static void show_tail(const char *tag, struct evbuffer *b, size_t added)
{
	struct evbuffer_iovec v[64];
	int n = evbuffer_peek(b, -1, NULL, v, 64);
	const char *last;
	while (n > 0 && v[n - 1].iov_len == 0)
		n--;
	if (n <= 0 || n > 64) {
		printf("%s: peek %d\n", tag, n);
		return;
	}
	last = (const char *)v[n - 1].iov_base;
	printf("%s: last extent holds the added bytes %s, NUL after %s, strlen(added) is their count %s\n", tag,
	    tc_yesno(v[n - 1].iov_len >= added),
	    tc_yesno(last[v[n - 1].iov_len] == '\0'),
	    tc_yesno(v[n - 1].iov_len >= added && strlen(last + v[n - 1].iov_len - added) == added));
}

static int vp(struct evbuffer *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int main(void)
{
	struct event_base *base;
	struct evbuffer *b = evbuffer_new();
	struct bufferevent *bev;
	char big[6000];
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_printf_nul", 10);

	dirty_room(b, 100);
	r = evbuffer_add_printf(b, "hello %d", 42);
	printf("printf into empty: %d len=%zu\n", r, evbuffer_get_length(b));
	show_tail("empty", b, (size_t)r);
	printf("pullup as string: %s\n", (char *)evbuffer_pullup(b, -1));

	dirty_room(b, 10);
	r = evbuffer_add_printf(b, "-%s-", "more");
	printf("printf after data: %d len=%zu\n", r, evbuffer_get_length(b));
	show_tail("after data", b, (size_t)r);

	dirty_room(b, 10);
	r = evbuffer_add_printf(b, "%s", "");
	printf("printf of nothing: %d len=%zu\n", r, evbuffer_get_length(b));
	show_tail("nothing", b, 0);

	/* more than the free room: the text moves to room of its own */
	dirty_room(b, 10);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	r = evbuffer_add_printf(b, "<%s>", big);
	printf("printf 6001 bytes: %d len=%zu\n", r, evbuffer_get_length(b));
	show_tail("big", b, (size_t)r);

	dirty_room(b, 10);
	r = vp(b, "%s=%d;", "vprintf", 7);
	printf("vprintf: %d len=%zu\n", r, evbuffer_get_length(b));
	show_tail("vprintf", b, (size_t)r);

	/* a text that fills the free room exactly but for its NUL */
	evbuffer_drain(b, evbuffer_get_length(b));
	{
		struct evbuffer_iovec v[1];
		size_t room;
		char *exact;
		evbuffer_add(b, "s", 1);
		evbuffer_reserve_space(b, 1, v, 1);
		room = v[0].iov_len;
		memset(v[0].iov_base, 'Z', room);
		v[0].iov_len = 0;
		evbuffer_commit_space(b, v, 1);
		/* (the room's size is the allocator's: a text of its own) */
		exact = malloc(room + 1);
		memset(exact, 'q', room);
		exact[room] = 0;
		r = evbuffer_add_printf(b, "%s", exact);
		free(exact);
		printf("printf of exactly the room: %s len is 1+room %s\n", tc_yesno((size_t)r == room),
		    tc_yesno(evbuffer_get_length(b) == 1 + room));
		show_tail("exact", b, (size_t)r);
	}

	printf("printf frozen end: ");
	evbuffer_freeze(b, 0);
	printf("%d\n", evbuffer_add_printf(b, "x"));
	evbuffer_unfreeze(b, 0);

	/* a bufferevent's output */
	base = event_base_new();
	bev = bufferevent_socket_new(base, -1, 0);
	dirty_room(bufferevent_get_output(bev), 100);
	r = evbuffer_add_printf(bufferevent_get_output(bev), "GET /%s HTTP/1.0\r\n", "index");
	printf("printf into a bufferevent's output: %d len=%zu\n", r, evbuffer_get_length(bufferevent_get_output(bev)));
	show_tail("bev output", bufferevent_get_output(bev), (size_t)r);
	bufferevent_free(bev);
	event_base_free(base);

	evbuffer_free(b);
	printf("done\n");
	return 0;
}
