/*
 * rpc.c - evrpc (event2/rpc.h): RPCs over evhttp, in C over the public
 * evhttp API. evrpc is glue between callbacks: the marshalling is the
 * program's generated code (evtag, capi/tag.c), the transport is evhttp;
 * what evrpc itself adds is bookkeeping (registered RPCs, hooks, paused
 * calls, a pool's connections and queued calls), none of it per byte.
 * Three things it needs of an evhttp connection that the public API does
 * not tell (whether requests are queued on it, whether a timeout was set on
 * it, and failing its request as timed out) come from the core in one call
 * (GEV_OPS_RPC, extra/evhttp/rpc.go).
 *
 * Behaviour follows libevent 2.1.12 where a program can see it: the order
 * hooks, callbacks and statuses come in, what a paused call holds, a
 * pool's queue and timer. Where libevent asserts or crashes (a call made
 * on a pool without connections, a pool's base given to a connection that
 * has one, NULL or freed handles) we log and carry on or fail.
 */
#include <string.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/rpc.h>
#include <event2/rpc_struct.h>

#include "http_capi.h"

/* magics: the first word of a base and a pool; the word after the six
 * public fields of a call (both sides: hooks receive either as ctx) */
#define RPC_BASE_LIVE 0x72706362u /* "rpcb" */
#define RPC_POOL_LIVE 0x72706370u /* "rpcp" */
#define RPC_SREQ_LIVE 0x72706373u /* "rpcs": a server's call */
#define RPC_CREQ_LIVE 0x72706363u /* "rpcc": a client's call */
#define RPC_DEAD      0xdead7270u

/* ---- lists: singly linked with a tail pointer, appended at the end ---- */

struct rpc_hook {
	struct rpc_hook *next;
	int (*process)(void *, struct evhttp_request *, struct evbuffer *, void *);
	void *arg;
};

struct rpc_pause {
	struct rpc_pause *next;
	void *ctx;
	void (*cb)(void *, enum EVRPC_HOOK_RESULT);
};

struct rpc_meta {
	struct rpc_meta *next;
	char *key;
	void *data;
	size_t size;
};

/* Hook meta data of one call, and the connection it runs over. */
struct evrpc_hook_meta {
	struct rpc_meta *first, **last;
	struct evhttp_connection *evcon;
};

/* What an evrpc_base and an evrpc_pool have in common (evrpc_add_hook and
 * friends take either). */
struct rpc_hooks {
	uint32_t magic;
	uint32_t pad;
	struct rpc_hook *in, **in_last;
	struct rpc_hook *out, **out_last;
	struct rpc_pause *paused, **paused_last;
};

struct evrpc_base {
	struct rpc_hooks common;
	struct evhttp *http_server;
	/* registered RPCs, linked through struct evrpc's own next field */
	struct evrpc *rpcs, **rpcs_last;
};

struct rpc_conn {
	struct rpc_conn *next;
	struct evhttp_connection *evcon;
};

struct evrpc_pool {
	struct rpc_hooks common;
	struct event_base *base;
	int timeout;
	struct rpc_conn *conns, **conns_last;
	struct evrpc_request_wrapper *queue, **queue_last;
	struct evrpc_request_wrapper *inflight;
};

/* A server's call: the six fields of EVRPC_STRUCT(name), which the
 * program reads, then ours. */
struct evrpc_req_generic {
	struct evrpc_hook_meta *hook_meta;
	void *request;
	void *reply;
	struct evrpc *rpc;
	struct evhttp_request *http_req;
	struct evbuffer *rpc_data;
	uint32_t magic;
};

/* A client's call; hook_meta first and the magic at the same offset as a
 * server call's, so that a hook's ctx is told apart. */
struct evrpc_request_wrapper {
	struct evrpc_hook_meta *hook_meta;
	void *request;
	void *reply;
	struct evrpc_pool *pool;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	uint32_t magic;
	uint8_t timer_set;                   /* ev_timeout is on a base */
	uint8_t req_ours;                    /* req is not evhttp's to free */
	uint8_t pad[2];
	struct evrpc_request_wrapper *next;  /* in its pool's queue */
	/* sent or being sent (evrpc_pool_free frees what is left) */
	struct evrpc_request_wrapper *fnext, **fprev;
	char *name;
	void (*cb)(struct evrpc_status *, void *, void *, void *);
	void *cb_arg;
	void (*request_marshal)(struct evbuffer *, void *);
	void (*reply_clear)(void *);
	int (*reply_unmarshal)(void *, struct evbuffer *);
	struct event ev_timeout;
};

/* The view of either kind of call a hook's ctx is. */
struct rpc_ctx {
	struct evrpc_hook_meta *hook_meta;
	void *fields[5];
	uint32_t magic;
};

_Static_assert(offsetof(struct evrpc_req_generic, magic) == offsetof(struct rpc_ctx, magic), "ctx magic");
_Static_assert(offsetof(struct evrpc_request_wrapper, magic) == offsetof(struct rpc_ctx, magic), "ctx magic");

