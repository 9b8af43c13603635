/* rpc_hooks: evrpc hooks on both sides, over 127.0.0.1 port 0. Outgoing
 * and incoming hooks on the client's pool and the server's base see the
 * HTTP request and the marshalled bytes (they scramble and unscramble them
 * here, and add headers); meta data attached by a pool's outgoing hook is
 * found by its incoming hook, and by a base's incoming hook by its
 * outgoing one; evrpc_hook_get_connection; hooks that pause a call and a
 * timer that resumes it (with CONTINUE or TERMINATE), on each of the four
 * sides; hooks that terminate at once; evrpc_resume_request of an unknown
 * call; evrpc_remove_hook. */
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

/* what each hook does in the current step */
enum act { PASS, PAUSE_CONTINUE, PAUSE_TERMINATE, TERMINATE };
static enum act act_pool_out, act_pool_in, act_base_in, act_base_out;
static int scramble = 1;

static void xor_buffer(struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b), i;
	unsigned char *p = n ? evbuffer_pullup(b, -1) : NULL;
	for (i = 0; i < n; i++)
		p[i] ^= 0x5a;
}

/* resuming a paused call from a timer */
struct resume { void *vbase; void *ctx; enum EVRPC_HOOK_RESULT res; const char *who; };
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct resume *r = arg;
	int rv;
	(void)fd; (void)what;
	printf("%s: resuming with %s\n", r->who, r->res == EVRPC_CONTINUE ? "CONTINUE" : "TERMINATE");
	rv = evrpc_resume_request(r->vbase, r->ctx, r->res);
	printf("%s: resume returned %d\n", r->who, rv);
	free(r);
}

static int act_on(enum act a, void *vbase, void *ctx, const char *who)
{
	struct resume *r;
	struct timeval tv = { 0, 20000 };
	switch (a) {
	case PASS:
		return EVRPC_CONTINUE;
	case TERMINATE:
		printf("%s: terminating\n", who);
		return EVRPC_TERMINATE;
	default:
		r = malloc(sizeof *r);
		r->vbase = vbase;
		r->ctx = ctx;
		r->res = a == PAUSE_CONTINUE ? EVRPC_CONTINUE : EVRPC_TERMINATE;
		r->who = who;
		event_base_once(base, -1, EV_TIMEOUT, on_resume, r, &tv);
		printf("%s: pausing\n", who);
		return EVRPC_PAUSE;
	}
}

static int pool_out(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	static const char stamp[] = "from the outgoing hook";
	printf("pool out hook (%s): %zu bytes, connection %s\n", (const char *)arg,
	    evbuffer_get_length(buf), tc_yesno(evrpc_hook_get_connection(ctx) != NULL));
	evrpc_hook_add_meta(ctx, "stamp", stamp, sizeof stamp);
	evhttp_add_header(evhttp_request_get_output_headers(req), "X-Client-Hook", "out");
	if (scramble)
		xor_buffer(buf);
	return act_on(act_pool_out, pool, ctx, "pool out hook");
}

static int pool_in(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	void *data = NULL;
	size_t size = 0;
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Server-Hook");
	int found = evrpc_hook_find_meta(ctx, "stamp", &data, &size);
	int missing = evrpc_hook_find_meta(ctx, "nothing", &data, &size);
	(void)arg;
	evrpc_hook_find_meta(ctx, "stamp", &data, &size);
	printf("pool in hook: http %d, %zu bytes, X-Server-Hook %s, meta stamp %d [%s] size %zu, other %d\n",
	    evhttp_request_get_response_code(req), evbuffer_get_length(buf), h ? h : "(none)", found,
	    found == 0 ? (const char *)data : "", size, missing);
	if (scramble && evhttp_request_get_response_code(req) == 200)
		xor_buffer(buf);
	return act_on(act_pool_in, pool, ctx, "pool in hook");
}

static int base_in(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Client-Hook");
	void *data = NULL;
	size_t size = 0;
	int none = evrpc_hook_find_meta(ctx, "stamp", &data, &size);
	(void)arg;
	printf("base in hook: %zu bytes, X-Client-Hook %s, uri %s, connection %s, client meta %d\n",
	    evbuffer_get_length(buf), h ? h : "(none)", evhttp_request_get_uri(req),
	    tc_yesno(evrpc_hook_get_connection(ctx) != NULL), none);
	evrpc_hook_add_meta(ctx, "server", "S", 2);
	if (scramble)
		xor_buffer(buf);
	return act_on(act_base_in, rpcbase, ctx, "base in hook");
}

static int base_out(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	void *data = NULL;
	size_t size = 0;
	int found = evrpc_hook_find_meta(ctx, "server", &data, &size);
	(void)arg;
	printf("base out hook: %zu bytes, meta server %d [%s]\n", evbuffer_get_length(buf), found,
	    found == 0 ? (const char *)data : "");
	evhttp_add_header(evhttp_request_get_output_headers(req), "X-Server-Hook", "out");
	if (scramble)
		xor_buffer(buf);
	return act_on(act_base_out, rpcbase, ctx, "base out hook");
}

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	printf("server: Greet %s\n", rpc->request->name_data);
	EVTAG_ASSIGN(rpc->reply, text, rpc->request->name_data);
	EVTAG_ASSIGN(rpc->reply, sum, 7);
	EVRPC_REQUEST_DONE(rpc);
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	(void)arg;
	printf("client: done: status %s, reply %s, http %d\n", tc_rpc_status_name(status->error),
	    rpl->text_set ? rpl->text_data : "(unset)",
	    status->http_req ? evhttp_request_get_response_code(status->http_req) : 0);
	greet_req_free(req);
	greet_rpl_free(rpl);
	next();
}

