/* ssl_threadsafe: BEV_OPT_THREADSAFE TLS bufferevents (evthread_use_pthreads)
 * written from another thread while the main thread dispatches. A socket
 * TLS client and server on 127.0.0.1; once connected, a writer thread sends
 * 2000 numbered records through the client, each with bufferevent_write,
 * every tenth batch of three inside bufferevent_lock/unlock, and also
 * toggles EV_READ; the server checks that every record arrives whole and in
 * order, with BEV_OPT_DEFER_CALLBACKS|BEV_OPT_UNLOCK_CALLBACKS (its read
 * callback runs without the lock). Then a TLS filter over a thread-safe
 * socket bufferevent, the same way with 500 records. Printed: counts and
 * failures. */
/* libs: libevent_openssl libevent libevent_pthreads openssl */
/* timeout: 40 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include <pthread.h>

#include "testcase.h"
#include "tls.h"

#define REC 8 /* "%07d\n" */

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *sbev, *cbev;
static int nrec, got, out_of_order, write_fail, use_filter;
static pthread_t writer;
static int writer_started;

static void *write_thread(void *arg)
{
	int i, k;
	(void)arg;
	for (i = 0; i < nrec;) {
		char rec[16];
		if ((i / 3) % 10 == 0 && i + 3 <= nrec) {
			bufferevent_lock(cbev);
			for (k = 0; k < 3; k++, i++) {
				snprintf(rec, sizeof(rec), "%07d\n", i);
				if (bufferevent_write(cbev, rec, REC) != 0)
					write_fail++;
			}
			bufferevent_unlock(cbev);
		} else {
			snprintf(rec, sizeof(rec), "%07d\n", i);
			if (bufferevent_write(cbev, rec, REC) != 0)
				write_fail++;
			i++;
		}
		if (i % 200 == 0) {
			bufferevent_disable(cbev, EV_READ);
			bufferevent_enable(cbev, EV_READ);
			usleep(1000);
		}
	}
	return NULL;
}

static void s_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	char rec[REC + 1];
	(void)arg;
	bufferevent_lock(bev);
	while (evbuffer_get_length(in) >= REC) {
		evbuffer_remove(in, rec, REC);
		rec[REC] = 0;
		if (atoi(rec) != got)
			out_of_order++;
		got++;
	}
	bufferevent_unlock(bev);
	if (got == nrec)
		event_base_loopexit(base, NULL);
}

static void s_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (!(what & BEV_EVENT_CONNECTED))
		printf("  server event %s\n", tc_bev_what(what));
}

static void c_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		pthread_create(&writer, NULL, write_thread, NULL);
		writer_started = 1;
		return;
	}
	printf("  client event %s\n", tc_bev_what(what));
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE | BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS;
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	if (use_filter) {
		struct bufferevent *raw = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
		sbev = bufferevent_openssl_filter_new(base, raw, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, opts);
	} else {
		sbev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, opts);
	}
	bufferevent_setcb(sbev, s_read, NULL, s_event, NULL);
	bufferevent_enable(sbev, EV_READ);
}

static void run(const char *title, struct sockaddr_in *sin, int n)
{
	struct timeval tv = {15, 0};
	struct event *g = evtimer_new(base, tc_tls_guard_indented_cb, base);
	int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE;
	printf("%s:\n", title);
	nrec = n;
	got = out_of_order = write_fail = writer_started = 0;
	if (use_filter) {
		struct bufferevent *raw = bufferevent_socket_new(base, -1, opts);
		bufferevent_socket_connect(raw, (struct sockaddr *)sin, sizeof(*sin));
		cbev = bufferevent_openssl_filter_new(base, raw, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, opts);
	} else {
		cbev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, opts);
		bufferevent_socket_connect(cbev, (struct sockaddr *)sin, sizeof(*sin));
	}
	bufferevent_setcb(cbev, NULL, NULL, c_event, NULL);
	bufferevent_enable(cbev, EV_READ);
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	if (writer_started)
		pthread_join(writer, NULL);
	event_free(g);
	printf("  records %d of %d, out of order %d, write failures %d\n", got, nrec, out_of_order, write_fail);
	bufferevent_free(cbev);
	bufferevent_free(sbev);
	sbev = NULL;
}

int main(void)
{
	struct tc_tls_id id;
	struct sockaddr_in sin;
	struct evconnlistener *lev;

	tc_alarm("ssl_threadsafe", 35);
	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	if (tc_tls_setup(&id, &sctx, &cctx) < 0)
		return 1;
	base = event_base_new();
	lev = tc_tls_listen(base, acceptcb, LEV_OPT_THREADSAFE, &sin);

	run("socket", &sin, 2000);
	use_filter = 1;
	run("filter over a socket", &sin, 500);

	evconnlistener_free(lev);
	event_base_free(base);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