/* ---- checks ---- */

static struct rpc_hooks *hooks_of(void *vbase, const char *fn)
{
	struct rpc_hooks *h = vbase;
	if (!h) {
		gev_warnx("%s: NULL evrpc_base or evrpc_pool", fn);
		return NULL;
	}
	if (h->magic != RPC_BASE_LIVE && h->magic != RPC_POOL_LIVE) {
		gev_warnx("%s: %p is not a live evrpc_base or evrpc_pool", fn, vbase);
		return NULL;
	}
	return h;
}

static int base_ok(struct evrpc_base *base, const char *fn)
{
	if (!base || base->common.magic != RPC_BASE_LIVE) {
		gev_warnx("%s: %p is not a live evrpc_base", fn, (void *)base);
		return 0;
	}
	return 1;
}

static int pool_ok(struct evrpc_pool *pool, const char *fn)
{
	if (!pool || pool->common.magic != RPC_POOL_LIVE) {
		gev_warnx("%s: %p is not a live evrpc_pool", fn, (void *)pool);
		return 0;
	}
	return 1;
}

static int ctx_ok(void *ctx, const char *fn)
{
	struct rpc_ctx *c = ctx;
	if (!c || (c->magic != RPC_SREQ_LIVE && c->magic != RPC_CREQ_LIVE)) {
		gev_warnx("%s: %p is not an RPC call in progress", fn, ctx);
		return 0;
	}
	return 1;
}

static int sreq_ok(struct evrpc_req_generic *st, const char *fn)
{
	if (!st || st->magic != RPC_SREQ_LIVE) {
		gev_warnx("%s: %p is not an RPC call being served", fn, (void *)st);
		return 0;
	}
	return 1;
}

static int wrapper_ok(struct evrpc_request_wrapper *ctx, const char *fn)
{
	if (!ctx || ctx->magic != RPC_CREQ_LIVE) {
		gev_warnx("%s: %p is not an RPC request", fn, (void *)ctx);
		return 0;
	}
	return 1;
}

/* What evrpc asks the core about a connection (GEV_RPC_CONN_*): -1 if it
 * is not a live connection. */
static int conn_query(struct evhttp_connection *evcon, int what, const char *fn)
{
	struct gev_http_conn *c = (struct gev_http_conn *)evcon;
	struct gev_thread *th;
	int r;
	if (!c || c->h.magic != GEV_HTTP_CONN_LIVE) {
		gev_warnx("%s: %p is not a live evhttp_connection", fn, (void *)evcon);
		return -1;
	}
	if (gev_http_ready(fn) < 0)
		return -1;
	th = c->bev ? gev_bev_lock(c->bev) : NULL;
	r = gev_ops.rpc_conn(evcon, what);
	gev_base_unlock(th);
	return r;
}

/* "/.rpc." name, allocated */
static char *rpc_uri(const char *name)
{
	size_t n = strlen(name);
	char *s = gev_malloc(n + 7);
	if (s) {
		memcpy(s, "/.rpc.", 6);
		memcpy(s + 6, name, n + 1);
	}
	return s;
}

/* ---- hooks ---- */

static void hooks_init(struct rpc_hooks *h, uint32_t magic)
{
	h->magic = magic;
	h->in_last = &h->in;
	h->out_last = &h->out;
	h->paused_last = &h->paused;
}

void *evrpc_add_hook(void *vbase, enum EVRPC_HOOK_TYPE hook_type,
    int (*cb)(void *, struct evhttp_request *, struct evbuffer *, void *), void *cb_arg)
{
	struct rpc_hooks *h = hooks_of(vbase, "evrpc_add_hook");
	struct rpc_hook *hook;
	struct rpc_hook ***last;
	if (!h)
		return NULL;
	if (hook_type == EVRPC_INPUT)
		last = &h->in_last;
	else if (hook_type == EVRPC_OUTPUT)
		last = &h->out_last;
	else {
		gev_warnx("evrpc_add_hook: %d is neither EVRPC_INPUT nor EVRPC_OUTPUT", (int)hook_type);
		return NULL;
	}
	if (!cb) {
		gev_warnx("evrpc_add_hook: NULL callback");
		return NULL;
	}
	if ((hook = gev_calloc(1, sizeof *hook)) == NULL) {
		gev_warnx("evrpc_add_hook: out of memory");
		return NULL;
	}
	hook->process = cb;
	hook->arg = cb_arg;
	**last = hook;
	*last = &hook->next;
	return hook;
}

/* Unlinks handle from the list at *head (tail *last): 1, or 0. */
static int hook_unlink(struct rpc_hook **head, struct rpc_hook ***last, void *handle)
{
	struct rpc_hook **pp;
	for (pp = head; *pp; pp = &(*pp)->next) {
		if (*pp == handle) {
			struct rpc_hook *h = *pp;
			*pp = h->next;
			if (*last == &h->next)
				*last = pp;
			gev_free(h);
			return 1;
		}
	}
	return 0;
}

