/* rpc_pool: evrpc pools over 127.0.0.1 port 0. A pool of two connections
 * carries two calls at a time, the rest wait in the pool; a call queued
 * while the only connection is busy leaves on a connection added later;
 * a removed connection is no longer used; evrpc_pool_set_timeout on a
 * pool without a base (and no event_init) acts through its connections'
 * timeouts, except on a connection whose timeout was set before it was
 * added; a connection to a closed port. (A pool with a base cannot take
 * connections in libevent 2.1: evhttp_connection_set_base asserts that the
 * connection has none, and evhttp_connection_new crashes without one;
 * rpc_timeout covers the pool's own timer, which runs on event_init's
 * base.) */
/* timeout: 40 */
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
static struct evrpc_base *rpcbase;
static ev_uint16_t port;
static int phase;
static void next(void);

/* Slow calls held by the server, answered when the test says so */
static EVRPC_STRUCT(Slow) *held[8];
static int nheld;
static int answer_at = 2;  /* answer all held calls once this many are held */
static int two_conns;

static void answer_held(evutil_socket_t fd, short what, void *arg)
{
	int i, n = nheld;
	(void)fd; (void)what; (void)arg;
	printf("server: answering %d held\n", n);
	nheld = 0;
	for (i = 0; i < n; i++) {
		EVTAG_ASSIGN(held[i]->reply, text, held[i]->request->name_data);
		EVTAG_ASSIGN(held[i]->reply, sum, 1);
		EVRPC_REQUEST_DONE(held[i]);
	}
}

static void slow_cb(EVRPC_STRUCT(Slow) *rpc, void *arg)
{
	struct timeval tv = { 0, 50000 };
	(void)arg;
	held[nheld++] = rpc;
	/* over two connections, the order the server sees calls in varies */
	printf("server: Slow %s, %d held\n", two_conns ? "(a call)" : rpc->request->name_data, nheld);
	if (nheld == answer_at)
		event_base_once(base, -1, EV_TIMEOUT, answer_held, NULL, &tv);
}

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	printf("server: Greet %s, %d Slow held\n", rpc->request->name_data, nheld);
	EVTAG_ASSIGN(rpc->reply, text, rpc->request->name_data);
	EVTAG_ASSIGN(rpc->reply, sum, 2);
	EVRPC_REQUEST_DONE(rpc);
}

/* client side: calls counted per phase, results printed sorted */
static int outstanding;
static char results[8][96];
static int nresults;
static double t0;

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	double el = tc_now() - t0;
	(void)arg;
	char code[32] = "no http reply";
	if (status->http_req)
		snprintf(code, sizeof code, "http %d", evhttp_request_get_response_code(status->http_req));
	snprintf(results[nresults++], sizeof results[0], "%s: %s%s, %s, after %s", req->name_data,
	    tc_rpc_status_name(status->error), rpl->text_set ? " with reply" : "", code,
	    el < 0.8 ? "< 0.8 s" : el < 2.0 ? "0.8-2 s" : el < 4.0 ? "2-4 s" : ">= 4 s");
	greet_req_free(req);
	greet_rpl_free(rpl);
	if (--outstanding == 0) {
		int i;
		qsort(results, (size_t)nresults, sizeof results[0], cmp);
		for (i = 0; i < nresults; i++)
			printf("client: %s\n", results[i]);
		nresults = 0;
		next();
	}
}

static void call(struct evrpc_pool *pool, int slow, const char *name)
{
	struct greet_req *r = greet_req_new();
	EVTAG_ASSIGN(r, name, name);
	EVTAG_ASSIGN(r, count, 0);
	if (outstanding++ == 0)
		t0 = tc_now();
	if (slow)
		EVRPC_MAKE_REQUEST(Slow, pool, r, greet_rpl_new(), done_cb, NULL);
	else
		EVRPC_MAKE_REQUEST(Greet, pool, r, greet_rpl_new(), done_cb, NULL);
}

static struct evrpc_pool *pools[8];
static struct evhttp_connection *spare;

static void add_spare(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	printf("test: adding a second connection\n");
	evrpc_pool_add_connection(pools[1], spare);
}

