/*
 * goevent -- event2/rpc_struct.h
 *
 * The structures of event2/rpc.h that programs may look into: the status
 * an RPC's client callback receives, and the description of a registered
 * RPC (what EVRPC_REGISTER makes). Their layout is libevent 2.1's.
 */
#ifndef EVENT2_RPC_STRUCT_H_INCLUDED_
#define EVENT2_RPC_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

/* A list link (sys/queue.h's TAILQ_ENTRY), defined here for this header
 * only when the program has not included <sys/queue.h>. */
#ifndef TAILQ_ENTRY
#define EVENT_DEFINED_TQENTRY_
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif /* !TAILQ_ENTRY */

/* (libevent's copy of this header needs event2/rpc.h first; ours does not) */
struct evbuffer;
struct evhttp_request;
struct evrpc_base;
struct evrpc_req_generic;

/* How an RPC ended, for the client's callback. */
struct evrpc_status {
#define EVRPC_STATUS_ERR_NONE		0	/* the reply is filled in */
#define EVRPC_STATUS_ERR_TIMEOUT	1	/* no reply: timed out or failed */
#define EVRPC_STATUS_ERR_BADPAYLOAD	2	/* the reply did not unmarshal */
#define EVRPC_STATUS_ERR_UNSTARTED	3	/* the request could not be sent */
#define EVRPC_STATUS_ERR_HOOKABORTED	4	/* an input hook said EVRPC_TERMINATE */
	int error;

	/* the HTTP reply (headers, code), when there was one */
	struct evhttp_request *http_req;
};

/* A registered RPC: its name, how its request and reply are made, read,
 * checked, written and freed, and the server's callback. */
struct evrpc {
	TAILQ_ENTRY(evrpc) next;

	/* the RPC's name; it is served at /.rpc.<uri> */
	const char* uri;

	void *(*request_new)(void *);
	void *request_new_arg;
	void (*request_free)(void *);
	int (*request_unmarshal)(void *, struct evbuffer *);

	void *(*reply_new)(void *);
	void *reply_new_arg;
	void (*reply_free)(void *);
	/* 0 if every required field of the reply is set */
	int (*reply_complete)(void *);
	void (*reply_marshal)(struct evbuffer*, void *);

	/* called for each request received */
	void (*cb)(struct evrpc_req_generic *, void *);
	void *cb_arg;

	/* the evrpc_base it is registered with */
	struct evrpc_base *base;
};

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_STRUCT_H_INCLUDED_ */
