/* http_client_conn: evhttp client connections: a server that never answers
 * (evhttp_connection_base_bufferevent_new with a bufferevent of the program,
 * evhttp_connection_set_timeout_tv: TIMEOUT after about a second); a port
 * nobody listens on with retries (evhttp_connection_set_retries 2,
 * set_initial_retry_tv 100 ms: three connects, then the request's callback
 * with the request, code 0); evhttp_cancel_request of a queued request (its
 * callback never runs) and of the one in progress (the connection is
 * reset, the next request goes on a new connection); the close callback;
 * evhttp_connection_free_on_completion (freed after the last reply);
 * evhttp_connection_set_local_address/_port (the server sees that port);
 * evhttp_connection_set_family(AF_INET6) to an IPv4-only name (no
 * connection); a reply with Connection: close (the next request reconnects);
 * EVHTTP_CON_REUSE_CONNECTED_ADDR; evhttp_connection_set_flags refusing an
 * unknown flag. */
/* timeout: 40 */
#include <arpa/inet.h>
#include <event2/bufferevent.h>

#include "httptest.h"

static struct event_base *base;
static int pending;

static const char *errname(enum evhttp_request_error e)
{
	static const char *const n[] = { "TIMEOUT", "EOF", "INVALID_HEADER", "BUFFER_ERROR", "REQUEST_CANCEL", "DATA_TOO_LONG" };
	return (unsigned)e < 6 ? n[e] : "?";
}

static void on_error(enum evhttp_request_error e, void *arg)
{
	printf("  error_cb(%s): %s\n", (const char *)arg, errname(e));
}

static void done(struct evhttp_request *req, void *arg)
{
	if (!req)
		printf("  cb(%s): NULL request\n", (const char *)arg);
	else
		printf("  cb(%s): code=%d body=%zu\n", (const char *)arg, evhttp_request_get_response_code(req),
		    evbuffer_get_length(evhttp_request_get_input_buffer(req)));
	if (--pending == 0)
		event_base_loopexit(base, NULL);
}

static void closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	printf("  closecb(%s)\n", (const char *)arg);
}

static struct evhttp_request *mk(const char *name)
{
	struct evhttp_request *r = evhttp_request_new(done, (void *)name);
	evhttp_request_set_error_cb(r, on_error);
	return r;
}