int evrpc_remove_hook(void *vbase, enum EVRPC_HOOK_TYPE hook_type, void *handle)
{
	struct rpc_hooks *h = hooks_of(vbase, "evrpc_remove_hook");
	if (!h)
		return 0;
	if (hook_type == EVRPC_INPUT)
		return hook_unlink(&h->in, &h->in_last, handle);
	if (hook_type == EVRPC_OUTPUT)
		return hook_unlink(&h->out, &h->out_last, handle);
	gev_warnx("evrpc_remove_hook: %d is neither EVRPC_INPUT nor EVRPC_OUTPUT", (int)hook_type);
	return 0;
}

static void hooks_clear(struct rpc_hooks *h)
{
	while (h->in)
		hook_unlink(&h->in, &h->in_last, h->in);
	while (h->out)
		hook_unlink(&h->out, &h->out_last, h->out);
	while (h->paused) {
		struct rpc_pause *p = h->paused;
		h->paused = p->next;
		gev_free(p);
	}
	h->paused_last = &h->paused;
}

/* Runs the hooks of a list: the first result other than CONTINUE, or
 * CONTINUE. */
static int run_hooks(struct rpc_hook *hook, void *ctx, struct evhttp_request *req, struct evbuffer *buf)
{
	for (; hook; hook = hook->next) {
		int r = hook->process(ctx, req, buf, hook->arg);
		if (r != EVRPC_CONTINUE)
			return r;
	}
	return EVRPC_CONTINUE;
}

/* A hook paused ctx: cb goes on with it when evrpc_resume_request is
 * called. 0, or -1. */
static int pause_call(struct rpc_hooks *h, void *ctx, void (*cb)(void *, enum EVRPC_HOOK_RESULT))
{
	struct rpc_pause *p = gev_malloc(sizeof *p);
	if (!p)
		return -1;
	p->next = NULL;
	p->ctx = ctx;
	p->cb = cb;
	*h->paused_last = p;
	h->paused_last = &p->next;
	return 0;
}

int evrpc_resume_request(void *vbase, void *ctx, enum EVRPC_HOOK_RESULT res)
{
	struct rpc_hooks *h = hooks_of(vbase, "evrpc_resume_request");
	struct rpc_pause *p, **pp;
	if (!h)
		return -1;
	for (p = h->paused; p; p = p->next)
		if (p->ctx == ctx)
			break;
	if (!p)
		return -1;
	/* the call goes on first (it may pause again: a new entry), then
	 * this entry goes, as in libevent */
	p->cb(p->ctx, res);
	for (pp = &h->paused; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			if (h->paused_last == &p->next)
				h->paused_last = pp;
			break;
		}
	}
	gev_free(p);
	return 0;
}

/* ---- hook meta data ---- */

static struct evrpc_hook_meta *meta_new(void)
{
	struct evrpc_hook_meta *m = gev_calloc(1, sizeof *m);
	if (m)
		m->last = &m->first;
	return m;
}

/* The call gets meta data (if it has none) and its connection. */
static void meta_associate(struct evrpc_hook_meta **pmeta, struct evhttp_connection *evcon)
{
	if (!*pmeta)
		*pmeta = meta_new();
	if (*pmeta)
		(*pmeta)->evcon = evcon;
}

/* A call (ctx: either kind) meets its hooks of one direction (hooks:
 * h->in or h->out, over buf): then(ctx, EVRPC_CONTINUE) at once if there
 * are none or all of them go on; then(ctx, EVRPC_TERMINATE) if one ends the
 * call (or a pause cannot be noted); if one pauses it, then runs when
 * evrpc_resume_request is called. The call's meta data gets evcon first. */
static void hooks_then(struct rpc_hooks *h, struct rpc_hook *hooks, void *ctx,
    struct evhttp_connection *evcon, struct evhttp_request *req, struct evbuffer *buf,
    void (*then)(void *, enum EVRPC_HOOK_RESULT))
{
	if (hooks) {
		int res;
		meta_associate(&((struct rpc_ctx *)ctx)->hook_meta, evcon);
		res = run_hooks(hooks, ctx, req, buf);
		if (res == EVRPC_TERMINATE) {
			then(ctx, EVRPC_TERMINATE);
			return;
		}
		if (res == EVRPC_PAUSE) {
			if (pause_call(h, ctx, then) < 0)
				then(ctx, EVRPC_TERMINATE);
			return;
		}
	}
	then(ctx, EVRPC_CONTINUE);
}

static void meta_free(struct evrpc_hook_meta *m)
{
	struct rpc_meta *e;
	if (!m)
		return;
	while ((e = m->first) != NULL) {
		m->first = e->next;
		gev_free(e->key);
		gev_free(e->data);
		gev_free(e);
	}
	gev_free(m);
}

