/*
 * goevent -- event2/dns.h
 *
 * evdns: an asynchronous DNS resolver (A, AAAA and PTR lookups over UDP,
 * with nameserver failover, search domains and a hosts file), an
 * asynchronous getaddrinfo, and a small DNS server (evdns_server_port) that
 * hands each incoming question to a callback.
 */
#ifndef EVENT2_DNS_H_INCLUDED_
#define EVENT2_DNS_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/util.h>

/* Result codes given to evdns_callback_type.  1-5 are the DNS RCODEs. */
#define DNS_ERR_NONE 0
#define DNS_ERR_FORMAT 1          /* the server could not parse the query */
#define DNS_ERR_SERVERFAILED 2    /* the server failed */
#define DNS_ERR_NOTEXIST 3        /* the name does not exist (NXDOMAIN) */
#define DNS_ERR_NOTIMPL 4         /* the server does not do this kind of query */
#define DNS_ERR_REFUSED 5         /* the server refused the query */
#define DNS_ERR_TRUNCATED 65      /* the reply was truncated or malformed */
#define DNS_ERR_UNKNOWN 66        /* an error without a better code */
#define DNS_ERR_TIMEOUT 67        /* no reply in time */
#define DNS_ERR_SHUTDOWN 68       /* evdns_base_free with fail_requests */
#define DNS_ERR_CANCEL 69         /* the request was cancelled */
#define DNS_ERR_NODATA 70         /* the reply had no records of the type asked */

/* The `type` given to evdns_callback_type. */
#define DNS_IPv4_A 1
#define DNS_PTR 2
#define DNS_IPv6_AAAA 3

/* Request flag: do not try the search domains. */
#define DNS_QUERY_NO_SEARCH 1

/* What evdns_base_resolv_conf_parse takes from the file. */
#define DNS_OPTION_SEARCH 1        /* "domain" and "search" lines */
#define DNS_OPTION_NAMESERVERS 2   /* "nameserver" lines (127.0.0.1 when none) */
#define DNS_OPTION_MISC 4          /* "options" other than ndots */
#define DNS_OPTION_HOSTSFILE 8     /* also load /etc/hosts */
#define DNS_OPTIONS_ALL (DNS_OPTION_SEARCH | DNS_OPTION_NAMESERVERS | \
	DNS_OPTION_MISC | DNS_OPTION_HOSTSFILE)
#define DNS_OPTION_NAMESERVERS_NO_DEFAULT 16 /* no 127.0.0.1 fallback */

/* Old name of DNS_QUERY_NO_SEARCH. */
#define DNS_NO_SEARCH DNS_QUERY_NO_SEARCH

/* A lookup finished: result (DNS_ERR_*), type (DNS_IPv4_A, DNS_IPv6_AAAA,
 * DNS_PTR), count of answers, their smallest TTL, the answers (count
 * 4-byte or 16-byte addresses in network order, or for PTR a char ** to the
 * name), valid only during the call, and the user's argument. */
typedef void (*evdns_callback_type) (int result, char type, int count, int ttl, void *addresses, void *arg);

struct evdns_base;
struct event_base;

/* Flags of evdns_base_new(). */
#define EVDNS_BASE_INITIALIZE_NAMESERVERS 1   /* read /etc/resolv.conf */
#define EVDNS_BASE_DISABLE_WHEN_INACTIVE 0x8000 /* no events pending while idle */
#define EVDNS_BASE_NAMESERVERS_NO_DEFAULT 0x10000 /* no 127.0.0.1 fallback */

/* A resolver running on event_base (NULL: the one event_init made).  NULL
 * on error; free with evdns_base_free(). */
EVENT2_EXPORT_SYMBOL
struct evdns_base * evdns_base_new(struct event_base *event_base, int initialize_nameservers);

/* Free a resolver.  Requests in flight end silently, or with
 * DNS_ERR_SHUTDOWN when fail_requests is non-zero. */
EVENT2_EXPORT_SYMBOL
void evdns_base_free(struct evdns_base *base, int fail_requests);

/* Forget every hosts-file entry loaded so far. */
EVENT2_EXPORT_SYMBOL
void evdns_base_clear_host_addresses(struct evdns_base *base);

/* A static English text for a DNS_ERR_* code. */
EVENT2_EXPORT_SYMBOL
const char *evdns_err_to_string(int err);

