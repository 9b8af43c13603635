/* http_thread: evhttp with thread support (evthread_use_pthreads): a
 * server's base runs on the main thread, a client's base on another
 * thread; 50 requests one after another, each answered with its number,
 * then the client thread stops the server's loop with
 * event_base_loopexit from its own thread. */
/* libs: libevent libevent_pthreads */
#include <event2/thread.h>

#include "httptest.h"

static struct event_base *sbase, *cbase;
static int port, answered, matched;
static struct evhttp_connection *evcon;

static void srv_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "%s", evhttp_request_get_uri(req) + 1);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void next(int i);

static void cli_cb(struct evhttp_request *req, void *arg)
{
	int i = (int)(intptr_t)arg;
	answered++;
	if (req) {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		char buf[16] = "";
		evbuffer_copyout(in, buf, sizeof buf - 1);
		if (atoi(buf) == i)
			matched++;
	}
	if (i + 1 < 50)
		next(i + 1);
	else
		event_base_loopexit(cbase, NULL);
}

static void next(int i)
{
	char uri[16];
	snprintf(uri, sizeof uri, "/%d", i);
	evhttp_make_request(evcon, evhttp_request_new(cli_cb, (void *)(intptr_t)i), EVHTTP_REQ_GET, uri);
}

static void *client(void *arg)
{
	(void)arg;
	cbase = event_base_new();
	evcon = evhttp_connection_base_new(cbase, NULL, "127.0.0.1", (ev_uint16_t)port);
	next(0);
	struct timeval tv = { 10, 0 };
	event_base_loopexit(cbase, &tv);
	event_base_dispatch(cbase);
	evhttp_connection_free(evcon);
	event_base_free(cbase);
	event_base_loopexit(sbase, NULL); /* from this thread */
	return NULL;
}

int main(void)
{
	tc_alarm("http_thread", 20);
	evthread_use_pthreads();
	sbase = event_base_new();
	struct evhttp *http = evhttp_new(sbase);
	port = ht_listen(http);
	evhttp_set_gencb(http, srv_cb, NULL);
	pthread_t th;
	pthread_create(&th, NULL, client, NULL);
	struct timeval tv = { 15, 0 };
	event_base_loopexit(sbase, &tv);
	event_base_dispatch(sbase);
	pthread_join(th, NULL);
	printf("answered %d, matching %d\n", answered, matched);
	evhttp_free(http);
	event_base_free(sbase);
	printf("done\n");
	return 0;
}
