/*
 * bev_misuse.c - goevent only: the bufferevent functions refuse NULL and
 * freed bufferevents with libevent's failure value and a logged message
 * (libevent crashes), a freed evdns base fails the lookup (logged, the event
 * callback says BEV_EVENT_ERROR, the dns error is EVUTIL_EAI_FAIL),
 * BEV_OPT_THREADSAFE without evthread locking fails with a message, and a
 * bufferevent freed and finalized while a deferred callback of one of its
 * buffers is scheduled on another base (libevent 2.1.12 crashes after
 * running such a callback): the callback runs with its buffer, which is then
 * freed (the buffer's handle lives in the bufferevent's block, which is kept
 * until then); bufferevent_free twice inside the bufferevent's own read
 * callback: the second is refused and logged, the descriptor closed after.
 * Exit 0 when every check holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"

static int defer_calls;
static size_t defer_len;

static void defer_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)info; (void)arg;
	defer_calls++;
	defer_len = evbuffer_get_length(buf);
}

/* A pair whose end 0 reads; a deferred callback on one of its buffers is
 * scheduled on another base's loop, then both ends are freed and finalized
 * (their base's loop runs) before that loop runs the callback. */
static void free_with_deferred_cb(struct event_base *base, int output)
{
	struct bufferevent *pair[2];
	struct evbuffer *buf;
	struct event_base *other = event_base_new();
	defer_calls = 0;
	defer_len = 0;
	if (!other || bufferevent_pair_new(base, 0, pair) != 0)
		return;
	bufferevent_enable(pair[0], EV_READ);
	buf = output ? bufferevent_get_output(pair[0]) : bufferevent_get_input(pair[0]);
	evbuffer_defer_callbacks(buf, other);
	evbuffer_add_cb(buf, defer_cb, NULL);
	bufferevent_write(output ? pair[0] : pair[1], "hello", 5);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	/* New bufferevents, made before the callback runs, must not reuse the
	 * memory of the scheduled buffer. */
	if (bufferevent_pair_new(base, 0, pair) != 0)
		return;
	bufferevent_write(pair[1], "xy", 2);
	event_base_loop(other, EVLOOP_NONBLOCK);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(other, EVLOOP_NONBLOCK);
	event_base_free(other);
}

/* bufferevent_free twice inside the bufferevent's own read callback (the
 * C layer answers the first there): the second is refused and logged. */
static int twice_logged = -1;
static void free_twice_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_free(bev);
	int n = tc_log_.n;
	bufferevent_free(bev);
	twice_logged = tc_log_.n - n;
}

