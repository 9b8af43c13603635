/* rpc_wire: evrpc on the wire, 127.0.0.1 port 0, against plain sockets.
 * Client side: what an evrpc pool sends (request line, header names, the
 * body's bytes) to a hand-written server, and what it makes of the
 * answers: a good reply, garbage, an incomplete reply, a good reply under
 * an error status (evrpc does not look at the status), a connection closed
 * without an answer. Server side: what an evrpc server answers a
 * hand-written client (status line, Content-Type, body bytes) for a good
 * request, a GET, an empty body, garbage. */
#define RPCMSG_RPCS
#include "rpcmsg.h"

#include <event2/http.h>
#include <event2/rpc_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"
#include "rpctest.h"

static struct event_base *base;
static struct evrpc_pool *pool;
static int step;
static void next(void);

static void hex(const char *label, const unsigned char *p, size_t n)
{
	size_t i;
	printf("%s %zu bytes:", label, n);
	for (i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

/* ---- a hand-written HTTP server for the evrpc client ---- */

static int lfd;
static struct event *accept_ev;
static char rbuf[8192];
static size_t rlen;
static const char *answer;   /* what to send back; NULL: close */
static size_t answer_len;

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Prints the request (once complete) and answers it. */
static int handle(int fd)
{
	char *end = strstr(rbuf, "\r\n\r\n"), *line, *save = NULL, *names[32];
	size_t hlen, clen = 0, i;
	int n = 0;
	if (!end)
		return 0;
	hlen = (size_t)(end - rbuf) + 4;
	{
		char *cl = strstr(rbuf, "Content-Length: ");
		if (cl && cl < end)
			clen = strtoul(cl + 16, NULL, 10);
	}
	if (rlen < hlen + clen)
		return 0;
	*end = '\0';
	line = strtok_r(rbuf, "\r\n", &save);
	printf("server got: %s\n", line);
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL && n < 32) {
		char *colon = strchr(line, ':');
		if (colon)
			*colon = '\0';
		names[n++] = line;
		if (colon && strcmp(line, "Host") != 0)
			*colon = ':';
	}
	qsort(names, (size_t)n, sizeof names[0], cmpstr);
	printf("  headers:");
	for (i = 0; i < (size_t)n; i++)
		printf(" [%s]", names[i]);
	printf("\n");
	hex("  body", (unsigned char *)rbuf + hlen, clen);
	if (answer && write(fd, answer, answer_len) != (ssize_t)answer_len)
		printf("short write\n");
	return 1;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = *(struct event **)arg;
	ssize_t n = read(fd, rbuf + rlen, sizeof rbuf - 1 - rlen);
	(void)what;
	if (n > 0) {
		rlen += (size_t)n;
		rbuf[rlen] = '\0';
		if (!handle(fd))
			return;
	}
	/* answered (we close: Connection: close), or the client went away */
	event_free(ev);
	free(arg);
	close(fd);
}

static void on_accept(evutil_socket_t fd, short what, void *arg)
{
	int c = accept(fd, NULL, NULL);
	struct event **slot = malloc(sizeof *slot);
	(void)what; (void)arg;
	if (c < 0) {
		free(slot);
		return;
	}
	evutil_make_socket_nonblocking(c);
	rlen = 0;
	*slot = event_new(base, c, EV_READ | EV_PERSIST, on_read, slot);
	event_add(*slot, NULL);
}

/* an HTTP answer with a body */
static char answer_buf[1024];
static void set_answer(const char *status, const unsigned char *body, size_t n)
{
	int h = snprintf(answer_buf, sizeof answer_buf,
	    "HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", status, n);
	memcpy(answer_buf + h, body, n);
	answer = answer_buf;
	answer_len = (size_t)h + n;
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	printf("client: %s: status %s, reply %s sum %u, %s", (const char *)arg, tc_rpc_status_name(status->error),
	    rpl->text_set ? rpl->text_data : "(unset)", rpl->sum_data,
	    status->http_req ? "http reply" : "no http reply");
	if (status->http_req)
		printf(" %d", evhttp_request_get_response_code(status->http_req));
	printf("\n");
	greet_req_free(req);
	greet_rpl_free(rpl);
	next();
}

static void call(const char *label)
{
	struct greet_req *r = greet_req_new();
	EVTAG_ASSIGN(r, name, "wire");
	EVTAG_ASSIGN(r, count, 2);
	EVTAG_ARRAY_ADD_VALUE(r, values, 300);
	EVRPC_MAKE_REQUEST(Greet, pool, r, greet_rpl_new(), done_cb, (void *)label);
}

/* ---- a hand-written HTTP client for the evrpc server ---- */

static ev_uint16_t rpc_port;

static void raw_call(const char *label, const char *head, const unsigned char *body, size_t n)
{
	struct sockaddr_in sin;
	char req[1024], resp[4096], *p, *ct, *eol;
	int fd = socket(AF_INET, SOCK_STREAM, 0), h;
	size_t got = 0;
	ssize_t k;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sin.sin_port = htons(rpc_port);
	h = snprintf(req, sizeof req, "%s\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
	    head, n);
	memcpy(req + h, body, n);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || write(fd, req, (size_t)h + n) < 0) {
		printf("raw client: cannot send\n");
		close(fd);
		return;
	}
	/* the server runs in this thread: serve it until our answer is in */
	evutil_make_socket_nonblocking(fd);
	for (;;) {
		event_base_loop(base, EVLOOP_ONCE);
		while ((k = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
			got += (size_t)k;
		if (k == 0)
			break;
	}
	close(fd);
	resp[got] = '\0';
	p = strstr(resp, "\r\n\r\n");
	eol = strstr(resp, "\r\n");
	ct = strstr(resp, "Content-Type: ");
	printf("raw %s: %.*s, content-type %.*s\n", label, eol ? (int)(eol - resp) : 0, resp,
	    ct ? (int)(strstr(ct, "\r\n") - ct - 14) : 6, ct ? ct + 14 : "(none)");
	if (p && strstr(resp, " 200 "))
		hex("  body", (unsigned char *)p + 4, got - (size_t)(p + 4 - resp));
}

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	printf("server: Greet %s count %u\n", rpc->request->name_data, rpc->request->count_data);
	EVTAG_ASSIGN(rpc->reply, text, "ok");
	EVTAG_ASSIGN(rpc->reply, sum, 513);
	EVRPC_REQUEST_DONE(rpc);
}

static void next(void)
{
	struct evbuffer *b = evbuffer_new();
	struct greet_rpl *r = greet_rpl_new();
	unsigned char *p;
	size_t n;

	EVTAG_ASSIGN(r, text, "from raw");
	EVTAG_ASSIGN(r, sum, 42);
	greet_rpl_marshal(b, r);
	n = evbuffer_get_length(b);
	p = evbuffer_pullup(b, -1);
	switch (step++) {
	case 0:
		set_answer("200 OK", p, n);
		call("good reply");
		break;
	case 1:
		set_answer("200 OK", (const unsigned char *)"\xff\xff garbage", 10);
		call("garbage");
		break;
	case 2:
		set_answer("200 OK", p, 10); /* the text record only: sum missing */
		call("incomplete reply");
		break;
	case 3:
		set_answer("500 Internal Server Error", p, n);
		call("good reply under 500");
		break;
	case 4:
		answer = NULL;
		call("closed without an answer");
		break;
	default:
		event_base_loopexit(base, NULL);
		break;
	}
	greet_rpl_free(r);
	evbuffer_free(b);
}

int main(void)
{
	struct sockaddr_in sin;
	struct evhttp *http;
	struct evrpc_base *rpcbase;
	struct evhttp_connection *evcon;

	tc_alarm("rpc_wire", 20);
	base = event_base_new();

	printf("-- an evrpc client against a plain server\n");
	lfd = tc_listen_loopback(&sin, 8);
	evutil_make_socket_nonblocking(lfd);
	accept_ev = event_new(base, lfd, EV_READ | EV_PERSIST, on_accept, NULL);
	event_add(accept_ev, NULL);
	pool = evrpc_pool_new(NULL);
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", ntohs(sin.sin_port));
	evhttp_connection_set_retries(evcon, 0);
	evrpc_pool_add_connection(pool, evcon);
	next();
	event_base_dispatch(base);
	evrpc_pool_free(pool);
	event_free(accept_ev);
	close(lfd);

	printf("-- plain clients against an evrpc server\n");
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	rpc_port = ntohs(sin.sin_port);
	rpcbase = evrpc_init(http);
	EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, NULL);
	{
		struct evbuffer *b = evbuffer_new();
		struct greet_req *q = greet_req_new();
		EVTAG_ASSIGN(q, name, "raw");
		EVTAG_ASSIGN(q, count, 7);
		greet_req_marshal(b, q);
		raw_call("good request", "POST /.rpc.Greet HTTP/1.1", evbuffer_pullup(b, -1), evbuffer_get_length(b));
		raw_call("GET", "GET /.rpc.Greet HTTP/1.1", NULL, 0);
		raw_call("empty body", "POST /.rpc.Greet HTTP/1.1", NULL, 0);
		raw_call("garbage", "POST /.rpc.Greet HTTP/1.1", (const unsigned char *)"\x01\x09xx", 4);
		raw_call("PUT", "PUT /.rpc.Greet HTTP/1.1", evbuffer_pullup(b, -1), evbuffer_get_length(b));
		greet_req_free(q);
		evbuffer_free(b);
	}
	evrpc_free(rpcbase);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
