/*
 * goevent -- event2/http.h
 *
 * evhttp: an HTTP/1.x server (listening sockets, callbacks per path or one
 * generic callback, virtual hosts, replies whole or in chunks) and client
 * (connections that queue requests, reconnect and retry), request and
 * header-list accessors, and helpers for URIs (parsing into parts, joining,
 * %-encoding and decoding, query strings) and HTML escaping.
 */
#ifndef EVENT2_HTTP_H_INCLUDED_
#define EVENT2_HTTP_H_INCLUDED_

/* ev_uint16_t, ev_ssize_t, evutil_socket_t */
#include <event2/util.h>
#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evbuffer;
struct event_base;
struct bufferevent;
struct evhttp_connection;

/* Some status codes, for evhttp_send_reply() and evhttp_send_error(). */
#define HTTP_OK			200	/* the request succeeded */
#define HTTP_NOCONTENT		204	/* success, no body follows */
#define HTTP_MOVEPERM		301	/* the resource moved for good */
#define HTTP_MOVETEMP		302	/* the resource is elsewhere for now */
#define HTTP_NOTMODIFIED	304	/* the cached copy is still current */
#define HTTP_BADREQUEST		400	/* the request could not be understood */
#define HTTP_NOTFOUND		404	/* nothing at this path */
#define HTTP_BADMETHOD		405 	/* the method is not allowed here */
#define HTTP_ENTITYTOOLARGE	413	/* the body is over the limit */
#define HTTP_EXPECTATIONFAILED	417	/* an Expect: header we cannot meet */
#define HTTP_INTERNAL           500     /* the server failed */
#define HTTP_NOTIMPLEMENTED     501     /* the method is not supported */
#define HTTP_SERVUNAVAIL	503	/* the server cannot serve now */

struct evhttp;
struct evhttp_request;
struct evkeyvalq;
struct evhttp_bound_socket;
struct evconnlistener;
struct evdns_base;

/* A new HTTP server on base, with no sockets yet.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_new(struct event_base *base);

/* Listen on address:port (address NULL: every local address).  May be
 * called several times.  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_bind_socket(struct evhttp *http, const char *address, ev_uint16_t port);

/* As evhttp_bind_socket(), returning a handle to the listening socket
 * (NULL on error). */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_socket_with_handle(struct evhttp *http, const char *address, ev_uint16_t port);

/* Serve connections accepted on fd, a socket already bound and listening
 * (non-blocking).  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_accept_socket(struct evhttp *http, evutil_socket_t fd);

/* As evhttp_accept_socket(), returning a handle (NULL on error). */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_accept_socket_with_handle(struct evhttp *http, evutil_socket_t fd);

/* Serve connections accepted by listener, which the server then owns. */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_listener(struct evhttp *http, struct evconnlistener *listener);

/* The listener behind a bound socket. */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evhttp_bound_socket_get_listener(struct evhttp_bound_socket *bound);

typedef void evhttp_bound_socket_foreach_fn(struct evhttp_bound_socket *, void *);
/* Call function(bound, argument) for each socket of the server. */
EVENT2_EXPORT_SYMBOL
void evhttp_foreach_bound_socket(struct evhttp *http, evhttp_bound_socket_foreach_fn *function, void *argument);

/* Stop listening on a bound socket and close it. */
EVENT2_EXPORT_SYMBOL
void evhttp_del_accept_socket(struct evhttp *http, struct evhttp_bound_socket *bound_socket);

/* The descriptor of a bound socket. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket *bound_socket);

/* Free the server: its sockets, connections, callbacks and virtual hosts. */
EVENT2_EXPORT_SYMBOL
void evhttp_free(struct evhttp* http);