void evrpc_hook_add_meta(void *ctx, const char *key, const void *data, size_t data_size)
{
	struct rpc_ctx *c = ctx;
	struct rpc_meta *e;
	if (!ctx_ok(ctx, "evrpc_hook_add_meta"))
		return;
	if (!key || (!data && data_size)) {
		gev_warnx("evrpc_hook_add_meta: NULL %s", key ? "data" : "key");
		return;
	}
	if (!c->hook_meta && (c->hook_meta = meta_new()) == NULL)
		goto oom;
	if ((e = gev_calloc(1, sizeof *e)) == NULL)
		goto oom;
	e->key = event_mm_strdup_(key);
	e->data = gev_malloc(data_size ? data_size : 1);
	if (!e->key || !e->data) {
		gev_free(e->key);
		gev_free(e->data);
		gev_free(e);
		goto oom;
	}
	if (data_size)
		memcpy(e->data, data, data_size);
	e->size = data_size;
	*c->hook_meta->last = e;
	c->hook_meta->last = &e->next;
	return;
oom:
	gev_warnx("evrpc_hook_add_meta: out of memory");
}

int evrpc_hook_find_meta(void *ctx, const char *key, void **data, size_t *data_size)
{
	struct rpc_ctx *c = ctx;
	struct rpc_meta *e;
	if (!ctx_ok(ctx, "evrpc_hook_find_meta"))
		return -1;
	if (!key || !data || !data_size) {
		gev_warnx("evrpc_hook_find_meta: NULL argument");
		return -1;
	}
	if (!c->hook_meta)
		return -1;
	for (e = c->hook_meta->first; e; e = e->next) {
		if (strcmp(e->key, key) == 0) {
			*data = e->data;
			*data_size = e->size;
			return 0;
		}
	}
	return -1;
}

struct evhttp_connection *evrpc_hook_get_connection(void *ctx)
{
	struct rpc_ctx *c = ctx;
	if (!ctx_ok(ctx, "evrpc_hook_get_connection"))
		return NULL;
	return c->hook_meta ? c->hook_meta->evcon : NULL;
}

/* ---- server ---- */

struct evrpc_base *evrpc_init(struct evhttp *http_server)
{
	struct evrpc_base *base;
	if (!http_server) {
		gev_warnx("evrpc_init: NULL evhttp");
		return NULL;
	}
	if ((base = gev_calloc(1, sizeof *base)) == NULL)
		return NULL;
	hooks_init(&base->common, RPC_BASE_LIVE);
	base->http_server = http_server;
	base->rpcs_last = &base->rpcs;
	return base;
}

void evrpc_free(struct evrpc_base *base)
{
	if (!base_ok(base, "evrpc_free"))
		return;
	while (base->rpcs) {
		if (evrpc_unregister_rpc(base, base->rpcs->uri) != 0)
			break; /* not reached: the name is the first's */
	}
	hooks_clear(&base->common);
	base->common.magic = RPC_DEAD;
	gev_free(base);
}

static void reqstate_free(struct evrpc_req_generic *st)
{
	struct evrpc *rpc = st->rpc;
	meta_free(st->hook_meta);
	if (st->request)
		rpc->request_free(st->request);
	if (st->reply)
		rpc->reply_free(st->reply);
	if (st->rpc_data)
		evbuffer_free(st->rpc_data);
	st->magic = RPC_DEAD;
	gev_free(st);
}

/* The call failed on the server: 503, as libevent answers. */
static void reqstate_fail(struct evrpc_req_generic *st, struct evhttp_request *req)
{
	if (st)
		reqstate_free(st);
	evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
}

static void request_cb_closure(void *arg, enum EVRPC_HOOK_RESULT res)
{
	struct evrpc_req_generic *st = arg;
	struct evrpc *rpc = st->rpc;
	struct evhttp_request *req = st->http_req;

	if (res == EVRPC_TERMINATE)
		goto error;
	if ((st->request = rpc->request_new(rpc->request_new_arg)) == NULL)
		goto error;
	if (rpc->request_unmarshal(st->request, evhttp_request_get_input_buffer(req)) == -1)
		goto error;
	if ((st->reply = rpc->reply_new(rpc->reply_new_arg)) == NULL)
		goto error;
	rpc->cb(st, rpc->cb_arg);
	return;
error:
	reqstate_fail(st, req);
}

/* An HTTP request for a registered RPC. */
static void request_cb(struct evhttp_request *req, void *arg)
{
	struct evrpc *rpc = arg;
	struct evrpc_base *base = rpc->base;
	struct evrpc_req_generic *st;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST ||
	    evbuffer_get_length(evhttp_request_get_input_buffer(req)) == 0) {
		reqstate_fail(NULL, req);
		return;
	}
	if ((st = gev_calloc(1, sizeof *st)) == NULL) {
		reqstate_fail(NULL, req);
		return;
	}
	st->magic = RPC_SREQ_LIVE;
	st->rpc = rpc;
	st->http_req = req;
	/* request_cb_closure fails the call on EVRPC_TERMINATE */
	hooks_then(&base->common, base->common.in, st, evhttp_request_get_connection(req), req,
	    evhttp_request_get_input_buffer(req), request_cb_closure);
}

