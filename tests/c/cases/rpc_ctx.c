/* rpc_ctx: the lower-level evrpc calls, over 127.0.0.1 port 0: a call made
 * with EVRPC_MAKE_CTX whose pool and callback are changed before it
 * starts (evrpc_request_get_pool, _set_pool, _set_cb, evrpc_make_request),
 * evrpc_send_request_generic called directly, an RPC registered with
 * evrpc_register_rpc from a struct evrpc the program filled in (freed by
 * evrpc_unregister_rpc), two evrpc_bases on one server, an RPC name with
 * characters that need no escaping in a URI path. */
#define RPCMSG_RPCS
#include "rpcmsg.h"

#include <event2/http.h>
#include <event2/rpc_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "testcase.h"
#include "rpctest.h"

static struct event_base *base;
static struct evrpc_pool *pool1, *pool2;
static int step;
static void next(void);

static int out_hook(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	(void)ctx; (void)req; (void)buf;
	printf("  output hook of %s\n", (const char *)arg);
	return EVRPC_CONTINUE;
}

static void any_cb(struct evrpc_req_generic *g, void *arg)
{
	EVRPC_STRUCT(Greet) *rpc = (EVRPC_STRUCT(Greet) *)g;
	printf("  server: %s for %s\n", (const char *)arg, rpc->request->name_data);
	EVTAG_ASSIGN(rpc->reply, text, (const char *)arg);
	EVTAG_ASSIGN(rpc->reply, sum, 1);
	evrpc_request_done(g);
}

static void done_cb(struct evrpc_status *status, void *vreq, void *vrpl, void *arg)
{
	struct greet_req *req = vreq;
	struct greet_rpl *rpl = vrpl;
	printf("  client %s: status %s, reply %s\n", (const char *)arg, tc_rpc_status_name(status->error),
	    rpl->text_set ? rpl->text_data : "(unset)");
	greet_req_free(req);
	greet_rpl_free(rpl);
	next();
}

static void never_cb(struct evrpc_status *status, void *vreq, void *vrpl, void *arg)
{
	(void)status; (void)vreq; (void)vrpl; (void)arg;
	printf("  the replaced callback ran\n");
}

static struct greet_req *req(const char *name)
{
	struct greet_req *r = greet_req_new();
	EVTAG_ASSIGN(r, name, name);
	EVTAG_ASSIGN(r, count, 0);
	return r;
}

static void next(void)
{
	struct evrpc_request_wrapper *ctx;
	int r;
	switch (step++) {
	case 0:
		printf("-- EVRPC_MAKE_CTX, moved to another pool, another callback\n");
		ctx = EVRPC_MAKE_CTX(Greet, greet_req, greet_rpl, pool1, req("ctx"), greet_rpl_new(),
		    never_cb, (void *)"unused");
		printf("get_pool is pool1: %s\n", tc_yesno(evrpc_request_get_pool(ctx) == pool1));
		evrpc_request_set_pool(ctx, pool2);
		printf("get_pool is pool2: %s\n", tc_yesno(evrpc_request_get_pool(ctx) == pool2));
		evrpc_request_set_cb(ctx, done_cb, (void *)"set_cb");
		r = evrpc_make_request(ctx);
		printf("make_request %d\n", r);
		break;
	case 1:
		printf("-- evrpc_send_request_generic\n");
		r = evrpc_send_request_generic(pool1, req("generic"), greet_rpl_new(), done_cb, (void *)"generic",
		    "Greet", (void (*)(struct evbuffer *, void *))greet_req_marshal,
		    (void (*)(void *))greet_rpl_clear, (int (*)(void *, struct evbuffer *))greet_rpl_unmarshal);
		printf("send_request_generic %d\n", r);
		break;
	case 2:
		printf("-- the RPC registered with evrpc_register_rpc\n");
		evrpc_send_request_generic(pool1, req("low level"), greet_rpl_new(), done_cb, (void *)"low level",
		    "LowLevel", (void (*)(struct evbuffer *, void *))greet_req_marshal,
		    (void (*)(void *))greet_rpl_clear, (int (*)(void *, struct evbuffer *))greet_rpl_unmarshal);
		break;
	case 3:
		printf("-- the second base's RPC\n");
		evrpc_send_request_generic(pool1, req("second"), greet_rpl_new(), done_cb, (void *)"second base",
		    "Other", (void (*)(struct evbuffer *, void *))greet_req_marshal,
		    (void (*)(void *))greet_rpl_clear, (int (*)(void *, struct evbuffer *))greet_rpl_unmarshal);
		break;
	case 4:
		printf("-- a name with - _ . ~ in it\n");
		evrpc_send_request_generic(pool1, req("odd"), greet_rpl_new(), done_cb, (void *)"odd name",
		    "a-b_c.d~e", (void (*)(struct evbuffer *, void *))greet_req_marshal,
		    (void (*)(void *))greet_rpl_clear, (int (*)(void *, struct evbuffer *))greet_rpl_unmarshal);
		break;
	default:
		event_base_loopexit(base, NULL);
		break;
	}
}

