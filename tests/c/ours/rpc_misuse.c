/*
 * rpc_misuse.c - goevent only: evrpc misuse that libevent answers with an
 * assertion or a crash gets a logged warning and a failure value, or goes
 * on where going on is safe: NULL and freed handles, a call on a pool
 * without connections (it waits for one), a pool's base given to a
 * connection that has one (it keeps its own), evrpc_pool_free with calls
 * sent and paused (no callbacks, nothing left running), a call answered
 * twice, hook functions given something that is not a call.
 */
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
static int done_calls, last_status = -1;
static EVRPC_STRUCT(Slow) *held;

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	EVTAG_ASSIGN(rpc->reply, text, "hi");
	EVTAG_ASSIGN(rpc->reply, sum, 1);
	EVRPC_REQUEST_DONE(rpc);
	tc_log_reset();
	EVRPC_REQUEST_DONE(rpc);
	TC_CHECK("a call answered twice: refused with a warning", tc_log_.by_severity[EVENT_LOG_WARN] == 1);
}

static void slow_cb(EVRPC_STRUCT(Slow) *rpc, void *arg)
{
	(void)arg;
	held = rpc;
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	(void)arg;
	done_calls++;
	last_status = status->error;
	greet_req_free(req);
	greet_rpl_free(rpl);
	event_base_loopexit(base, NULL);
}

static struct greet_req *req(void)
{
	struct greet_req *r = greet_req_new();
	EVTAG_ASSIGN(r, name, "x");
	EVTAG_ASSIGN(r, count, 0);
	return r;
}

static int pause_hook(void *ctx, struct evhttp_request *r, struct evbuffer *b, void *arg)
{
	(void)ctx; (void)r; (void)b; (void)arg;
	return EVRPC_PAUSE;
}