static void request_done_closure(void *arg, enum EVRPC_HOOK_RESULT res)
{
	struct evrpc_req_generic *st = arg;
	struct evhttp_request *req = st->http_req;
	struct evkeyvalq *out;

	if (res == EVRPC_TERMINATE) {
		reqstate_fail(st, req);
		return;
	}
	out = evhttp_request_get_output_headers(req);
	if (evhttp_find_header(out, "Content-Type") == NULL)
		evhttp_add_header(out, "Content-Type", "application/octet-stream");
	evhttp_send_reply(req, HTTP_OK, "OK", st->rpc_data);
	reqstate_free(st);
}

void evrpc_request_done(struct evrpc_req_generic *st)
{
	struct evhttp_request *req;
	struct evrpc *rpc;
	struct evrpc_base *base;

	if (!sreq_ok(st, "evrpc_request_done"))
		return;
	req = st->http_req;
	rpc = st->rpc;
	base = rpc->base;
	if (rpc->reply_complete(st->reply) == -1)
		goto error;
	if ((st->rpc_data = evbuffer_new()) == NULL)
		goto error;
	rpc->reply_marshal(st->rpc_data, st->reply);
	/* request_done_closure fails the call on EVRPC_TERMINATE */
	hooks_then(&base->common, base->common.out, st, evhttp_request_get_connection(req), req,
	    st->rpc_data, request_done_closure);
	return;
error:
	reqstate_fail(st, req);
}

void *evrpc_get_request(struct evrpc_req_generic *req)
{
	return sreq_ok(req, "evrpc_get_request") ? req->request : NULL;
}

void *evrpc_get_reply(struct evrpc_req_generic *req)
{
	return sreq_ok(req, "evrpc_get_reply") ? req->reply : NULL;
}

int evrpc_register_rpc(struct evrpc_base *base, struct evrpc *rpc,
    void (*cb)(struct evrpc_req_generic *, void *), void *cb_arg)
{
	char *uri;
	if (!base_ok(base, "evrpc_register_rpc"))
		return -1;
	if (!rpc || !rpc->uri) {
		gev_warnx("evrpc_register_rpc: NULL %s", rpc ? "name" : "evrpc");
		return -1;
	}
	if ((uri = rpc_uri(rpc->uri)) == NULL)
		return -1;
	rpc->base = base;
	rpc->cb = cb;
	rpc->cb_arg = cb_arg;
	rpc->next.tqe_next = NULL;
	rpc->next.tqe_prev = base->rpcs_last;
	*base->rpcs_last = rpc;
	base->rpcs_last = &rpc->next.tqe_next;
	/* a path already taken stays with its first callback, as in libevent */
	evhttp_set_cb(base->http_server, uri, request_cb, rpc);
	gev_free(uri);
	return 0;
}

int evrpc_unregister_rpc(struct evrpc_base *base, const char *name)
{
	struct evrpc *rpc;
	char *uri;
	if (!base_ok(base, "evrpc_unregister_rpc"))
		return -1;
	if (!name) {
		gev_warnx("evrpc_unregister_rpc: NULL name");
		return -1;
	}
	for (rpc = base->rpcs; rpc; rpc = rpc->next.tqe_next)
		if (strcmp(rpc->uri, name) == 0)
			break;
	if (!rpc)
		return -1;
	*rpc->next.tqe_prev = rpc->next.tqe_next;
	if (rpc->next.tqe_next)
		rpc->next.tqe_next->next.tqe_prev = rpc->next.tqe_prev;
	else
		base->rpcs_last = rpc->next.tqe_prev;
	if ((uri = rpc_uri(name)) != NULL) {
		evhttp_del_cb(base->http_server, uri);
		gev_free(uri);
	}
	/* made by evrpc_register_generic, or by the program with malloc */
	gev_free((char *)rpc->uri);
	gev_free(rpc);
	return 0;
}

int evrpc_register_generic(struct evrpc_base *base, const char *name,
    void (*callback)(struct evrpc_req_generic *, void *), void *cbarg,
    void *(*req_new)(void *), void *req_new_arg, void (*req_free)(void *),
    int (*req_unmarshal)(void *, struct evbuffer *),
    void *(*rpl_new)(void *), void *rpl_new_arg, void (*rpl_free)(void *),
    int (*rpl_complete)(void *),
    void (*rpl_marshal)(struct evbuffer *, void *))
{
	struct evrpc *rpc;
	if (!base_ok(base, "evrpc_register_generic"))
		return -1;
	if (!name || !callback || !req_new || !req_free || !req_unmarshal || !rpl_new || !rpl_free ||
	    !rpl_complete || !rpl_marshal) {
		gev_warnx("evrpc_register_generic: NULL argument");
		return -1;
	}
	if ((rpc = gev_calloc(1, sizeof *rpc)) == NULL)
		return -1;
	if ((rpc->uri = event_mm_strdup_(name)) == NULL) {
		gev_free(rpc);
		return -1;
	}
	rpc->request_new = req_new;
	rpc->request_new_arg = req_new_arg;
	rpc->request_free = req_free;
	rpc->request_unmarshal = req_unmarshal;
	rpc->reply_new = rpl_new;
	rpc->reply_new_arg = rpl_new_arg;
	rpc->reply_free = rpl_free;
	rpc->reply_complete = rpl_complete;
	rpc->reply_marshal = rpl_marshal;
	return evrpc_register_rpc(base, rpc, callback, cbarg);
}

