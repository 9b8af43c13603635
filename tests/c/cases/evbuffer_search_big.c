/* evbuffer_search_big: evbuffer_search and evbuffer_search_range in a
 * buffer of 1 MiB added in blocks of several sizes (goevent searches big
 * blocks with a vector search in C, small ones and the seams between blocks
 * in Go): text over a 3-letter alphabet so that a needle's first and last
 * bytes match often, needles of 1 to 70 bytes taken from the text at and
 * around the 4 KiB seams and in the middle, absent needles, a start pointer
 * and an end limit just before and at the end of a match. Every answer is
 * also checked against a plain search of the same bytes. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

#define TOTAL (1 << 20)

static char text[TOTAL];

static long naive(const char *w, size_t m, size_t from)
{
	size_t i;
	for (i = from; i + m <= TOTAL; i++)
		if (memcmp(text + i, w, m) == 0)
			return (long)i;
	return -1;
}

int main(void)
{
	struct evbuffer *b = evbuffer_new();
	static const size_t sizes[] = { 4096, 64, 16384, 1000, 65536, 3 };
	size_t off = 0, k = 0, at, m;
	unsigned seed = 11;
	int i, bad = 0;

	tc_alarm("evbuffer_search_big", 20);
	for (i = 0; i < TOTAL; i++) {
		seed = seed * 1103515245u + 12345u;
		text[i] = 'a' + (char)((seed >> 16) % 3);
	}
	while (off < TOTAL) {
		size_t n = sizes[k++ % 6];
		if (n > TOTAL - off)
			n = TOTAL - off;
		evbuffer_add(b, text + off, n);
		off += n;
	}
	printf("length: %zu\n", evbuffer_get_length(b));

	for (at = 4096 - 40; at < TOTAL - 100; at = at * 3 + 4093) {
		for (m = 1; m <= 70; m += (m < 20 ? 1 : 7)) {
			struct evbuffer_ptr p = evbuffer_search(b, text + at, m, NULL);
			long want = naive(text + at, m, 0);
			if (p.pos != want)
				bad++;
			if (m == 12 || m == 69)
				printf("needle of %zu from %zu: found at %ld (%s)\n", m, at, (long)p.pos,
				    p.pos == (ev_ssize_t)at ? "its place" : p.pos < (ev_ssize_t)at ? "earlier" : "later?");
		}
	}
	printf("searches differing from a plain search: %d\n", bad);

	{
		/* absent: a byte outside the alphabet in the middle */
		char w[40];
		struct evbuffer_ptr p;
		memcpy(w, text + 500000, sizeof w);
		w[20] = 'z';
		p = evbuffer_search(b, w, sizeof w, NULL);
		printf("absent needle: %ld\n", (long)p.pos);
	}
	{
		/* from a start pointer and with an end limit */
		const char *w = text + 700001;
		long first = naive(w, 30, 0), next;
		struct evbuffer_ptr s, e, p;
		p = evbuffer_search(b, w, 30, NULL);
		printf("first at the needle's place or before: %s\n", tc_yesno(p.pos == first && first <= 700001));
		evbuffer_ptr_set(b, &s, (size_t)first + 1, EVBUFFER_PTR_SET);
		p = evbuffer_search(b, w, 30, &s);
		next = naive(w, 30, (size_t)first + 1);
		printf("from after it: %s\n", tc_yesno(p.pos == next));
		evbuffer_ptr_set(b, &e, (size_t)first + 29, EVBUFFER_PTR_SET);
		p = evbuffer_search_range(b, w, 30, NULL, &e);
		printf("end one byte short: %ld\n", (long)p.pos);
		evbuffer_ptr_set(b, &e, (size_t)first + 30, EVBUFFER_PTR_SET);
		p = evbuffer_search_range(b, w, 30, NULL, &e);
		printf("end at its end: %s\n", tc_yesno(p.pos == first));
	}
	{
		/* the very end of the buffer */
		struct evbuffer_ptr p = evbuffer_search(b, text + TOTAL - 17, 17, NULL);
		printf("last 17 bytes: %s\n", tc_yesno(p.pos == naive(text + TOTAL - 17, 17, 0)));
	}
	evbuffer_free(b);
	return 0;
}
