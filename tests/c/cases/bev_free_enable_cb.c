/*
 * bev_free_enable_cb.c - bufferevent_free from inside the bufferevent's own
 * read, write and event callbacks, and bufferevent_enable(EV_READ) of socket
 * bufferevents in the states that matter (fresh, already reading, disabled
 * and enabled again, suspended by the read high watermark, with a read
 * timeout, inside a callback): the calls goevent answers in C without
 * entering its core when it can.
 *
 * After a free inside a callback: no callback runs again, the rest of that
 * callback still sees its arguments, the descriptor is closed (BEV_OPT_
 * CLOSE_ON_FREE) once the loop has run, the peer sees EOF. Enable: what
 * bufferevent_get_enabled says, whether data waiting is read (the read
 * callback runs) within a bounded loop run, and when.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "testcase.h"

static struct event_base *base;
static int reads, writes, events;
static short last_what;
static int free_in; /* 1 read, 2 write, 3 event: free there */
static size_t seen_len;

static void read_cb(struct bufferevent *bev, void *arg)
{
	reads++;
	seen_len = evbuffer_get_length(bufferevent_get_input(bev));
	if (free_in == 1) {
		bufferevent_free(bev);
		/* the callback goes on with its own argument */
		printf("  read callback: freed, arg still %s\n", (const char *)arg);
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	writes++;
	if (free_in == 2)
		bufferevent_free(bev);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	events++;
	last_what = what;
	if (free_in == 3)
		bufferevent_free(bev);
}

static const char *ev_names(short what)
{
	static const char *names[] = {"none", "READ", "WRITE", "READ|WRITE"};
	return names[((what & EV_READ) ? 1 : 0) | ((what & EV_WRITE) ? 2 : 0)];
}

static void reset(void)
{
	reads = writes = events = 0;
	last_what = 0;
	seen_len = 0;
}

/* Runs the loop in bounded nonblocking passes (data on a socketpair is there
 * at once). */
static void spin(int n)
{
	for (int i = 0; i < n; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* A nonblocking socketpair. */
static int nb_pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	return 0;
}

/* Frees b, lets the loop run its finalizer, closes the pair. */
static void free_and_close(struct bufferevent *b, int sv[2])
{
	bufferevent_free(b);
	spin(1);
	close(sv[0]);
	close(sv[1]);
}

static int peer_eof(int fd)
{
	char c;
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	for (;;) {
		ssize_t n = recv(fd, &c, 1, 0);
		if (n == 0)
			return 1;
		if (n < 0)
			return 0;
	}
}

static void free_case(int where, const char *name)
{
	int sv[2];
	if (nb_pair(sv) != 0)
		return;
	reset();
	free_in = where;
	struct bufferevent *b = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, read_cb, write_cb, event_cb, "arg");
	bufferevent_enable(b, EV_READ);
	if (where == 1)
		send(sv[1], "abc", 3, MSG_NOSIGNAL);
	else if (where == 2)
		bufferevent_write(b, "xyz", 3);
	else
		shutdown(sv[1], SHUT_WR);
	spin(3);
	/* more data: nothing may be called any more */
	send(sv[1], "more", 4, MSG_NOSIGNAL);
	spin(3);
	printf("free in the %s callback: reads %d (saw %zu bytes), writes %d, events %d (%s)\n",
	    name, reads, seen_len, writes, events, events ? tc_bev_what(last_what) : "-");
	printf("  descriptor closed: %s, peer sees EOF: %s\n", tc_yesno(!tc_fd_open(sv[0])),
	    tc_yesno(where == 3 || peer_eof(sv[1])));
	free_in = 0;
	close(sv[1]);
	if (tc_fd_open(sv[0]))
		close(sv[0]);
}

/* Enables reading in state st, then sends a byte: does the read callback
 * run? */
static void enable_case(const char *name, int st)
{
	int sv[2];
	if (nb_pair(sv) != 0)
		return;
	reset();
	struct bufferevent *b = bufferevent_socket_new(base, sv[0], 0);
	bufferevent_setcb(b, read_cb, NULL, event_cb, NULL);
	int r = 0;
	switch (st) {
	case 0: /* fresh */
		r = bufferevent_enable(b, EV_READ);
		break;
	case 1: /* twice */
		r = bufferevent_enable(b, EV_READ) | bufferevent_enable(b, EV_READ);
		break;
	case 2: /* enabled, disabled, enabled */
		bufferevent_enable(b, EV_READ);
		bufferevent_disable(b, EV_READ);
		r = bufferevent_enable(b, EV_READ);
		break;
	case 3: /* disabled at the end */
		bufferevent_enable(b, EV_READ);
		r = bufferevent_disable(b, EV_READ);
		break;
	case 4: { /* a read timeout, then enabled */
		struct timeval tv = {5, 0};
		bufferevent_set_timeouts(b, &tv, NULL);
		r = bufferevent_enable(b, EV_READ);
		break;
	}
	case 5: /* the high watermark reached: suspended, then enabled (no read
		 * callback: one that leaves the input at the watermark is called
		 * again and again, and a nonblocking loop never ends) */
		bufferevent_setcb(b, NULL, NULL, event_cb, NULL);
		bufferevent_setwatermark(b, EV_READ, 0, 2);
		bufferevent_enable(b, EV_READ);
		send(sv[1], "12", 2, MSG_NOSIGNAL);
		spin(2);
		printf("  (before: reads %d, input %zu)\n", reads, evbuffer_get_length(bufferevent_get_input(b)));
		bufferevent_disable(b, EV_READ);
		r = bufferevent_enable(b, EV_READ);
		break;
	case 6: /* EV_READ|EV_WRITE at once */
		r = bufferevent_enable(b, EV_READ | EV_WRITE);
		break;
	}
	printf("enable %s: %d, enabled %s", name, r, ev_names(bufferevent_get_enabled(b)));
	send(sv[1], "x", 1, MSG_NOSIGNAL);
	spin(2);
	printf(", read callbacks %d, input %zu, events %d\n", reads,
	    evbuffer_get_length(bufferevent_get_input(b)), events);
	if (st == 5) {
		evbuffer_drain(bufferevent_get_input(b), 2);
		spin(2);
		printf("  after draining: read callbacks %d, input %zu\n", reads,
		    evbuffer_get_length(bufferevent_get_input(b)));
	}
	free_and_close(b, sv);
}

/* bufferevent_enable(EV_READ) from inside the write callback of a
 * bufferevent that was not reading. */
static int enable_in_cb_reads;
static void enable_in_write_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (!(bufferevent_get_enabled(bev) & EV_READ))
		printf("  in the write callback: enable(EV_READ) = %d\n", bufferevent_enable(bev, EV_READ));
}

static void enable_in_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	enable_in_cb_reads++;
	evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
}

static void enable_in_callback(void)
{
	int sv[2];
	if (nb_pair(sv) != 0)
		return;
	struct bufferevent *b = bufferevent_socket_new(base, sv[0], 0);
	bufferevent_setcb(b, enable_in_read_cb, enable_in_write_cb, NULL, NULL);
	send(sv[1], "q", 1, MSG_NOSIGNAL);
	bufferevent_write(b, "w", 1);
	spin(3);
	printf("enable in the write callback: read callbacks %d, enabled %s\n", enable_in_cb_reads,
	    ev_names(bufferevent_get_enabled(b)));
	free_and_close(b, sv);
}

int main(void)
{
	tc_alarm("bev_free_enable_cb", 20);
	base = event_base_new();
	free_case(1, "read");
	free_case(2, "write");
	free_case(3, "event (EOF)");
	enable_case("fresh", 0);
	enable_case("twice", 1);
	enable_case("after disable", 2);
	enable_case("then disable", 3);
	enable_case("with a read timeout", 4);
	enable_case("at the high watermark", 5);
	enable_case("EV_READ|EV_WRITE", 6);
	enable_in_callback();
	event_base_free(base);
	printf("done\n");
	return 0;
}
