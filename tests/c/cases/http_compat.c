/* http_compat: the 1.x API and the less common flags: evhttp_start and
 * evhttp_connection_new on event_init's base, a client made with
 * evhttp_connection_base_new(NULL, ...) moved with
 * evhttp_connection_set_base, evhttp_request_uri (the old name),
 * <evhttp.h>; EVHTTP_SERVER_LINGERING_CLOSE (an over-long body read to its
 * end before the 413, where without it the connection is cut at once);
 * EVHTTP_CON_READ_ON_WRITE_ERROR (a client whose upload the server cuts
 * short with an early reply still reads that reply). */
/* timeout: 40 */
#include <evhttp.h>

#include "httptest.h"

static struct event_base *base;
static int pending;

static void srv_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	printf("server cb: uri=");
	ht_print_str(evhttp_request_uri(req));
	printf(" body=%zu\n", evbuffer_get_length(evhttp_request_get_input_buffer(req)));
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "compat\n");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void cli_cb(struct evhttp_request *req, void *arg)
{
	if (!req)
		printf("client cb(%s): NULL request\n", (const char *)arg);
	else
		printf("client cb(%s): code=%d body=%zu\n", (const char *)arg, evhttp_request_get_response_code(req),
		    evbuffer_get_length(evhttp_request_get_input_buffer(req)));
	if (--pending == 0)
		event_base_loopexit(base, NULL);
}

static void on_error(enum evhttp_request_error e, void *arg)
{
	printf("  error_cb(%s): %d\n", (const char *)arg, (int)e);
}

int main(void)
{
	tc_alarm("http_compat", 35);
	base = event_init();
	struct evhttp *http = evhttp_start("127.0.0.1", 0);
	printf("evhttp_start: %s\n", tc_yesno(http != NULL));
	/* the port: bind a second socket to learn nothing; use foreach instead */
	struct evhttp_bound_socket *b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	int port = ht_bound_port(b);
	evhttp_set_gencb(http, srv_cb, NULL);

	struct evhttp_connection *c1 = evhttp_connection_new("127.0.0.1", (ev_uint16_t)port);
	printf("evhttp_connection_new: %s base=%s\n", tc_yesno(c1 != NULL),
	    evhttp_connection_get_base(c1) == NULL ? "NULL" : evhttp_connection_get_base(c1) == base ? "global" : "other");
	pending = 1;
	evhttp_make_request(c1, evhttp_request_new(cli_cb, "compat-new"), EVHTTP_REQ_GET, "/old?x=1");
	event_dispatch();
	evhttp_connection_free(c1);

	struct event_base *other = event_base_new();
	struct evhttp_connection *c2 = evhttp_connection_base_new(NULL, NULL, "127.0.0.1", (ev_uint16_t)port);
	evhttp_connection_set_base(c2, other);
	printf("after set_base: base=%s\n", evhttp_connection_get_base(c2) == other ? "other" : "not moved");
	/* the request runs on the other base; the server on the global one:
	 * run both, the other one in short turns */
	pending = 1;
	evhttp_make_request(c2, evhttp_request_new(cli_cb, "set-base"), EVHTTP_REQ_GET, "/moved");
	for (int i = 0; i < 100 && pending; i++) {
		event_base_loop(other, EVLOOP_NONBLOCK);
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(5000);
	}
	evhttp_connection_free(c2);
	event_base_free(other);

	/* lingering close: the whole over-long body is read before the 413 */
	evhttp_set_max_body_size(http, 10);
	static char big[3000];
	memset(big, 'x', sizeof big);
	static char req[4096];
	snprintf(req, sizeof req, "POST /big HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%.*s", sizeof big, (int)sizeof big, big);
	for (int linger = 0; linger < 2; linger++) {
		printf("--- %s\n", linger ? "lingering close" : "no lingering close");
		evhttp_set_flags(http, linger ? EVHTTP_SERVER_LINGERING_CLOSE : 0);
		struct ht_step st = { req, -1, 0, 0 };
		struct ht_client cl = { .name = "big-post", .port = port, .steps = &st, .nsteps = 1, .idle_ms = 300 };
		ht_run_clients(base, &cl, 1, 1, 10);
		ht_print_client(&cl);
		free(cl.out);
	}
	printf("set_flags(2) = %d\n", evhttp_set_flags(http, 2));

	/* read on write error: the raw server answers 413 at once and closes
	 * while the client still uploads a big body */
	static char *upload;
	upload = malloc(4 << 20);
	memset(upload, 'y', 4 << 20);
	for (int flag = 0; flag < 2; flag++) {
		printf("--- %s\n", flag ? "EVHTTP_CON_READ_ON_WRITE_ERROR" : "no flag");
		static const struct ht_srv_step st[] = {
			{ "HTTP/1.1 413 Too Big\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbig", -1, 50, HT_SRV_CLOSE } };
		struct ht_srv_conn conn;
		memset(&conn, 0, sizeof conn);
		conn.steps = st;
		conn.nsteps = 1;
		struct ht_srv srv = { 0 };
		int sport = ht_srv_start(&srv, &conn, 1);
		struct evhttp_connection *c = evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)sport);
		if (flag)
			evhttp_connection_set_flags(c, EVHTTP_CON_READ_ON_WRITE_ERROR);
		struct evhttp_request *r = evhttp_request_new(cli_cb, flag ? "read-on-write-error" : "plain");
		evhttp_request_set_error_cb(r, on_error);
		evbuffer_add(evhttp_request_get_output_buffer(r), upload, 4 << 20);
		pending = 1;
		evhttp_make_request(c, r, EVHTTP_REQ_POST, "/upload");
		struct timeval tv = { 10, 0 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		evhttp_connection_free(c);
		ht_srv_stop(&srv);
	}
	free(upload);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
