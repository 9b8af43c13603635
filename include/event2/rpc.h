/*
 * goevent -- event2/rpc.h
 *
 * evrpc: remote procedure calls over evhttp. A request and a reply are
 * structures that event_rpcgen.py generates from an .rpc file, with
 * functions to make, marshal (evtag), unmarshal, check and free them.
 *
 * Server: an evrpc_base on an evhttp server (evrpc_init); each RPC is
 * registered under its name with EVRPC_REGISTER and served as an HTTP POST
 * to /.rpc.<name>. Its callback gets an EVRPC_STRUCT(name) holding the
 * unmarshalled request and a fresh reply, fills in the reply and answers
 * with EVRPC_REQUEST_DONE.
 *
 * Client: an evrpc_pool of evhttp connections (evrpc_pool_new,
 * evrpc_pool_add_connection); EVRPC_MAKE_REQUEST sends a request over an
 * idle connection of the pool (or queues it until one is idle) and calls
 * back with a struct evrpc_status and the filled-in reply.
 *
 * Hooks (evrpc_add_hook) see and may change the marshalled bytes on their
 * way in and out of a base or a pool, pause a request and resume it later
 * (evrpc_resume_request), and pass data from an outgoing hook to the
 * incoming one (evrpc_hook_add_meta, evrpc_hook_find_meta).
 *
 * EVRPC_HEADER goes in a header, EVRPC_GENERATE in one source file.
 */
#ifndef EVENT2_RPC_H_INCLUDED_
#define EVENT2_RPC_H_INCLUDED_

#include <event2/util.h>
#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- accessors of generated structures ---- */

