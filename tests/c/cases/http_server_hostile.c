/* http_server_hostile: malformed and hostile requests against an evhttp
 * server (max headers 512 bytes, max body 64), each on its own connection;
 * the callbacks that run and every byte sent back are printed: bad request
 * lines (no version, extra fields, HTTP/2.0, sscanf-style versions, unknown
 * and lower-case methods, NUL bytes, bare LF line ends), headers (no colon,
 * CR in a key, folded lines, a fold before any header, spaces before the
 * colon, oversized), bodies (conflicting Content-Length and
 * Transfer-Encoding, two Content-Lengths, negative, signed, spaced and
 * non-numeric lengths, over the limit), chunked bodies (extensions with
 * and without a space, 0x prefixes, negative and overflowing sizes, a
 * missing CRLF, trailers), Expect (100-continue, other), an absolute URI
 * for another host (a proxy request), a request cut by the client. */
/* timeout: 60 */
#include "httptest.h"

static void gen(struct evhttp_request *req, void *arg)
{
	(void)arg;
	printf("gencb:\n");
	ht_print_request(req);
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "ok\n");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

#define CLOSE "Connection: close\r\n"
static const struct { const char *name; const char *data; int len; } reqs[] = {
	{ "no-version", "GET /\r\n\r\n", -1 },
	{ "extra-field", "GET / HTTP/1.1 x\r\n\r\n", -1 },
	{ "http2", "GET / HTTP/2.0\r\n\r\n", -1 },
	{ "httx", "GET / HTTX/1.1\r\n\r\n", -1 },
	{ "version-spaces", "GET / HTTP/ 1. 1\r\n" CLOSE "\r\n", -1 },
	{ "version-signs", "GET / HTTP/+1.-1\r\n" CLOSE "\r\n", -1 },
	{ "version-trailing", "GET / HTTP/1.1x\r\n\r\n", -1 },
	{ "version-0.9", "GET / HTTP/0.9\r\n" CLOSE "\r\n", -1 },
	{ "lower-method", "get / HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "unknown-method", "FOO / HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "options", "OPTIONS * HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "empty-uri", "GET  HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "bad-uri", "GET /a b HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "uri-chars", "GET /<x>\"{|}\x7f\xff?a=\x01 HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "proxy", "GET http://other.example/x?y HTTP/1.1\r\n" CLOSE "\r\n", -1 },
	{ "nul-in-line", "GET /\0x HTTP/1.1\r\n" CLOSE "\r\n", 38 },
	{ "nul-in-header", "GET /n HTTP/1.1\r\nX-A: ab\0cd\r\n" CLOSE "\r\n", 51 },
	{ "bare-lf", "GET /lf HTTP/1.1\nHost: h\n" "Connection: close\n\n", -1 },
	{ "cr-only", "GET /cr HTTP/1.1\rHost: h\r\r\n" CLOSE "\r\n", -1 },
	{ "no-colon", "GET / HTTP/1.1\r\nBad header\r\n\r\n", -1 },
	{ "cr-in-key", "GET / HTTP/1.1\r\nKe\ry: v\r\n\r\n", -1 },
	{ "lone-cr-in-value", "GET / HTTP/1.1\r\nK: a\rb\r\n\r\n", -1 },
	{ "folded", "GET /f HTTP/1.1\r\nX-A: one  \r\n \t two\t\r\n\tthree\r\n" CLOSE "\r\n", -1 },
	{ "fold-first", "GET / HTTP/1.1\r\n folded\r\n\r\n", -1 },
	{ "space-before-colon", "GET / HTTP/1.1\r\nHost : h\r\n" CLOSE "\r\n", -1 },
	{ "empty-key-and-value", "GET / HTTP/1.1\r\n: v\r\nK:\r\n" CLOSE "\r\n", -1 },
	{ "long-header", NULL, -1 },
	{ "cl-te", "POST /b HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n5\r\nhello\r\n0\r\n\r\n", -1 },
	{ "te-cl", "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n" CLOSE "\r\n5\r\nhello\r\n0\r\n\r\n", -1 },
	{ "te-identity", "POST /b HTTP/1.1\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "te-Chunked-case", "POST /b HTTP/1.1\r\nTransfer-Encoding: ChUnKeD\r\n" CLOSE "\r\n3\r\nabc\r\n0\r\n\r\n", -1 },
	{ "te-chunked-gzip", "POST /b HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 2\r\n" CLOSE "\r\nab", -1 },
	{ "two-cl", "POST /b HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 4\r\n" CLOSE "\r\nabcd", -1 },
	{ "cl-negative", "POST /b HTTP/1.1\r\nContent-Length: -1\r\n" CLOSE "\r\n", -1 },
	{ "cl-plus", "POST /b HTTP/1.1\r\nContent-Length: +2\r\n" CLOSE "\r\nab", -1 },
	{ "cl-tab", "POST /b HTTP/1.1\r\nContent-Length:\t2\r\n" CLOSE "\r\nab", -1 },
	{ "cl-junk", "POST /b HTTP/1.1\r\nContent-Length: 2x\r\n" CLOSE "\r\nab", -1 },
	{ "cl-empty", "POST /b HTTP/1.1\r\nContent-Length: \r\n" CLOSE "\r\n", -1 },
	{ "cl-hex", "POST /b HTTP/1.1\r\nContent-Length: 0x2\r\n" CLOSE "\r\nab", -1 },
	{ "cl-over-limit", "POST /b HTTP/1.1\r\nContent-Length: 65\r\n" CLOSE "\r\n", -1 },
	{ "cl-at-limit", "POST /b HTTP/1.1\r\nContent-Length: 64\r\n" CLOSE "\r\n"
		"0123456789012345678901234567890123456789012345678901234567890123", -1 },
	{ "post-no-length", "POST /b HTTP/1.1\r\n" CLOSE "\r\nbody", -1 },
	{ "post-keepalive-no-length", "POST /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\nbody", -1 },
	{ "get-with-body", "GET /g HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "head-with-body", "HEAD /h HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "delete-with-body", "DELETE /d HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "trace-with-body", "TRACE /t HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "unknown-with-body", "BREW /t HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nabc", -1 },
	{ "put-body", "PUT /p HTTP/1.1\r\nContent-Length: 3\r\n" CLOSE "\r\nxyz", -1 },
	{ "chunk-ext", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n5;ext=1\r\nhello\r\n0\r\n\r\n", -1 },
	{ "chunk-ext-space", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n5 ;ext=1\r\nhello\r\n0\r\n\r\n", -1 },
	{ "chunk-0x", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n0x5\r\nhello\r\n0\r\n\r\n", -1 },
	{ "chunk-upper", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\nA\r\n0123456789\r\n0\r\n\r\n", -1 },
	{ "chunk-negative", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n-5\r\nhello\r\n0\r\n\r\n", -1 },
	{ "chunk-overflow", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\nffffffffffffffffffff\r\nx\r\n", -1 },
	{ "chunk-over-limit", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n41\r\n", -1 },
	{ "chunk-no-crlf", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n5\r\nhelloXX\r\n0\r\n\r\n", -1 },
	{ "chunk-blank-lines", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n\r\n\r\n2\r\nab\r\n\r\n0\r\n\r\n", -1 },
	{ "chunk-trailer", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n2\r\nab\r\n0\r\nX-Trailer: t\r\nBad trailer\r\n\r\n", -1 },
	{ "chunk-trailer-ok", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n2\r\nab\r\n0\r\nX-Trailer: t\r\n\r\n", -1 },
	{ "chunk-space-only", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" CLOSE "\r\n \r\n\r\n", -1 },
	{ "expect-continue", "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n" CLOSE "\r\n", -1 },
	{ "expect-continue-1.0", "POST /e HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab", -1 },
	{ "expect-other", "POST /e HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 2\r\n" CLOSE "\r\nab", -1 },
	{ "expect-over-limit", "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 99\r\n" CLOSE "\r\n", -1 },
	{ "cut-headers", "GET /cut HTTP/1.1\r\nHost: h", -1 },
	{ "cut-body", "POST /cut HTTP/1.1\r\nContent-Length: 10\r\n" CLOSE "\r\nabc", -1 },
};

int main(void)
{
	tc_alarm("http_server_hostile", 55);
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	int port = ht_listen(http);
	evhttp_set_gencb(http, gen, NULL);
	evhttp_set_max_headers_size(http, 512);
	evhttp_set_max_body_size(http, 64);

	enum { N = sizeof reqs / sizeof reqs[0] };
	static struct ht_step steps[N][2];
	static struct ht_client cs[N];
	static char longreq[1024];
	snprintf(longreq, sizeof longreq, "GET /long HTTP/1.1\r\nX-Long: %0600d\r\n\r\n", 7);
	for (int i = 0; i < N; i++) {
		const char *d = reqs[i].data ? reqs[i].data : longreq;
		steps[i][0] = (struct ht_step){ d, reqs[i].len, 0, 0 };
		int n = 1;
		if (strncmp(reqs[i].name, "cut-", 4) == 0 || strcmp(reqs[i].name, "expect-continue") == 0) {
			/* after the reply (or none), close our side */
			steps[i][1] = (struct ht_step){ NULL, 0, 0, HT_WAIT | HT_SHUT_WR };
			if (strcmp(reqs[i].name, "expect-continue") == 0)
				steps[i][1] = (struct ht_step){ "ab", -1, 0, HT_WAIT };
			n = 2;
		}
		cs[i] = (struct ht_client){ .name = reqs[i].name, .port = port, .steps = steps[i], .nsteps = n, .idle_ms = 200 };
	}
	for (int i = 0; i < N; i++) {
		printf("--- %s\n", reqs[i].name);
		ht_run_clients(base, &cs[i], 1, 1, 10);
		ht_print_client(&cs[i]);
	}
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