/* Largest request line plus headers accepted (negative: no limit). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_headers_size(struct evhttp* http, ev_ssize_t max_headers_size);
/* Largest request body accepted (negative: no limit). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_body_size(struct evhttp* http, ev_ssize_t max_body_size);

/* The Content-Type added to replies that have a body but no such header
 * (NULL: add none).  The string is kept, not copied. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_default_content_type(struct evhttp *http,
	const char *content_type);

/* The methods (EVHTTP_REQ_* bits) passed to callbacks; others get an
 * error reply.  Default: GET, POST, HEAD, PUT, DELETE. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_allowed_methods(struct evhttp* http, ev_uint16_t methods);

/* Call cb(req, cb_arg) for requests whose decoded path is exactly path.
 * 0 on success, -1 if path has a callback already, -2 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_set_cb(struct evhttp *http, const char *path,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/* Remove the callback of a path.  0 on success, -1 if there is none. */
EVENT2_EXPORT_SYMBOL
int evhttp_del_cb(struct evhttp *, const char *);

/* Call cb(req, arg) for requests no path callback takes (without one they
 * get a 404 page). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_gencb(struct evhttp *http,
    void (*cb)(struct evhttp_request *, void *), void *arg);

/* Make each new connection's bufferevent with cb(base, arg) (which must
 * return one without a descriptor), e.g. to use another kind of
 * bufferevent. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_bevcb(struct evhttp *http,
    struct bufferevent *(*cb)(struct event_base *, void *), void *arg);

/* Make vhost (a server from evhttp_new() without sockets) answer the
 * requests whose host matches pattern (a case-insensitive glob with *).
 * Virtual hosts nest; evhttp_free() of http frees those still added.
 * 0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_virtual_host(struct evhttp* http, const char *pattern,
    struct evhttp* vhost);

/* Undo evhttp_add_virtual_host().  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_virtual_host(struct evhttp* http, struct evhttp* vhost);

/* Another host name this server (or virtual host) answers for. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_server_alias(struct evhttp *http, const char *alias);

/* Remove an alias.  0 on success, -1 if there was no such alias. */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_server_alias(struct evhttp *http, const char *alias);

/* Timeout of the server's connections, in seconds (-1: the default). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout(struct evhttp *http, int timeout_in_secs);

/* As evhttp_set_timeout(), as a timeval (NULL: the default). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout_tv(struct evhttp *http, const struct timeval* tv);

/* evhttp_set_flags(): read a whole over-long body before answering with
 * an error, instead of closing at once. */
#define EVHTTP_SERVER_LINGERING_CLOSE	0x0001
/* Set the server's EVHTTP_SERVER_* flags.  0 on success, 1 for an unknown
 * flag. */
EVENT2_EXPORT_SYMBOL
int evhttp_set_flags(struct evhttp *http, int flags);

/* Replies */

/* Reply with an HTML error page for status error (reason NULL: the
 * standard phrase), and close the connection afterwards. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_error(struct evhttp_request *req, int error,
    const char *reason);

/* Reply with status code and reason, headers from the request's output
 * headers, and the body in databuf (may be NULL), which is emptied. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply(struct evhttp_request *req, int code,
    const char *reason, struct evbuffer *databuf);

/* Start a reply sent in parts: chunked for HTTP/1.1 clients when no
 * Content-Length header was set.  Parts follow with
 * evhttp_send_reply_chunk(), and evhttp_send_reply_end() ends it. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_start(struct evhttp_request *req, int code,
    const char *reason);

/* Send the contents of databuf (emptied; still the caller's) as the next
 * part of a reply. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk(struct evhttp_request *req,
    struct evbuffer *databuf);

/* As evhttp_send_reply_chunk(), and call cb(connection, arg) when the part
 * has been written. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk_with_cb(struct evhttp_request *, struct evbuffer *,
    void (*cb)(struct evhttp_connection *, void *), void *arg);

/* End a reply begun with evhttp_send_reply_start(); the request is freed. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_end(struct evhttp_request *req);

/* Request methods, one bit each (evhttp_set_allowed_methods() masks). */
enum evhttp_cmd_type {
	EVHTTP_REQ_GET     = 1 << 0,
	EVHTTP_REQ_POST    = 1 << 1,
	EVHTTP_REQ_HEAD    = 1 << 2,
	EVHTTP_REQ_PUT     = 1 << 3,
	EVHTTP_REQ_DELETE  = 1 << 4,
	EVHTTP_REQ_OPTIONS = 1 << 5,
	EVHTTP_REQ_TRACE   = 1 << 6,
	EVHTTP_REQ_CONNECT = 1 << 7,
	EVHTTP_REQ_PATCH   = 1 << 8
};

