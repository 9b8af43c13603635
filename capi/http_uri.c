/*
 * http_uri.c - struct evhttp_uri and the encoding helpers of event2/http.h.
 * Parsing and checking a URI, %-encoding and decoding, HTML escaping and
 * query parsing are the core's (extra/evhttp/uri.go, memory-safe Go on
 * what a peer may send); this file allocates the results with the
 * program's allocator, as libevent does, and answers the getters.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "http_capi.h"

static int uri_ok(const struct evhttp_uri *uri, const char *fn)
{
	return gev_handle_check(uri, GEV_HTTP_URI_LIVE, GEV_HTTP_DEAD, "evhttp_uri", fn);
}

struct evhttp_uri *evhttp_uri_new(void)
{
	struct evhttp_uri *uri = gev_calloc(1, sizeof(*uri));
	if (uri) {
		uri->magic = GEV_HTTP_URI_LIVE;
		uri->port = -1;
	}
	return uri;
}

void gev_http_uri_release(struct evhttp_uri *uri)
{
	gev_free(uri->scheme);
	gev_free(uri->userinfo);
	gev_free(uri->host);
	gev_free(uri->path);
	gev_free(uri->query);
	gev_free(uri->fragment);
	uri->magic = GEV_HTTP_DEAD;
	gev_free(uri);
}

void evhttp_uri_free(struct evhttp_uri *uri)
{
	if (uri_ok(uri, "evhttp_uri_free"))
		gev_http_uri_release(uri);
}

struct evhttp_uri *gev_http_uri_build(const char *src, const struct gev_http_uri_parts *p, unsigned flags)
{
	struct evhttp_uri *uri = evhttp_uri_new();
	if (!uri)
		return NULL;
	uri->flags = flags;
	uri->port = p->port;
	char **dst[GEV_URI_NPARTS] = { &uri->scheme, &uri->userinfo, &uri->host, &uri->path,
		&uri->query, &uri->fragment };
	for (int i = 0; i < GEV_URI_NPARTS; i++) {
		if (!(p->present & (1 << i)))
			continue;
		*dst[i] = gev_http_strndup(src + p->off[i], (size_t)p->len[i]);
		if (!*dst[i]) {
			gev_warnx("evhttp_uri_parse: out of memory");
			gev_http_uri_release(uri);
			return NULL;
		}
	}
	return uri;
}

struct evhttp_uri *evhttp_uri_parse_with_flags(const char *source_uri, unsigned flags)
{
	static const char fn[] = "evhttp_uri_parse_with_flags";
	if (!source_uri) {
		gev_warnx("%s: NULL URI", fn);
		return NULL;
	}
	if (gev_http_ready(fn) < 0)
		return NULL;
	struct gev_http_uri_parts parts;
	if (gev_ops.http_uri_parse((char *)source_uri, strlen(source_uri), flags, &parts) < 0)
		return NULL;
	return gev_http_uri_build(source_uri, &parts, flags);
}

struct evhttp_uri *evhttp_uri_parse(const char *source_uri)
{
	return evhttp_uri_parse_with_flags(source_uri, 0);
}

void evhttp_uri_set_flags(struct evhttp_uri *uri, unsigned flags)
{
	if (uri_ok(uri, "evhttp_uri_set_flags"))
		uri->flags = flags;
}

#define GETTER(part) \
const char *evhttp_uri_get_##part(const struct evhttp_uri *uri) \
{ \
	return uri_ok(uri, "evhttp_uri_get_" #part) ? uri->part : NULL; \
}
GETTER(scheme)
GETTER(userinfo)
GETTER(host)
GETTER(path)
GETTER(query)
GETTER(fragment)
#undef GETTER

int evhttp_uri_get_port(const struct evhttp_uri *uri)
{
	return uri_ok(uri, "evhttp_uri_get_port") ? uri->port : -1;
}

/* Replace a part with a copy of value (NULL: none) once the core found it
 * valid for the part. */