/* 1 if the member is set in the message. */
#define EVTAG_HAS(msg, member) \
	((msg)->member##_set == 1)

#ifndef EVENT2_RPC_COMPAT_H_INCLUDED_

/* Set a member: (msg, member, value), or with a length for byte arrays. */
#define EVTAG_ASSIGN(msg, member, value) \
	(*(msg)->base->member##_assign)((msg), (value))
#define EVTAG_ASSIGN_WITH_LEN(msg, member, value, len) \
	(*(msg)->base->member##_assign)((msg), (value), (len))
/* Get a member into *pvalue (and its length): 0, or -1 if unset. */
#define EVTAG_GET(msg, member, pvalue) \
	(*(msg)->base->member##_get)((msg), (pvalue))
#define EVTAG_GET_WITH_LEN(msg, member, pvalue, plen) \
	(*(msg)->base->member##_get)((msg), (pvalue), (plen))

#endif /* EVENT2_RPC_COMPAT_H_INCLUDED_ */

/* Arrays: append a value; append a new element and return it; get the
 * element at offset; the number of elements. */
#define EVTAG_ARRAY_ADD_VALUE(msg, member, value) \
	(*(msg)->base->member##_add)((msg), (value))
#define EVTAG_ARRAY_ADD(msg, member) \
	(*(msg)->base->member##_add)(msg)
#define EVTAG_ARRAY_GET(msg, member, offset, pvalue) \
	(*(msg)->base->member##_get)((msg), (offset), (pvalue))
#define EVTAG_ARRAY_LEN(msg, member) ((msg)->member##_length)

struct evbuffer;
struct event_base;
struct evrpc_req_generic;
struct evrpc_request_wrapper;
struct evrpc;

/* The server's view of one call of the RPC rpcname. */
#define EVRPC_STRUCT(rpcname) struct evrpc_req__##rpcname

struct evhttp_request;
struct evrpc_status;
struct evrpc_hook_meta;

/* Declares EVRPC_STRUCT(rpcname) and evrpc_send_request_<rpcname>, for
 * the request and reply structures reqstruct and rplystruct. The
 * structure's layout is the one every evrpc_req_generic has. */
#define EVRPC_HEADER(rpcname, reqstruct, rplystruct) \
EVRPC_STRUCT(rpcname) {	\
	struct evrpc_hook_meta *hook_meta; \
	struct reqstruct* request; \
	struct rplystruct* reply; \
	struct evrpc* rpc; \
	struct evhttp_request* http_req; \
	struct evbuffer* rpc_data; \
};								     \
EVENT2_EXPORT_SYMBOL \
int evrpc_send_request_##rpcname(struct evrpc_pool *, \
    struct reqstruct *, struct rplystruct *, \
    void (*)(struct evrpc_status *, \
	struct reqstruct *, struct rplystruct *, void *cbarg),	\
    void *);

struct evrpc_pool;

/* A client call that is not started yet (see EVRPC_MAKE_CTX), or NULL. */
EVENT2_EXPORT_SYMBOL
struct evrpc_request_wrapper *evrpc_make_request_ctx(
	struct evrpc_pool *pool, void *request, void *reply,
	const char *rpcname,
	void (*req_marshal)(struct evbuffer*, void *),
	void (*rpl_clear)(void *),
	int (*rpl_unmarshal)(void *, struct evbuffer *),
	void (*cb)(struct evrpc_status *, void *, void *, void *),
	void *cbarg);

/* evrpc_make_request_ctx with the generated functions of the structures
 * (<reqstruct>_marshal, <rplystruct>_clear, <rplystruct>_unmarshal); start
 * it with evrpc_make_request. */
#define EVRPC_MAKE_CTX(rpcname, reqstruct, rplystruct, \
    pool, request, reply, cb, cbarg)					\
	evrpc_make_request_ctx(pool, request, reply,			\
	    #rpcname,							\
	    (void (*)(struct evbuffer *, void *))reqstruct##_marshal,	\
	    (void (*)(void *))rplystruct##_clear,			\
	    (int (*)(void *, struct evbuffer *))rplystruct##_unmarshal, \
	    (void (*)(struct evrpc_status *, void *, void *, void *))cb, \
	    cbarg)

/* Defines evrpc_send_request_<rpcname>, declared by EVRPC_HEADER. */
#define EVRPC_GENERATE(rpcname, reqstruct, rplystruct)			\
	int evrpc_send_request_##rpcname(struct evrpc_pool *pool,	\
	    struct reqstruct *request, struct rplystruct *reply,	\
	    void (*cb)(struct evrpc_status *,				\
		struct reqstruct *, struct rplystruct *, void *cbarg),	\
	    void *cbarg) {						\
	return evrpc_send_request_generic(pool, request, reply,	\
	    (void (*)(struct evrpc_status *, void *, void *, void *))cb, \
	    cbarg,							\
	    #rpcname,							\
	    (void (*)(struct evbuffer *, void *))reqstruct##_marshal,	\
	    (void (*)(void *))rplystruct##_clear,			\
	    (int (*)(void *, struct evbuffer *))rplystruct##_unmarshal); \
}

/* The HTTP request a server callback's call came in (its headers, the
 * peer's address). */
#define EVRPC_REQUEST_HTTP(rpc_req) (rpc_req)->http_req

/* Answer a call with its reply (see EVRPC_REQUEST_DONE). */
EVENT2_EXPORT_SYMBOL
void evrpc_request_done(struct evrpc_req_generic *req);

/* A call's request and reply structures. */
EVENT2_EXPORT_SYMBOL
void *evrpc_get_request(struct evrpc_req_generic *req);
EVENT2_EXPORT_SYMBOL
void *evrpc_get_reply(struct evrpc_req_generic *req);

/* Answer a call: its reply, which must be complete, is marshalled and
 * sent; the call's request and reply are freed. */
#define EVRPC_REQUEST_DONE(rpc_req) do { \
  struct evrpc_req_generic *req_ = (struct evrpc_req_generic *)(rpc_req); \
  evrpc_request_done(req_);					\
} while (0)


struct evrpc_base;
struct evhttp;

/* ---- server ---- */

/* An RPC base serving on the evhttp server, or NULL. */
EVENT2_EXPORT_SYMBOL
struct evrpc_base *evrpc_init(struct evhttp *server);

/* Frees the base, its registered RPCs and its hooks. No call may be in
 * progress. */
EVENT2_EXPORT_SYMBOL
void evrpc_free(struct evrpc_base *base);

/* Register the RPC name, whose request and reply structures are request
 * and reply; callback(EVRPC_STRUCT(name) *, cbarg) runs for each call. */
#define EVRPC_REGISTER(base, name, request, reply, callback, cbarg)	\
	evrpc_register_generic(base, #name,				\
	    (void (*)(struct evrpc_req_generic *, void *))callback, cbarg, \
	    (void *(*)(void *))request##_new_with_arg, NULL,		\
	    (void (*)(void *))request##_free,				\
	    (int (*)(void *, struct evbuffer *))request##_unmarshal,	\
	    (void *(*)(void *))reply##_new_with_arg, NULL,		\
	    (void (*)(void *))reply##_free, \
	    (int (*)(void *))reply##_complete, \
	    (void (*)(struct evbuffer *, void *))reply##_marshal)

/* Register an RPC described by a struct evrpc (use EVRPC_REGISTER). The
 * structure, and its uri, must come from malloc: evrpc_unregister_rpc
 * and evrpc_free free them. */
EVENT2_EXPORT_SYMBOL
int evrpc_register_rpc(struct evrpc_base *, struct evrpc *,
    void (*)(struct evrpc_req_generic*, void *), void *);

/* Unregister the RPC name: 0, or -1 if there is none. */
#define EVRPC_UNREGISTER(base, name) evrpc_unregister_rpc((base), #name)

EVENT2_EXPORT_SYMBOL
int evrpc_unregister_rpc(struct evrpc_base *base, const char *name);

/* ---- client ---- */

struct evhttp_connection;
struct evrpc_status;

/* Send a request of the RPC name over pool; cb(status, request, reply,
 * cbarg) runs when it is answered or failed. 0, or -1. */
#define EVRPC_MAKE_REQUEST(name, pool, request, reply, cb, cbarg)	\
	evrpc_send_request_##name((pool), (request), (reply), (cb), (cbarg))

/* Start a call made with EVRPC_MAKE_CTX: 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evrpc_make_request(struct evrpc_request_wrapper *ctx);

/* A pool of connections whose calls time out on base (NULL: on the
 * event_base of event_init(), if any). NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evrpc_pool *evrpc_pool_new(struct event_base *base);
/* Frees the pool, its connections, queued requests and hooks. */
EVENT2_EXPORT_SYMBOL
void evrpc_pool_free(struct evrpc_pool *pool);

/* Add a new connection to the pool (which then owns it); a queued request
 * is sent over it at once. */
EVENT2_EXPORT_SYMBOL
void evrpc_pool_add_connection(struct evrpc_pool *pool,
    struct evhttp_connection *evcon);

/* Take a connection out of the pool (it is not freed). */
EVENT2_EXPORT_SYMBOL
void evrpc_pool_remove_connection(struct evrpc_pool *pool,
    struct evhttp_connection *evcon);

/* Seconds after which a call is abandoned with EVRPC_STATUS_ERR_TIMEOUT
 * (0: never). Set on the pool's connections too, and on connections added
 * later that have no timeout of their own. */
EVENT2_EXPORT_SYMBOL
void evrpc_pool_set_timeout(struct evrpc_pool *pool, int timeout_in_secs);

/* ---- hooks: on an evrpc_base or an evrpc_pool ---- */

enum EVRPC_HOOK_TYPE {
	EVRPC_INPUT,		/* bytes coming in */
	EVRPC_OUTPUT		/* bytes going out */
};

#ifndef _WIN32
/* Old names of EVRPC_INPUT and EVRPC_OUTPUT. */
#define INPUT EVRPC_INPUT
#define OUTPUT EVRPC_OUTPUT
#endif

/* What a hook returns. */
enum EVRPC_HOOK_RESULT {
	EVRPC_TERMINATE = -1,	/* fail the call */
	EVRPC_CONTINUE = 0,	/* go on */
	EVRPC_PAUSE = 1		/* wait for evrpc_resume_request */
};

/* Add a hook to a base or a pool (vbase): cb(ctx, http request, the
 * marshalled bytes, cb_arg) for each call passing that way. Returns a
 * handle for evrpc_remove_hook. */
EVENT2_EXPORT_SYMBOL
void *evrpc_add_hook(void *vbase,
    enum EVRPC_HOOK_TYPE hook_type,
    int (*cb)(void *, struct evhttp_request *, struct evbuffer *, void *),
    void *cb_arg);

/* Remove a hook: 1, or 0 if it is not there. */
EVENT2_EXPORT_SYMBOL
int evrpc_remove_hook(void *vbase,
    enum EVRPC_HOOK_TYPE hook_type,
    void *handle);

/* Go on with a call a hook paused (ctx as the hook received it), as if
 * the hook had returned res: 0, or -1 if no such call is paused. */
EVENT2_EXPORT_SYMBOL
int evrpc_resume_request(void *vbase, void *ctx, enum EVRPC_HOOK_RESULT res);

/* Attach a copy of data_size bytes under key to a call (ctx as a hook
 * received it); a client's outgoing hooks can leave data for its incoming
 * ones. */
EVENT2_EXPORT_SYMBOL
void evrpc_hook_add_meta(void *ctx, const char *key,
    const void *data, size_t data_size);

/* Find the data attached under key: 0 with *data and *data_size set, or
 * -1. */
EVENT2_EXPORT_SYMBOL
int evrpc_hook_find_meta(void *ctx, const char *key,
    void **data, size_t *data_size);

/* The connection a call runs over (ctx as a hook received it), or NULL. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evrpc_hook_get_connection(void *ctx);

/* What evrpc_send_request_<name> calls (use EVRPC_MAKE_REQUEST). */
EVENT2_EXPORT_SYMBOL
int evrpc_send_request_generic(struct evrpc_pool *pool,
    void *request, void *reply,
    void (*cb)(struct evrpc_status *, void *, void *, void *),
    void *cb_arg,
    const char *rpcname,
    void (*req_marshal)(struct evbuffer *, void *),
    void (*rpl_clear)(void *),
    int (*rpl_unmarshal)(void *, struct evbuffer *));

/* What EVRPC_REGISTER calls. */
EVENT2_EXPORT_SYMBOL
int evrpc_register_generic(struct evrpc_base *base, const char *name,
    void (*callback)(struct evrpc_req_generic *, void *), void *cbarg,
    void *(*req_new)(void *), void *req_new_arg, void (*req_free)(void *),
    int (*req_unmarshal)(void *, struct evbuffer *),
    void *(*rpl_new)(void *), void *rpl_new_arg, void (*rpl_free)(void *),
    int (*rpl_complete)(void *),
    void (*rpl_marshal)(struct evbuffer *, void *));

/* A call's pool, and its callback, before it is started. */
EVENT2_EXPORT_SYMBOL
struct evrpc_pool* evrpc_request_get_pool(struct evrpc_request_wrapper *ctx);
EVENT2_EXPORT_SYMBOL
void evrpc_request_set_pool(struct evrpc_request_wrapper *ctx,
    struct evrpc_pool *pool);
EVENT2_EXPORT_SYMBOL
void evrpc_request_set_cb(struct evrpc_request_wrapper *ctx,
    void (*cb)(struct evrpc_status*, void *request, void *reply, void *arg),
    void *cb_arg);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_H_INCLUDED_ */
