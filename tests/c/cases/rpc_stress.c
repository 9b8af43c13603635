/* rpc_stress: 400 evrpc calls over a pool of four connections on
 * 127.0.0.1 port 0, queued at once: half answered at once, half held by
 * the server for a few milliseconds; hooks on all four sides pause a
 * fixed pseudo-random share of the calls and resume them from timers.
 * Every call must come back once, with its own reply; prints counts only
 * (the interleaving varies). */
/* timeout: 40 */
#define RPCMSG_RPCS
#include "rpcmsg.h"

#include <event2/http.h>
#include <event2/rpc_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "testcase.h"
#include "rpctest.h"

#define CALLS 400

static struct event_base *base;
static struct evrpc_pool *pool;
static struct evrpc_base *rpcbase;
static int replies[CALLS], statuses[5], wrong, outstanding, paused[4], max_held, held_now;

static uint64_t rng = 0x853c49e6748fea9bull;
static unsigned rnd(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33);
}

struct later { void *vbase; void *ctx; EVRPC_STRUCT(Slow) *rpc; };

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct later *l = arg;
	(void)fd; (void)what;
	if (evrpc_resume_request(l->vbase, l->ctx, EVRPC_CONTINUE) != 0)
		wrong++;
	free(l);
}

static void later(void *vbase, void *ctx)
{
	struct later *l = malloc(sizeof *l);
	struct timeval tv = { 0, (long)(rnd() % 5000) };
	l->vbase = vbase;
	l->ctx = ctx;
	event_base_once(base, -1, EV_TIMEOUT, on_resume, l, &tv);
}

static int hook(void *ctx, struct evhttp_request *req, struct evbuffer *buf, void *arg)
{
	int side = (int)(intptr_t)arg;
	(void)req; (void)buf;
	if (rnd() % 4 == 0) {
		paused[side]++;
		later(side < 2 ? (void *)pool : (void *)rpcbase, ctx);
		return EVRPC_PAUSE;
	}
	return EVRPC_CONTINUE;
}

static void answer(struct greet_req *req, struct greet_rpl *rpl)
{
	char text[32];
	snprintf(text, sizeof text, "re %s", req->name_data);
	EVTAG_ASSIGN(rpl, text, text);
	EVTAG_ASSIGN(rpl, sum, req->count_data * 3);
}

static void greet_cb(EVRPC_STRUCT(Greet) *rpc, void *arg)
{
	(void)arg;
	answer(rpc->request, rpc->reply);
	EVRPC_REQUEST_DONE(rpc);
}

static void on_slow(evutil_socket_t fd, short what, void *arg)
{
	EVRPC_STRUCT(Slow) *rpc = arg;
	(void)fd; (void)what;
	held_now--;
	answer(rpc->request, rpc->reply);
	EVRPC_REQUEST_DONE(rpc);
}

static void slow_cb(EVRPC_STRUCT(Slow) *rpc, void *arg)
{
	struct timeval tv = { 0, 1000 + (long)(rnd() % 4000) };
	(void)arg;
	if (++held_now > max_held)
		max_held = held_now;
	event_base_once(base, -1, EV_TIMEOUT, on_slow, rpc, &tv);
}

static void done_cb(struct evrpc_status *status, struct greet_req *req, struct greet_rpl *rpl, void *arg)
{
	int i = (int)(intptr_t)arg;
	char want[32];
	snprintf(want, sizeof want, "re %s", req->name_data);
	statuses[status->error]++;
	replies[i]++;
	if (status->error == EVRPC_STATUS_ERR_NONE &&
	    (strcmp(rpl->text_data, want) != 0 || rpl->sum_data != req->count_data * 3))
		wrong++;
	greet_req_free(req);
	greet_rpl_free(rpl);
	if (--outstanding == 0)
		event_base_loopexit(base, NULL);
}

int main(void)
{
	struct evhttp *http;
	struct sockaddr_in sin;
	int i, once = 1, total_paused = 0;
	struct timeval limit = { 30, 0 };

	tc_alarm("rpc_stress", 38);
	base = event_base_new();
	if ((http = tc_rpc_http(base, &sin)) == NULL)
		return 1;
	rpcbase = evrpc_init(http);
	EVRPC_REGISTER(rpcbase, Greet, greet_req, greet_rpl, greet_cb, NULL);
	EVRPC_REGISTER(rpcbase, Slow, greet_req, greet_rpl, slow_cb, NULL);
	pool = evrpc_pool_new(NULL);
	for (i = 0; i < 4; i++)
		evrpc_pool_add_connection(pool, evhttp_connection_base_new(base, NULL, "127.0.0.1",
		    ntohs(sin.sin_port)));
	evrpc_add_hook(pool, EVRPC_OUTPUT, hook, (void *)0);
	evrpc_add_hook(pool, EVRPC_INPUT, hook, (void *)1);
	evrpc_add_hook(rpcbase, EVRPC_INPUT, hook, (void *)2);
	evrpc_add_hook(rpcbase, EVRPC_OUTPUT, hook, (void *)3);

	for (i = 0; i < CALLS; i++) {
		struct greet_req *r = greet_req_new();
		char name[16];
		snprintf(name, sizeof name, "c%d", i);
		EVTAG_ASSIGN(r, name, name);
		EVTAG_ASSIGN(r, count, (ev_uint32_t)i);
		outstanding++;
		if (i % 2)
			EVRPC_MAKE_REQUEST(Slow, pool, r, greet_rpl_new(), done_cb, (void *)(intptr_t)i);
		else
			EVRPC_MAKE_REQUEST(Greet, pool, r, greet_rpl_new(), done_cb, (void *)(intptr_t)i);
	}
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);

	for (i = 0; i < CALLS; i++)
		if (replies[i] != 1)
			once = 0;
	for (i = 0; i < 4; i++)
		total_paused += paused[i];
	printf("calls %d, outstanding %d, each answered once %s, wrong replies %d\n", CALLS, outstanding,
	    tc_yesno(once), wrong);
	printf("statuses: NONE %d TIMEOUT %d BADPAYLOAD %d UNSTARTED %d HOOKABORTED %d\n", statuses[0],
	    statuses[1], statuses[2], statuses[3], statuses[4]);
	printf("hooks paused some calls on every side: %s (more than 40 in all: %s)\n",
	    tc_yesno(paused[0] && paused[1] && paused[2] && paused[3]), tc_yesno(total_paused > 40));
	printf("server held Slow calls at once: more than one %s, at most four %s\n", tc_yesno(max_held > 1),
	    tc_yesno(max_held <= 4));
	evrpc_pool_free(pool);
	evrpc_free(rpcbase);
	evhttp_free(http);
	event_base_free(base);
	printf("done\n");
	return 0;
}