static int set_part(struct evhttp_uri *uri, int part, char **field, const char *value, const char *fn)
{
	if (!uri_ok(uri, fn))
		return -1;
	if (value) {
		if (gev_http_ready(fn) < 0)
			return -1;
		if (!gev_ops.http_uri_check(part, (char *)value, strlen(value), uri->flags))
			return -1;
	}
	char *copy = NULL;
	if (value && !(copy = gev_http_strndup(value, strlen(value)))) {
		gev_warnx("%s: out of memory", fn);
		return -1;
	}
	gev_free(*field);
	*field = copy;
	return 0;
}

int evhttp_uri_set_scheme(struct evhttp_uri *uri, const char *scheme)
{
	return set_part(uri, GEV_URI_SCHEME, uri ? &uri->scheme : NULL, scheme, "evhttp_uri_set_scheme");
}

int evhttp_uri_set_userinfo(struct evhttp_uri *uri, const char *userinfo)
{
	return set_part(uri, GEV_URI_USERINFO, uri ? &uri->userinfo : NULL, userinfo, "evhttp_uri_set_userinfo");
}

int evhttp_uri_set_host(struct evhttp_uri *uri, const char *host)
{
	return set_part(uri, GEV_URI_HOST, uri ? &uri->host : NULL, host, "evhttp_uri_set_host");
}

int evhttp_uri_set_path(struct evhttp_uri *uri, const char *path)
{
	return set_part(uri, GEV_URI_PATH, uri ? &uri->path : NULL, path, "evhttp_uri_set_path");
}

int evhttp_uri_set_query(struct evhttp_uri *uri, const char *query)
{
	return set_part(uri, GEV_URI_QUERY, uri ? &uri->query : NULL, query, "evhttp_uri_set_query");
}

int evhttp_uri_set_fragment(struct evhttp_uri *uri, const char *fragment)
{
	return set_part(uri, GEV_URI_FRAGMENT, uri ? &uri->fragment : NULL, fragment, "evhttp_uri_set_fragment");
}

int evhttp_uri_set_port(struct evhttp_uri *uri, int port)
{
	if (!uri_ok(uri, "evhttp_uri_set_port"))
		return -1;
	if (port < -1)
		return -1;
	uri->port = port;
	return 0;
}

/* Write the joined URI into out (NULL: only count); its length. */
static size_t join(const struct evhttp_uri *uri, char *out)
{
	size_t n = 0;
#define ADD(s, len) do { size_t l_ = (len); if (out) memcpy(out + n, (s), l_); n += l_; } while (0)
#define ADDS(s) ADD((s), strlen(s))
	if (uri->scheme) {
		ADDS(uri->scheme);
		ADD(":", 1);
	}
	if (uri->host) {
		ADD("//", 2);
		if (uri->userinfo) {
			ADDS(uri->userinfo);
			ADD("@", 1);
		}
		ADDS(uri->host);
		if (uri->port >= 0) {
			char p[16];
			int k = snprintf(p, sizeof p, ":%d", uri->port);
			ADD(p, (size_t)k);
		}
	}
	if (uri->path)
		ADDS(uri->path);
	if (uri->query) {
		ADD("?", 1);
		ADDS(uri->query);
	}
	if (uri->fragment) {
		ADD("#", 1);
		ADDS(uri->fragment);
	}
#undef ADD
#undef ADDS
	return n;
}

/* evhttp_uri_join: building output, not reading input; plain C. buf is
 * untouched unless the whole URI fits. */
char *evhttp_uri_join(struct evhttp_uri *uri, char *buf, size_t limit)
{
	if (!uri || !buf || !limit)
		return NULL;
	if (!uri_ok(uri, "evhttp_uri_join"))
		return NULL;
	if (uri->host && uri->path && uri->path[0] != '/' && uri->path[0] != '\0')
		return NULL;
	size_t n = join(uri, NULL);
	if (n + 1 > limit)
		return NULL;
	join(uri, buf);
	buf[n] = '\0';
	return buf;
}

