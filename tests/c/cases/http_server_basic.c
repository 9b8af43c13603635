/* http_server_basic: a server on 127.0.0.1 answering raw clients, replies
 * compared byte for byte: a path callback (evhttp_set_cb) with a body and
 * an added header, HTTP/1.1 with Connection: close, HTTP/1.0 (closed
 * after the reply), HTTP/1.0 with keep-alive, a path without a callback
 * and no generic callback (the 404 page, its URI HTML-escaped), the
 * generic callback, a POST with a Content-Length body, HEAD (headers
 * only), 204 and 304 (no body, no Content-Length), a reply with a
 * Content-Type already set, evhttp_set_default_content_type(NULL), a
 * reason phrase given and libevent's own, and a query string: the path
 * matched is the decoded path without the query. */
#include "httptest.h"

static int ncalls;

static void reply(struct evhttp_request *req, void *arg)
{
	const char *what = arg;
	ncalls++;
	printf("cb %s:\n", what);
	ht_print_request(req);
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "hello from %s\n", what);
	if (strcmp(what, "typed") == 0)
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
	evhttp_add_header(evhttp_request_get_output_headers(req), "X-Test", "yes");
	if (strcmp(what, "nocontent") == 0)
		evhttp_send_reply(req, 204, NULL, b);
	else if (strcmp(what, "notmod") == 0)
		evhttp_send_reply(req, 304, "Not Modified Here", b);
	else if (strcmp(what, "created") == 0)
		evhttp_send_reply(req, 201, NULL, NULL);
	else
		evhttp_send_reply(req, HTTP_OK, "Fine", b);
	printf("  output buffer after reply: %zu bytes\n", evbuffer_get_length(b));
	evbuffer_free(b);
}

int main(void)
{
	tc_alarm("http_server_basic", 30);
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	int port = ht_listen(http);
	printf("listening: %s\n", tc_yesno(port > 0));
	evhttp_set_cb(http, "/", reply, "root");
	evhttp_set_cb(http, "/a b", reply, "space");
	evhttp_set_cb(http, "/typed", reply, "typed");
	evhttp_set_cb(http, "/nocontent", reply, "nocontent");
	evhttp_set_cb(http, "/notmod", reply, "notmod");
	evhttp_set_cb(http, "/created", reply, "created");
	printf("set_cb twice: %d\n", evhttp_set_cb(http, "/", reply, "again"));

	static const struct ht_step s1[] = { { "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s2[] = { { "GET /?x=1 HTTP/1.0\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s3[] = { { "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", -1, 0, 0 },
		{ "GET /typed HTTP/1.0\r\n\r\n", -1, 0, HT_WAIT } };
	static const struct ht_step s4[] = { { "GET /missing/<b>&\"' HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s5[] = { { "GET /a%20b?q=%20 HTTP/1.1\r\nHost: h:8080\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s6[] = { { "POST /typed HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world", -1, 0, 0 } };
	static const struct ht_step s7[] = { { "HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s8[] = { { "GET /nocontent HTTP/1.1\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s9[] = { { "GET /notmod HTTP/1.1\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	static const struct ht_step s10[] = { { "GET /created HTTP/1.1\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	struct ht_client cs[] = {
		{ .name = "get-close", .steps = s1, .nsteps = 1 },
		{ .name = "get-1.0", .steps = s2, .nsteps = 1 },
		{ .name = "get-1.0-keepalive", .steps = s3, .nsteps = 2 },
		{ .name = "404", .steps = s4, .nsteps = 1 },
		{ .name = "decoded-path", .steps = s5, .nsteps = 1 },
		{ .name = "post", .steps = s6, .nsteps = 1 },
		{ .name = "head", .steps = s7, .nsteps = 1 },
		{ .name = "204", .steps = s8, .nsteps = 1 },
		{ .name = "304", .steps = s9, .nsteps = 1 },
		{ .name = "201-no-body", .steps = s10, .nsteps = 1 },
	};
	int n = (int)(sizeof cs / sizeof cs[0]);
	for (int i = 0; i < n; i++)
		cs[i].port = port;
	ht_run_clients(base, cs, n, 1, 10);
	for (int i = 0; i < n; i++)
		ht_print_client(&cs[i]);

	/* The generic callback, and no default Content-Type. */
	evhttp_set_gencb(http, reply, "generic");
	evhttp_set_default_content_type(http, NULL);
	static const struct ht_step g1[] = { { "GET /whatever HTTP/1.1\r\nConnection: close\r\n\r\n", -1, 0, 0 } };
	struct ht_client g = { .name = "generic", .port = port, .steps = g1, .nsteps = 1 };
	ht_run_clients(base, &g, 1, 1, 10);
	ht_print_client(&g);
	int r1 = evhttp_del_cb(http, "/");
	int r2 = evhttp_del_cb(http, "/");
	printf("del_cb(\"/\") = %d, again = %d\n", r1, r2);
	printf("callbacks: %d\n", ncalls);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