/* ---- client ---- */

struct evrpc_pool *evrpc_pool_new(struct event_base *base)
{
	struct evrpc_pool *pool = gev_calloc(1, sizeof *pool);
	if (!pool)
		return NULL;
	hooks_init(&pool->common, RPC_POOL_LIVE);
	pool->base = base;
	pool->timeout = -1;
	pool->conns_last = &pool->conns;
	pool->queue_last = &pool->queue;
	return pool;
}

static void wrapper_free(struct evrpc_request_wrapper *ctx)
{
	if (ctx->timer_set)
		event_del(&ctx->ev_timeout);
	if (ctx->fprev) {
		*ctx->fprev = ctx->fnext;
		if (ctx->fnext)
			ctx->fnext->fprev = ctx->fprev;
	}
	meta_free(ctx->hook_meta);
	gev_free(ctx->name);
	ctx->magic = RPC_DEAD;
	gev_free(ctx);
}

void evrpc_pool_free(struct evrpc_pool *pool)
{
	struct evrpc_request_wrapper *ctx;
	struct rpc_conn *c;
	if (!pool_ok(pool, "evrpc_pool_free"))
		return;
	/* from here on nothing is scheduled on it */
	pool->common.magic = RPC_DEAD;
	/* queued calls go without their callbacks, as in libevent */
	while ((ctx = pool->queue) != NULL) {
		pool->queue = ctx->next;
		wrapper_free(ctx);
	}
	/* freeing a connection frees the requests on it */
	while ((c = pool->conns) != NULL) {
		pool->conns = c->next;
		evhttp_connection_free(c->evcon);
		gev_free(c);
	}
	/* calls sent, or paused by a hook: gone without callbacks too
	 * (libevent leaves them, and their timers, behind) */
	while ((ctx = pool->inflight) != NULL) {
		if (ctx->req && ctx->req_ours)
			evhttp_request_free(ctx->req);
		wrapper_free(ctx);
	}
	hooks_clear(&pool->common);
	gev_free(pool);
}

/* An idle connection of the pool (no request queued on it), or NULL. */
static struct evhttp_connection *pool_idle_conn(struct evrpc_pool *pool)
{
	struct rpc_conn *c;
	for (c = pool->conns; c; c = c->next) {
		int st = conn_query(c->evcon, GEV_RPC_CONN_STATE, "evrpc");
		if (st >= 0 && !(st & 1))
			return c->evcon;
	}
	return NULL;
}

static void schedule_request(struct evhttp_connection *evcon, struct evrpc_request_wrapper *ctx);

/* Takes the first queued call (the queue is not empty). */
static struct evrpc_request_wrapper *queue_pop(struct evrpc_pool *pool)
{
	struct evrpc_request_wrapper *ctx = pool->queue;
	pool->queue = ctx->next;
	if (!pool->queue)
		pool->queue_last = &pool->queue;
	ctx->next = NULL;
	return ctx;
}

/* Sends the first queued call if a connection is idle. */
static void pool_schedule(struct evrpc_pool *pool)
{
	struct evhttp_connection *evcon;
	if (!pool->queue || (evcon = pool_idle_conn(pool)) == NULL)
		return;
	schedule_request(evcon, queue_pop(pool));
}

void evrpc_pool_add_connection(struct evrpc_pool *pool, struct evhttp_connection *evcon)
{
	struct rpc_conn *c;
	int st;
	if (!pool_ok(pool, "evrpc_pool_add_connection"))
		return;
	if ((st = conn_query(evcon, GEV_RPC_CONN_STATE, "evrpc_pool_add_connection")) < 0)
		return;
	if (st & 4) {
		gev_warnx("evrpc_pool_add_connection: a server's connection cannot join a pool");
		return;
	}
	if ((c = gev_calloc(1, sizeof *c)) == NULL) {
		gev_warnx("evrpc_pool_add_connection: out of memory");
		return;
	}
	c->evcon = evcon;
	*pool->conns_last = c;
	pool->conns_last = &c->next;
	/* the connection runs on the pool's base (libevent moves it, and
	 * asserts that it had none; ours warns if it has another) */
	if (pool->base && evhttp_connection_get_base(evcon) != pool->base)
		evhttp_connection_set_base(evcon, pool->base);
	/* the pool's timeout, unless the connection has its own */
	if (!(st & 2))
		evhttp_connection_set_timeout(evcon, pool->timeout);
	if (pool->queue)
		schedule_request(evcon, queue_pop(pool));
}