/* ---- encoding ---- */

/* out of the worst-case size, filled by the core, shrunk to fit. */
static char *finish(char *out, size_t n, size_t cap)
{
	out[n] = '\0';
	if (n + 1 < cap) {
		char *p = gev_realloc(out, n + 1);
		if (p)
			out = p;
	}
	return out;
}

char *evhttp_uriencode(const char *str, ev_ssize_t size, int space_to_plus)
{
	static const char fn[] = "evhttp_uriencode";
	if (!str) {
		gev_warnx("%s: NULL string", fn);
		return NULL;
	}
	size_t n = size >= 0 ? (size_t)size : strlen(str);
	if (size < 0 && n >= (size_t)EV_SSIZE_MAX)
		return NULL;
	if (n > (SIZE_MAX - 1) / 3 || gev_http_ready(fn) < 0)
		return NULL;
	size_t cap = 3 * n + 1;
	char *out = gev_malloc(cap);
	if (!out)
		return NULL;
	return finish(out, gev_ops.http_encode((char *)str, n, space_to_plus, out), cap);
}

char *evhttp_encode_uri(const char *str)
{
	return evhttp_uriencode(str, -1, 0);
}

static char *decode(const char *uri, int mode, size_t *size_out, const char *fn)
{
	if (!uri) {
		gev_warnx("%s: NULL string", fn);
		return NULL;
	}
	size_t n = strlen(uri);
	if (gev_http_ready(fn) < 0)
		return NULL;
	char *out = gev_malloc(n + 1);
	if (!out) {
		gev_warnx("%s: malloc(%lu)", fn, (unsigned long)(n + 1));
		return NULL;
	}
	size_t k = gev_ops.http_decode((char *)uri, n, mode, out);
	out[k] = '\0';
	if (size_out)
		*size_out = k;
	return out;
}

char *evhttp_decode_uri(const char *uri)
{
	return decode(uri, -1, NULL, "evhttp_decode_uri");
}

char *evhttp_uridecode(const char *uri, int decode_plus, size_t *size_out)
{
	return decode(uri, decode_plus ? 1 : 0, size_out, "evhttp_uridecode");
}

char *evhttp_htmlescape(const char *html)
{
	static const char fn[] = "evhttp_htmlescape";
	if (!html)
		return NULL;
	size_t n = strlen(html);
	if (n > (SIZE_MAX - 1) / 6 || gev_http_ready(fn) < 0)
		return NULL;
	size_t cap = 6 * n + 1;
	char *out = gev_malloc(cap);
	if (!out) {
		gev_warnx("%s: malloc(%lu)", fn, (unsigned long)cap);
		return NULL;
	}
	return finish(out, gev_ops.http_htmlescape((char *)html, n, out), cap);
}

static int parse_query(const char *str, struct evkeyvalq *headers, int whole, const char *fn)
{
	if (!headers) {
		gev_warnx("%s: NULL header list", fn);
		return -1;
	}
	headers->tqh_first = NULL;
	headers->tqh_last = &headers->tqh_first;
	if (!str) {
		gev_warnx("%s: NULL string", fn);
		return -1;
	}
	size_t n = strlen(str);
	if (gev_http_ready(fn) < 0)
		return -1;
	char *packed = gev_malloc(2 * n + 2);
	if (!packed)
		return -1;
	int64_t k = gev_ops.http_parse_query((char *)str, n, whole, packed);
	int r = -1;
	if (k >= 0 && k <= INT_MAX && gev_http_add_headers_packed(headers, packed, (int)k) == 0)
		r = 0;
	else
		evhttp_clear_headers(headers);
	gev_free(packed);
	return r;
}

int evhttp_parse_query(const char *uri, struct evkeyvalq *headers)
{
	return parse_query(uri, headers, 1, "evhttp_parse_query");
}

int evhttp_parse_query_str(const char *uri, struct evkeyvalq *headers)
{
	return parse_query(uri, headers, 0, "evhttp_parse_query_str");
}
