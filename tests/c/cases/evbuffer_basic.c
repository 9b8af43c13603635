/* evbuffer_basic: evbuffer_new/free/add/add_buffer/drain/remove/copyout/
 * get_length/pullup on small and multi-KB data, with edge cases (zero
 * lengths, more than available, empty buffers). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

/* deterministic pattern: byte i of stream s */
static unsigned char pat(int s, size_t i)
{
	return (unsigned char)((i * 31 + s * 7 + (i >> 8)) & 0xff);
}

static void fill(unsigned char *p, int s, size_t off, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		p[i] = pat(s, off + i);
}

static int check(const unsigned char *p, int s, size_t off, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (p[i] != pat(s, off + i))
			return 0;
	return 1;
}

static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long h = 5381;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h * 33) ^ p[i];
	return h & 0xffffffffUL;
}

int main(void)
{
	struct evbuffer *a, *b, *c;
	unsigned char *big, *out, *p;
	size_t BIG = 100000;
	int r, i;
	ev_ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_basic", 15);
	big = malloc(BIG);
	out = malloc(BIG + 16);
	fill(big, 1, 0, BIG);

	printf("== empty buffer\n");
	a = evbuffer_new();
	printf("evbuffer_new: %s length=%u\n", a ? "non-NULL" : "NULL", (unsigned)evbuffer_get_length(a));
	printf("copyout 10 from empty: %d\n", (int)evbuffer_copyout(a, out, 10));
	printf("remove 10 from empty: %d\n", evbuffer_remove(a, out, 10));
	r = evbuffer_drain(a, 10);
	printf("drain 10 from empty: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));
	printf("pullup(-1) of empty: %s\n", evbuffer_pullup(a, -1) ? "non-NULL" : "NULL");
	printf("pullup(0) of empty: %s\n", evbuffer_pullup(a, 0) ? "non-NULL" : "NULL");
	r = evbuffer_add(a, "x", 0);
	printf("add 0 bytes: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));

	printf("== small adds\n");
	r = evbuffer_add(a, "hello", 5);
	printf("add hello: %d", r);
	r = evbuffer_add(a, ", ", 2);
	printf(" add comma: %d", r);
	r = evbuffer_add(a, "world", 5);
	printf(" add world: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));
	memset(out, 0, 32);
	n = evbuffer_copyout(a, out, 5);
	printf("copyout 5: %d '%s' length=%u\n", (int)n, out, (unsigned)evbuffer_get_length(a));
	memset(out, 0, 32);
	n = evbuffer_copyout(a, out, 100);
	printf("copyout 100: %d '%s' length=%u\n", (int)n, out, (unsigned)evbuffer_get_length(a));
	memset(out, 0, 32);
	r = evbuffer_remove(a, out, 7);
	printf("remove 7: %d '%s' length=%u\n", r, out, (unsigned)evbuffer_get_length(a));
	r = evbuffer_remove(a, out, 0);
	printf("remove 0: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));
	p = evbuffer_pullup(a, 3);
	printf("pullup 3: %s '%.3s'\n", p ? "non-NULL" : "NULL", p ? (char *)p : "");
	p = evbuffer_pullup(a, 6);
	printf("pullup 6 (> length 5): %s length=%u\n", p ? "non-NULL" : "NULL", (unsigned)evbuffer_get_length(a));
	r = evbuffer_drain(a, 2);
	printf("drain 2: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));
	memset(out, 0, 32);
	r = evbuffer_remove(a, out, 100);
	printf("remove 100: %d '%s' length=%u\n", r, out, (unsigned)evbuffer_get_length(a));

	printf("== 100000 bytes in uneven pieces\n");
	{
		size_t off = 0, piece = 1;
		int adds = 0;
		while (off < BIG) {
			size_t k = piece;
			if (k > BIG - off)
				k = BIG - off;
			if (evbuffer_add(a, big + off, k) != 0)
				printf("add failed at %u\n", (unsigned)off);
			off += k;
			piece = piece * 3 + 1;
			if (piece > 7000)
				piece = 13;
			adds++;
		}
		printf("adds=%d length=%u\n", adds, (unsigned)evbuffer_get_length(a));
	}
	n = evbuffer_copyout(a, out, BIG);
	printf("copyout all: %d match=%s\n", (int)n, tc_yesno(check(out, 1, 0, BIG)));
	n = evbuffer_copyout(a, out, 3000);
	printf("copyout 3000: %d match=%s length=%u\n", (int)n, tc_yesno(check(out, 1, 0, 3000)),
	    (unsigned)evbuffer_get_length(a));
	r = evbuffer_remove(a, out, 4097);
	printf("remove 4097: %d match=%s length=%u\n", r, tc_yesno(check(out, 1, 0, 4097)),
	    (unsigned)evbuffer_get_length(a));
	r = evbuffer_drain(a, 10000);
	printf("drain 10000: %d length=%u\n", r, (unsigned)evbuffer_get_length(a));
	p = evbuffer_pullup(a, 20000);
	printf("pullup 20000: %s match=%s length=%u\n", p ? "non-NULL" : "NULL",
	    tc_yesno(p && check(p, 1, 14097, 20000)), (unsigned)evbuffer_get_length(a));
	p = evbuffer_pullup(a, -1);
	printf("pullup -1: %s match=%s sum=%08lx\n", p ? "non-NULL" : "NULL",
	    tc_yesno(p && check(p, 1, 14097, BIG - 14097)), p ? sum(p, BIG - 14097) : 0UL);
	p = evbuffer_pullup(a, -1);
	printf("pullup -1 again: %s match=%s\n", p ? "non-NULL" : "NULL",
	    tc_yesno(p && check(p, 1, 14097, BIG - 14097)));
	r = evbuffer_remove(a, out, BIG);
	printf("remove rest: %d match=%s length=%u\n", r, tc_yesno(check(out, 1, 14097, (size_t)r)),
	    (unsigned)evbuffer_get_length(a));

	printf("== add_buffer\n");
	b = evbuffer_new();
	c = evbuffer_new();
	fill(out, 2, 0, 5000);
	evbuffer_add(a, big, 3000);       /* stream 1 bytes 0..2999 */
	evbuffer_add(b, out, 5000);       /* stream 2 bytes 0..4999 */
	r = evbuffer_add_buffer(a, b);
	printf("add_buffer: %d a=%u b=%u\n", r, (unsigned)evbuffer_get_length(a), (unsigned)evbuffer_get_length(b));
	n = evbuffer_copyout(a, out, 8000);
	printf("a content: %d first=%s second=%s\n", (int)n, check(out, 1, 0, 3000) ? "ok" : "bad",
	    check(out + 3000, 2, 0, 5000) ? "ok" : "bad");
	r = evbuffer_add_buffer(a, c);
	printf("add_buffer from empty: %d a=%u c=%u\n", r, (unsigned)evbuffer_get_length(a), (unsigned)evbuffer_get_length(c));
	r = evbuffer_add_buffer(c, a);
	printf("add_buffer into empty: %d a=%u c=%u\n", r, (unsigned)evbuffer_get_length(a), (unsigned)evbuffer_get_length(c));
	r = evbuffer_add_buffer(c, c);
	printf("add_buffer into itself: %d c=%u\n", r, (unsigned)evbuffer_get_length(c));
	/* interleave: c += "X"; c += b("YY"); then drain exactly across the boundary */
	evbuffer_add(c, "X", 1);
	evbuffer_add(b, "YY", 2);
	evbuffer_add_buffer(c, b);
	printf("c=%u\n", (unsigned)evbuffer_get_length(c));
	r = evbuffer_drain(c, 7999);
	printf("drain 7999: %d c=%u\n", r, (unsigned)evbuffer_get_length(c));
	memset(out, 0, 8);
	r = evbuffer_remove(c, out, 8);
	printf("remove 8: %d '%s' c=%u\n", r, out, (unsigned)evbuffer_get_length(c));

	printf("== many small adds then pullup\n");
	for (i = 0; i < 1000; i++) {
		char line[16];
		int len = snprintf(line, sizeof(line), "%04d,", i);
		evbuffer_add(c, line, (size_t)len);
	}
	printf("length=%u\n", (unsigned)evbuffer_get_length(c));
	p = evbuffer_pullup(c, 15);
	printf("pullup 15: '%.15s'\n", p ? (char *)p : "(null)");
	p = evbuffer_pullup(c, -1);
	printf("pullup -1 tail: '%.10s' sum=%08lx\n", p ? (char *)p + 4990 : "(null)",
	    p ? sum(p, 5000) : 0UL);
	r = evbuffer_drain(c, 100000);
	printf("drain more than length: %d length=%u\n", r, (unsigned)evbuffer_get_length(c));

	evbuffer_free(a);
	evbuffer_free(b);
	evbuffer_free(c);
	free(big);
	free(out);
	printf("done\n");
	return 0;
}
