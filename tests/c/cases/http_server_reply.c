/* http_server_reply: the ways a server callback answers, bytes on the wire:
 * evhttp_send_reply_start/_chunk/_chunk_with_cb/_end (chunked for
 * HTTP/1.1, plain and closing for HTTP/1.0, not chunked when the program set
 * Content-Length; empty chunks skipped; the chunk callback's order), a
 * chunked reply to HEAD (no body) and a 204 start; evhttp_send_error with
 * and without a reason, to 1.0 and 1.1 clients and with output headers set
 * before (dropped); a request kept with evhttp_request_own and answered
 * later from a timer; evhttp_request_set_on_complete_cb; a reply with
 * headers the program set (Connection, Content-Length, Date). */
#include "httptest.h"

static struct event_base *base;
static struct evhttp_request *later;

static void chunk_done(struct evhttp_connection *evcon, void *arg)
{
	printf("  chunk written (%s), connection %s\n", (const char *)arg, evcon ? "set" : "NULL");
}

static void completed(struct evhttp_request *req, void *arg)
{
	printf("  on_complete(%s): response code %d\n", (const char *)arg, evhttp_request_get_response_code(req));
}

static void answer_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	printf("timer: answering the owned request (owned=%d)\n", evhttp_request_is_owned(later));
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "later\n");
	evhttp_send_reply(later, 200, "Later", b);
	evbuffer_free(b);
}

static void cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	printf("cb %s (HTTP/%d.%d %s)\n", path, req->major, req->minor,
	    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? "HEAD" : "GET");
	struct evbuffer *b = evbuffer_new();
	if (strcmp(path, "/chunked") == 0 || strcmp(path, "/chunked-cl") == 0 || strcmp(path, "/nocontent") == 0) {
		if (strcmp(path, "/chunked-cl") == 0)
			evhttp_add_header(out, "Content-Length", "11");
		evhttp_request_set_on_complete_cb(req, completed, "chunked");
		evhttp_send_reply_start(req, strcmp(path, "/nocontent") == 0 ? 204 : 200, NULL);
		printf("  chunked flag: %d\n", req->chunked);
		evbuffer_add_printf(b, "hello");
		evhttp_send_reply_chunk(req, b);
		printf("  buffer after chunk: %zu\n", evbuffer_get_length(b));
		evhttp_send_reply_chunk(req, b); /* empty: nothing */
		evbuffer_add_printf(b, " world");
		evhttp_send_reply_chunk_with_cb(req, b, chunk_done, "second");
		evhttp_send_reply_end(req);
	} else if (strcmp(path, "/error") == 0) {
		evhttp_add_header(out, "X-Dropped", "yes");
		evhttp_send_error(req, 403, NULL);
	} else if (strcmp(path, "/error-reason") == 0) {
		evhttp_send_error(req, 418, "I'm <a> teapot");
	} else if (strcmp(path, "/error-odd") == 0) {
		evhttp_send_error(req, 799, NULL);
	} else if (strcmp(path, "/own") == 0) {
		evhttp_request_own(req);
		later = req;
		struct timeval tv = { 0, 50000 };
		event_base_once(base, -1, EV_TIMEOUT, answer_later, NULL, &tv);
	} else if (strcmp(path, "/headers") == 0) {
		evhttp_add_header(out, "Connection", "keep-alive");
		evhttp_add_header(out, "Content-Length", "3");
		evhttp_add_header(out, "Date", "yesterday");
		evhttp_add_header(out, "Content-Type", "x/y");
		evhttp_request_set_on_complete_cb(req, completed, "headers");
		evbuffer_add(b, "abc", 3);
		evhttp_send_reply(req, 200, "OK", b);
	} else {
		evhttp_send_reply(req, 200, "OK", NULL);
	}
	evbuffer_free(b);
}

int main(void)
{
	tc_alarm("http_server_reply", 30);
	base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	int port = ht_listen(http);
	evhttp_set_gencb(http, cb, NULL);
	static const char *reqs[] = {
		"GET /chunked HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /chunked HTTP/1.0\r\n\r\n",
		"HEAD /chunked HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /chunked-cl HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /nocontent HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /error HTTP/1.1\r\n\r\n",
		"GET /error HTTP/1.0\r\n\r\n",
		"GET /error-reason HTTP/1.1\r\n\r\n",
		"GET /error-odd HTTP/1.1\r\n\r\n",
		"GET /own HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /headers HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET /headers HTTP/1.0\r\n\r\n",
	};
	enum { N = sizeof reqs / sizeof reqs[0] };
	static struct ht_step steps[N];
	static struct ht_client cs[N];
	static char names[N][64];
	for (int i = 0; i < N; i++) {
		steps[i] = (struct ht_step){ reqs[i], -1, 0, 0 };
		snprintf(names[i], sizeof names[i], "%.*s", (int)strcspn(reqs[i], "\r"), reqs[i]);
		cs[i] = (struct ht_client){ .name = names[i], .port = port, .steps = &steps[i], .nsteps = 1, .idle_ms = 300 };
	}
	for (int i = 0; i < N; i++) {
		ht_run_clients(base, &cs[i], 1, 1, 10);
		ht_print_client(&cs[i]);
	}
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