/* Whether a struct evhttp_request is being read as a request or a reply. */
enum evhttp_request_kind { EVHTTP_REQUEST, EVHTTP_RESPONSE };

/* A client connection to address:port on base that uses bev (NULL: a new
 * socket bufferevent; else one without a descriptor), resolving address
 * with dnsbase (NULL: a blocking lookup).  It connects when a request is
 * made.  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_bufferevent_new(
	struct event_base *base, struct evdns_base *dnsbase, struct bufferevent* bev, const char *address, ev_uint16_t port);

/* The bufferevent a connection uses. */
EVENT2_EXPORT_SYMBOL
struct bufferevent* evhttp_connection_get_bufferevent(struct evhttp_connection *evcon);

/* The server of an incoming connection (NULL for a client connection). */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_connection_get_server(struct evhttp_connection *evcon);

/* A new request whose completion calls cb(req, arg).  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evhttp_request *evhttp_request_new(
	void (*cb)(struct evhttp_request *, void *), void *arg);

/* Call cb(req, arg) for each part of the reply body as it arrives (the
 * data is in the input buffer during the call, and dropped after). */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_chunked_cb(struct evhttp_request *,
    void (*cb)(struct evhttp_request *, void *));

/* Call cb(req, arg) once the reply's headers are read; a negative return
 * closes the connection. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_header_cb(struct evhttp_request *,
    int (*cb)(struct evhttp_request *, void *));

/* Why a request failed (evhttp_request_set_error_cb()). */
enum evhttp_request_error {
  /* No answer in time. */
  EVREQ_HTTP_TIMEOUT,
  /* The connection closed first. */
  EVREQ_HTTP_EOF,
  /* The request line or a header did not parse. */
  EVREQ_HTTP_INVALID_HEADER,
  /* The bufferevent reported an error. */
  EVREQ_HTTP_BUFFER_ERROR,
  /* evhttp_cancel_request() was called. */
  EVREQ_HTTP_REQUEST_CANCEL,
  /* The body was over the limit or malformed. */
  EVREQ_HTTP_DATA_TOO_LONG
};
/* Call cb(error, arg) when the request fails, before its completion
 * callback. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_error_cb(struct evhttp_request *,
    void (*)(enum evhttp_request_error, void *));

/* Call cb(req, cb_arg) once the reply to req has been written (server). */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_on_complete_cb(struct evhttp_request *req,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/* Free a request. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_free(struct evhttp_request *req);

/* A client connection to address:port on base (dnsbase: see
 * evhttp_connection_base_bufferevent_new()).  NULL on error. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_new(
	struct event_base *base, struct evdns_base *dnsbase,
	const char *address, ev_uint16_t port);

/* The address family a connection resolves its host for (AF_UNSPEC by
 * default). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_family(struct evhttp_connection *evcon,
	int family);

/* evhttp_connection_set_flags(): reconnect to the address connected
 * before rather than resolving again. */
#define EVHTTP_CON_REUSE_CONNECTED_ADDR	0x0008
/* ... on a write error, still read what the server sent before closing. */
#define EVHTTP_CON_READ_ON_WRITE_ERROR	0x0010
/* The connection's side of EVHTTP_SERVER_LINGERING_CLOSE. */
#define EVHTTP_CON_LINGERING_CLOSE	0x0020
/* Public flags stay below this value. */
#define EVHTTP_CON_PUBLIC_FLAGS_END	0x100000
/* Set a connection's EVHTTP_CON_* flags.  0 on success, 1 on a bad flag. */
EVENT2_EXPORT_SYMBOL
int evhttp_connection_set_flags(struct evhttp_connection *evcon,
	int flags);

/* Keep req after its completion callback: the caller frees it. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_own(struct evhttp_request *req);

/* Non-zero once evhttp_request_own() was called. */
EVENT2_EXPORT_SYMBOL
int evhttp_request_is_owned(struct evhttp_request *req);

/* The connection a request belongs to (NULL once it has none). */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_request_get_connection(struct evhttp_request *req);

/* The event_base of a connection. */
EVENT2_EXPORT_SYMBOL
struct event_base *evhttp_connection_get_base(struct evhttp_connection *req);

/* Largest headers (negative: no limit) and body accepted on a connection. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_headers_size(struct evhttp_connection *evcon,
    ev_ssize_t new_max_headers_size);

EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_body_size(struct evhttp_connection* evcon,
    ev_ssize_t new_max_body_size);

/* Free a connection and the requests queued on it. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free(struct evhttp_connection *evcon);

/* Free a client connection once its last request is done. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free_on_completion(struct evhttp_connection *evcon);

/* The local address and port a client connection binds before it
 * connects. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_address(struct evhttp_connection *evcon,
    const char *address);

EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_port(struct evhttp_connection *evcon,
    ev_uint16_t port);

/* Read and write timeout of a connection, in seconds (-1: the default). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout(struct evhttp_connection *evcon,
    int timeout_in_secs);

/* As evhttp_connection_set_timeout(), as a timeval (NULL: the default). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/* The wait before the first reconnection attempt (doubled for each
 * further one; NULL: 2 seconds). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_initial_retry_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/* How often a failed connection is retried (-1: without end). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_retries(struct evhttp_connection *evcon,
    int retry_max);

/* Call cb(evcon, arg) when the connection closes. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_closecb(struct evhttp_connection *evcon,
    void (*)(struct evhttp_connection *, void *), void *);

/* The peer's host (a string the connection owns) and port. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_get_peer(struct evhttp_connection *evcon,
    char **address, ev_uint16_t *port);

/* The address the connection is connected to (NULL when not known). */
EVENT2_EXPORT_SYMBOL
const struct sockaddr*
evhttp_connection_get_addr(struct evhttp_connection *evcon);

/* Send req over evcon (connecting first if needed) as a type request for
 * uri.  The connection takes req; on failure req is freed.  0 on success,
 * -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_make_request(struct evhttp_connection *evcon,
    struct evhttp_request *req,
    enum evhttp_cmd_type type, const char *uri);

/* Cancel a request whose completion callback has not run: the callback
 * will not run, req is freed, and a connection busy with it is reset. */
EVENT2_EXPORT_SYMBOL
void evhttp_cancel_request(struct evhttp_request *req);

/* Parts of a URI (evhttp_uri_parse()). */
struct evhttp_uri;

/* The request's URI as received or sent. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_uri(const struct evhttp_request *req);

/* The request's URI split into parts (server side). */
EVENT2_EXPORT_SYMBOL
const struct evhttp_uri *evhttp_request_get_evhttp_uri(const struct evhttp_request *req);

/* The request's method. */
EVENT2_EXPORT_SYMBOL
enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request *req);

