/* rpc_timeout: an evrpc pool's own timer (evrpc_pool_set_timeout), which
 * runs on event_init()'s base when the pool has none, over 127.0.0.1 port
 * 0: a call the server holds fails with EVRPC_STATUS_ERR_TIMEOUT after
 * about the pool's timeout even on a connection with a longer timeout of
 * its own; a call queued behind it leaves once the connection is free; a
 * call answered in time is not failed later; timeout 0 means none; the
 * server answers the abandoned calls late without harm. Written against the
 * old headers (evrpc.h, with rpc_compat.h's accessors). */
/* timeout: 40 */
#define RPCMSG_RPCS
#include "rpcmsg.h"

#include <event2/http.h>
#include <evrpc.h> /* the libevent 1.x header: event.h, rpc.h, rpc_struct.h, rpc_compat.h */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "testcase.h"
#include "rpctest.h"

static struct event_base *base;
static struct evrpc_pool *pool;
static int phase;
static double t0;
static int outstanding;

static EVRPC_STRUCT(Slow) *held[8];
static int nheld;

static const char *when(void)
{
	double el = tc_now() - t0;
	return el < 0.5 ? "< 0.5 s" : el < 0.8 ? "0.5-0.8 s" : el < 2.0 ? "0.8-2 s" : el < 4.0 ? "2-4 s" : ">= 4 s";
}

static void slow_cb(EVRPC_STRUCT(Slow) *rpc, void *arg)
{
	(void)arg;
	held[nheld++] = rpc;
	printf("server: Slow %s held, at %s\n", rpc->request->name_data, when());
}

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	printf("server: Greet %s, at %s\n", rpc->request->name_data, when());
	EVTAG_ASSIGN(rpc->reply, text, rpc->request->name_data);
	EVTAG_ASSIGN(rpc->reply, sum, 2);
	EVRPC_REQUEST_DONE(rpc);
}

static void answer_held(void)
{
	int i, n = nheld;
	nheld = 0;
	for (i = 0; i < n; i++) {
		EVTAG_ASSIGN(held[i]->reply, text, held[i]->request->name_data);
		EVTAG_ASSIGN(held[i]->reply, sum, 1);
		EVRPC_REQUEST_DONE(held[i]);
	}
	printf("server: answered %d held, at %s\n", n, when());
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	(void)arg;
	printf("client: %s: %s%s, %s, at %s\n", req->name_data, tc_rpc_status_name(status->error),
	    rpl->text_set ? " with reply" : "", status->http_req ? "http reply" : "no http reply", when());
	greet_req_free(req);
	greet_rpl_free(rpl);
	--outstanding;
}

static void call(int slow, const char *name)
{
	struct greet_req *r = greet_req_new();
	EVTAG_ASSIGN(r, name, name);
	EVTAG_ASSIGN(r, count, 0);
	outstanding++;
	if (slow)
		EVRPC_MAKE_REQUEST(Slow, pool, r, greet_rpl_new(), done_cb, NULL);
	else
		EVRPC_MAKE_REQUEST(Greet, pool, r, greet_rpl_new(), done_cb, NULL);
}

/* the script runs on a timer: each phase ends at a fixed time */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct timeval tv = { 2, 500000 };
	(void)fd; (void)what; (void)arg;
	if (phase > 0) {
		printf("outstanding calls: %d\n", outstanding);
		answer_held();
	}
	t0 = tc_now();
	switch (phase++) {
	case 0:
		printf("-- held on a connection with its own 5 s timeout, pool timeout 1 s\n");
		call(1, "a held");
		break;
	case 1:
		printf("-- a call queued behind a held one\n");
		call(1, "b held");
		call(0, "b queued");
		break;
	case 2:
		printf("-- answered in time, then 2.5 s more\n");
		call(0, "c answered");
		break;
	case 3:
		printf("-- timeout 0: none\n");
		evrpc_pool_set_timeout(pool, 0);
		call(1, "d held 2.5 s");
		break;
	case 4:
		/* d's reply arrives */
		tv.tv_sec = 0;
		break;
	default:
		event_base_loopexit(base, NULL);
		return;
	}
	event_base_once(base, -1, EV_TIMEOUT, on_tick, NULL, &tv);
}

int main(void)
{
	struct evhttp *http;
	struct evhttp_connection *evcon;
	struct evrpc_base *rpcbase;
	struct sockaddr_in sin;
	struct event *guard;
	struct timeval limit = { 30, 0 };

	tc_alarm("rpc_timeout", 38);
	base = event_init();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	rpcbase = evrpc_init(http);
	EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, NULL);
	EVRPC_REGISTER(rpcbase, Slow, greet_req, greet_rpl, slow_cb, NULL);

	pool = evrpc_pool_new(NULL);
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", ntohs(sin.sin_port));
	evrpc_pool_set_timeout(pool, 1);
	/* its own timeout, set before it is added: the pool keeps it */
	evhttp_connection_set_timeout(evcon, 5);
	evrpc_pool_add_connection(pool, evcon);

	guard = evtimer_new(base, tc_rpc_guard_cb, base);
	evtimer_add(guard, &limit);
	on_tick(-1, 0, NULL);
	event_base_dispatch(base);

	evrpc_pool_free(pool);
	evrpc_free(rpcbase);
	event_free(guard);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