void evrpc_pool_remove_connection(struct evrpc_pool *pool, struct evhttp_connection *evcon)
{
	struct rpc_conn **pp;
	if (!pool_ok(pool, "evrpc_pool_remove_connection"))
		return;
	for (pp = &pool->conns; *pp; pp = &(*pp)->next) {
		if ((*pp)->evcon == evcon) {
			struct rpc_conn *c = *pp;
			*pp = c->next;
			if (pool->conns_last == &c->next)
				pool->conns_last = pp;
			gev_free(c);
			return;
		}
	}
}

void evrpc_pool_set_timeout(struct evrpc_pool *pool, int timeout_in_secs)
{
	struct rpc_conn *c;
	if (!pool_ok(pool, "evrpc_pool_set_timeout"))
		return;
	for (c = pool->conns; c; c = c->next)
		evhttp_connection_set_timeout(c->evcon, timeout_in_secs);
	pool->timeout = timeout_in_secs;
}

/* The call could not be sent: EVRPC_STATUS_ERR_UNSTARTED. */
static void call_unstarted(struct evrpc_request_wrapper *ctx)
{
	struct evrpc_status status;
	memset(&status, 0, sizeof status);
	status.error = EVRPC_STATUS_ERR_UNSTARTED;
	ctx->cb(&status, ctx->request, ctx->reply, ctx->cb_arg);
	wrapper_free(ctx);
}

static void reply_done(struct evhttp_request *req, void *arg);

static void schedule_request_closure(void *arg, enum EVRPC_HOOK_RESULT res)
{
	struct evrpc_request_wrapper *ctx = arg;
	struct evrpc_pool *pool = ctx->pool;
	char *uri;
	int r;

	if (res == EVRPC_TERMINATE)
		goto error;
	if ((uri = rpc_uri(ctx->name)) == NULL)
		goto error;
	if (pool->timeout > 0 && ctx->timer_set) {
		/* the whole call is abandoned after this */
		struct timeval tv = { pool->timeout, 0 };
		evtimer_add(&ctx->ev_timeout, &tv);
	}
	ctx->req_ours = 0;
	r = evhttp_make_request(ctx->evcon, ctx->req, EVHTTP_REQ_POST, uri);
	gev_free(uri);
	if (r == -1) {
		ctx->req = NULL; /* evhttp_make_request freed it */
		call_unstarted(ctx);
	}
	return;
error:
	if (ctx->req)
		evhttp_request_free(ctx->req);
	ctx->req = NULL;
	call_unstarted(ctx);
}

static void schedule_request(struct evhttp_connection *evcon, struct evrpc_request_wrapper *ctx)
{
	struct evrpc_pool *pool = ctx->pool;
	struct evhttp_request *req;

	if ((req = evhttp_request_new(reply_done, ctx)) == NULL) {
		call_unstarted(ctx);
		return;
	}
	ctx->request_marshal(evhttp_request_get_output_buffer(req), ctx->request);
	ctx->evcon = evcon;
	ctx->req = req;
	ctx->req_ours = 1;
	ctx->fnext = pool->inflight;
	ctx->fprev = &pool->inflight;
	if (pool->inflight)
		pool->inflight->fprev = &ctx->fnext;
	pool->inflight = ctx;
	hooks_then(&pool->common, pool->common.out, ctx, evcon, req,
	    evhttp_request_get_output_buffer(req), schedule_request_closure);
}

static void reply_done_closure(void *arg, enum EVRPC_HOOK_RESULT res)
{
	struct evrpc_request_wrapper *ctx = arg;
	struct evhttp_request *req = ctx->req;
	struct evrpc_pool *pool = ctx->pool;
	struct evrpc_status status;
	int r = -1;

	memset(&status, 0, sizeof status);
	status.http_req = req;
	if (req == NULL)
		status.error = EVRPC_STATUS_ERR_TIMEOUT;
	else if (res == EVRPC_TERMINATE)
		status.error = EVRPC_STATUS_ERR_HOOKABORTED;
	else if ((r = ctx->reply_unmarshal(ctx->reply, evhttp_request_get_input_buffer(req))) == -1)
		status.error = EVRPC_STATUS_ERR_BADPAYLOAD;
	if (r == -1)
		ctx->reply_clear(ctx->reply); /* nothing half-filled */
	ctx->cb(&status, ctx->request, ctx->reply, ctx->cb_arg);
	wrapper_free(ctx);
	/* a paused call asked evhttp for the request: ours to free now */
	if (req && evhttp_request_is_owned(req))
		evhttp_request_free(req);
	if (pool->common.magic == RPC_POOL_LIVE)
		pool_schedule(pool);
}

/* evhttp's callback for a call's request: req NULL if it failed. */
static void reply_done(struct evhttp_request *req, void *arg)
{
	struct evrpc_request_wrapper *ctx = arg;
	struct evrpc_pool *pool = ctx->pool;
	int res = EVRPC_CONTINUE;

	if (ctx->timer_set)
		event_del(&ctx->ev_timeout);
	ctx->req = req;
	if (req && pool->common.in) {
		meta_associate(&ctx->hook_meta, ctx->evcon);
		res = run_hooks(pool->common.in, ctx, req, evhttp_request_get_input_buffer(req));
		if (res == EVRPC_PAUSE) {
			/* evhttp frees its requests after this callback: keep it */
			evhttp_request_own(req);
			ctx->req_ours = 1;
			if (pause_call(&pool->common, ctx, reply_done_closure) < 0)
				reply_done_closure(ctx, EVRPC_TERMINATE);
			return;
		}
	}
	reply_done_closure(ctx, (enum EVRPC_HOOK_RESULT)res);
}