/* Add an IPv4 nameserver (address in network order, port 53).  0 on
 * success. */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_add(struct evdns_base *base,
    unsigned long int address);

/* The number of nameservers configured (up or down). */
EVENT2_EXPORT_SYMBOL
int evdns_base_count_nameservers(struct evdns_base *base);

/* Remove every nameserver; requests in flight wait until
 * evdns_base_resume().  0 on success. */
EVENT2_EXPORT_SYMBOL
int evdns_base_clear_nameservers_and_suspend(struct evdns_base *base);

/* Send the requests held since evdns_base_clear_nameservers_and_suspend(). */
EVENT2_EXPORT_SYMBOL
int evdns_base_resume(struct evdns_base *base);

/* Add a nameserver given as "1.2.3.4", "1.2.3.4:53", "::1" or "[::1]:53"
 * (port 53 when none).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_ip_add(struct evdns_base *base,
    const char *ip_as_string);

/* Add a nameserver by socket address (flags: none yet).  0 on success. */
EVENT2_EXPORT_SYMBOL
int
evdns_base_nameserver_sockaddr_add(struct evdns_base *base,
    const struct sockaddr *sa, ev_socklen_t len, unsigned flags);

/* An outstanding lookup.  Opaque; valid until its callback has run. */
struct evdns_request;

/* Look up the A records of name (flags: 0 or DNS_QUERY_NO_SEARCH).  NULL
 * on error. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv4(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

/* Look up the AAAA records of name.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv6(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

/* Look up the PTR record of an IPv4 address.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse(struct evdns_base *base, const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

/* Look up the PTR record of an IPv6 address.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse_ipv6(struct evdns_base *base, const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/* Cancel a lookup: its callback runs later with DNS_ERR_CANCEL. */
EVENT2_EXPORT_SYMBOL
void evdns_cancel_request(struct evdns_base *base, struct evdns_request *req);

/* Set an option: ndots, timeout, max-timeouts, max-inflight, attempts,
 * randomize-case, bind-to, initial-probe-timeout, getaddrinfo-allow-skew
 * (a trailing ':' on the name is accepted).  0 on success. */
EVENT2_EXPORT_SYMBOL
int evdns_base_set_option(struct evdns_base *base, const char *option, const char *val);

/* Read a resolv.conf file; flags are DNS_OPTION_*.  0 on success, 1 file
 * not found, 2 unreadable, 3 too large, 4 out of memory, 5 short read,
 * 6 no nameserver in it. */
EVENT2_EXPORT_SYMBOL
int evdns_base_resolv_conf_parse(struct evdns_base *base, int flags, const char *const filename);

/* Load an /etc/hosts-style file (NULL: just localhost) for
 * evdns_getaddrinfo.  0 on success, negative on error. */
EVENT2_EXPORT_SYMBOL
int evdns_base_load_hosts(struct evdns_base *base, const char *hosts_fname);

#if defined(EVENT_IN_DOXYGEN_) || defined(_WIN32)
EVENT2_EXPORT_SYMBOL
int evdns_base_config_windows_nameservers(struct evdns_base *);
#define EVDNS_BASE_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
#endif

/* Empty the list of search domains. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_clear(struct evdns_base *base);

/* Add a search domain. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_add(struct evdns_base *base, const char *domain);

/* Names with at least ndots dots are first tried as they are. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_ndots_set(struct evdns_base *base, const int ndots);

/* Receives evdns's log messages when set with evdns_set_log_fn(). */
typedef void (*evdns_debug_log_fn_type)(int is_warning, const char *msg);

/* Send evdns's messages to fn (NULL: to the event log). */
EVENT2_EXPORT_SYMBOL
void evdns_set_log_fn(evdns_debug_log_fn_type fn);

/* Obsolete: transaction ids come from a secure generator.  No effect. */
EVENT2_EXPORT_SYMBOL
void evdns_set_transaction_id_fn(ev_uint16_t (*fn)(void));

/* Obsolete, as evdns_set_transaction_id_fn().  No effect. */
EVENT2_EXPORT_SYMBOL
void evdns_set_random_bytes_fn(void (*fn)(char *, size_t));

/* ---- the server side ---- */

struct evdns_server_request;
struct evdns_server_question;

/* A query arrived: add answers with evdns_server_request_add_*_reply, then
 * evdns_server_request_respond() or evdns_server_request_drop(). */