/* The reply's status code, and its reason phrase. */
EVENT2_EXPORT_SYMBOL
int evhttp_request_get_response_code(const struct evhttp_request *req);
EVENT2_EXPORT_SYMBOL
const char * evhttp_request_get_response_code_line(const struct evhttp_request *req);

/* The headers received and to be sent. */
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_input_headers(struct evhttp_request *req);
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_output_headers(struct evhttp_request *req);
/* The body received, and the body to send. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_input_buffer(struct evhttp_request *req);
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_output_buffer(struct evhttp_request *req);
/* The host the request names: that of an absolute URI, else the Host
 * header's without its port; NULL when neither exists. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_host(struct evhttp_request *req);

/* Header lists */

/* The value of the first header named key (any case), or NULL. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_find_header(const struct evkeyvalq *headers,
    const char *key);

/* Remove the first header named key (any case).  0 if one was removed,
 * else -1. */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_header(struct evkeyvalq *headers, const char *key);

/* Append a copy of key: value.  -1 (nothing added) if the key holds a CR
 * or LF, or the value a line break not followed by a space or tab. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_header(struct evkeyvalq *headers, const char *key, const char *value);

/* Remove every header. */
EVENT2_EXPORT_SYMBOL
void evhttp_clear_headers(struct evkeyvalq *headers);

