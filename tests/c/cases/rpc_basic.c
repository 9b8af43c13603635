/* rpc_basic: an evrpc server (evrpc_init on an evhttp server, EVRPC_REGISTER)
 * and a client (evrpc_pool with one evhttp connection, EVRPC_MAKE_REQUEST)
 * on 127.0.0.1, port 0, with messages in the shape of event_rpcgen.py's
 * output (support/rpcmsg.h): what the server callback sees (request,
 * reply, the HTTP request under it, evrpc_get_request/_reply), the
 * client's status, reply and HTTP reply; a reply the server leaves
 * incomplete, an RPC nobody registered, a request the server cannot
 * unmarshal, several requests queued on one connection, unregistering,
 * evrpc_free. */
#define RPCMSG_RPCS
#include "rpcmsg.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/rpc_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "testcase.h"
#include "rpctest.h"

static struct event_base *base;
static struct evrpc_pool *pool;
static struct evrpc_base *rpcbase;
static int step;
static void next(void);

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	struct greet_req *req = rpc->request;
	struct greet_rpl *rpl = rpc->reply;
	struct evhttp_request *http = EVRPC_REQUEST_HTTP(rpc);
	char text[128];
	ev_uint32_t sum = 0, v;
	int i;

	printf("server: Greet name=%s count=%u values=%d arg %s\n", req->name_data, req->count_data,
	    EVTAG_ARRAY_LEN(req, values), (const char *)arg);
	printf("server:   get_request %s, get_reply %s, reply fresh %s\n",
	    tc_yesno(evrpc_get_request((struct evrpc_req_generic *)rpc) == req),
	    tc_yesno(evrpc_get_reply((struct evrpc_req_generic *)rpc) == rpl),
	    tc_yesno(!EVTAG_HAS(rpl, text) && !EVTAG_HAS(rpl, sum)));
	printf("server:   http command %s uri %s body left %zu\n",
	    evhttp_request_get_command(http) == EVHTTP_REQ_POST ? "POST" : "other",
	    evhttp_request_get_uri(http), evbuffer_get_length(evhttp_request_get_input_buffer(http)));
	printf("server:   rpc struct: uri %s, base %s\n", rpc->rpc->uri, tc_yesno(rpc->rpc->base == rpcbase));
	for (i = 0; i < EVTAG_ARRAY_LEN(req, values); i++) {
		EVTAG_ARRAY_GET(req, values, i, &v);
		sum += v;
	}
	if (strcmp(req->name_data, "incomplete") != 0)
		EVTAG_ASSIGN(rpl, sum, sum);
	snprintf(text, sizeof text, "hello, %s", req->name_data);
	EVTAG_ASSIGN(rpl, text, text);
	if (strcmp(req->name_data, "custom type") == 0)
		evhttp_add_header(evhttp_request_get_output_headers(http), "Content-Type", "x/custom");
	EVRPC_REQUEST_DONE(rpc);
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	const char *ct = NULL;
	printf("client: %s done: status %s, reply text %s sum %s %u", (const char *)arg,
	    tc_rpc_status_name(status->error), rpl->text_set ? rpl->text_data : "(unset)",
	    rpl->sum_set ? "set" : "unset", rpl->sum_data);
	if (status->http_req) {
		ct = evhttp_find_header(evhttp_request_get_input_headers(status->http_req), "Content-Type");
		printf(", http %d, content-type %s", evhttp_request_get_response_code(status->http_req),
		    ct ? ct : "(none)");
	} else {
		printf(", no http reply");
	}
	printf("\n");
	greet_req_free(req);
	greet_rpl_free(rpl);
	next();
}

static struct greet_req *make_req(const char *name, int nvalues)
{
	struct greet_req *r = greet_req_new();
	int i;
	EVTAG_ASSIGN(r, name, name);
	EVTAG_ASSIGN(r, count, (ev_uint32_t)nvalues);
	for (i = 0; i < nvalues; i++)
		EVTAG_ARRAY_ADD_VALUE(r, values, (ev_uint32_t)(i + 1) * 10);
	return r;
}

static int send_greet(const char *name, int nvalues, const char *label)
{
	return EVRPC_MAKE_REQUEST(Greet, pool, make_req(name, nvalues), greet_rpl_new(), done_cb, (void *)label);
}

/* a request marshalled as garbage: the server cannot unmarshal it */
static void bad_marshal(struct evbuffer *b, void *req)
{
	(void)req;
	evbuffer_add(b, "\x01\x7f garbage", 10);
}

static void next(void)
{
	int r;
	switch (step++) {
	case 0:
		r = send_greet("world", 3, "plain");
		printf("client: make_request %d\n", r);
		break;
	case 1:
		send_greet("incomplete", 1, "incomplete reply");
		break;
	case 2:
		send_greet("custom type", 0, "custom content-type");
		break;
	case 3: {
		/* an RPC the server does not have */
		struct evrpc_request_wrapper *ctx = EVRPC_MAKE_CTX(Nope, greet_req, greet_rpl, pool,
		    make_req("nobody", 0), greet_rpl_new(), done_cb, (void *)"unregistered name");
		printf("client: ctx %s\n", tc_yesno(ctx != NULL));
		evrpc_make_request(ctx);
		break;
	}
	case 4: {
		struct evrpc_request_wrapper *ctx = evrpc_make_request_ctx(pool, make_req("x", 0),
		    greet_rpl_new(), "Greet", bad_marshal, (void (*)(void *))greet_rpl_clear,
		    (int (*)(void *, struct evbuffer *))greet_rpl_unmarshal,
		    (void (*)(struct evrpc_status *, void *, void *, void *))done_cb,
		    (void *)"unparsable request");
		evrpc_make_request(ctx);
		break;
	}
	case 5:
		/* five at once on one connection: queued, answered in order */
		send_greet("q1", 1, "queued 1");
		send_greet("q2", 2, "queued 2");
		send_greet("q3", 3, "queued 3");
		send_greet("q4", 4, "queued 4");
		send_greet("q5", 5, "queued 5");
		break;
	case 6: case 7: case 8: case 9:
		/* the first four queued replies: nothing more to start */
		break;
	case 10:
		printf("unregister Greet: %d\n", EVRPC_UNREGISTER(rpcbase, Greet));
		printf("unregister Greet again: %d\n", EVRPC_UNREGISTER(rpcbase, Greet));
		printf("unregister Nope: %d\n", evrpc_unregister_rpc(rpcbase, "Nope"));
		send_greet("after", 0, "after unregister");
		break;
	default:
		event_base_loopexit(base, NULL);
		break;
	}
}

int main(void)
{
	struct evhttp *http;
	struct evhttp_connection *evcon;
	struct sockaddr_in sin;
	struct event *guard;
	struct timeval ten = { 10, 0 };

	tc_alarm("rpc_basic", 20);
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;

	rpcbase = evrpc_init(http);
	printf("evrpc_init %s\n", tc_yesno(rpcbase != NULL));
	printf("register Greet: %d\n", EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, (void *)"srv"));

	pool = evrpc_pool_new(NULL);
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", ntohs(sin.sin_port));
	evrpc_pool_add_connection(pool, evcon);

	guard = evtimer_new(base, tc_rpc_guard_cb, base);
	evtimer_add(guard, &ten);
	next();
	event_base_dispatch(base);

	evrpc_pool_free(pool);
	evrpc_free(rpcbase);
	event_free(guard);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
