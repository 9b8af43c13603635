/* http_server_vhost: virtual hosts and aliases: requests routed by Host
 * (any case, port dropped) and by the host of an absolute URI to the
 * callbacks of the server whose pattern ("*.example.com", nested
 * "a.*.example.com"), alias or name matches, else to the main server's; an
 * absolute URI for an unknown host marks a proxy request; a vhost cannot
 * be added twice or with sockets; removing a vhost and an alias;
 * evhttp_set_allowed_methods (PATCH and OPTIONS allowed, GET refused with
 * 501); evhttp_request_get_host for each request. */
#include "httptest.h"

static void cb(struct evhttp_request *req, void *arg)
{
	printf("cb %s: uri=", (const char *)arg);
	ht_print_str(evhttp_request_get_uri(req));
	printf(" host=");
	ht_print_str(evhttp_request_get_host(req));
	printf(" proxy=%d\n", (req->flags & EVHTTP_PROXY_REQUEST) != 0);
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "%s\n", (const char *)arg);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static struct event_base *base;
static int port;

static void get(const char *name, const char *req)
{
	struct ht_step st = { req, -1, 0, 0 };
	struct ht_client c = { .name = name, .port = port, .steps = &st, .nsteps = 1, .idle_ms = 300 };
	ht_run_clients(base, &c, 1, 1, 10);
	ht_append(&c, "", 1); /* a NUL after what came back */
	size_t n = c.outlen - 1;
	while (n > 0 && c.out[n - 1] == '\n')
		n--;
	size_t start = n;
	while (start > 0 && c.out[start - 1] != '\n')
		start--;
	printf("  %s -> %.*s | %.*s\n", name, (int)strcspn(c.out, "\r"), c.out, (int)(n - start), c.out + start);
	free(c.out);
}

int main(void)
{
	tc_alarm("http_server_vhost", 30);
	base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	port = ht_listen(http);
	struct evhttp *v1 = evhttp_new(base), *v2 = evhttp_new(base), *v3 = evhttp_new(base);
	evhttp_set_gencb(http, cb, "main");
	evhttp_set_gencb(v1, cb, "star.example.com");
	evhttp_set_gencb(v2, cb, "a.star.example.com");
	evhttp_set_gencb(v3, cb, "other.org");
	evhttp_set_cb(v1, "/only-in-v1", cb, "v1-path");
	printf("add v1: %d\n", evhttp_add_virtual_host(http, "*.example.com", v1));
	printf("add v2 under v1: %d\n", evhttp_add_virtual_host(v1, "a.*.example.com", v2));
	printf("add v3: %d\n", evhttp_add_virtual_host(http, "other.org", v3));
	printf("add v3 again: %d\n", evhttp_add_virtual_host(http, "x", v3));
	struct evhttp *withsock = evhttp_new(base);
	evhttp_bind_socket(withsock, "127.0.0.1", 0);
	printf("add a server with a socket: %d\n", evhttp_add_virtual_host(http, "sock", withsock));
	int r1 = evhttp_add_server_alias(v3, "alias.net");
	int r2 = evhttp_add_server_alias(http, "main.alias");
	printf("alias for v3: %d, alias for main: %d\n", r1, r2);

	get("plain", "GET / HTTP/1.1\r\nHost: nothing.test\r\nConnection: close\r\n\r\n");
	get("star", "GET / HTTP/1.1\r\nHost: www.Example.COM:8080\r\nConnection: close\r\n\r\n");
	get("star-path", "GET /only-in-v1 HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
	get("nested", "GET / HTTP/1.1\r\nHost: a.b.example.com\r\nConnection: close\r\n\r\n");
	get("bare-example", "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
	get("other", "GET / HTTP/1.1\r\nHost: other.org\r\nConnection: close\r\n\r\n");
	get("alias", "GET / HTTP/1.1\r\nHost: ALIAS.net\r\nConnection: close\r\n\r\n");
	get("main-alias", "GET / HTTP/1.1\r\nHost: main.alias\r\nConnection: close\r\n\r\n");
	get("absolute", "GET http://www.example.com/x HTTP/1.1\r\nHost: other.org\r\nConnection: close\r\n\r\n");
	get("absolute-alias", "GET http://alias.net/x HTTP/1.1\r\nConnection: close\r\n\r\n");
	get("absolute-unknown", "GET http://unknown.test/x HTTP/1.1\r\nConnection: close\r\n\r\n");
	get("absolute-ftp", "GET ftp://unknown.test/x HTTP/1.1\r\nConnection: close\r\n\r\n");
	get("no-host", "GET / HTTP/1.0\r\n\r\n");
	get("host-port-only", "GET / HTTP/1.1\r\nHost: :80\r\nConnection: close\r\n\r\n");
	get("host-ipv6", "GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n");

	r1 = evhttp_remove_server_alias(v3, "alias.NET");
	r2 = evhttp_remove_server_alias(v3, "alias.net");
	printf("remove alias: %d, again: %d\n", r1, r2);
	get("alias-removed", "GET / HTTP/1.1\r\nHost: alias.net\r\nConnection: close\r\n\r\n");
	r1 = evhttp_remove_virtual_host(http, v1);
	r2 = evhttp_remove_virtual_host(http, v1);
	printf("remove v1: %d, again: %d\n", r1, r2);
	get("star-removed", "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");

	evhttp_set_allowed_methods(http, EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	get("patch", "PATCH / HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	get("options", "OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n");
	get("get-refused", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
	evhttp_set_allowed_methods(http, 0xffff);
	get("unknown-allowed", "BREW /pot HTTP/1.1\r\nConnection: close\r\n\r\n");

	evhttp_free(v1); /* removed: freed on its own (v2 with it) */
	evhttp_free(withsock);
	evhttp_free(http); /* frees v3 */
	event_base_free(base);
	printf("done\n");
	return 0;
}
