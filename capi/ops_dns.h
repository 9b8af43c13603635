/* ops_dns.h - the core's entry points for evdns (extra/evdns): one X(ret, name, params) line each,
 * and the C memory the two sides share for it.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name> (capi/gocore/exports_dns.go). */
#ifndef GEV_OPS_DNS_H
#define GEV_OPS_DNS_H

#include <stdint.h>
#include <sys/socket.h>

struct event_base;
struct evdns_base;
struct evdns_request;
struct evdns_server_port;
struct evdns_server_request;
struct evdns_getaddrinfo_request;
struct evutil_addrinfo;
struct bufferevent;

/* The first bytes of every evdns handle the core hands out (struct
 * evdns_base, evdns_request, evdns_server_port, evdns_getaddrinfo_request:
 * opaque to programs; C memory owned by the core). The C layer checks magic
 * and takes base's lock before it calls the core. */
struct gev_dns_handle {
	uint32_t magic;          /* GEV_DNS_*_LIVE while live, GEV_DNS_DEAD after */
	uint32_t idx;            /* index of the Go object in its table */
	uint64_t gen;            /* catches a stale handle to a reused slot */
	struct event_base *base; /* the event_base it runs on */
};
#define GEV_DNS_BASE_LIVE  0x646e7362u /* "dnsb" */
#define GEV_DNS_REQ_LIVE   0x646e7372u /* "dnsr" */
#define GEV_DNS_PORT_LIVE  0x646e7370u /* "dnsp" */
#define GEV_DNS_GAI_LIVE   0x646e7367u /* "dnsg" */
#define GEV_DNS_SREQ_LIVE  0x646e7371u /* "dnsq" */
#define GEV_DNS_DEAD       0xdead0d25u

/* A request received by a server port: the program sees `pub` (struct
 * evdns_server_request of event2/dns_struct.h: flags, nquestions,
 * questions); the header before it is ours. One block of C memory holds
 * both, the question pointer array and the questions. */
struct gev_dns_sreq {
	struct gev_dns_handle h;     /* magic GEV_DNS_SREQ_LIVE; base: the port's */
	int32_t addrlen;             /* the client's address, for */
	int32_t pad;                 /* evdns_server_request_get_requesting_addr */
	struct sockaddr_storage addr;
	/* struct evdns_server_request pub follows at GEV_DNS_SREQ_PUB */
};
#define GEV_DNS_SREQ_PUB 160 /* sizeof(struct gev_dns_sreq), 8-aligned */

/* What the C layer lends the evdns core (passed once by dns_setup). */
struct gev_dns_cfuncs {
	/* evdns's log: to evdns_set_log_fn's function, else the event log. */
	void (*log)(int severity, const char *msg);
	/* Non-zero when a debug message would go anywhere (so that the core
	 * formats none otherwise). */
	int (*debug_wanted)(void);
	/* evutil_addrinfo nodes as libevent makes them (event_set_mem_functions'
	 * allocator, EVUTIL_AI_LIBEVENT_ALLOCATED: evutil_freeaddrinfo frees them):
	 * one node for sa (two, TCP and UDP, when hints name neither). */
	struct evutil_addrinfo *(*new_addrinfo)(const struct sockaddr *sa, int socklen,
	    const struct evutil_addrinfo *hints);
	struct evutil_addrinfo *(*append_addrinfo)(struct evutil_addrinfo *first,
	    struct evutil_addrinfo *more);
	void (*free_addrinfo)(struct evutil_addrinfo *ai);
	char *(*strdup)(const char *s);
	/* evutil_parse_sockaddr_port (nameserver lines, hosts files, bind-to). */
	int (*parse_sockaddr_port)(const char *str, struct sockaddr *out, int *outlen);
	/* Read without a call before formatting a debug message (as debug_wanted):
	 * evdns_set_log_fn's function and event_enable_debug_logging's mask. */
	void *const volatile *log_fn;
	const volatile uint32_t *debug_mask;
};

/* dns_getaddrinfo's *err_now when it has no answer yet (a request is
 * returned, or it failed without one). */
#define GEV_DNS_NO_ANSWER (-90003)

/* (No const in the parameter lists: cgo's exports have none.) */
#define GEV_OPS_DNS(X) \
	X(int, dns_setup, (struct gev_dns_cfuncs *cf)) \
	X(struct evdns_base *, dns_base_new, (struct event_base *base, int flags)) \
	X(void, dns_base_free, (struct evdns_base *b, int fail_requests)) \
	X(void, dns_clear_hosts, (struct evdns_base *b)) \
	X(int, dns_ns_add, (struct evdns_base *b, struct sockaddr *sa, int len)) \
	X(int, dns_ns_count, (struct evdns_base *b)) \
	X(int, dns_ns_clear, (struct evdns_base *b)) \
	X(int, dns_resume, (struct evdns_base *b)) \
	X(int, dns_ns_get_addr, (struct evdns_base *b, int idx, struct sockaddr *sa, int len)) \
	X(struct evdns_request *, dns_resolve, (struct evdns_base *b, int type, char *name, int flags, void *cb, void *arg)) \
	X(void, dns_cancel, (struct evdns_base *b, struct evdns_request *req)) \
	X(int, dns_set_option, (struct evdns_base *b, char *option, char *val)) \
	X(int, dns_resolv_conf_parse, (struct evdns_base *b, int flags, char *filename)) \
	X(int, dns_load_hosts, (struct evdns_base *b, char *filename)) \
	X(void, dns_search_clear, (struct evdns_base *b)) \
	X(void, dns_search_add, (struct evdns_base *b, char *domain)) \
	X(void, dns_search_ndots, (struct evdns_base *b, int ndots)) \
	X(struct evdns_getaddrinfo_request *, dns_getaddrinfo, (struct evdns_base *b, char *nodename, struct evutil_addrinfo *hints, int port, void *cb, void *arg, struct evutil_addrinfo **res_now, int *err_now)) \
	X(void, dns_getaddrinfo_cancel, (struct evdns_getaddrinfo_request *req)) \
	X(struct evdns_server_port *, dns_port_new, (struct event_base *base, int fd, void *cb, void *arg)) \
	X(void, dns_port_close, (struct evdns_server_port *port)) \
	X(int, dns_sreq_add_reply, (struct evdns_server_request *req, int section, char *name, int type, int dns_class, int ttl, int datalen, int is_name, char *data)) \
	X(int, dns_sreq_respond, (struct evdns_server_request *req, int err)) \
	X(int, dns_sreq_drop, (struct evdns_server_request *req)) \
	X(int, dns_bev_lookup_start, (struct bufferevent *bev)) \
	X(void, dns_bev_lookup_request, (struct bufferevent *bev, struct evdns_getaddrinfo_request *req)) \
	X(void, dns_bev_lookup_done, (struct bufferevent *bev, int result, struct sockaddr *sa, int socklen))

#endif