static void send_one(const char *name)
{
	struct greet_req *r = greet_req_new();
	printf("-- %s\n", name);
	EVTAG_ASSIGN(r, name, name);
	EVTAG_ASSIGN(r, count, 1);
	EVRPC_MAKE_REQUEST(Greet, pool, r, greet_rpl_new(), done_cb, NULL);
}

static void next(void)
{
	act_pool_out = act_pool_in = act_base_in = act_base_out = PASS;
	switch (step++) {
	case 0: send_one("all hooks pass"); break;
	case 1: act_pool_out = PAUSE_CONTINUE; send_one("pool out pauses, continues"); break;
	case 2: act_base_in = PAUSE_CONTINUE; send_one("base in pauses, continues"); break;
	case 3: act_base_out = PAUSE_CONTINUE; send_one("base out pauses, continues"); break;
	case 4: act_pool_in = PAUSE_CONTINUE; send_one("pool in pauses, continues"); break;
	case 5: act_pool_out = PAUSE_TERMINATE; send_one("pool out pauses, terminates"); break;
	case 6: act_base_in = PAUSE_TERMINATE; send_one("base in pauses, terminates"); break;
	case 7: act_base_out = PAUSE_TERMINATE; send_one("base out pauses, terminates"); break;
	case 8: act_pool_in = PAUSE_TERMINATE; send_one("pool in pauses, terminates"); break;
	case 9: act_pool_out = TERMINATE; send_one("pool out terminates"); break;
	case 10: act_base_in = TERMINATE; send_one("base in terminates"); break;
	case 11: act_base_out = TERMINATE; send_one("base out terminates"); break;
	case 12: act_pool_in = TERMINATE; send_one("pool in terminates"); break;
	case 13: {
		int dummy;
		printf("resume of an unknown call: pool %d, base %d\n",
		    evrpc_resume_request(pool, &dummy, EVRPC_CONTINUE),
		    evrpc_resume_request(rpcbase, &dummy, EVRPC_CONTINUE));
		event_base_loopexit(base, NULL);
		break;
	}
	}
}

int main(void)
{
	struct evhttp *http;
	struct sockaddr_in sin;
	struct event *guard;
	struct timeval ten = { 10, 0 };
	void *h_po, *h_pi, *h_bi, *h_bo, *extra;

	tc_alarm("rpc_hooks", 20);
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	rpcbase = evrpc_init(http);
	EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, NULL);
	pool = evrpc_pool_new(NULL);
	evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", ntohs(sin.sin_port)));

	h_po = evrpc_add_hook(pool, EVRPC_OUTPUT, pool_out, (void *)"arg");
	h_pi = evrpc_add_hook(pool, EVRPC_INPUT, pool_in, NULL);
	h_bi = evrpc_add_hook(rpcbase, EVRPC_INPUT, base_in, NULL);
	h_bo = evrpc_add_hook(rpcbase, OUTPUT, base_out, NULL);
	printf("hooks added: %s\n", tc_yesno(h_po && h_pi && h_bi && h_bo));

	/* a second hook, removed again; wrong type or owner: not found */
	extra = evrpc_add_hook(pool, INPUT, pool_in, NULL);
	printf("remove with the other type: %d\n", evrpc_remove_hook(pool, EVRPC_OUTPUT, extra));
	printf("remove from the base: %d\n", evrpc_remove_hook(rpcbase, EVRPC_INPUT, extra));
	printf("remove: %d\n", evrpc_remove_hook(pool, EVRPC_INPUT, extra));
	printf("remove again: %d\n", evrpc_remove_hook(pool, EVRPC_INPUT, extra));

	guard = evtimer_new(base, tc_rpc_guard_cb, base);
	evtimer_add(guard, &ten);
	next();
	event_base_dispatch(base);

	/* without the hooks that scramble, the server's bytes arrive as they are */
	printf("remove the four hooks: %d %d %d %d\n", evrpc_remove_hook(pool, EVRPC_OUTPUT, h_po),
	    evrpc_remove_hook(pool, EVRPC_INPUT, h_pi), evrpc_remove_hook(rpcbase, EVRPC_INPUT, h_bi),
	    evrpc_remove_hook(rpcbase, EVRPC_OUTPUT, h_bo));
	step = 0;
	scramble = 0;
	evrpc_add_hook(pool, EVRPC_OUTPUT, pool_out, (void *)"again");
	act_pool_out = PASS;
	send_one("one hook, not scrambling");
	step = 13;
	event_base_dispatch(base);

	/* hooks are freed with their base and pool */
	evrpc_pool_free(pool);
	evrpc_free(rpcbase);
	event_free(guard);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
