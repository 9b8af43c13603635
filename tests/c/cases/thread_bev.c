/* thread_bev: a BEV_OPT_THREADSAFE socketpair bufferevent written from
 * another thread while the main thread dispatches: bufferevent_write,
 * evbuffer_add / evbuffer_add_printf on bufferevent_get_output,
 * bufferevent_enable/disable, and bufferevent_lock/unlock (and evbuffer_lock
 * on the output) around several writes, during which the loop cannot drain
 * the output. The peer (THREADSAFE|DEFER_CALLBACKS|UNLOCK_CALLBACKS) checks
 * that every record arrives, complete and in order; its first read callback
 * runs without the lock, so a third thread can write to it meanwhile.
 * BEV_OPT_UNLOCK_CALLBACKS without DEFER_CALLBACKS is refused. Then a
 * BEV_OPT_THREADSAFE bufferevent pair written from another thread (both ends
 * share one lock) while the loop delivers to the other end. */
/* libs: libevent libevent_pthreads */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "testcase.h"

#define NREC 3000
#define REC 8 /* "%07d\n" */

static struct event_base *base;
static struct bufferevent *bev, *peer;
static int next_rec, recv_count, out_of_order, write_fail, endis_fail, lock_bad, lock_sections;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int in_cb, c_wrote, c_write_ret = -1, wrote_during_cb;

static void peer_readcb(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	char rec[REC + 1];
	(void)arg;
	pthread_mutex_lock(&mu);
	if (!in_cb) {
		/* First call: BEV_OPT_UNLOCK_CALLBACKS runs us unlocked; thread C
		 * writes to this bufferevent while we wait for it. */
		struct timespec ts;
		in_cb = 1;
		pthread_cond_broadcast(&cv);
		tc_deadline(&ts, 3000);
		while (!c_wrote)
			if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT)
				break;
		wrote_during_cb = c_wrote;
	}
	pthread_mutex_unlock(&mu);
	while (evbuffer_get_length(in) >= REC) {
		evbuffer_remove(in, rec, REC);
		rec[REC] = 0;
		if (atoi(rec) != recv_count || rec[REC - 1] != '\n')
			out_of_order++;
		recv_count++;
	}
	if (recv_count >= NREC)
		event_base_loopbreak(base);
}

static void add_record(int how)
{
	char rec[REC + 1];
	struct evbuffer *out = bufferevent_get_output(bev);
	snprintf(rec, sizeof rec, "%07d\n", next_rec);
	int r;
	switch (how % 3) {
	case 0: r = bufferevent_write(bev, rec, REC); break;
	case 1: r = evbuffer_add(out, rec, REC); break;
	default: r = evbuffer_add_printf(out, "%07d\n", next_rec) == REC ? 0 : -1; break;
	}
	if (r != 0)
		write_fail++;
	next_rec++;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; next_rec < NREC; i++) {
		if (i % 50 == 25 && next_rec + 3 <= NREC) {
			/* Several writes under the bufferevent's (or the output's) lock:
			 * the loop cannot take bytes away meanwhile. */
			struct evbuffer *out = bufferevent_get_output(bev);
			int use_buf = (i / 50) % 2;
			if (use_buf)
				evbuffer_lock(out);
			else
				bufferevent_lock(bev);
			size_t before = evbuffer_get_length(out);
			add_record(0);
			add_record(1);
			add_record(2);
			usleep(200);
			if (evbuffer_get_length(out) != before + 3 * REC)
				lock_bad++;
			lock_sections++;
			if (use_buf)
				evbuffer_unlock(out);
			else
				bufferevent_unlock(bev);
			continue;
		}
		if (i % 100 == 60) {
			if (bufferevent_disable(bev, EV_WRITE) != 0)
				endis_fail++;
			if (bufferevent_get_enabled(bev) & EV_WRITE)
				endis_fail++;
			add_record(i);
			if (bufferevent_enable(bev, EV_WRITE) != 0)
				endis_fail++;
			if (!(bufferevent_get_enabled(bev) & EV_WRITE))
				endis_fail++;
			continue;
		}
		if (i % 100 == 80) {
			if (bufferevent_enable(bev, EV_READ) != 0 || bufferevent_disable(bev, EV_READ) != 0)
				endis_fail++;
		}
		add_record(i);
		if (i % 16 == 0)
			usleep(100);
	}
	return NULL;
}

#define NPAIR 2000
static struct bufferevent *pair[2];
static int pair_sent, pair_recv, pair_bad, pair_fail;

static void pair_readcb(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	char rec[REC + 1];
	(void)arg;
	while (evbuffer_get_length(in) >= REC) {
		evbuffer_remove(in, rec, REC);
		rec[REC] = 0;
		if (atoi(rec) != pair_recv || rec[REC - 1] != '\n')
			pair_bad++;
		pair_recv++;
	}
	if (pair_recv >= NPAIR)
		event_base_loopbreak(base);
}