static void run_for(int ms)
{
	struct timeval tv = { 0, ms * 1000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int main(void)
{
	struct evhttp *http;
	struct evrpc_base *rb;
	struct evrpc_pool *pool;
	struct sockaddr_in sin;
	ev_uint16_t port;
	int dummy[16] = { 0 };
	void *data;
	size_t size;

	tc_alarm("rpc_misuse", 20);
	tc_log_capture();
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	port = ntohs(sin.sin_port);

	TC_EXPECT_WARN("evrpc_init(NULL)", evrpc_init(NULL) != NULL, 0);
	TC_EXPECT_LOGGED("evrpc_free(NULL)", evrpc_free(NULL));
	TC_EXPECT_WARN("evrpc_register_rpc(NULL)", evrpc_register_rpc(NULL, NULL, NULL, NULL), -1);
	TC_EXPECT_WARN("evrpc_unregister_rpc(NULL)", evrpc_unregister_rpc(NULL, "x"), -1);
	TC_EXPECT_LOGGED("evrpc_pool_free(NULL)", evrpc_pool_free(NULL));
	TC_EXPECT_LOGGED("evrpc_pool_add_connection(NULL)", evrpc_pool_add_connection(NULL, NULL));
	TC_EXPECT_LOGGED("evrpc_pool_set_timeout(NULL)", evrpc_pool_set_timeout(NULL, 1));
	TC_EXPECT_WARN("evrpc_add_hook(NULL)", evrpc_add_hook(NULL, EVRPC_INPUT, pause_hook, NULL) != NULL, 0);
	TC_EXPECT_WARN("evrpc_add_hook(not a base)", evrpc_add_hook(dummy, EVRPC_INPUT, pause_hook, NULL) != NULL, 0);
	TC_EXPECT_WARN("evrpc_remove_hook(NULL)", evrpc_remove_hook(NULL, EVRPC_INPUT, dummy), 0);
	TC_EXPECT_WARN("evrpc_resume_request(NULL)", evrpc_resume_request(NULL, dummy, EVRPC_CONTINUE), -1);
	TC_EXPECT_LOGGED("evrpc_hook_add_meta(not a call)", evrpc_hook_add_meta(dummy, "k", "v", 2));
	TC_EXPECT_WARN("evrpc_hook_find_meta(not a call)", evrpc_hook_find_meta(dummy, "k", &data, &size), -1);
	TC_EXPECT_WARN("evrpc_hook_get_connection(NULL)", evrpc_hook_get_connection(NULL) != NULL, 0);
	TC_EXPECT_WARN("evrpc_make_request(NULL)", evrpc_make_request(NULL), -1);
	TC_EXPECT_WARN("evrpc_request_get_pool(NULL)", evrpc_request_get_pool(NULL) != NULL, 0);
	TC_EXPECT_LOGGED("evrpc_request_done(NULL)", evrpc_request_done(NULL));
	TC_EXPECT_WARN("evrpc_get_request(NULL)", evrpc_get_request(NULL) != NULL, 0);
	TC_EXPECT_WARN("evrpc_make_request_ctx(NULL pool)", EVRPC_MAKE_CTX(Greet, greet_req, greet_rpl, NULL,
	    NULL, NULL, done_cb, NULL) != NULL, 0);
	TC_EXPECT_WARN("send_request_generic(NULL pool)", EVRPC_MAKE_REQUEST(Greet, (struct evrpc_pool *)NULL,
	    req(), greet_rpl_new(), done_cb, NULL), -1);
	TC_CHECK("  its callback ran with UNSTARTED", done_calls == 1 && last_status == EVRPC_STATUS_ERR_UNSTARTED);

	rb = evrpc_init(http);
	EVRPC_REGISTER(rb, Greet, greet_req, greet_rpl, greet_cb, NULL);
	EVRPC_REGISTER(rb, Slow, greet_req, greet_rpl, slow_cb, NULL);

	/* a call on a pool without connections waits for one */
	pool = evrpc_pool_new(NULL);
	tc_log_reset();
	done_calls = 0;
	TC_CHECK("a call on a pool without connections: accepted",
	    EVRPC_MAKE_REQUEST(Greet, pool, req(), greet_rpl_new(), done_cb, NULL) == 0);
	TC_CHECK("  with a warning", tc_log_.by_severity[EVENT_LOG_WARN] >= 1);
	run_for(100);
	TC_CHECK("  nothing happens without a connection", done_calls == 0);
	TC_EXPECT_LOGGED("a NULL connection is refused", evrpc_pool_add_connection(pool, NULL));
	evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	run_for(3000);
	TC_CHECK("  sent once a connection is added", done_calls == 1 && last_status == EVRPC_STATUS_ERR_NONE);
	evrpc_pool_free(pool);
	TC_EXPECT_LOGGED("a freed pool is refused", evrpc_pool_set_timeout(pool, 1));

	/* the pool's base, a connection with a base of its own */
	pool = evrpc_pool_new(base);
	tc_log_reset();
	evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	TC_CHECK("the same base: no warning", tc_log_.n == 0);
	done_calls = 0;
	EVRPC_MAKE_REQUEST(Greet, pool, req(), greet_rpl_new(), done_cb, NULL);
	run_for(3000);
	TC_CHECK("  a call goes through", done_calls == 1 && last_status == EVRPC_STATUS_ERR_NONE);
	evrpc_pool_free(pool);
	{
		struct event_base *other = event_base_new();
		pool = evrpc_pool_new(other);
		tc_log_reset();
		evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
		TC_CHECK("another base: a warning, the connection keeps its own", tc_log_.n >= 1);
		done_calls = 0;
		EVRPC_MAKE_REQUEST(Greet, pool, req(), greet_rpl_new(), done_cb, NULL);
		run_for(3000);
		TC_CHECK("  a call goes through on the connection's base", done_calls == 1 &&
		    last_status == EVRPC_STATUS_ERR_NONE);
		evrpc_pool_free(pool);
		event_base_free(other);
	}

	/* freeing a pool with a call sent (held by the server) and one paused */
	pool = evrpc_pool_new(NULL);
	evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1", port));
	evrpc_pool_set_timeout(pool, 1);
	done_calls = 0;
	held = NULL;
	EVRPC_MAKE_REQUEST(Slow, pool, req(), greet_rpl_new(), done_cb, NULL);
	run_for(300);
	TC_CHECK("a call held by the server", held != NULL && done_calls == 0);
	evrpc_add_hook(pool, EVRPC_OUTPUT, pause_hook, NULL);
	EVRPC_MAKE_REQUEST(Greet, pool, req(), greet_rpl_new(), done_cb, NULL);
	evrpc_pool_free(pool);
	TC_CHECK("evrpc_pool_free: no callbacks", done_calls == 0);
	if (held) {
		EVTAG_ASSIGN(held->reply, text, "late");
		EVTAG_ASSIGN(held->reply, sum, 1);
		EVRPC_REQUEST_DONE(held);
	}
	run_for(1500);
	TC_CHECK("  none later either (no timer left behind)", done_calls == 0);

	evrpc_free(rb);
	TC_EXPECT_LOGGED("a freed base is refused", evrpc_unregister_rpc(rb, "Greet"));
	evhttp_free(http);
	event_base_free(base);
	return tc_exit_status();
}
