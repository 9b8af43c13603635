/*
 * http_headers.c - struct evkeyvalq header lists (event2/http.h): lists of
 * struct evkeyval that programs walk themselves, so they are C memory from
 * the program's allocator (event_set_mem_functions), as libevent's are.
 * Searching and editing a list reads nothing a peer sent beyond NUL-ended
 * strings, and needs no core: no crossing.
 */
#include <string.h>

#include "http_capi.h"

char *gev_http_strndup(const char *s, size_t n)
{
	char *p = gev_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* evutil_ascii_strcasecmp == 0 */
static int eq_fold(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

const char *evhttp_find_header(const struct evkeyvalq *headers, const char *key)
{
	if (!headers || !key) {
		gev_warnx("evhttp_find_header: NULL %s", headers ? "key" : "header list");
		return NULL;
	}
	for (struct evkeyval *h = headers->tqh_first; h; h = h->next.tqe_next)
		if (eq_fold(h->key, key))
			return h->value;
	return NULL;
}

static void free_header(struct evkeyvalq *q, struct evkeyval *h)
{
	if (h->next.tqe_next)
		h->next.tqe_next->next.tqe_prev = h->next.tqe_prev;
	else
		q->tqh_last = h->next.tqe_prev;
	*h->next.tqe_prev = h->next.tqe_next;
	gev_free(h->key);
	gev_free(h->value);
	gev_free(h);
}

void evhttp_clear_headers(struct evkeyvalq *headers)
{
	if (!headers) {
		gev_warnx("evhttp_clear_headers: NULL header list");
		return;
	}
	while (headers->tqh_first)
		free_header(headers, headers->tqh_first);
}

int evhttp_remove_header(struct evkeyvalq *headers, const char *key)
{
	if (!headers || !key) {
		gev_warnx("evhttp_remove_header: NULL %s", headers ? "key" : "header list");
		return -1;
	}
	for (struct evkeyval *h = headers->tqh_first; h; h = h->next.tqe_next) {
		if (eq_fold(h->key, key)) {
			free_header(headers, h);
			return 0;
		}
	}
	return -1;
}

/* A value may hold line breaks only as folds: CR/LF runs followed by a
 * space or a tab. */
static int value_ok(const char *v)
{
	const char *p = v;
	while ((p = strpbrk(p, "\r\n")) != NULL) {
		p += strspn(p, "\r\n");
		if (*p != ' ' && *p != '\t')
			return 0;
	}
	return 1;
}

static int append(struct evkeyvalq *q, const char *key, size_t klen, const char *value, size_t vlen)
{
	struct evkeyval *h = gev_calloc(1, sizeof(*h));
	if (!h) {
		gev_warnx("evhttp_add_header: out of memory");
		return -1;
	}
	h->key = gev_http_strndup(key, klen);
	h->value = h->key ? gev_http_strndup(value, vlen) : NULL;
	if (!h->value) {
		gev_free(h->key);
		gev_free(h);
		gev_warnx("evhttp_add_header: out of memory");
		return -1;
	}
	h->next.tqe_next = NULL;
	h->next.tqe_prev = q->tqh_last;
	*q->tqh_last = h;
	q->tqh_last = &h->next.tqe_next;
	return 0;
}

int gev_http_add_header_raw(struct evkeyvalq *q, const char *key, const char *value)
{
	return append(q, key, strlen(key), value, strlen(value));
}

int evhttp_add_header(struct evkeyvalq *headers, const char *key, const char *value)
{
	if (!headers || !key || !value) {
		gev_warnx("evhttp_add_header: NULL %s", !headers ? "header list" : !key ? "key" : "value");
		return -1;
	}
	gev_debugx("evhttp_add_header: key: %s val: %s", key, value);
	if (strchr(key, '\r') || strchr(key, '\n')) {
		gev_debugx("evhttp_add_header: dropping illegal header key");
		return -1;
	}
	if (!value_ok(value)) {
		gev_debugx("evhttp_add_header: dropping illegal header value");
		return -1;
	}
	return gev_http_add_header_raw(headers, key, value);
}

int gev_http_add_headers_packed(struct evkeyvalq *q, const char *p, int n)
{
	for (int i = 0; i < n; i++) {
		size_t kl = strlen(p);
		const char *v = p + kl + 1;
		size_t vl = strlen(v);
		if (append(q, p, kl, v, vl) < 0)
			return -1;
		p = v + vl + 1;
	}
	return 0;
}

int gev_http_append_last_header(struct evkeyvalq *q, const char *s)
{
	if (!q->tqh_first)
		return -1;
	struct evkeyval *h = (struct evkeyval *)((char *)q->tqh_last - offsetof(struct evkeyval, next.tqe_next));
	size_t old = strlen(h->value), n = strlen(s);
	char *v = gev_realloc(h->value, old + n + 2);
	if (!v)
		return -1;
	v[old] = ' ';
	memcpy(v + old + 1, s, n + 1);
	h->value = v;
	return 0;
}