static void on_answer_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	answer_held(-1, 0, NULL);
	printf("server: late answers sent\n");
	next();
}

static void next(void)
{
	struct timeval tv = { 0, 100000 }, late = { 3, 0 };
	switch (phase++) {
	case 0:
		printf("-- two connections, four calls\n");
		pools[0] = evrpc_pool_new(NULL);
		evrpc_pool_add_connection(pools[0], evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
		evrpc_pool_add_connection(pools[0], evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
		answer_at = 2;
		two_conns = 1;
		call(pools[0], 1, "a1");
		call(pools[0], 1, "a2");
		call(pools[0], 1, "a3");
		call(pools[0], 1, "a4");
		break;
	case 1:
		printf("-- a call queued, then a connection added\n");
		two_conns = 0;
		pools[1] = evrpc_pool_new(NULL);
		evrpc_pool_add_connection(pools[1], evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
		spare = evhttp_connection_base_new(base, NULL, "127.0.0.1", port);
		answer_at = 99;
		call(pools[1], 1, "b1 slow");
		call(pools[1], 0, "b2 queued");
		event_base_once(base, -1, EV_TIMEOUT, add_spare, NULL, &tv);
		/* b1 is answered by the timer below once b2 got through */
		{
			struct timeval t2 = { 0, 300000 };
			event_base_once(base, -1, EV_TIMEOUT, answer_held, NULL, &t2);
		}
		break;
	case 2:
		printf("-- the added connection removed\n");
		evrpc_pool_remove_connection(pools[1], spare);
		evhttp_connection_free(spare);
		answer_at = 99;
		call(pools[1], 0, "c1");
		call(pools[1], 0, "c2");
		break;
	case 3:
		printf("-- a pool without a base: timeouts through the connections\n");
		two_conns = 1;
		pools[3] = evrpc_pool_new(NULL);
		evrpc_pool_add_connection(pools[3], evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
		evrpc_pool_set_timeout(pools[3], 1);
		{
			/* its own timeout, set before it is added: kept */
			struct evhttp_connection *c = evhttp_connection_base_new(base, NULL, "127.0.0.1", port);
			evhttp_connection_set_timeout(c, 5);
			pools[4] = evrpc_pool_new(NULL);
			evrpc_pool_set_timeout(pools[4], 1);
			evrpc_pool_add_connection(pools[4], c);
		}
		answer_at = 99;
		call(pools[3], 1, "e1 pool timeout 1 s");
		call(pools[4], 1, "e2 connection timeout 5 s");
		event_base_once(base, -1, EV_TIMEOUT, on_answer_later, NULL, &late);
		phase = 10;
		break;
	case 10:
		/* on_answer_later answered e1 (timed out) and e2 */
		break;
	case 11: {
		struct sockaddr_in sin;
		int fd = tc_listen_loopback(&sin, 1);
		printf("-- a connection to a closed port\n");
		close(fd);
		pools[5] = evrpc_pool_new(NULL);
		{
			struct evhttp_connection *c = evhttp_connection_base_new(base, NULL, "127.0.0.1",
			    ntohs(sin.sin_port));
			evrpc_pool_add_connection(pools[5], c);
		}
		call(pools[5], 0, "f1 refused");
		break;
	}
	default:
		event_base_loopexit(base, NULL);
		break;
	}
}

int main(void)
{
	struct evhttp *http;
	struct sockaddr_in sin;
	struct event *guard;
	struct timeval limit = { 30, 0 };
	int i;

	tc_alarm("rpc_pool", 38);
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	port = ntohs(sin.sin_port);
	rpcbase = evrpc_init(http);
	EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, NULL);
	EVRPC_REGISTER(rpcbase, Slow, greet_req, greet_rpl, slow_cb, NULL);

	guard = evtimer_new(base, tc_rpc_guard_cb, base);
	evtimer_add(guard, &limit);
	next();
	event_base_dispatch(base);

	for (i = 0; i < 8; i++)
		if (pools[i])
			evrpc_pool_free(pools[i]);
	evrpc_free(rpcbase);
	event_free(guard);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