typedef void (*evdns_request_callback_fn_type)(struct evdns_server_request *, void *);

/* Sections of a reply. */
#define EVDNS_ANSWER_SECTION 0
#define EVDNS_AUTHORITY_SECTION 1
#define EVDNS_ADDITIONAL_SECTION 2

/* Record types and classes. */
#define EVDNS_TYPE_A	   1
#define EVDNS_TYPE_NS	   2
#define EVDNS_TYPE_CNAME   5
#define EVDNS_TYPE_SOA	   6
#define EVDNS_TYPE_PTR	  12
#define EVDNS_TYPE_MX	  15
#define EVDNS_TYPE_TXT	  16
#define EVDNS_TYPE_AAAA	  28

#define EVDNS_QTYPE_AXFR 252
#define EVDNS_QTYPE_ALL	 255

#define EVDNS_CLASS_INET   1

/* Header flags a server may set in a reply (evdns_server_request_set_flags). */
#define EVDNS_FLAGS_AA	0x400
#define EVDNS_FLAGS_RD	0x080

/* Serve DNS queries arriving on a bound UDP socket (flags must be 0).  NULL
 * on error; close with evdns_close_server_port(). */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *evdns_add_server_port_with_base(struct event_base *base, evutil_socket_t socket, int flags, evdns_request_callback_fn_type callback, void *user_data);

/* Stop serving; the port goes away once its last request is answered or
 * dropped. */
EVENT2_EXPORT_SYMBOL
void evdns_close_server_port(struct evdns_server_port *port);

/* Set EVDNS_FLAGS_AA and/or EVDNS_FLAGS_RD in the reply. */
EVENT2_EXPORT_SYMBOL
void evdns_server_request_set_flags(struct evdns_server_request *req, int flags);

/* Add a record to a section of the reply: data is datalen bytes, or with
 * is_name a name to be encoded.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_reply(struct evdns_server_request *req, int section, const char *name, int type, int dns_class, int ttl, int datalen, int is_name, const char *data);

/* Add n A records (4-byte addresses in network order). */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_a_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/* Add n AAAA records (16-byte addresses). */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_aaaa_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/* Add a PTR record for in or for the name inaddr_name (exactly one). */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_ptr_reply(struct evdns_server_request *req, struct in_addr *in, const char *inaddr_name, const char *hostname, int ttl);

/* Add a CNAME record. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_cname_reply(struct evdns_server_request *req, const char *name, const char *cname, int ttl);

/* Send the reply with RCODE err (0-15, may carry EVDNS_FLAGS_*) and free
 * the request.  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_respond(struct evdns_server_request *req, int err);

/* Free the request without answering. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_drop(struct evdns_server_request *req);

struct sockaddr;

/* Copy the client's address into sa (addr_len bytes available): its
 * length, or -1 when it does not fit. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_get_requesting_addr(struct evdns_server_request *req, struct sockaddr *sa, int addr_len);

/* evdns_getaddrinfo's callback: result is 0 or an EVUTIL_EAI_* code; res
 * belongs to the callee (evutil_freeaddrinfo). */
typedef void (*evdns_getaddrinfo_cb)(int result, struct evutil_addrinfo *res, void *arg);

struct evdns_base;
struct evdns_getaddrinfo_request;

/* getaddrinfo through evdns.  When the answer is known at once (numeric
 * host, hosts file, error) the callback runs before this returns NULL;
 * otherwise a request that evdns_getaddrinfo_cancel() can cancel until its
 * callback has run. */
EVENT2_EXPORT_SYMBOL
struct evdns_getaddrinfo_request *evdns_getaddrinfo(
    struct evdns_base *dns_base,
    const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in,
    evdns_getaddrinfo_cb cb, void *arg);

/* Cancel an evdns_getaddrinfo request whose callback has not run: it runs
 * with EVUTIL_EAI_CANCEL. */
EVENT2_EXPORT_SYMBOL
void evdns_getaddrinfo_cancel(struct evdns_getaddrinfo_request *req);

/* Copy the address of nameserver idx into sa: its length (larger than len
 * when it does not fit, nothing copied), or -1 when there is no such one. */
EVENT2_EXPORT_SYMBOL
int evdns_base_get_nameserver_addr(struct evdns_base *base, int idx,
    struct sockaddr *sa, ev_socklen_t len);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_H_INCLUDED_ */