int main(void)
{
	struct evhttp *http;
	struct evrpc_base *rb1, *rb2;
	struct sockaddr_in sin;
	struct evrpc *low;
	ev_uint16_t port;

	tc_alarm("rpc_ctx", 20);
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	port = ntohs(sin.sin_port);
	rb1 = evrpc_init(http);
	rb2 = evrpc_init(http);
	printf("register Greet: %d\n", evrpc_register_generic(rb1, "Greet", any_cb, (void *)"Greet",
	    (void *(*)(void *))greet_req_new_with_arg, NULL, (void (*)(void *))greet_req_free,
	    (int (*)(void *, struct evbuffer *))greet_req_unmarshal,
	    (void *(*)(void *))greet_rpl_new_with_arg, NULL, (void (*)(void *))greet_rpl_free,
	    (int (*)(void *))greet_rpl_complete, (void (*)(struct evbuffer *, void *))greet_rpl_marshal));
	printf("register a-b_c.d~e: %d\n", evrpc_register_generic(rb1, "a-b_c.d~e", any_cb, (void *)"odd",
	    (void *(*)(void *))greet_req_new_with_arg, NULL, (void (*)(void *))greet_req_free,
	    (int (*)(void *, struct evbuffer *))greet_req_unmarshal,
	    (void *(*)(void *))greet_rpl_new_with_arg, NULL, (void (*)(void *))greet_rpl_free,
	    (int (*)(void *))greet_rpl_complete, (void (*)(struct evbuffer *, void *))greet_rpl_marshal));
	printf("register Other on a second base: %d\n", evrpc_register_generic(rb2, "Other", any_cb,
	    (void *)"Other", (void *(*)(void *))greet_req_new_with_arg, NULL, (void (*)(void *))greet_req_free,
	    (int (*)(void *, struct evbuffer *))greet_req_unmarshal,
	    (void *(*)(void *))greet_rpl_new_with_arg, NULL, (void (*)(void *))greet_rpl_free,
	    (int (*)(void *))greet_rpl_complete, (void (*)(struct evbuffer *, void *))greet_rpl_marshal));

	/* a struct evrpc filled in by the program (malloc'ed, as
	 * evrpc_unregister_rpc frees it and its uri) */
	low = calloc(1, sizeof *low);
	low->uri = strdup("LowLevel");
	low->request_new = (void *(*)(void *))greet_req_new_with_arg;
	low->request_free = (void (*)(void *))greet_req_free;
	low->request_unmarshal = (int (*)(void *, struct evbuffer *))greet_req_unmarshal;
	low->reply_new = (void *(*)(void *))greet_rpl_new_with_arg;
	low->reply_free = (void (*)(void *))greet_rpl_free;
	low->reply_complete = (int (*)(void *))greet_rpl_complete;
	low->reply_marshal = (void (*)(struct evbuffer *, void *))greet_rpl_marshal;
	printf("register_rpc: %d\n", evrpc_register_rpc(rb1, low, any_cb, (void *)"LowLevel"));
	printf("  its base %s, cb set %s, cb_arg %s\n", tc_yesno(low->base == rb1), tc_yesno(low->cb == any_cb),
	    (const char *)low->cb_arg);

	pool1 = evrpc_pool_new(NULL);
	pool2 = evrpc_pool_new(NULL);
	evrpc_add_hook(pool1, EVRPC_OUTPUT, out_hook, (void *)"pool1");
	evrpc_add_hook(pool2, EVRPC_OUTPUT, out_hook, (void *)"pool2");
	evrpc_pool_add_connection(pool1, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	evrpc_pool_add_connection(pool2, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	next();
	event_base_dispatch(base);

	printf("unregister LowLevel: %d\n", evrpc_unregister_rpc(rb1, "LowLevel"));
	evrpc_pool_free(pool1);
	evrpc_pool_free(pool2);
	evrpc_free(rb1);
	evrpc_free(rb2);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
