/*
 * http_capi.h - private declarations shared by the evhttp files of the C
 * layer (http.c, http_headers.c, http_uri.c). The server, the client and
 * the parsers are in the Go core (extra/evhttp); these files check
 * arguments, take the event_base lock and forward, and answer in C what
 * reads C memory only: header lists, URI parts, request fields.
 */
#ifndef GEV_HTTP_CAPI_H
#define GEV_HTTP_CAPI_H

#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/http_compat.h>
#include <event2/keyvalq_struct.h>

#include "capi.h"

/* The core is loaded and knows the C helpers (gev_http_cfuncs): 0, or -1
 * logged (naming fn). */
int gev_http_ready(const char *fn);

/* http_headers.c: header lists, unchecked (libevent's internal add). */
int gev_http_add_header_raw(struct evkeyvalq *q, const char *key, const char *value);
int gev_http_add_headers_packed(struct evkeyvalq *q, const char *packed, int n);
int gev_http_append_last_header(struct evkeyvalq *q, const char *s);

/* http_uri.c */
struct evhttp_uri *gev_http_uri_build(const char *src, const struct gev_http_uri_parts *p, unsigned flags);
void gev_http_uri_release(struct evhttp_uri *uri);

/* A string the program's allocator owns: n bytes of s and a NUL. */
char *gev_http_strndup(const char *s, size_t n);

#endif /* GEV_HTTP_CAPI_H */
