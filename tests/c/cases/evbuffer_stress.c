/* evbuffer_stress: 200000 random operations (add, drain, remove, copyout,
 * pullup, prepend, add_buffer, remove_buffer, readln) on two buffers,
 * first with sizes up to 20000 then with small ones, against a model kept in plain arrays;
 * prints the mismatches (none expected) and checksums along the way. */
/* timeout: 60 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

#define CAP (1 << 20)

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct model {
	unsigned char *d;
	size_t len;
};

static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long h = 5381;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h * 33) ^ p[i];
	return h & 0xffffffffUL;
}

static int mismatches;
static void expect(int ok, int step, const char *what)
{
	if (!ok && mismatches++ < 10)
		printf("mismatch at %d: %s\n", step, what);
}

int main(void)
{
	struct evbuffer *b[2];
	struct model m[2];
	static unsigned char tmp[CAP], src[70000];
	int step, i, w, o;
	size_t n, k;
	unsigned char *p;
	char *line;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_stress", 60);
	for (i = 0; i < (int)sizeof(src); i++)
		src[i] = (unsigned char)(rnd(5) == 0 ? '\n' : 'a' + rnd(26));
	for (i = 0; i < 2; i++) {
		b[i] = evbuffer_new();
		m[i].d = malloc(CAP * 2);
		m[i].len = 0;
	}
	for (step = 0; step < 200000; step++) {
		w = rnd(2);
		o = w ^ 1;
		if (step < 100000)
			n = rnd(8) == 0 ? rnd(20000) : rnd(200);
		else /* small buffers: the C layer's fast path */
			n = rnd(4) == 0 ? rnd(700) : rnd(48);
		if (step == 100000) {
			evbuffer_drain(b[0], m[0].len);
			evbuffer_drain(b[1], m[1].len);
			m[0].len = m[1].len = 0;
		}
		switch (rnd(11)) {
		case 0: case 1: case 2:
			if (m[w].len + n > CAP)
				n = 0;
			k = rnd(sizeof(src) - n);
			expect(evbuffer_add(b[w], src + k, n) == 0, step, "add");
			memcpy(m[w].d + m[w].len, src + k, n);
			m[w].len += n;
			break;
		case 3: case 4:
			expect(evbuffer_drain(b[w], n) == 0, step, "drain");
			k = n < m[w].len ? n : m[w].len;
			memmove(m[w].d, m[w].d + k, m[w].len - k);
			m[w].len -= k;
			break;
		case 5:
			k = n < m[w].len ? n : m[w].len;
			expect(evbuffer_remove(b[w], tmp, n) == (int)k, step, "remove count");
			expect(memcmp(tmp, m[w].d, k) == 0, step, "remove bytes");
			memmove(m[w].d, m[w].d + k, m[w].len - k);
			m[w].len -= k;
			break;
		case 6:
			k = n < m[w].len ? n : m[w].len;
			expect(evbuffer_copyout(b[w], tmp, n) == (ev_ssize_t)k, step, "copyout count");
			expect(memcmp(tmp, m[w].d, k) == 0, step, "copyout bytes");
			break;
		case 7:
			k = n < m[w].len ? n : m[w].len;
			p = evbuffer_pullup(b[w], (ev_ssize_t)k);
			expect(k == 0 ? p == NULL : (p && memcmp(p, m[w].d, k) == 0), step, "pullup");
			break;
		case 8:
			if (m[w].len + n > CAP)
				n = 0;
			k = rnd(sizeof(src) - n);
			expect(evbuffer_prepend(b[w], src + k, n) == 0, step, "prepend");
			memmove(m[w].d + n, m[w].d, m[w].len);
			memcpy(m[w].d, src + k, n);
			m[w].len += n;
			break;
		case 9:
			if (m[w].len + m[o].len > CAP) {
				evbuffer_drain(b[o], m[o].len);
				m[o].len = 0;
			}
			if (rnd(2)) {
				expect(evbuffer_add_buffer(b[w], b[o]) == 0, step, "add_buffer");
				memcpy(m[w].d + m[w].len, m[o].d, m[o].len);
				m[w].len += m[o].len;
				m[o].len = 0;
			} else {
				k = n < m[o].len ? n : m[o].len;
				expect(evbuffer_remove_buffer(b[o], b[w], n) == (int)k, step, "remove_buffer");
				memcpy(m[w].d + m[w].len, m[o].d, k);
				m[w].len += k;
				memmove(m[o].d, m[o].d + k, m[o].len - k);
				m[o].len -= k;
			}
			break;
		case 10:
			line = evbuffer_readln(b[w], &k, EVBUFFER_EOL_LF);
			p = memchr(m[w].d, '\n', m[w].len);
			expect((line != NULL) == (p != NULL), step, "readln found");
			if (line && p) {
				expect(k == (size_t)(p - m[w].d) && memcmp(line, m[w].d, k) == 0, step, "readln line");
				memmove(m[w].d, p + 1, m[w].len - k - 1);
				m[w].len -= k + 1;
			}
			free(line);
			break;
		}
		expect(evbuffer_get_length(b[w]) == m[w].len, step, "length");
		if (step % 20000 == 0)
			printf("step %d: len %zu/%zu sum %lu/%lu\n", step, m[0].len, m[1].len, sum(m[0].d, m[0].len),
			    sum(m[1].d, m[1].len));
	}
	for (i = 0; i < 2; i++) {
		n = evbuffer_get_length(b[i]);
		p = evbuffer_pullup(b[i], -1);
		expect(n == m[i].len && (n == 0 || memcmp(p, m[i].d, n) == 0), step, "final");
		evbuffer_free(b[i]);
		free(m[i].d);
	}
	printf("mismatches: %d\n", mismatches);
	return 0;
}
