/* http_server_conn: a server's connections: keep-alive with several
 * requests, pipelined requests sent in one write (answered in order),
 * pipelining across a chunked body, the connection of a request
 * (evhttp_request_get_connection, _get_peer, _get_server,
 * _get_bufferevent, _get_base) and its close callback
 * (evhttp_connection_set_closecb) when the client closes, when the server
 * closes after a reply, and when a callback frees the connection itself;
 * a slow client cut by evhttp_set_timeout_tv (no reply); EOF in the middle of
 * a request; a client that resets after sending. */
/* timeout: 40 */
#include "httptest.h"

static struct evhttp *http;
static struct event_base *base;
static int nclosed;

static void closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	nclosed++;
	printf("  closecb(%s)\n", (const char *)arg);
}

static void cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char *peer = NULL;
	ev_uint16_t port = 0;
	evhttp_connection_get_peer(evcon, &peer, &port);
	printf("cb %s body=%zu peer=%s port-nonzero=%s server-is-ours=%s bev=%s base-ok=%s\n", path,
	    evbuffer_get_length(evhttp_request_get_input_buffer(req)), peer ? peer : "NULL", tc_yesno(port != 0),
	    tc_yesno(evhttp_connection_get_server(evcon) == http),
	    tc_yesno(evhttp_connection_get_bufferevent(evcon) != NULL),
	    tc_yesno(evhttp_connection_get_base(evcon) == base));
	/* the argument must outlive the request: a copy */
	static char names[32][32];
	static int nnames;
	char *name = names[nnames++ % 32];
	snprintf(name, 32, "%s", path);
	evhttp_connection_set_closecb(evcon, closed, name);
	if (strcmp(path, "/free") == 0) {
		evhttp_connection_free(evcon);
		printf("  connection freed in the callback\n");
		return;
	}
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "%s\n", path);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

int main(void)
{
	tc_alarm("http_server_conn", 35);
	base = event_base_new();
	http = evhttp_new(base);
	int port = ht_listen(http);
	evhttp_set_gencb(http, cb, NULL);

	static const struct ht_step ka[] = {
		{ "GET /one HTTP/1.1\r\nHost: h\r\n\r\n", -1, 0, 0 },
		{ "GET /two HTTP/1.1\r\nHost: h\r\n\r\n", -1, 0, HT_WAIT },
		{ "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", -1, 0, HT_WAIT },
	};
	static const struct ht_step pipe1[] = {
		{ "GET /p1 HTTP/1.1\r\n\r\nGET /p2 HTTP/1.1\r\n\r\nPOST /p3 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
		  "POST /p4 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
		  "GET /p5 HTTP/1.1\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n", -1, 0, 0 },
	};
	static const struct ht_step clientclose[] = {
		{ "GET /cc HTTP/1.1\r\n\r\n", -1, 0, HT_SHUT_WR },
	};
	static const struct ht_step freeit[] = { { "GET /free HTTP/1.1\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step eof_mid[] = { { "POST /mid HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc", -1, 0, HT_SHUT_WR } };
	static const struct ht_step rst[] = { { "GET /rst HTTP/1.1\r\n\r\n", -1, 0, HT_RST } };
	struct ht_client cs[] = {
		{ .name = "keepalive", .steps = ka, .nsteps = 3 },
		{ .name = "pipelined", .steps = pipe1, .nsteps = 1 },
		{ .name = "client-closes", .steps = clientclose, .nsteps = 1 },
		{ .name = "free-in-callback", .steps = freeit, .nsteps = 1 },
		{ .name = "eof-mid-body", .steps = eof_mid, .nsteps = 1 },
		{ .name = "reset", .steps = rst, .nsteps = 1 },
	};
	int n = (int)(sizeof cs / sizeof cs[0]);
	for (int i = 0; i < n; i++) {
		cs[i].port = port;
		printf("--- %s\n", cs[i].name);
		ht_run_clients(base, &cs[i], 1, 1, 10);
		/* let the server see the close */
		struct timeval tv = { 0, 100000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		ht_print_client(&cs[i]);
	}

	/* A slow client: the server's timeout ends it without a reply. */
	evhttp_set_timeout(http, 30); /* replaced by the next line */
	struct timeval one = { 1, 0 };
	evhttp_set_timeout_tv(http, &one);
	static const struct ht_step slow[] = {
		{ "GET /slow HTTP/1.1\r\n", -1, 0, 0 },
		{ "Host: h\r\n", -1, 300, 0 },
	};
	struct ht_client s = { .name = "slowloris", .port = port, .steps = slow, .nsteps = 2, .idle_ms = 2500 };
	printf("--- slowloris\n");
	double t0 = tc_mono();
	ht_run_clients(base, &s, 1, 1, 10);
	double dt = tc_mono() - t0;
	ht_print_client(&s);
	printf("cut after a second: %s\n", tc_yesno(dt > 0.9 && dt < 2.5));
	printf("close callbacks: %d\n", nclosed);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