static void *pair_writer(void *arg)
{
	char rec[REC + 1];
	(void)arg;
	for (int i = 0; i < NPAIR; i++) {
		int locked = i % 100 == 0;
		if (locked)
			bufferevent_lock(pair[0]);
		snprintf(rec, sizeof rec, "%07d\n", pair_sent);
		int r = i % 2 ? bufferevent_write(pair[0], rec, REC)
		              : evbuffer_add(bufferevent_get_output(pair[0]), rec, REC);
		if (r != 0)
			pair_fail++;
		pair_sent++;
		if (locked)
			bufferevent_unlock(pair[0]);
		if (i % 16 == 0)
			usleep(100);
	}
	return NULL;
}

static void *acker(void *arg)
{
	struct timespec ts;
	(void)arg;
	pthread_mutex_lock(&mu);
	tc_deadline(&ts, 10000);
	while (!in_cb)
		if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT)
			break;
	int go = in_cb;
	pthread_mutex_unlock(&mu);
	if (!go)
		return NULL;
	int r = bufferevent_write(peer, "ack", 3);
	pthread_mutex_lock(&mu);
	c_write_ret = r;
	c_wrote = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	int sv[2];
	pthread_t tw, ta;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	tc_alarm("thread_bev", 30);
	if (evthread_use_pthreads() != 0) {
		printf("evthread_use_pthreads failed\n");
		return 1;
	}
	base = event_base_new();
	printf("base: %s\n", base ? "ok" : "NULL");

	struct bufferevent *bad = bufferevent_socket_new(base, -1, BEV_OPT_UNLOCK_CALLBACKS);
	printf("UNLOCK_CALLBACKS without DEFER_CALLBACKS: %s\n", bad ? "made" : "NULL");
	if (bad)
		bufferevent_free(bad);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	bev = bufferevent_socket_new(base, sv[0], BEV_OPT_THREADSAFE | BEV_OPT_CLOSE_ON_FREE);
	peer = bufferevent_socket_new(base, sv[1],
	    BEV_OPT_THREADSAFE | BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS);
	printf("threadsafe bufferevent: %s\n", bev ? "ok" : "NULL");
	printf("threadsafe deferred unlocked peer: %s\n", peer ? "ok" : "NULL");
	if (!bev || !peer)
		return 1;
	bufferevent_setcb(peer, peer_readcb, NULL, NULL, NULL);
	bufferevent_enable(peer, EV_READ);
	bufferevent_enable(bev, EV_WRITE);

	pthread_create(&tw, NULL, writer, NULL);
	pthread_create(&ta, NULL, acker, NULL);
	int r = event_base_dispatch(base);
	pthread_join(tw, NULL);
	pthread_join(ta, NULL);

	printf("dispatch: %d\n", r);
	printf("records written: %d\n", next_rec);
	printf("records received: %d\n", recv_count);
	printf("all in order: %s\n", out_of_order ? "no" : "yes");
	printf("writes ok: %s\n", write_fail ? "no" : "yes");
	printf("enable/disable ok: %s\n", endis_fail ? "no" : "yes");
	printf("lock sections > 0: %s\n", lock_sections > 0 ? "yes" : "no");
	printf("output kept under the lock: %s\n", lock_bad ? "no" : "yes");
	printf("read callback ran unlocked (other thread wrote meanwhile): %s\n", wrote_during_cb ? "yes" : "no");
	printf("that write: %d\n", c_write_ret);

	/* The ack reaches bev once it reads. */
	bufferevent_enable(bev, EV_READ);
	for (int i = 0; i < 100 && evbuffer_get_length(bufferevent_get_input(bev)) < 3; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(2000);
	char ack[4] = {0};
	bufferevent_read(bev, ack, 3);
	printf("ack received: %s\n", strcmp(ack, "ack") == 0 ? "yes" : "no");

	bufferevent_free(bev);
	bufferevent_free(peer);

	int pr = bufferevent_pair_new(base, BEV_OPT_THREADSAFE, pair);
	printf("threadsafe pair: %d\n", pr);
	if (pr != 0)
		return 1;
	bufferevent_setcb(pair[1], pair_readcb, NULL, NULL, NULL);
	bufferevent_enable(pair[1], EV_READ);
	pthread_create(&tw, NULL, pair_writer, NULL);
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	pthread_join(tw, NULL);
	printf("pair loop: %d\n", r);
	printf("pair records sent %d, received %d, in order: %s, writes ok: %s\n", pair_sent, pair_recv,
	    pair_bad ? "no" : "yes", pair_fail ? "no" : "yes");
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
