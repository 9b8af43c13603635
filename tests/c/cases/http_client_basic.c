/* http_client_basic: evhttp_connection_base_new + evhttp_make_request
 * against a scripted raw server, the requests' bytes on the wire and the
 * replies as the callbacks see them: four requests queued at once on one
 * connection (sent one after the other, the next after each reply): a GET
 * with program headers and a Content-Length reply kept alive, a GET
 * answered chunked (in pieces), a POST (Content-Length added) answered
 * with Connection: close, then a GET on a new connection read until EOF;
 * a PUT with its own Content-Length; evhttp_request_get_* of the replies,
 * evhttp_request_own (the reply kept after its callback), the
 * connection's peer, address and base. */
#include <arpa/inet.h>

#include "httptest.h"

static struct event_base *base;
static int ndone, nwant;

static void done(struct evhttp_request *req, void *arg)
{
	printf("cb %s:", (const char *)arg);
	if (!req) {
		printf(" NULL request\n");
	} else {
		printf(" code=%d line=", evhttp_request_get_response_code(req));
		ht_print_str(evhttp_request_get_response_code_line(req));
		printf(" version=%d.%d kind=%d connection=%s owned=%d\n", req->major, req->minor, req->kind,
		    evhttp_request_get_connection(req) ? "set" : "NULL", evhttp_request_is_owned(req));
		for (struct evkeyval *kv = evhttp_request_get_input_headers(req)->tqh_first; kv; kv = kv->next.tqe_next) {
			printf("    header ");
			ht_print_str(kv->key);
			printf(": ");
			ht_print_str(kv->value);
			printf("\n");
		}
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		printf("    body %zu bytes: ", evbuffer_get_length(in));
		ht_print_bytes((const char *)evbuffer_pullup(in, -1), evbuffer_get_length(in));
		if (strcmp(arg, "own") == 0)
			evhttp_request_own(req);
	}
	if (++ndone == nwant)
		event_base_loopexit(base, NULL);
}

static struct evhttp_request *mk(const char *what)
{
	struct evhttp_request *req = evhttp_request_new(done, (void *)what);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "localhost");
	return req;
}

int main(void)
{
	tc_alarm("http_client_basic", 30);
	base = event_base_new();
	static const struct ht_srv_step c1[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello", -1, 0, HT_SRV_READ },
		{ "HTTP/1.1 201 Created Here\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nchun", -1, 0, HT_SRV_READ },
		{ "\r\n3\r\nked\r\n0\r\n\r\n", -1, 50, 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", -1, 0, HT_SRV_READ | HT_SRV_CLOSE },
	};
	static const struct ht_srv_step c2[] = {
		{ "HTTP/1.0 200 Fine\r\n\r\nbody until the end", -1, 0, HT_SRV_READ | HT_SRV_CLOSE },
	};
	static const struct ht_srv_step c3[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", -1, 0, HT_SRV_READ },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno!", -1, 0, HT_SRV_READ | HT_SRV_CLOSE },
	};
	static struct ht_srv_conn conns[3] = { { c1, 4, "", 0, 0, 0 }, { c2, 1, "", 0, 0, 0 }, { c3, 2, "", 0, 0, 0 } };
	struct ht_srv srv = { 0 };
	int port = ht_srv_start(&srv, conns, 3);

	struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
	printf("connection: %s base-ok=%s server=%s bev=%s\n", tc_yesno(evcon != NULL),
	    tc_yesno(evhttp_connection_get_base(evcon) == base), evhttp_connection_get_server(evcon) ? "set" : "NULL",
	    tc_yesno(evhttp_connection_get_bufferevent(evcon) != NULL));
	const struct sockaddr *sa = evhttp_connection_get_addr(evcon);
	printf("address before connecting: family %d\n", sa ? sa->sa_family : -1);
	struct evhttp_request *r1 = mk("get-a");
	evhttp_add_header(evhttp_request_get_output_headers(r1), "X-Mine", "value");
	evhttp_add_header(evhttp_request_get_output_headers(r1), "Proxy-Connection", "dropped");
	printf("make_request 1: %d\n", evhttp_make_request(evcon, r1, EVHTTP_REQ_GET, "/a?x=1"));
	printf("request 1 connection set: %s\n", tc_yesno(evhttp_request_get_connection(r1) == evcon));
	printf("make_request 2: %d\n", evhttp_make_request(evcon, mk("chunked"), EVHTTP_REQ_GET, "/b"));
	struct evhttp_request *r3 = mk("post");
	evbuffer_add(evhttp_request_get_output_buffer(r3), "data", 4);
	printf("make_request 3: %d\n", evhttp_make_request(evcon, r3, EVHTTP_REQ_POST, "/c"));
	printf("make_request 4: %d\n", evhttp_make_request(evcon, mk("until-eof"), EVHTTP_REQ_GET, "/d"));
	nwant = 4;
	struct timeval tv = { 10, 0 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);

	char *peer = NULL;
	ev_uint16_t pport = 0;
	evhttp_connection_get_peer(evcon, &peer, &pport);
	printf("peer: %s port-ok=%s\n", peer, tc_yesno(pport == port));
	sa = evhttp_connection_get_addr(evcon);
	printf("address after: family %d port-ok=%s\n", sa ? sa->sa_family : -1,
	    tc_yesno(sa && sa->sa_family == AF_INET && ntohs(((const struct sockaddr_in *)sa)->sin_port) == port));

	/* a third connection: PUT with its own Content-Length, a kept reply */
	struct evhttp_request *r5 = mk("put");
	evhttp_add_header(evhttp_request_get_output_headers(r5), "Content-Length", "3");
	evbuffer_add(evhttp_request_get_output_buffer(r5), "xyz", 3);
	evhttp_make_request(evcon, r5, EVHTTP_REQ_PUT, "/e");
	struct evhttp_request *r6 = mk("own");
	evhttp_make_request(evcon, r6, EVHTTP_REQ_DELETE, "/f");
	ndone = 0;
	nwant = 2;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	printf("owned reply kept: code=%d body=%zu\n", evhttp_request_get_response_code(r6),
	    evbuffer_get_length(evhttp_request_get_input_buffer(r6)));
	evhttp_request_free(r6);
	evhttp_connection_free(evcon);
	ht_srv_stop(&srv);
	ht_srv_print(&srv);
	event_base_free(base);
	printf("done\n");
	return 0;
}