/* Encoding helpers; every returned string is the caller's to free. */

/* str with every byte other than ASCII letters, digits and -._~ written
 * as %XX.  NULL on error. */
EVENT2_EXPORT_SYMBOL
char *evhttp_encode_uri(const char *str);

/* As evhttp_encode_uri() for the size bytes at str (size negative: up to
 * the NUL), spaces becoming '+' when space_to_plus is set. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uriencode(const char *str, ev_ssize_t size, int space_to_plus);

/* uri with %XX escapes decoded, and '+' decoded as a space after the
 * first '?' only (deprecated: use evhttp_uridecode()). */
EVENT2_EXPORT_SYMBOL
char *evhttp_decode_uri(const char *uri);

/* uri with %XX escapes decoded, and every '+' as a space if decode_plus;
 * the decoded length in *size_out if not NULL. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uridecode(const char *uri, int decode_plus,
    size_t *size_out);

/* Fill headers (initialized here) with the decoded key=value pairs of the
 * query of the URI uri (deprecated: use evhttp_uri_parse() and
 * evhttp_parse_query_str()).  0 on success, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query(const char *uri, struct evkeyvalq *headers);

/* As evhttp_parse_query() for a bare query string "a=1&b=2". */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query_str(const char *uri, struct evkeyvalq *headers);

/* html with < > " ' & written as entities. */
EVENT2_EXPORT_SYMBOL
char *evhttp_htmlescape(const char *html);

/* An empty URI (port -1). */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_new(void);

/* Set the EVHTTP_URI_* flags the setters check parts with. */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_set_flags(struct evhttp_uri *uri, unsigned flags);

/* The parts of a URI; NULL (port -1) when absent.  The path is "" rather
 * than NULL after parsing. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_scheme(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_userinfo(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_host(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_get_port(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_path(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_query(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_fragment(const struct evhttp_uri *uri);

/* Replace a part with a copy (NULL removes it).  -1, the URI unchanged,
 * when the value is not valid for that part. */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_scheme(struct evhttp_uri *uri, const char *scheme);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_userinfo(struct evhttp_uri *uri, const char *userinfo);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_host(struct evhttp_uri *uri, const char *host);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_port(struct evhttp_uri *uri, int port);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_path(struct evhttp_uri *uri, const char *path);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_query(struct evhttp_uri *uri, const char *query);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_fragment(struct evhttp_uri *uri, const char *fragment);

/* Split source_uri (an absolute URI or a relative reference, RFC 3986)
 * into parts.  NULL if it does not parse. */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse_with_flags(const char *source_uri,
    unsigned flags);

/* Parse leniently: the path runs to the first '?' or '#', the query to
 * the first '#', the fragment to the end, whatever they hold. */
#define EVHTTP_URI_NONCONFORMANT 0x01

/* evhttp_uri_parse_with_flags() with no flags. */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse(const char *source_uri);

/* Free a URI and its parts. */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_free(struct evhttp_uri *uri);

/* Write the URI into buf (limit bytes, NUL included).  buf, or NULL if it
 * does not fit or the parts do not make a URI. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uri_join(struct evhttp_uri *uri, char *buf, size_t limit);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_H_INCLUDED_ */