int main(void)
{
	struct event_base *base;
	struct bufferevent *b, *dead;
	int sv[2];
	size_t lo, hi;
	struct timeval tv = {1, 0};

	tc_log_capture();
	base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]); /* debug mode wants it (run.sh --debug-mode) */
	evutil_make_socket_nonblocking(sv[1]);
	dead = bufferevent_socket_new(base, -1, 0);
	bufferevent_free(dead);
	event_base_loop(base, EVLOOP_NONBLOCK);

	struct bufferevent *bad[2] = {NULL, dead};
	for (int i = 0; i < 2; i++) {
		const char *w = i ? "freed" : "NULL";
		char m[128];
		b = bad[i];
#define CHECK(name, expr, cond) do { int r_, n_ = tc_log_.n; r_ = (int)(expr); snprintf(m, sizeof m, "%s on a %s bufferevent: %d, logged", name, w, r_); TC_CHECK(m, (cond) && tc_log_.n > n_); } while (0)
		CHECK("bufferevent_decref", bufferevent_decref(b), r_ == -1);
		CHECK("bufferevent_flush", bufferevent_flush(b, EV_WRITE, BEV_FLUSH), r_ == -1);
		CHECK("bufferevent_get_max_single_read", bufferevent_get_max_single_read(b), r_ == -1);
		CHECK("bufferevent_get_max_to_write", bufferevent_get_max_to_write(b), r_ == -1);
		CHECK("bufferevent_set_max_single_write", bufferevent_set_max_single_write(b, 10), r_ == -1);
		CHECK("bufferevent_priority_set", bufferevent_priority_set(b, 0), r_ == -1);
		CHECK("bufferevent_get_priority", bufferevent_get_priority(b), r_ == -1);
		CHECK("bufferevent_base_set", bufferevent_base_set(base, b), r_ == -1);
		CHECK("bufferevent_getwatermark", bufferevent_getwatermark(b, EV_READ, &lo, &hi), r_ == -1);
		CHECK("bufferevent_set_timeouts", bufferevent_set_timeouts(b, &tv, NULL), r_ == -1);
		CHECK("bufferevent_setfd", bufferevent_setfd(b, sv[0]), r_ == -1);
		CHECK("bufferevent_getfd", bufferevent_getfd(b), r_ == -1);
		CHECK("bufferevent_socket_connect", bufferevent_socket_connect(b, NULL, 0), r_ == -1);
		CHECK("bufferevent_socket_connect_hostname",
		    bufferevent_socket_connect_hostname(b, NULL, AF_INET, "127.0.0.1", 80), r_ == -1);
		CHECK("bufferevent_socket_get_dns_error", bufferevent_socket_get_dns_error(b), r_ == 0);
		TC_EXPECT_LOGGED("bufferevent_setwatermark logged", bufferevent_setwatermark(b, EV_READ, 1, 2));
		TC_EXPECT_LOGGED("bufferevent_trigger logged", bufferevent_trigger(b, EV_READ, 0));
		TC_EXPECT_LOGGED("bufferevent_trigger_event logged", bufferevent_trigger_event(b, BEV_EVENT_EOF, 0));
		TC_EXPECT_LOGGED("bufferevent_incref logged", bufferevent_incref(b));
		TC_EXPECT_LOGGED("bufferevent_getcb logged", bufferevent_getcb(b, NULL, NULL, NULL, NULL));
		TC_EXPECT_LOGGED("bufferevent_settimeout logged", bufferevent_settimeout(b, 1, 1));
		TC_EXPECT_LOGGED("bufferevent_lock logged", bufferevent_lock(b));
	}

	b = bufferevent_socket_new(base, sv[0], 0);
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_free(dns, 0);
	tc_log_reset();
	TC_CHECK("connect_hostname with a freed evdns base: 0 (the lookup fails)",
	    bufferevent_socket_connect_hostname(b, dns, AF_INET, "x.test", 80) == 0);
	TC_CHECK("... logged", tc_log_.n > 0);
	TC_CHECK("... dns error EVUTIL_EAI_FAIL", bufferevent_socket_get_dns_error(b) == EVUTIL_EAI_FAIL);
	bufferevent_incref(b);
	TC_CHECK("decref with a reference left: 0", bufferevent_decref(b) == 0);
	TC_CHECK("decref of the last reference: 1", bufferevent_decref(b) == 1);
	TC_EXPECT_LOGGED("bufferevent_free after the last decref is refused and logged", bufferevent_free(b));
	tc_log_reset();
	TC_CHECK("BEV_OPT_THREADSAFE without evthread: NULL",
	    bufferevent_socket_new(base, sv[1], BEV_OPT_THREADSAFE) == NULL && tc_log_.n > 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	free_with_deferred_cb(base, 0);
	TC_CHECK("input freed with a deferred callback scheduled: it runs once, with the 5 bytes",
	    defer_calls == 1 && defer_len == 5);
	free_with_deferred_cb(base, 1);
	TC_CHECK("output freed with a deferred callback scheduled: it runs once, with the 5 bytes",
	    defer_calls == 1 && defer_len == 5);
	{
		int tv2[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, tv2) == 0) {
			evutil_make_socket_nonblocking(tv2[0]);
			b = bufferevent_socket_new(base, tv2[0], BEV_OPT_CLOSE_ON_FREE);
			bufferevent_setcb(b, free_twice_cb, NULL, NULL, NULL);
			bufferevent_enable(b, EV_READ);
			send(tv2[1], "z", 1, MSG_NOSIGNAL);
			for (int i = 0; i < 3; i++)
				event_base_loop(base, EVLOOP_NONBLOCK);
			TC_CHECK("bufferevent_free twice in its read callback: the second logged once", twice_logged == 1);
			TC_CHECK("... and the descriptor closed after the callback", !tc_fd_open(tv2[0]));
			close(tv2[1]);
		}
	}
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
	printf("%d failures\n", tc_failures);
	return tc_exit_status();
}