static void run(int max_s)
{
	struct timeval tv = { max_s, 0 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	tc_alarm("http_client_conn", 35);
	base = event_base_new();

	printf("--- timeout\n");
	{
		static const struct ht_srv_step st[] = { { NULL, 0, 0, HT_SRV_IDLE } };
		static struct ht_srv_conn conn = { st, 1, "", 0, 0, 0 };
		struct ht_srv srv = { .idle_ms = 2500 };
		int port = ht_srv_start(&srv, &conn, 1);
		/* a bufferevent of ours for the connection, and the timeout as a timeval */
		struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
		struct evhttp_connection *evcon = evhttp_connection_base_bufferevent_new(base, NULL, bev, "127.0.0.1", (ev_uint16_t)port);
		printf("  our bufferevent used: %s\n", tc_yesno(evhttp_connection_get_bufferevent(evcon) == bev));
		struct timeval one = { 1, 0 };
		evhttp_connection_set_timeout_tv(evcon, &one);
		evhttp_connection_set_closecb(evcon, closed, "timeout");
		pending = 1;
		double t0 = tc_mono();
		evhttp_make_request(evcon, mk("timeout"), EVHTTP_REQ_GET, "/slow");
		run(5);
		double dt = tc_mono() - t0;
		printf("  after about a second: %s\n", tc_yesno(dt > 0.9 && dt < 2));
		evhttp_connection_free(evcon);
		ht_srv_stop(&srv);
		ht_srv_print(&srv);
	}

	printf("--- retries\n");
	{
		struct sockaddr_in sin;
		int lfd = tc_listen_loopback(&sin, 1);
		int port = ntohs(sin.sin_port);
		close(lfd); /* nobody listens there now */
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
		evhttp_connection_set_retries(evcon, 2);
		struct timeval rt = { 0, 100000 };
		evhttp_connection_set_initial_retry_tv(evcon, &rt);
		pending = 2;
		double t0 = tc_mono();
		evhttp_make_request(evcon, mk("refused-1"), EVHTTP_REQ_GET, "/");
		evhttp_make_request(evcon, mk("refused-2"), EVHTTP_REQ_GET, "/");
		run(5);
		double dt = tc_mono() - t0;
		printf("  after the retries (100 + 200 ms): %s\n", tc_yesno(dt > 0.25 && dt < 1.5));
		evhttp_connection_free(evcon);
	}

	printf("--- cancel\n");
	{
		static const struct ht_srv_step s1[] = { { NULL, 0, 0, HT_SRV_READ } };
		static const struct ht_srv_step s2[] = { { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", -1, 0, HT_SRV_READ } };
		static struct ht_srv_conn conns[2] = { { s1, 1, "", 0, 0, 0 }, { s2, 1, "", 0, 0, 0 } };
		struct ht_srv srv = { .idle_ms = 300 };
		int port = ht_srv_start(&srv, conns, 2);
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
		evhttp_connection_set_closecb(evcon, closed, "cancel");
		struct evhttp_request *a = mk("in-progress"), *b = mk("queued"), *c = mk("after");
		evhttp_make_request(evcon, a, EVHTTP_REQ_GET, "/a");
		evhttp_make_request(evcon, b, EVHTTP_REQ_GET, "/b");
		evhttp_make_request(evcon, c, EVHTTP_REQ_GET, "/c");
		evhttp_cancel_request(b);
		printf("  queued request cancelled\n");
		pending = 1;
		struct timeval tv = { 0, 200000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base); /* /a is written, no answer */
		evhttp_cancel_request(a);
		printf("  request in progress cancelled\n");
		run(5);
		evhttp_connection_free(evcon);
		ht_srv_stop(&srv);
		ht_srv_print(&srv);
	}

	printf("--- free on completion, connection close\n");
	{
		static const struct ht_srv_step s1[] = { { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\na", -1, 0, HT_SRV_READ | HT_SRV_CLOSE } };
		static const struct ht_srv_step s2[] = { { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", -1, 0, HT_SRV_READ } };
		static struct ht_srv_conn conns[2] = { { s1, 1, "", 0, 0, 0 }, { s2, 1, "", 0, 0, 0 } };
		struct ht_srv srv = { .idle_ms = 300 };
		int port = ht_srv_start(&srv, conns, 2);
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
		evhttp_connection_set_closecb(evcon, closed, "foc");
		int r1 = evhttp_connection_set_flags(evcon, 0x40);
		int r2 = evhttp_connection_set_flags(evcon, EVHTTP_CON_REUSE_CONNECTED_ADDR);
		printf("  set_flags(0x40) = %d, set_flags(REUSE) = %d\n", r1, r2);
		pending = 2;
		evhttp_make_request(evcon, mk("close-reply"), EVHTTP_REQ_GET, "/1");
		evhttp_make_request(evcon, mk("reconnected"), EVHTTP_REQ_GET, "/2");
		evhttp_connection_free_on_completion(evcon);
		run(5);
		/* let the connection see the end and free itself */
		struct timeval tv = { 0, 500000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		ht_srv_stop(&srv);
		ht_srv_print(&srv);
	}

	printf("--- local address and port\n");
	{
		static const struct ht_srv_step s1[] = { { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", -1, 0, HT_SRV_READ } };
		static struct ht_srv_conn conns[1] = { { s1, 1, "", 0, 0, 0 } };
		struct ht_srv srv = { .idle_ms = 300 };
		int port = ht_srv_start(&srv, conns, 1);
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
		evhttp_connection_set_local_address(evcon, "127.0.0.1");
		struct sockaddr_in sin;
		int t = tc_listen_loopback(&sin, 1); /* a free local port */
		close(t);
		evhttp_connection_set_local_port(evcon, ntohs(sin.sin_port));
		pending = 1;
		evhttp_make_request(evcon, mk("local"), EVHTTP_REQ_GET, "/l");
		run(5);
		evhttp_connection_free(evcon);
		ht_srv_stop(&srv);
		printf("  the server saw our local port: %s\n", tc_yesno(conns[0].peer_port == ntohs(sin.sin_port)));
	}

	printf("--- family\n");
	{
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", 9);
		evhttp_connection_set_family(evcon, AF_INET6);
		pending = 1;
		evhttp_make_request(evcon, mk("v6-only"), EVHTTP_REQ_GET, "/");
		run(5);
		evhttp_connection_free(evcon);
	}
	event_base_free(base);
	printf("done\n");
	return 0;
}
