/* evbuffer_search: search, search_range, search_eol, ptr_set, peek,
 * evbuffer_find, readln with every EVBUFFER_EOL_* style (EOL split across
 * chains, a lone CR at the end, missing EOL) and evbuffer_readline. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

/* Builds a buffer from pieces, each its own chain (references). */
static struct evbuffer *pieces(const char **v)
{
	struct evbuffer *b = evbuffer_new();
	for (; *v; v++)
		evbuffer_add_reference(b, *v, strlen(*v), NULL, NULL);
	return b;
}

static void show(const char *s)
{
	for (; *s; s++) {
		if (*s == '\r') printf("\\r");
		else if (*s == '\n') printf("\\n");
		else putchar(*s);
	}
}

static void readall(const char *tag, const char **v, enum evbuffer_eol_style st)
{
	struct evbuffer *b = pieces(v);
	char *line;
	size_t n;
	printf("%s:", tag);
	while ((line = evbuffer_readln(b, &n, st)) != NULL) {
		printf(" [");
		show(line);
		printf("](%zu)", n);
		free(line);
	}
	printf(" n=%zu rest=%zu\n", n, evbuffer_get_length(b));
	evbuffer_free(b);
}

static void eol(const char *tag, struct evbuffer *b, struct evbuffer_ptr *start, enum evbuffer_eol_style st)
{
	size_t len = 99;
	struct evbuffer_ptr p = evbuffer_search_eol(b, start, &len, st);
	printf("search_eol %s: pos=%d eol_len=%zu\n", tag, (int)p.pos, len);
}

