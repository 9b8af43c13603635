/* http_query: evhttp_parse_query (the query of a whole URI, parsed
 * strictly) and evhttp_parse_query_str (a bare query): pairs with decoded
 * values ('+' as space, %XX, %00 cutting the value), keys kept as sent,
 * empty values, a trailing '&', and the inputs libevent refuses (no '=',
 * an empty key, "&&", a URI that does not parse), after which the list is
 * empty; a list holding headers already is reinitialized (not freed). */
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

static void pr(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 32 || *p >= 127 || *p == '"' || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('"');
}

static void show(const char *fn, const char *in, int r, struct evkeyvalq *q)
{
	printf("%s(", fn);
	pr(in);
	printf(") = %d:", r);
	int n = 0;
	for (struct evkeyval *kv = q->tqh_first; kv; kv = kv->next.tqe_next) {
		printf(" ");
		pr(kv->key);
		printf("=");
		pr(kv->value);
		n++;
	}
	printf(" (%d)\n", n);
	evhttp_clear_headers(q);
}

static const char *queries[] = {
	"a=1", "a=1&b=2", "a=1&b=2&", "a=&b=", "a=1&&b=2", "=1", "a", "a=1&b", "&a=1",
	"a=b=c", "a=x+y%20z", "k+ey=v", "a=%00hidden&b=2", "a=%zz%4", "q=%C3%A9", "a=1;b=2",
	"x=%2B+", "", "a=1&a=2", "a=1#frag", "a=1?b=2", NULL
};

static const char *uris[] = {
	"http://h/p?a=1&b=2", "/p?x=y+z", "/p", "/p?", "/p?a", "http://h/p?a=1#f",
	"/p q?a=1", "http://h:99999/?a=1", "?a=%41", "/p?a=1&b=2&", NULL
};

int main(void)
{
	tc_alarm("http_query", 10);
	struct evkeyvalq q;
	for (int i = 0; queries[i]; i++) {
		int r = evhttp_parse_query_str(queries[i], &q);
		show("parse_query_str", queries[i], r, &q);
	}
	for (int i = 0; uris[i]; i++) {
		int r = evhttp_parse_query(uris[i], &q);
		show("parse_query", uris[i], r, &q);
	}
	/* A list with headers in it: parse_query_str starts it over. */
	struct evkeyvalq old;
	old.tqh_first = NULL;
	old.tqh_last = &old.tqh_first;
	evhttp_add_header(&old, "Kept", "x");
	struct evkeyval *kept = old.tqh_first;
	struct evkeyvalq reuse = old;
	reuse.tqh_last = &kept->next.tqe_next;
	int r = evhttp_parse_query_str("n=1", &reuse);
	show("parse_query_str over a used list", "n=1", r, &reuse);
	printf("old entry still allocated: %s\n", tc_yesno(strcmp(kept->key, "Kept") == 0));
	evhttp_clear_headers(&old);
	printf("done\n");
	return 0;
}