/* The pool's timer: the call's connection fails it, which calls
 * reply_done with no request. */
static void request_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct evrpc_request_wrapper *ctx = arg;
	(void)fd;
	(void)what;
	if (ctx->evcon)
		conn_query(ctx->evcon, GEV_RPC_CONN_TIMEOUT, "evrpc");
}

struct evrpc_request_wrapper *evrpc_make_request_ctx(
	struct evrpc_pool *pool, void *request, void *reply,
	const char *rpcname,
	void (*req_marshal)(struct evbuffer *, void *),
	void (*rpl_clear)(void *),
	int (*rpl_unmarshal)(void *, struct evbuffer *),
	void (*cb)(struct evrpc_status *, void *, void *, void *),
	void *cbarg)
{
	struct evrpc_request_wrapper *ctx;
	if (!pool_ok(pool, "evrpc_make_request_ctx"))
		return NULL;
	if (!rpcname || !req_marshal || !rpl_clear || !rpl_unmarshal || !cb) {
		gev_warnx("evrpc_make_request_ctx: NULL argument");
		return NULL;
	}
	if ((ctx = gev_calloc(1, sizeof *ctx)) == NULL)
		return NULL;
	if ((ctx->name = event_mm_strdup_(rpcname)) == NULL) {
		gev_free(ctx);
		return NULL;
	}
	ctx->magic = RPC_CREQ_LIVE;
	ctx->pool = pool;
	ctx->cb = cb;
	ctx->cb_arg = cbarg;
	ctx->request = request;
	ctx->reply = reply;
	ctx->request_marshal = req_marshal;
	ctx->reply_clear = rpl_clear;
	ctx->reply_unmarshal = rpl_unmarshal;
	return ctx;
}

int evrpc_make_request(struct evrpc_request_wrapper *ctx)
{
	struct evrpc_pool *pool;
	if (!wrapper_ok(ctx, "evrpc_make_request"))
		return -1;
	pool = ctx->pool;
	if (!pool_ok(pool, "evrpc_make_request"))
		return -1;
	/* the pool's timer, on its base (NULL: event_init's, if any; with
	 * neither, libevent's event_add and event_del of it fail with a
	 * warning each: ours leaves it alone) */
	if (evtimer_assign(&ctx->ev_timeout, pool->base, request_timeout, ctx) == 0 &&
	    ctx->ev_timeout.ev_base != NULL)
		ctx->timer_set = 1;
	if (!pool->conns)
		gev_warnx("evrpc_make_request: the pool has no connection; the call waits for one");
	ctx->next = NULL;
	*pool->queue_last = ctx;
	pool->queue_last = &ctx->next;
	pool_schedule(pool);
	return 0;
}

int evrpc_send_request_generic(struct evrpc_pool *pool,
    void *request, void *reply,
    void (*cb)(struct evrpc_status *, void *, void *, void *),
    void *cb_arg,
    const char *rpcname,
    void (*req_marshal)(struct evbuffer *, void *),
    void (*rpl_clear)(void *),
    int (*rpl_unmarshal)(void *, struct evbuffer *))
{
	struct evrpc_request_wrapper *ctx = evrpc_make_request_ctx(pool, request, reply, rpcname,
	    req_marshal, rpl_clear, rpl_unmarshal, cb, cb_arg);
	if (!ctx) {
		struct evrpc_status status;
		if (cb) {
			memset(&status, 0, sizeof status);
			status.error = EVRPC_STATUS_ERR_UNSTARTED;
			cb(&status, request, reply, cb_arg);
		}
		return -1;
	}
	return evrpc_make_request(ctx);
}

struct evrpc_pool *evrpc_request_get_pool(struct evrpc_request_wrapper *ctx)
{
	return wrapper_ok(ctx, "evrpc_request_get_pool") ? ctx->pool : NULL;
}

void evrpc_request_set_pool(struct evrpc_request_wrapper *ctx, struct evrpc_pool *pool)
{
	if (wrapper_ok(ctx, "evrpc_request_set_pool") && pool_ok(pool, "evrpc_request_set_pool"))
		ctx->pool = pool;
}

void evrpc_request_set_cb(struct evrpc_request_wrapper *ctx,
    void (*cb)(struct evrpc_status *, void *request, void *reply, void *arg), void *cb_arg)
{
	if (!wrapper_ok(ctx, "evrpc_request_set_cb"))
		return;
	if (!cb) {
		gev_warnx("evrpc_request_set_cb: NULL callback");
		return;
	}
	ctx->cb = cb;
	ctx->cb_arg = cb_arg;
}