int main(void)
{
	static const char *t1[] = { "line one\r", "\nline two\n", "\r\nthree\r\n\r\n", "four\n\n", "five\r", NULL };
	static const char *t2[] = { "a\rb\r", "\n", "c\n\rd", "\r\r\n", "end", NULL };
	static const char *t3[] = { "x", "\0", "y", NULL };
	static const char *t4[] = { "hello wo", "rld, hel", "lo again", NULL };
	struct evbuffer *b;
	struct evbuffer_ptr p, q, e;
	struct evbuffer_iovec v[8];
	unsigned char *f;
	char *line;
	size_t n;
	int r, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_search", 10);

	readall("any", t1, EVBUFFER_EOL_ANY);
	readall("crlf", t1, EVBUFFER_EOL_CRLF);
	readall("crlf_strict", t1, EVBUFFER_EOL_CRLF_STRICT);
	readall("lf", t1, EVBUFFER_EOL_LF);
	readall("any2", t2, EVBUFFER_EOL_ANY);
	readall("crlf2", t2, EVBUFFER_EOL_CRLF);
	readall("strict2", t2, EVBUFFER_EOL_CRLF_STRICT);
	readall("lf2", t2, EVBUFFER_EOL_LF);
	readall("bad style", t2, (enum evbuffer_eol_style)77);

	/* NUL style: the piece "\0" has length 0 via strlen, so add it by hand */
	b = evbuffer_new();
	evbuffer_add(b, "ab\0cd\0", 6);
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_NUL);
	printf("nul: [%s](%zu) rest=%zu\n", line ? line : "NULL", n, evbuffer_get_length(b));
	free(line);
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_NUL);
	printf("nul: [%s](%zu) rest=%zu\n", line ? line : "NULL", n, evbuffer_get_length(b));
	free(line);
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_NUL);
	printf("nul empty: %s n=%zu\n", line ? "line" : "NULL", n);
	evbuffer_free(b);
	(void)t3;

	/* readline (compat) */
	b = evbuffer_new();
	evbuffer_add(b, "first\r\n\r\nsecond\nthird", 21);
	while ((line = evbuffer_readline(b)) != NULL) {
		printf("readline: [%s]\n", line);
		free(line);
	}
	printf("readline rest=%zu\n", evbuffer_get_length(b));
	evbuffer_free(b);

	/* search_eol with start pointers */
	b = pieces(t2);
	eol("any", b, NULL, EVBUFFER_EOL_ANY);
	evbuffer_ptr_set(b, &p, 2, EVBUFFER_PTR_SET);
	eol("any@2", b, &p, EVBUFFER_EOL_ANY);
	eol("crlf@2", b, &p, EVBUFFER_EOL_CRLF);
	eol("strict@2", b, &p, EVBUFFER_EOL_CRLF_STRICT);
	eol("lf@2", b, &p, EVBUFFER_EOL_LF);
	evbuffer_ptr_set(b, &p, 4, EVBUFFER_PTR_SET);
	eol("crlf@4 (starts at LF)", b, &p, EVBUFFER_EOL_CRLF);
	evbuffer_ptr_set(b, &p, 10, EVBUFFER_PTR_SET);
	eol("lf@10 (none)", b, &p, EVBUFFER_EOL_LF);
	eol("nul", b, NULL, EVBUFFER_EOL_NUL);
	evbuffer_ptr_set(b, &p, evbuffer_get_length(b), EVBUFFER_PTR_SET);
	eol("at end", b, &p, EVBUFFER_EOL_ANY);
	evbuffer_free(b);

	/* ptr_set */
	b = pieces(t4);
	printf("len=%zu\n", evbuffer_get_length(b));
	r = evbuffer_ptr_set(b, &p, 5, EVBUFFER_PTR_SET);
	printf("ptr_set 5: %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 10, EVBUFFER_PTR_ADD);
	printf("ptr_add 10: %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 9, EVBUFFER_PTR_ADD);
	printf("ptr_add 9 (to end): %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_ADD);
	printf("ptr_add 0 at end: %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD);
	printf("ptr_add past end: %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 25, EVBUFFER_PTR_SET);
	printf("ptr_set past end: %d pos=%d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 24, EVBUFFER_PTR_SET);
	printf("ptr_set end: %d pos=%d\n", r, (int)p.pos);

	/* search / search_range */
	p = evbuffer_search(b, "hello", 5, NULL);
	printf("search hello: %d\n", (int)p.pos);
	q = p;
	evbuffer_ptr_set(b, &q, 1, EVBUFFER_PTR_ADD);
	p = evbuffer_search(b, "hello", 5, &q);
	printf("search hello from 1: %d\n", (int)p.pos);
	p = evbuffer_search(b, "world, hello", 12, NULL);
	printf("search across chains: %d\n", (int)p.pos);
	p = evbuffer_search(b, "again!", 6, NULL);
	printf("search past end: %d\n", (int)p.pos);
	p = evbuffer_search(b, "zzz", 3, NULL);
	printf("search missing: %d\n", (int)p.pos);
	p = evbuffer_search(b, "h", 0, NULL);
	printf("search empty needle: %d\n", (int)p.pos);
	p = evbuffer_search(b, "n", 1, NULL);
	printf("search last byte: %d\n", (int)p.pos);
	evbuffer_ptr_set(b, &e, 20, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(b, "hello", 5, NULL, &e);
	printf("search_range hello <20: %d\n", (int)p.pos);
	q = p;
	evbuffer_ptr_set(b, &q, 1, EVBUFFER_PTR_ADD);
	p = evbuffer_search_range(b, "hello", 5, &q, &e);
	printf("search_range hello from 1 <20: %d\n", (int)p.pos);
	evbuffer_ptr_set(b, &e, 21, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(b, "hello", 5, &q, &e);
	printf("search_range hello from 1 <21: %d\n", (int)p.pos);
	p = evbuffer_search_range(b, "lo", 2, NULL, NULL);
	printf("search_range no end: %d\n", (int)p.pos);

	/* peek */
	r = evbuffer_peek(b, -1, NULL, NULL, 0);
	printf("peek count all: %d\n", r);
	r = evbuffer_peek(b, 10, NULL, NULL, 0);
	printf("peek count 10: %d\n", r);
	r = evbuffer_peek(b, 8, NULL, NULL, 0);
	printf("peek count 8: %d\n", r);
	r = evbuffer_peek(b, -1, NULL, v, 2);
	printf("peek 2 vecs: %d", r);
	for (i = 0; i < r && i < 2; i++)
		printf(" [%.*s]", (int)v[i].iov_len, (char *)v[i].iov_base);
	printf("\n");
	r = evbuffer_peek(b, 20, NULL, v, 1);
	printf("peek 20 into 1 vec: %d [%.*s]\n", r, (int)v[0].iov_len, (char *)v[0].iov_base);
	evbuffer_ptr_set(b, &p, 11, EVBUFFER_PTR_SET);
	r = evbuffer_peek(b, -1, &p, v, 8);
	printf("peek from 11: %d", r);
	for (i = 0; i < r; i++)
		printf(" [%.*s]", (int)v[i].iov_len, (char *)v[i].iov_base);
	printf("\n");
	r = evbuffer_peek(b, -1, &p, NULL, 0);
	printf("peek count from 11: %d\n", r);
	evbuffer_ptr_set(b, &p, 24, EVBUFFER_PTR_SET);
	printf("peek from end: %d\n", evbuffer_peek(b, -1, &p, v, 8));

	/* find (compat) */
	f = evbuffer_find(b, (const unsigned char *)"rld, h", 6);
	printf("find: %s\n", f ? "found" : "NULL");
	if (f)
		printf("find text: %.8s contiguous=%d\n", (char *)f,
		    evbuffer_get_contiguous_space(b) >= 14);
	f = evbuffer_find(b, (const unsigned char *)"nope", 4);
	printf("find missing: %s\n", f ? "found" : "NULL");
	printf("len=%zu\n", evbuffer_get_length(b));
	evbuffer_free(b);

	b = evbuffer_new();
	printf("empty: search=%d peek=%d find=%s\n", (int)evbuffer_search(b, "a", 1, NULL).pos,
	    evbuffer_peek(b, -1, NULL, NULL, 0), evbuffer_find(b, (const unsigned char *)"a", 1) ? "found" : "NULL");
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_LF);
	printf("empty readln: %s n=%zu\n", line ? "line" : "NULL", n);
	evbuffer_add(b, "no eol here\r", 12);
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_CRLF_STRICT);
	printf("lone CR strict: %s\n", line ? "line" : "NULL");
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_ANY);
	printf("lone CR any: [%s] rest=%zu\n", line ? line : "NULL", evbuffer_get_length(b));
	free(line);
	evbuffer_free(b);
	printf("done\n");
	return 0;
}
