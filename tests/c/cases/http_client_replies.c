/* http_client_replies: how an evhttp client reads replies, each on a fresh
 * connection to a scripted raw server: a chunk callback
 * (evhttp_request_set_chunked_cb) for chunked and Content-Length bodies
 * arriving in pieces, a header callback (and one that refuses: negative
 * return), the error callback (evhttp_request_set_error_cb) with the error
 * codes: malformed status lines and headers, status 0, a bad chunk size, a
 * body over evhttp_connection_set_max_body_size, headers over
 * _set_max_headers_size, a reply cut short (EOF), a reset; 100 Continue
 * before the real status, HEAD and 204/304 replies (no body read), a reply
 * with no length and a kept connection. The callback gets NULL on
 * failure. */
/* timeout: 40 */
#include "httptest.h"

static struct event_base *base;
static int finished;

static const char *errname(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT: return "TIMEOUT";
	case EVREQ_HTTP_EOF: return "EOF";
	case EVREQ_HTTP_INVALID_HEADER: return "INVALID_HEADER";
	case EVREQ_HTTP_BUFFER_ERROR: return "BUFFER_ERROR";
	case EVREQ_HTTP_REQUEST_CANCEL: return "REQUEST_CANCEL";
	case EVREQ_HTTP_DATA_TOO_LONG: return "DATA_TOO_LONG";
	}
	return "?";
}

static void on_error(enum evhttp_request_error e, void *arg)
{
	(void)arg;
	printf("  error_cb: %s\n", errname(e));
}

static void on_chunk(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	printf("  chunk_cb: %zu bytes: ", evbuffer_get_length(in));
	ht_print_bytes((const char *)evbuffer_pullup(in, -1), evbuffer_get_length(in));
}

static int refuse;
static int on_header(struct evhttp_request *req, void *arg)
{
	(void)arg;
	printf("  header_cb: code=%d headers=%s\n", evhttp_request_get_response_code(req),
	    evhttp_request_get_input_headers(req)->tqh_first ? "some" : "none");
	return refuse ? -1 : 0;
}

static void done(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (!req) {
		printf("  cb: NULL request\n");
	} else {
		printf("  cb: code=%d line=", evhttp_request_get_response_code(req));
		ht_print_str(evhttp_request_get_response_code_line(req));
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		printf(" body %zu bytes: ", evbuffer_get_length(in));
		ht_print_bytes((const char *)evbuffer_pullup(in, -1), evbuffer_get_length(in));
	}
	finished = 1;
	event_base_loopexit(base, NULL);
}

struct scenario {
	const char *name;
	int type;
	struct ht_srv_step steps[4];
	int nsteps;
	int chunkcb, headercb, refuse;
	ev_ssize_t max_body, max_headers;
};

static const struct scenario scen[] = {
	{ "chunks-in-pieces", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", -1, 0, HT_SRV_READ },
		{ "2\r\nde\r\n", -1, 50, 0 }, { "0\r\nX-Trailer: yes\r\n\r\n", -1, 50, 0 } }, 3, 1, 1, 0, -1, -1 },
	{ "length-in-pieces", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc", -1, 0, HT_SRV_READ },
		{ "def", -1, 50, 0 } }, 2, 1, 0, 0, -1, -1 },
	{ "header-refused", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", -1, 0, HT_SRV_READ } }, 1, 0, 1, 1, -1, -1 },
	{ "bad-status-line", EVHTTP_REQ_GET, { { "HTTP/1.1\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "bad-version", EVHTTP_REQ_GET, { { "HTTP/2.0 200 OK\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "status-0", EVHTTP_REQ_GET, { { "HTTP/1.1 000 Zero\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "status-junk", EVHTTP_REQ_GET, { { "HTTP/1.1 2xx OK\r\nContent-Length: 0\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "status-no-reason", EVHTTP_REQ_GET, { { "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "bad-header", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "bad-chunk", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "body-too-long", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n01234567890123456789", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, 10, -1 },
	{ "chunk-too-long", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, 10, -1 },
	{ "headers-too-long", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nX-Big: 0123456789012345678901234567890123456789\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, 40 },
	{ "cut-short", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", -1, 0, HT_SRV_READ | HT_SRV_CLOSE } }, 1, 0, 0, 0, -1, -1 },
	{ "cut-in-headers", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nX-A: b", -1, 0, HT_SRV_READ | HT_SRV_CLOSE } }, 1, 0, 0, 0, -1, -1 },
	{ "reset", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", -1, 0, HT_SRV_READ | HT_SRV_RST } }, 1, 0, 0, 0, -1, -1 },
	{ "close-without-reply", EVHTTP_REQ_GET, { { NULL, 0, 0, HT_SRV_READ | HT_SRV_CLOSE } }, 1, 0, 0, 0, -1, -1 },
	{ "continue", EVHTTP_REQ_GET, { { "HTTP/1.1 100 Continue\r\n\r\n", -1, 0, HT_SRV_READ },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", -1, 50, 0 } }, 2, 0, 1, 0, -1, -1 },
	{ "head", EVHTTP_REQ_HEAD, { { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "204", EVHTTP_REQ_GET, { { "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "304", EVHTTP_REQ_GET, { { "HTTP/1.1 304 Not Modified\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "no-length-keepalive", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nrest", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "no-length-1.0", EVHTTP_REQ_GET, { { "HTTP/1.0 200 OK\r\n\r\nrest", -1, 0, HT_SRV_READ | HT_SRV_CLOSE } }, 1, 0, 0, 0, -1, -1 },
	{ "bare-lf", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", -1, 0, HT_SRV_READ } }, 1, 0, 0, 0, -1, -1 },
	{ "folded-header", EVHTTP_REQ_GET, { { "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n", -1, 0, HT_SRV_READ } }, 1, 0, 1, 0, -1, -1 },
};

int main(void)
{
	tc_alarm("http_client_replies", 35);
	base = event_base_new();
	enum { N = sizeof scen / sizeof scen[0] };
	for (int i = 0; i < N; i++) {
		const struct scenario *s = &scen[i];
		printf("--- %s\n", s->name);
		struct ht_srv_conn conn;
		memset(&conn, 0, sizeof conn);
		conn.steps = s->steps;
		conn.nsteps = s->nsteps;
		struct ht_srv srv = { 0 };
		int port = ht_srv_start(&srv, &conn, 1);
		struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
		evhttp_connection_set_timeout(evcon, 2);
		if (s->max_body >= 0)
			evhttp_connection_set_max_body_size(evcon, s->max_body);
		if (s->max_headers >= 0)
			evhttp_connection_set_max_headers_size(evcon, s->max_headers);
		struct evhttp_request *req = evhttp_request_new(done, NULL);
		evhttp_request_set_error_cb(req, on_error);
		if (s->chunkcb)
			evhttp_request_set_chunked_cb(req, on_chunk);
		if (s->headercb)
			evhttp_request_set_header_cb(req, on_header);
		refuse = s->refuse;
		finished = 0;
		evhttp_make_request(evcon, req, s->type, "/x");
		struct timeval tv = { 5, 0 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		if (!finished)
			printf("  (no callback)\n");
		evhttp_connection_free(evcon);
		ht_srv_stop(&srv);
	}
	event_base_free(base);
	printf("done\n");
	return 0;
}
