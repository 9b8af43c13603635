/* http_client_dns: evhttp client connections that resolve their host with
 * an evdns_base (evhttp_connection_base_new with a dnsbase): a name our
 * stub DNS server answers (127.0.0.1) is connected to and the reply read,
 * the connection's peer stays the name and its address is the answer's;
 * evhttp_connection_set_family(AF_INET) with a name that has only an AAAA
 * answer fails the request; a name that does not exist (NXDOMAIN) fails
 * it too (the request's callback gets NULL), with retries the lookup is
 * repeated. */
#include <arpa/inet.h>
#include <event2/dns.h>

#include "httptest.h"
#include "dnstest.h"

static struct event_base *base;
static int pending;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (tc_dns_is(q, "web.test"))
		return tc_dns_answer(out, q, q->qtype == 1 ? "127.0.0.1" : "", 60);
	if (tc_dns_is(q, "v6only.test"))
		return tc_dns_answer(out, q, q->qtype == 28 ? "::1" : "", 60);
	return tc_dns_error(out, q, 3, -1, 0);
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

static void run(void)
{
	struct timeval tv = { 8, 0 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	struct tc_dns_server dsrv;
	tc_alarm("http_client_dns", 30);
	if (tc_dns_start(&dsrv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&dsrv));
	evdns_base_set_option(dns, "timeout:", "1");

	static const struct ht_srv_step st[] = { { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", -1, 0, HT_SRV_READ } };
	struct ht_srv_conn conn;
	memset(&conn, 0, sizeof conn);
	conn.steps = st;
	conn.nsteps = 1;
	struct ht_srv srv = { 0 };
	int port = ht_srv_start(&srv, &conn, 1);

	printf("--- web.test\n");
	struct evhttp_connection *evcon = evhttp_connection_base_new(base, dns, "web.test", (ev_uint16_t)port);
	struct evhttp_request *r = evhttp_request_new(done, "web.test");
	evhttp_add_header(evhttp_request_get_output_headers(r), "Host", "web.test");
	pending = 1;
	evhttp_make_request(evcon, r, EVHTTP_REQ_GET, "/dns");
	run();
	char *peer = NULL;
	ev_uint16_t pport = 0;
	evhttp_connection_get_peer(evcon, &peer, &pport);
	const struct sockaddr *sa = evhttp_connection_get_addr(evcon);
	char ip[64] = "?";
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
	printf("  peer=%s address=%s\n", peer, ip);
	evhttp_connection_free(evcon);
	ht_srv_stop(&srv);
	ht_srv_print(&srv);

	printf("--- v6only.test with AF_INET\n");
	evcon = evhttp_connection_base_new(base, dns, "v6only.test", 80);
	evhttp_connection_set_family(evcon, AF_INET);
	pending = 1;
	evhttp_make_request(evcon, evhttp_request_new(done, "v6only"), EVHTTP_REQ_GET, "/");
	run();
	evhttp_connection_free(evcon);

	printf("--- missing.test, one retry\n");
	evcon = evhttp_connection_base_new(base, dns, "missing.test", 80);
	evhttp_connection_set_retries(evcon, 1);
	struct timeval rt = { 0, 50000 };
	evhttp_connection_set_initial_retry_tv(evcon, &rt);
	int before = tc_dns_count(&dsrv);
	pending = 1;
	evhttp_make_request(evcon, evhttp_request_new(done, "missing"), EVHTTP_REQ_GET, "/");
	run();
	printf("  lookups: %s\n", tc_dns_count(&dsrv) - before >= 2 ? "repeated" : "once");
	evhttp_connection_free(evcon);

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&dsrv);
	printf("done\n");
	return 0;
}
